//! The overview's structure: the pillar's eleven questions, each with its indicators and
//! overall level, the practices rampart cannot observe (and whether the team's
//! Well-Architected Tool answer claims them), and the team's answer beside the evidence,
//! flagged where the two disagree.

use super::pillar::{pillar, Question};
use super::*;
use crate::model::WaAnswer;

/// One workload's answer to one question, read beside the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaView {
    pub workload: String,
    /// The risk the Tool records, as people read it (`high risk`).
    pub risk: &'static str,
    /// Practices selected, of the question's practices.
    pub selected: usize,
    pub of: usize,
    /// Where the answer claims a practice the evidence says is not in place, one per
    /// practice: `answered "Use temporary credentials"; IAM users with active access
    /// keys: 40, ...`.
    pub disagreements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionView {
    /// 1 for SEC1.
    pub number: u8,
    pub id: &'static str,
    pub short: &'static str,
    pub title: &'static str,
    /// The worst level of its indicators; unknown only when none of them knows.
    pub level: Level,
    /// Its indicators, as indices into the indicator list.
    pub indicators: Vec<usize>,
    /// The practices no API shows, by id and title, with whether any workload's answer
    /// selects them (`None` when no answer was read).
    pub unobservable: Vec<(&'static str, &'static str, Option<bool>)>,
    pub answers: Vec<WaView>,
}

impl QuestionView {
    pub fn disagrees(&self) -> bool {
        self.answers.iter().any(|a| !a.disagreements.is_empty())
    }
}

fn worst(levels: impl Iterator<Item = Level>) -> Level {
    let rank = |l: Level| match l {
        Level::Unknown => 0,
        Level::Good => 1,
        Level::Warn => 2,
        Level::Bad => 3,
    };
    levels.max_by_key(|l| rank(*l)).unwrap_or(Level::Unknown)
}

/// What an answer says against the evidence: each selected practice that an indicator
/// reading "look" or "act" speaks to (wherever that indicator sits), and a recorded "no
/// risk" over a question whose evidence reads "act".
fn disagreements(q: &Question, answer: &WaAnswer, list: &[Indicator], level: Level) -> Vec<String> {
    let mut out = Vec::new();
    for choice in &answer.selected {
        let Some(p) = q.practices.iter().find(|p| &p.choice_id == choice) else {
            continue;
        };
        let against: Vec<String> = list
            .iter()
            .filter(|i| i.practices.contains(&p.id.as_str()))
            .filter(|i| matches!(i.level, Level::Warn | Level::Bad))
            .map(|i| format!("{}: {}", i.label, i.value))
            .collect();
        if !against.is_empty() {
            out.push(format!("answered \"{}\"; {}", p.title, against.join(", ")));
        }
    }
    if out.is_empty() && answer.risk == "NONE" && level == Level::Bad {
        let bad = list
            .iter()
            .filter(|i| i.question == q_number(q) && i.level == Level::Bad)
            .map(|i| format!("{}: {}", i.label, i.value))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!("recorded no risk; {bad}"));
    }
    out
}

fn q_number(q: &Question) -> u8 {
    q.id.trim_start_matches("SEC").parse().unwrap_or(0)
}

/// The eleven questions over an indicator list (as [`indicators`] gives it) and the
/// team's answers.
pub fn questions(list: &[Indicator], answers: &[WaAnswer]) -> Vec<QuestionView> {
    let p = pillar();
    p.questions
        .iter()
        .map(|q| {
            let number = q_number(q);
            let indicators: Vec<usize> = (0..list.len())
                .filter(|i| list[*i].question == number)
                .collect();
            let level = worst(indicators.iter().map(|i| list[*i].level));
            let mine: Vec<&WaAnswer> = answers
                .iter()
                .filter(|a| a.question_id == q.wa_question_id)
                .collect();
            let unobservable = q
                .practices
                .iter()
                .filter(|b| b.observable == "no")
                .map(|b| {
                    let claimed = (!mine.is_empty())
                        .then(|| mine.iter().any(|a| a.selected.contains(&b.choice_id)));
                    (b.id.as_str(), b.title.as_str(), claimed)
                })
                .collect();
            let answers = mine
                .iter()
                .map(|a| WaView {
                    workload: a.workload_name.clone(),
                    risk: a.risk_label(),
                    selected: q
                        .practices
                        .iter()
                        .filter(|b| a.selected.contains(&b.choice_id))
                        .count(),
                    of: q.practices.len(),
                    disagreements: disagreements(q, a, list, level),
                })
                .collect();
            QuestionView {
                number,
                id: q.id.as_str(),
                short: q.short.as_str(),
                title: q.title.as_str(),
                level,
                indicators,
                unobservable,
                answers,
            }
        })
        .collect()
}
