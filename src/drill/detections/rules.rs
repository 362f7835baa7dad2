//! The rule set: Sigma files (rampart's own, embedded at build time, and any the team
//! points at) parsed, checked and compiled once, with what each rule means to rampart.
//!
//! A rule file that does not parse or compile is named with its reason and the rest load;
//! a rule for another log source is counted and skipped. A team's rule with the id of a
//! built-in one replaces it, as a team's runbook does.

use super::gate::{self, Names};
use super::meta::{
    attack, attr, check_rampart_block, fires_on, is_cloudtrail, parse_fires_on, rampart_id,
    severity, unknown_derived_field,
};
pub use super::meta::{FiresOn, Rule};
use super::window::{self, Window};
use rsigma_eval::CompiledRule;
use rsigma_parser::{SigmaCollection, SigmaRule};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// rampart's own rules, `rules/*.yml`, in name order.
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// Each built-in rule's cases, `rules/cases/<id>.json`: records that fire it and near
/// misses (the tests judge them; the demo plays the firing ones as attacks).
const CASES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/rule_cases.rs"));

/// The cases of a built-in rule, as JSON text.
pub fn cases(id: &str) -> Option<&'static str> {
    CASES
        .iter()
        .find(|(name, _)| name.strip_suffix(".json") == Some(id))
        .map(|(_, text)| *text)
}

/// A file bigger than this is not a rule file.
const MAX_RULE_FILE: u64 = 1024 * 1024;

/// A file, or a rule in it, that did not load, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.reason)
    }
}

/// A compiled single-event rule.
pub(super) struct Single {
    pub compiled: CompiledRule,
    /// Index into `RuleSet::rules`.
    pub rule: usize,
    pub fires_on: FiresOn,
    /// Marks the events it matches (not a base rule only a correlation reads).
    pub marks: bool,
    /// The correlations it feeds.
    pub feeds: Vec<usize>,
    /// The event names it can fire on (`None`: any), until it is indexed.
    gate: Option<Names>,
    /// Its id and name, for correlations to refer to.
    sigma_id: Option<String>,
    sigma_name: Option<String>,
}

#[derive(Default)]
pub struct RuleSet {
    pub(super) rules: Vec<Rule>,
    pub(super) singles: Vec<Single>,
    pub(super) windows: Vec<Window>,
    /// Single rules gated by exact event name (lowercased); looked up for every event
    /// judged, so hashed with foldhash (SipHash was a hundredth of a replay).
    pub(super) by_name: HashMap<String, Vec<usize>, foldhash::fast::RandomState>,
    /// Single rules gated by a name prefix.
    pub(super) by_prefix: Vec<(Names, usize)>,
    /// Single rules that may fire on any event.
    pub(super) ungated: Vec<usize>,
    /// The parts of a record the rules read.
    pub(super) projection: super::projection::Projection,
    pub problems: Vec<Problem>,
    /// Rules skipped for another log source than AWS CloudTrail.
    pub other_logsource: usize,
    /// Rules switched off by `[detections] disabled`.
    pub disabled: usize,
    /// Rule files read, built-in ones included.
    pub files: usize,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .field("problems", &self.problems)
            .finish()
    }
}

/// One parsed rule or correlation, before the set is assembled.
struct Unit {
    rule: Rule,
    body: Body,
}

enum Body {
    Single(Box<SigmaRule>, Box<CompiledRule>),
    Window(Box<rsigma_parser::CorrelationRule>),
}

impl RuleSet {
    /// rampart's own rules only, parsed once per process (they are part of the binary).
    pub fn builtin() -> Arc<RuleSet> {
        static SET: OnceLock<Arc<RuleSet>> = OnceLock::new();
        SET.get_or_init(|| Arc::new(RuleSet::load(&[], &[])))
            .clone()
    }

    /// The built-in rules, then every `*.yml`/`*.yaml` under each directory (recursively,
    /// in name order); rule ids in `disabled` are left out.
    pub fn load(dirs: &[PathBuf], disabled: &[String]) -> RuleSet {
        let mut set = RuleSet::default();
        let mut units = Vec::new();
        for (name, text) in BUILTIN {
            set.files += 1;
            let file = format!("rules/{name} (built in)");
            units.extend(set.parse_file(&file, name, text, true));
        }
        for dir in dirs {
            let mut files = Vec::new();
            if let Err(e) = collect(dir, 0, &mut files) {
                set.problem(dir.display().to_string(), format!("cannot read: {e}"));
            }
            files.sort();
            for path in files {
                let file = path.display().to_string();
                let text = match read_rule_file(&path) {
                    Ok(t) => t,
                    Err(reason) => {
                        set.problem(file, reason);
                        continue;
                    }
                };
                set.files += 1;
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let mut parsed = set.parse_file(&file, &stem, &text, false);
                set.check_ids(&units, &mut parsed);
                units.extend(parsed);
            }
        }
        let before = units.len();
        units.retain(|u| !disabled.iter().any(|d| d == &u.rule.id));
        set.disabled = before - units.len();
        set.assemble(units);
        set
    }

    fn problem(&mut self, file: String, reason: impl Into<String>) {
        self.problems.push(Problem {
            file,
            reason: reason.into(),
        });
    }

    /// A team's rule replaces the built-in rule of its id; two of the team's files may not
    /// claim one id.
    fn check_ids(&mut self, loaded: &[Unit], parsed: &mut Vec<Unit>) {
        let mut keep = Vec::new();
        for u in parsed.drain(..) {
            match loaded.iter().find(|l| l.rule.id == u.rule.id) {
                Some(l) if !l.rule.builtin && l.rule.file != u.rule.file => {
                    let reason = format!(
                        "rule id `{}` is already taken by {}; give this rule another id (rampart: {{id: ...}})",
                        u.rule.id, l.rule.file
                    );
                    self.problem(u.rule.file.clone(), reason);
                }
                _ => keep.push(u),
            }
        }
        *parsed = keep;
    }

    fn parse_file(&mut self, file: &str, stem: &str, text: &str, builtin: bool) -> Vec<Unit> {
        let collection = match rsigma_parser::parse_sigma_yaml(text) {
            Ok(c) => c,
            Err(e) => {
                self.problem(file.to_string(), format!("not a Sigma rule file: {e}"));
                return Vec::new();
            }
        };
        for e in &collection.errors {
            self.problem(file.to_string(), e.clone());
        }
        let source: Arc<str> = Arc::from(text);
        let SigmaCollection {
            rules,
            correlations,
            ..
        } = collection;
        let unnamed = rules.iter().filter(|r| rampart_id(r).is_none()).count()
            + correlations
                .iter()
                .filter(|c| attr(&c.custom_attributes, "id").is_none() && c.name.is_none())
                .count();
        let mut out = Vec::new();
        let mut n = 0;
        let fallback_id = |n: &mut usize| {
            *n += 1;
            if unnamed > 1 {
                format!("{stem}-{n}")
            } else {
                stem.to_string()
            }
        };
        for r in rules {
            if !is_cloudtrail(&r.logsource) {
                self.other_logsource += 1;
                continue;
            }
            if let Some(reason) = check_rampart_block(&r.custom_attributes)
                .or_else(|| unknown_derived_field(&r.detection.named))
            {
                self.problem(file.to_string(), format!("rule `{}`: {reason}", r.title));
                continue;
            }
            let compiled = match rsigma_eval::compile_rule(&r) {
                Ok(c) => c,
                Err(e) => {
                    self.problem(file.to_string(), format!("rule `{}`: {e}", r.title));
                    continue;
                }
            };
            let id = rampart_id(&r).unwrap_or_else(|| fallback_id(&mut n));
            let rule = Rule {
                id,
                title: r.title.clone(),
                description: r.description.clone().unwrap_or_default(),
                severity: severity(r.level),
                level: r.level.map(|l| l.as_str()).unwrap_or("medium").to_string(),
                attack: attack(&r.custom_attributes, &r.tags),
                fires_on: fires_on(&r.custom_attributes, &r.detection.named),
                runbook: attr(&r.custom_attributes, "runbook"),
                author: r.author.clone().unwrap_or_default(),
                references: r.references.clone(),
                tags: r.tags.clone(),
                file: file.to_string(),
                builtin,
                source: source.clone(),
                marks_events: true,
            };
            out.push(Unit {
                rule,
                body: Body::Single(Box::new(r), Box::new(compiled)),
            });
        }
        for c in correlations {
            if let Err(reason) = window::supported(&c) {
                self.problem(
                    file.to_string(),
                    format!("correlation `{}`: {reason}", c.title),
                );
                continue;
            }
            if let Some(reason) = check_rampart_block(&c.custom_attributes) {
                self.problem(
                    file.to_string(),
                    format!("correlation `{}`: {reason}", c.title),
                );
                continue;
            }
            let id = attr(&c.custom_attributes, "id")
                .or_else(|| c.name.clone())
                .unwrap_or_else(|| fallback_id(&mut n));
            let rule = Rule {
                id,
                title: c.title.clone(),
                description: c.description.clone().unwrap_or_default(),
                severity: severity(c.level),
                level: c.level.map(|l| l.as_str()).unwrap_or("medium").to_string(),
                attack: attack(&c.custom_attributes, &c.tags),
                fires_on: attr(&c.custom_attributes, "fires_on")
                    .and_then(|f| parse_fires_on(&f))
                    .unwrap_or(FiresOn::Any),
                runbook: attr(&c.custom_attributes, "runbook"),
                author: c.author.clone().unwrap_or_default(),
                references: c.references.clone(),
                tags: c.tags.clone(),
                file: file.to_string(),
                builtin,
                source: source.clone(),
                marks_events: true,
            };
            out.push(Unit {
                rule,
                body: Body::Window(Box::new(c)),
            });
        }
        out
    }

    /// Built-in rules a team's rule replaces are dropped, correlations find their base
    /// rules, and the single rules are indexed by the event names they can fire on.
    fn assemble(&mut self, units: Vec<Unit>) {
        let team_ids: HashSet<String> = units
            .iter()
            .filter(|u| !u.rule.builtin)
            .map(|u| u.rule.id.clone())
            .collect();
        let mut correlations = Vec::new();
        let mut projection = super::projection::Projection::default();
        for u in units {
            if u.rule.builtin && team_ids.contains(&u.rule.id) {
                continue;
            }
            let rule = self.rule_index(u.rule);
            match u.body {
                Body::Single(r, compiled) => {
                    for f in super::meta::fields_of(&r.detection.named) {
                        projection.add(&f);
                    }
                    let fires_on = self.rules[rule].fires_on;
                    self.singles.push(Single {
                        compiled: *compiled,
                        rule,
                        fires_on,
                        marks: true,
                        feeds: Vec::new(),
                        gate: gate::of_rule(&r.detection.conditions, &r.detection.named),
                        sigma_id: r.id.clone(),
                        sigma_name: r.name.clone(),
                    });
                }
                Body::Window(c) => correlations.push((rule, c)),
            }
        }
        for (rule, c) in correlations {
            let mut bases = Vec::new();
            let mut missing = None;
            for reference in &c.rules {
                let found: Vec<usize> = (0..self.singles.len())
                    .filter(|&i| {
                        let s = &self.singles[i];
                        s.sigma_id.as_deref() == Some(reference)
                            || s.sigma_name.as_deref() == Some(reference)
                    })
                    .collect();
                if found.is_empty() {
                    missing = Some(reference.clone());
                    break;
                }
                bases.push(found);
            }
            if let Some(m) = missing {
                let file = self.rules[rule].file.clone();
                let reason = format!(
                    "correlation `{}` refers to rule `{m}`, which is not loaded",
                    c.title
                );
                self.problem(file, reason);
                continue;
            }
            let w = self.windows.len();
            let window = Window::new(rule, &c, bases);
            for f in &window.group_by {
                projection.add(f);
            }
            if let super::window::Kind::Values(f) = &window.kind {
                projection.add(f);
            }
            for &i in window.bases.iter().flatten() {
                let s = &mut self.singles[i];
                s.feeds.push(w);
                s.marks = c.generate;
            }
            self.windows.push(window);
        }
        self.projection = projection;
        for s in &self.singles {
            if !s.marks {
                self.rules[s.rule].marks_events = false;
            }
        }
        let gates: Vec<Option<Names>> = self.singles.iter_mut().map(|s| s.gate.take()).collect();
        for (i, g) in gates.into_iter().enumerate() {
            match g {
                Some(n) if n.prefixes.is_empty() => {
                    for name in n.exact {
                        self.by_name.entry(name).or_default().push(i);
                    }
                }
                Some(n) => self.by_prefix.push((n, i)),
                None => self.ungated.push(i),
            }
        }
    }

    /// Rule metadata is kept once per id: the documents of one correlation share it.
    fn rule_index(&mut self, rule: Rule) -> usize {
        match self
            .rules
            .iter()
            .position(|r| r.id == rule.id && r.file == rule.file)
        {
            Some(i) => i,
            None => {
                self.rules.push(rule);
                self.rules.len() - 1
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id && r.marks_events)
    }

    /// The rules that mark events (not the base rules of correlations).
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.marks_events)
    }

    /// How many compiled rules run: single-event rules and correlations.
    pub fn compiled(&self) -> (usize, usize) {
        (self.singles.len(), self.windows.len())
    }

    /// One line for the start-up message and the sources view.
    pub fn summary(&self) -> String {
        let builtin = self.rules().filter(|r| r.builtin).count();
        let team = self.rules().filter(|r| !r.builtin).count();
        let mut s = format!("{builtin} built-in detection rules");
        if team > 0 {
            s.push_str(&format!(", {team} from rule directories"));
        }
        if self.other_logsource > 0 {
            s.push_str(&format!(
                ", {} skipped (not AWS CloudTrail)",
                self.other_logsource
            ));
        }
        if self.disabled > 0 {
            s.push_str(&format!(", {} disabled", self.disabled));
        }
        if !self.problems.is_empty() {
            s.push_str(&format!(", {} not loaded", self.problems.len()));
        }
        s
    }
}

fn read_rule_file(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_RULE_FILE {
        return Err(format!(
            "{} bytes; a rule file is at most {MAX_RULE_FILE} bytes",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (byte {} is not valid)",
            e.utf8_error().valid_up_to()
        )
    })
}

/// `*.yml` and `*.yaml` under `dir`, without following links to directories (a link
/// loop would never end) and at most eight levels deep.
fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() && depth < 8 {
            collect(&path, depth + 1, out)?;
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
    Ok(())
}
