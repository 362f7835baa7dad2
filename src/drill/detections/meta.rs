//! What a Sigma rule means to rampart: its id, level, ATT&CK technique, runbook and the
//! calls it judges, from the rule's own fields and its `rampart:` block.

use crate::model::Severity;
use rsigma_parser::{Detection, Level, SigmaRule};
use std::collections::HashMap;
use std::sync::Arc;

/// Which calls a rule judges: CloudTrail marks a failed call with `errorCode` (a failed
/// console sign-in with `ConsoleLogin: Failure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FiresOn {
    Success,
    Failure,
    Any,
}

impl FiresOn {
    pub fn admits(self, failed: bool) -> bool {
        match self {
            FiresOn::Success => !failed,
            FiresOn::Failure => failed,
            FiresOn::Any => true,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FiresOn::Success => "successful calls",
            FiresOn::Failure => "failed calls",
            FiresOn::Any => "any call",
        }
    }
}

/// What a rule is to the console: shown beside the events it fires on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Stable: runbooks, notes and exports name it. `rampart.id`, else the rule's
    /// `name`, else its file's stem.
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    /// The Sigma `level` as written, e.g. `high`.
    pub level: String,
    /// ATT&CK technique(s): `rampart.attack`, else the `attack.tNNNN` tags.
    pub attack: String,
    pub fires_on: FiresOn,
    /// `rampart.runbook`: the runbook it opens.
    pub runbook: Option<String>,
    pub author: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    /// Where it came from: `rules/<file> (built in)` or the file's path.
    pub file: String,
    pub builtin: bool,
    /// The whole rule file, for `r` when no runbook covers the rule.
    pub source: Arc<str>,
    /// A correlation's base rule marks no event itself.
    pub marks_events: bool,
}

/// `rampart: {id: ...}`.
pub(super) fn rampart_id(r: &SigmaRule) -> Option<String> {
    attr(&r.custom_attributes, "id").or_else(|| r.name.clone())
}

pub(super) fn attr(custom: &HashMap<String, yaml_serde::Value>, key: &str) -> Option<String> {
    let block = custom.get("rampart")?;
    match block.get(key)? {
        yaml_serde::Value::String(s) => Some(s.clone()),
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const RAMPART_KEYS: &[&str] = &["id", "runbook", "fires_on", "attack"];

/// The `rampart:` block, when there is one: a mapping of known keys.
pub(super) fn check_rampart_block(custom: &HashMap<String, yaml_serde::Value>) -> Option<String> {
    let block = custom.get("rampart")?;
    let Some(map) = block.as_mapping() else {
        return Some("`rampart` must be a mapping (id, runbook, fires_on, attack)".into());
    };
    for (k, v) in map {
        let key = k.as_str().unwrap_or("?");
        if !RAMPART_KEYS.contains(&key) {
            return Some(format!(
                "`rampart.{key}` is not a rampart field; expected one of {}",
                RAMPART_KEYS.join(", ")
            ));
        }
        if key == "fires_on" && v.as_str().and_then(parse_fires_on).is_none() {
            return Some(format!(
                "`rampart.fires_on`: expected success, failure or any, found {v:?}"
            ));
        }
    }
    None
}

pub(super) fn parse_fires_on(s: &str) -> Option<FiresOn> {
    match s {
        "success" => Some(FiresOn::Success),
        "failure" => Some(FiresOn::Failure),
        "any" => Some(FiresOn::Any),
        _ => None,
    }
}

/// `rampart.fires_on`, else: a rule that looks at `errorCode` or `errorMessage` judges
/// failures itself; any other rule is about calls that succeeded.
pub(super) fn fires_on(
    custom: &HashMap<String, yaml_serde::Value>,
    named: &HashMap<String, Detection>,
) -> FiresOn {
    if let Some(f) = attr(custom, "fires_on").and_then(|f| parse_fires_on(&f)) {
        return f;
    }
    if fields_of(named)
        .iter()
        .any(|f| f.eq_ignore_ascii_case("errorCode") || f.eq_ignore_ascii_case("errorMessage"))
    {
        FiresOn::Any
    } else {
        FiresOn::Success
    }
}

/// Every field a rule's named detections ask for.
pub(super) fn fields_of(named: &HashMap<String, Detection>) -> Vec<String> {
    let mut fields = Vec::new();
    for d in named.values() {
        field_names(d, &mut fields);
    }
    fields
}

fn field_names(d: &Detection, out: &mut Vec<String>) {
    match d {
        Detection::AllOf(items) => out.extend(items.iter().filter_map(|i| i.field.name.clone())),
        Detection::AnyOf(parts) | Detection::And(parts) => {
            parts.iter().for_each(|p| field_names(p, out))
        }
        Detection::ArrayMatch { field, body, .. } => {
            out.push(field.clone());
            field_names(body, out);
        }
        Detection::Conditional { named, .. } => named.values().for_each(|p| field_names(p, out)),
        Detection::Keywords(_) => {}
    }
}

/// A `rampart.*` field the rule asks for and rampart does not compute.
pub(super) fn unknown_derived_field(named: &HashMap<String, Detection>) -> Option<String> {
    let fields = fields_of(named);
    let unknown = fields.iter().find_map(|f| {
        f.strip_prefix("rampart.")
            .filter(|name| !super::derived::FIELDS.contains(name))
    })?;
    Some(format!(
        "`rampart.{unknown}` is not a field rampart computes; expected one of {}",
        super::derived::FIELDS
            .iter()
            .map(|f| format!("rampart.{f}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

pub(super) fn is_cloudtrail(l: &rsigma_parser::LogSource) -> bool {
    let is =
        |v: &Option<String>, want: &str| v.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
    is(&l.product, "aws") && is(&l.service, "cloudtrail")
}

pub(super) fn severity(level: Option<Level>) -> Severity {
    match level {
        Some(Level::Critical) => Severity::Critical,
        Some(Level::High) => Severity::High,
        Some(Level::Low) => Severity::Low,
        Some(Level::Informational) => Severity::Informational,
        Some(Level::Medium) | None => Severity::Medium,
    }
}

/// `rampart.attack`, else the ATT&CK technique tags (`attack.t1078.004` is `T1078.004`).
pub(super) fn attack(custom: &HashMap<String, yaml_serde::Value>, tags: &[String]) -> String {
    if let Some(a) = attr(custom, "attack") {
        return a;
    }
    tags.iter()
        .filter_map(|t| t.strip_prefix("attack."))
        .filter(|t| {
            let mut c = t.chars();
            matches!(c.next(), Some('t' | 'T')) && c.next().is_some_and(|d| d.is_ascii_digit())
        })
        .map(|t| t.to_uppercase())
        .collect::<Vec<_>>()
        .join(", ")
}
