//! Which events a rule can possibly fire on, read from its detection before it runs.
//!
//! Almost every CloudTrail rule pins `eventName`; a rule that does can be skipped, without
//! decoding a record, for every event whose name it does not name. Judging a million
//! events against a hundred rules is then a hash lookup per event plus the few rules that
//! pin no name. The gate is a superset: when in doubt (a `not`, a keyword, a wildcard in
//! the middle) the rule runs on every event.

use rsigma_parser::{ConditionExpr, Detection, Modifier, Quantifier, SelectorPattern, SigmaValue};
use rsigma_parser::{SigmaString, StringPart};
use std::collections::{BTreeSet, HashMap};

/// The event names a rule may fire on, lowercased (Sigma compares without case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub exact: BTreeSet<String>,
    pub prefixes: BTreeSet<String>,
}

impl Names {
    fn union(mut self, other: Names) -> Names {
        self.exact.extend(other.exact);
        self.prefixes.extend(other.prefixes);
        self
    }

    /// Whether a (lowercased) event name passes the gate.
    pub fn admits(&self, lower: &str) -> bool {
        self.exact.contains(lower) || self.prefixes.iter().any(|p| lower.starts_with(p))
    }
}

/// `None`: the rule may fire on any event name.
pub fn of_rule(conditions: &[ConditionExpr], named: &HashMap<String, Detection>) -> Option<Names> {
    let mut all: Option<Names> = Some(Names::default());
    for c in conditions {
        // Several conditions are alternatives: every one must be gated.
        all = match (all, of_condition(c, named)) {
            (Some(a), Some(b)) => Some(a.union(b)),
            _ => None,
        };
    }
    all.filter(|n| !n.exact.is_empty() || !n.prefixes.is_empty())
}

fn of_condition(expr: &ConditionExpr, named: &HashMap<String, Detection>) -> Option<Names> {
    match expr {
        // Every part must hold: any gated part gates the whole.
        ConditionExpr::And(parts) => parts.iter().find_map(|p| of_condition(p, named)),
        ConditionExpr::Or(parts) => any_of(parts.iter().map(|p| of_condition(p, named))),
        ConditionExpr::Not(_) => None,
        ConditionExpr::Identifier(name) => named.get(name).and_then(of_detection),
        ConditionExpr::Selector {
            quantifier,
            pattern,
        } => {
            let chosen = named.iter().filter(|(name, _)| match pattern {
                SelectorPattern::Them => !name.starts_with('_'),
                SelectorPattern::Pattern(p) => rsigma_parser::detection_name_matches(p, name),
            });
            match quantifier {
                Quantifier::All => chosen.into_iter().find_map(|(_, d)| of_detection(d)),
                Quantifier::Any | Quantifier::Count(_) => {
                    any_of(chosen.map(|(_, d)| of_detection(d)))
                }
            }
        }
    }
}

/// A union, gated only when every alternative is.
fn any_of(parts: impl Iterator<Item = Option<Names>>) -> Option<Names> {
    let mut out = Names::default();
    let mut any = false;
    for p in parts {
        out = out.union(p?);
        any = true;
    }
    any.then_some(out)
}

fn of_detection(d: &Detection) -> Option<Names> {
    match d {
        Detection::AllOf(items) => items.iter().find_map(|item| {
            let field = item.field.name.as_deref()?;
            if field != "eventName" {
                return None;
            }
            let prefix = match item.field.modifiers.as_slice() {
                [] | [Modifier::Cased] => false,
                [Modifier::StartsWith] | [Modifier::StartsWith, Modifier::Cased] => true,
                _ => return None,
            };
            let mut names = Names::default();
            for v in &item.values {
                let SigmaValue::String(s) = v else {
                    return None;
                };
                match (prefix, literal(s)) {
                    (false, Some(Literal::Exact(x))) => names.exact.insert(x),
                    (_, Some(Literal::Prefix(x))) | (true, Some(Literal::Exact(x))) => {
                        names.prefixes.insert(x)
                    }
                    (_, None) => return None,
                };
            }
            Some(names)
        }),
        Detection::AnyOf(parts) => any_of(parts.iter().map(of_detection)),
        Detection::And(parts) => parts.iter().find_map(of_detection),
        _ => None,
    }
}

enum Literal {
    Exact(String),
    Prefix(String),
}

/// A plain name, or a name with one trailing `*`; anything else is not a gate.
fn literal(s: &SigmaString) -> Option<Literal> {
    match s.parts.as_slice() {
        [StringPart::Plain(p)] => Some(Literal::Exact(p.to_lowercase())),
        [StringPart::Plain(p), StringPart::Special(rsigma_parser::SpecialChar::WildcardMulti)] => {
            Some(Literal::Prefix(p.to_lowercase()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(yaml: &str) -> Option<Names> {
        let c = rsigma_parser::parse_sigma_yaml(yaml).unwrap();
        let r = &c.rules[0];
        of_rule(&r.detection.conditions, &r.detection.named)
    }

    const HEAD: &str = "title: t\nlogsource: {product: aws, service: cloudtrail}\n";

    #[test]
    fn a_pinned_name_gates_and_a_negated_one_does_not() {
        let g = gate(&format!(
            "{HEAD}detection:\n  a: {{eventName: [StopLogging, DeleteTrail]}}\n  b: {{eventName|startswith: Update}}\n  condition: a or b\n"
        ))
        .unwrap();
        assert!(g.admits("stoplogging") && g.admits("updatetrail"));
        assert!(!g.admits("createtrail"));
        assert!(gate(&format!(
            "{HEAD}detection:\n  a: {{eventName: StopLogging}}\n  condition: not a\n"
        ))
        .is_none());
        assert!(
            gate(&format!(
                "{HEAD}detection:\n  a: {{eventName: StopLogging}}\n  b: {{userIdentity.type: Root}}\n  condition: a or b\n"
            ))
            .is_none(),
            "one ungated alternative opens the gate"
        );
        let and = gate(&format!(
            "{HEAD}detection:\n  a: {{eventName: StopLogging}}\n  b: {{userIdentity.type: Root}}\n  condition: a and b\n"
        ))
        .unwrap();
        assert!(and.admits("stoplogging"));
        assert!(gate(&format!(
            "{HEAD}detection:\n  a: {{eventName|contains: Log}}\n  condition: a\n"
        ))
        .is_none());
        let sel = gate(&format!(
            "{HEAD}detection:\n  x_1: {{eventName: A}}\n  x_2: {{eventName: B*}}\n  condition: 1 of x_*\n"
        ))
        .unwrap();
        assert!(sel.admits("a") && sel.admits("bcd") && !sel.admits("c"));
    }
}
