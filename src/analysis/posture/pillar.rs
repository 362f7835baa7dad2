//! The security pillar's questions and best practices, read from the data file
//! `data/wa-security-pillar.toml` (built into the binary): ids, titles, the Well-Architected
//! Tool's question and choice ids, and the Security Hub controls some indicators count.

use serde::Deserialize;
use std::sync::OnceLock;

const FILE: &str = include_str!("../../../data/wa-security-pillar.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pillar {
    pub lens_alias: String,
    pub pillar_id: String,
    pub controls: Controls,
    #[serde(rename = "question")]
    pub questions: Vec<Question>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controls {
    pub in_transit: Vec<String>,
    pub at_rest: Vec<String>,
    pub inspector: Vec<String>,
    pub ssm_managed: Vec<String>,
    pub macie: Vec<String>,
    pub code_scanning: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// `SEC1` .. `SEC11`.
    pub id: String,
    pub short: String,
    pub title: String,
    pub wa_question_id: String,
    #[serde(rename = "practice")]
    pub practices: Vec<Practice>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    /// `SEC02-BP01`.
    pub id: String,
    pub title: String,
    pub choice_id: String,
    /// `yes`, `partial` or `no`.
    pub observable: String,
}

impl Pillar {
    pub fn question(&self, n: u8) -> &Question {
        &self.questions[usize::from(n.clamp(1, 11)) - 1]
    }

    pub fn practice(&self, id: &str) -> Option<&Practice> {
        self.questions
            .iter()
            .flat_map(|q| &q.practices)
            .find(|p| p.id == id)
    }
}

/// Parses a pillar file, checking what the overview relies on: eleven questions in
/// order, each practice's id under its own question.
pub fn parse(text: &str) -> Result<Pillar, String> {
    let pillar: Pillar = toml::from_str(text).map_err(|e| e.to_string())?;
    if pillar.questions.len() != 11 {
        return Err(format!(
            "expected the 11 questions SEC1..SEC11, found {}",
            pillar.questions.len()
        ));
    }
    for (i, q) in pillar.questions.iter().enumerate() {
        if q.id != format!("SEC{}", i + 1) {
            return Err(format!(
                "question {} is {}, expected SEC{}",
                i + 1,
                q.id,
                i + 1
            ));
        }
        let prefix = format!("SEC{:02}-BP", i + 1);
        if let Some(p) = q.practices.iter().find(|p| !p.id.starts_with(&prefix)) {
            return Err(format!(
                "{}: practice {} is not one of {prefix}..",
                q.id, p.id
            ));
        }
        if let Some(p) = q
            .practices
            .iter()
            .find(|p| !["yes", "partial", "no"].contains(&p.observable.as_str()))
        {
            return Err(format!("{}: observable must be yes, partial or no", p.id));
        }
    }
    Ok(pillar)
}

/// The pillar built into rampart.
pub fn pillar() -> &'static Pillar {
    static PILLAR: OnceLock<Pillar> = OnceLock::new();
    // The file is part of the build and tested; a broken one is a bug in rampart.
    PILLAR.get_or_init(|| parse(FILE).expect("data/wa-security-pillar.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_pillar_has_eleven_questions_and_sixty_three_practices() {
        let p = pillar();
        assert_eq!(p.questions.len(), 11);
        let n: usize = p.questions.iter().map(|q| q.practices.len()).sum();
        assert_eq!(n, 63);
        assert_eq!(p.question(2).wa_question_id, "identities");
        assert_eq!(
            p.practice("SEC02-BP02").map(|b| b.choice_id.as_str()),
            Some("sec_identities_unique")
        );
        assert!(p.controls.in_transit.iter().any(|c| c == "S3.5"));
    }

    #[test]
    fn a_broken_pillar_file_is_refused_with_a_reason() {
        let text = FILE.replacen("id = \"SEC3\"", "id = \"SEC9\"", 1);
        let e = parse(&text).unwrap_err();
        assert!(e.contains("question 3 is SEC9"), "{e}");
        let e = parse("lens_alias = 1").unwrap_err();
        assert!(!e.is_empty());
    }
}
