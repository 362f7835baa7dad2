//! Runbooks: what to do about a kind of finding, detection or exposure, as plain text files
//! (`runbooks/*.md`, built in; a user directory adds or overrides by id).
//!
//! A file is a header of `key: value` lines (id, title, severity, and what it covers:
//! finding types, control ids, detection ids, resource types, credential flags), a `---`
//! line, then six sections: Triage, Evidence, Contain, Recover, Commands, Escalate. Commands
//! are lines starting `$ `: rampart shows and copies them and never runs them. A bad file is
//! reported with its file and line and left out; the others still load.

use crate::model::{Finding, Severity};
use std::path::{Path, PathBuf};

/// The sections every runbook has, in order.
pub const SECTIONS: [&str; 6] = [
    "Triage", "Evidence", "Contain", "Recover", "Commands", "Escalate",
];

/// The built-in library: every `runbooks/*.md`, embedded by `build.rs`.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runbooks.rs"));

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Globs over a finding's types and generator id (case-insensitive).
    pub types: Vec<String>,
    pub controls: Vec<String>,
    pub detections: Vec<String>,
    /// Resource types of public-access rows (`AWS::S3::Bucket`).
    pub resources: Vec<String>,
    /// Credential-report risk flags (`old-key`, `no-mfa`).
    pub credentials: Vec<String>,
    /// (section name, its lines), in [`SECTIONS`] order.
    pub sections: Vec<(&'static str, Vec<String>)>,
    /// Where it was read: `built-in` or the user file's path.
    pub origin: String,
}

impl Runbook {
    /// A detection rule with no runbook, shown as one: what it looks for, where it comes
    /// from, and its Sigma source.
    pub fn from_rule(rule: &crate::drill::detect::Rule) -> Runbook {
        let mut triage = vec![rule.description.clone()];
        triage.push(format!(
            "Level: {} · fires on {}",
            rule.level,
            rule.fires_on.label()
        ));
        if !rule.attack.is_empty() {
            triage.push(format!("ATT&CK: {}", rule.attack));
        }
        if !rule.author.is_empty() {
            triage.push(format!("Author: {}", rule.author));
        }
        triage.extend(rule.references.iter().map(|r| format!("Reference: {r}")));
        triage.push("No runbook covers this rule: its Sigma source is below.".into());
        let mut evidence = vec![format!("Rule file: {}", rule.file)];
        evidence.extend(rule.source.lines().map(str::to_string));
        Runbook {
            id: format!("rule:{}", rule.id),
            title: rule.title.clone(),
            severity: rule.severity,
            types: Vec::new(),
            controls: Vec::new(),
            detections: vec![rule.id.clone()],
            resources: Vec::new(),
            credentials: Vec::new(),
            sections: vec![("Triage", triage), ("Evidence", evidence)],
            origin: rule.file.clone(),
        }
    }

    /// The AWS CLI commands, without their `$ `.
    pub fn commands(&self) -> Vec<&str> {
        self.section("Commands")
            .iter()
            .filter_map(|l| l.strip_prefix("$ "))
            .collect()
    }

    pub fn section(&self, name: &str) -> &[String] {
        self.sections
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&[], |(_, lines)| lines.as_slice())
    }
}

/// A file that could not be read as a runbook, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RunbookError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

const MAX_LINE: usize = 200;

/// Reads one runbook. `file` names it in errors; `stem` is its file name without `.md`.
pub fn parse(text: &str, file: &str, stem: &str) -> Result<Runbook, RunbookError> {
    let err = |line: usize, message: String| RunbookError {
        file: file.to_string(),
        line,
        message,
    };
    let mut rb = Runbook {
        id: String::new(),
        title: String::new(),
        severity: Severity::Informational,
        types: Vec::new(),
        controls: Vec::new(),
        detections: Vec::new(),
        resources: Vec::new(),
        credentials: Vec::new(),
        sections: Vec::new(),
        origin: String::new(),
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let mut seen: Vec<&str> = Vec::new();
    let mut severity = None;
    let mut header_end = 0;
    for (n, line) in lines.by_ref() {
        if line.chars().count() > MAX_LINE {
            return Err(err(n, format!("line longer than {MAX_LINE} characters")));
        }
        if line.trim() == "---" {
            header_end = n;
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("## ") {
            return Err(err(
                n,
                "expected a `---` line between the header and the first section".into(),
            ));
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(err(
                n,
                format!("expected `key: value` or `---`, found {line:?}"),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if seen.contains(&key) {
            return Err(err(n, format!("`{key}` given twice")));
        }
        let list = || -> Vec<String> {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        match key {
            "id" => {
                if value != stem {
                    return Err(err(
                        n,
                        format!("id `{value}` must be the file's name (`{stem}`)"),
                    ));
                }
                rb.id = value.to_string();
            }
            "title" => rb.title = value.to_string(),
            "severity" => {
                severity = Some(Severity::from_label(value).ok_or_else(|| {
                    err(
                        n,
                        format!("severity: expected critical, high, medium or low, found {value:?}"),
                    )
                })?)
            }
            "types" => rb.types = list(),
            "controls" => rb.controls = list(),
            // Checked against the loaded rules (a team's runbook may name a team's rule):
            // see `Library::unknown_detections`.
            "detections" => rb.detections = list(),
            "resources" => rb.resources = list(),
            "credentials" => rb.credentials = list(),
            other => {
                return Err(err(
                    n,
                    format!("unknown key `{other}`: expected id, title, severity, types, controls, detections, resources or credentials"),
                ))
            }
        }
        seen.push(key);
    }
    if header_end == 0 {
        return Err(err(1, "no `---` line after the header".into()));
    }
    for (key, missing) in [
        ("id", rb.id.is_empty()),
        ("title", rb.title.is_empty()),
        ("severity", severity.is_none()),
    ] {
        if missing {
            return Err(err(1, format!("the header has no `{key}`")));
        }
    }
    rb.severity = severity.unwrap_or(Severity::Informational);
    if rb.types.is_empty()
        && rb.controls.is_empty()
        && rb.detections.is_empty()
        && rb.resources.is_empty()
        && rb.credentials.is_empty()
    {
        return Err(err(
            header_end,
            "covers nothing: give types, controls, detections, resources or credentials".into(),
        ));
    }
    let mut current: Option<(&'static str, Vec<String>)> = None;
    for (n, line) in lines {
        if line.chars().count() > MAX_LINE {
            return Err(err(n, format!("line longer than {MAX_LINE} characters")));
        }
        if let Some(name) = line.strip_prefix("## ") {
            let expected = SECTIONS.get(rb.sections.len() + usize::from(current.is_some()));
            let Some(&expected) = expected.filter(|e| **e == name.trim()) else {
                return Err(err(
                    n,
                    format!(
                        "section `{}`: expected `## {}` (sections: {})",
                        name.trim(),
                        expected.copied().unwrap_or("(none: the six are done)"),
                        SECTIONS.join(", ")
                    ),
                ));
            };
            rb.sections.extend(current.take());
            current = Some((expected, Vec::new()));
            continue;
        }
        match &mut current {
            Some((_, body)) => body.push(line.trim_end().to_string()),
            None if line.trim().is_empty() => {}
            None => {
                return Err(err(n, format!("text before the first section: {line:?}")));
            }
        }
    }
    rb.sections.extend(current);
    if rb.sections.len() < SECTIONS.len() {
        let missing = SECTIONS[rb.sections.len()];
        return Err(err(
            text.lines().count().max(1),
            format!("missing section `## {missing}`"),
        ));
    }
    for (_, body) in &mut rb.sections {
        while body.last().is_some_and(|l| l.is_empty()) {
            body.pop();
        }
        while body.first().is_some_and(|l| l.is_empty()) {
            body.remove(0);
        }
    }
    if rb.commands().is_empty() {
        return Err(err(
            header_end,
            "`## Commands` has no command (a line starting `$ `)".into(),
        ));
    }
    Ok(rb)
}

/// The runbooks of a run, and the files that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Library {
    books: Vec<Runbook>,
    pub errors: Vec<RunbookError>,
    /// Unique to these books in this process (taken from a counter on each change): what
    /// a match remembered elsewhere was made against.
    version: u64,
}

impl Library {
    /// Which books these are: equal versions hold the same books.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The built-in runbooks.
    pub fn builtin() -> Library {
        let mut lib = Library::default();
        for (name, text) in BUILTIN {
            lib.add(text, &format!("runbooks/{name}"), "built-in");
        }
        lib
    }

    /// The built-in runbooks, then the `.md` files of `dir` (adding, or replacing one with
    /// the same id). A missing directory is no error.
    pub fn load(dir: Option<&Path>) -> Library {
        let mut lib = Library::builtin();
        if let Some(dir) = dir {
            lib.add_dir(dir);
        }
        lib
    }

    /// The `.md` files of `dir`: each adds a runbook or replaces the one with its id. A
    /// missing directory is no error.
    pub fn add_dir(&mut self, dir: &Path) {
        let lib = self;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for path in files {
            let shown = path.display().to_string();
            // A runbook is a page or two: anything bigger is not one.
            match std::fs::metadata(&path) {
                Ok(m) if m.len() > 256 * 1024 => {
                    lib.errors.push(RunbookError {
                        file: shown,
                        line: 1,
                        message: "larger than 256 KiB: not a runbook".into(),
                    });
                    continue;
                }
                _ => {}
            }
            match std::fs::read(&path) {
                Ok(bytes) => lib.add(&String::from_utf8_lossy(&bytes), &shown, &shown),
                Err(e) => lib.errors.push(RunbookError {
                    file: shown,
                    line: 1,
                    message: e.to_string(),
                }),
            }
        }
    }

    fn add(&mut self, text: &str, file: &str, origin: &str) {
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match parse(text, file, &stem) {
            Ok(mut rb) => {
                static VERSIONS: std::sync::atomic::AtomicU64 =
                    std::sync::atomic::AtomicU64::new(1);
                self.version = VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                rb.origin = origin.to_string();
                match self.books.iter_mut().find(|b| b.id == rb.id) {
                    Some(old) => *old = rb,
                    None => self.books.push(rb),
                }
            }
            Err(e) => self.errors.push(e),
        }
    }

    pub fn all(&self) -> &[Runbook] {
        &self.books
    }

    pub fn get(&self, id: &str) -> Option<&Runbook> {
        self.books.iter().find(|b| b.id == id)
    }

    /// `runbook (file): detection `x`` for each detection a runbook names that no loaded
    /// rule has.
    pub fn unknown_detections(&self, rules: &crate::drill::detect::RuleSet) -> Vec<String> {
        self.books
            .iter()
            .flat_map(|b| {
                b.detections
                    .iter()
                    .filter(|d| rules.get(d).is_none())
                    .map(move |d| {
                        format!("runbook {} ({}): no detection rule `{d}`", b.id, b.origin)
                    })
            })
            .collect()
    }

    /// A finding's runbook: by its control id first (the most specific), then by its types
    /// and generator.
    pub fn for_finding(&self, f: &Finding) -> Option<&Runbook> {
        if let Some(c) = &f.control_id {
            if let Some(rb) = self
                .books
                .iter()
                .find(|b| b.controls.iter().any(|x| x.eq_ignore_ascii_case(c)))
            {
                return Some(rb);
            }
        }
        // Matched without regard to punctuation: GuardDuty writes
        // `UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`, its ASFF
        // copy `.../UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS`.
        let texts: Vec<String> = f
            .types
            .iter()
            .map(|t| squash(t))
            .chain(std::iter::once(squash(&f.generator_id)))
            .chain(crate::model::guardduty_action::finding_type(f).map(|t| squash(&t)))
            .collect();
        // The most specific pattern wins: `*Persistence:IAMUser-AnomalousBehavior*` over
        // `*Persistence:IAMUser*`, whatever the files' order.
        self.books
            .iter()
            .filter_map(|b| {
                b.types
                    .iter()
                    .map(|p| squash(p))
                    .filter(|p| texts.iter().any(|t| crate::util::glob::glob_ci(p, t)))
                    .map(|p| p.chars().filter(|c| *c != '*').count())
                    .max()
                    .map(|score| (score, b))
            })
            .max_by(|(x, a), (y, b)| x.cmp(y).then_with(|| b.id.cmp(&a.id)))
            .map(|(_, b)| b)
    }

    pub fn for_detection(&self, id: &str) -> Option<&Runbook> {
        self.books
            .iter()
            .find(|b| b.detections.iter().any(|d| d == id))
    }

    pub fn for_resource_type(&self, kind: &str) -> Option<&Runbook> {
        self.books
            .iter()
            .find(|b| b.resources.iter().any(|r| r.eq_ignore_ascii_case(kind)))
    }

    /// The first runbook that covers one of these credential flags, in their order.
    pub fn for_credential_flags<'a>(
        &self,
        flags: impl IntoIterator<Item = &'a str>,
    ) -> Option<&Runbook> {
        flags.into_iter().find_map(|flag| {
            self.books
                .iter()
                .find(|b| b.credentials.iter().any(|c| c == flag))
        })
    }
}

/// Letters, digits and `*` only, lower-cased: how finding types and their patterns are
/// compared.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric() || *c == '*')
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod coverage_tests;
#[cfg(test)]
mod tests;
