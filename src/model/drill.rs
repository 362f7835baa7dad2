//! A drill's journal entries: everything that happens to a drill is one [`Entry`], written
//! to disk before it is shown. The drill itself (the fold of its entries) is
//! `crate::drill::exercise`; the entries live here because the feed carries them (a
//! detection drill's start tells the simulated organization to play the attack).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// rampart injects a synthetic finding and times the team's response.
    Tabletop,
    /// The team runs an attack simulation; rampart watches for what should detect it.
    Detection,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "tabletop" => Some(Kind::Tabletop),
            "detection" => Some(Kind::Detection),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Tabletop => "tabletop",
            Kind::Detection => "detection",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Started,
    FirstLog,
    FirstFinding,
    Acknowledged,
    Contained,
    Closed,
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::Started,
        Milestone::FirstLog,
        Milestone::FirstFinding,
        Milestone::Acknowledged,
        Milestone::Contained,
        Milestone::Closed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Milestone::Started => "started",
            Milestone::FirstLog => "first log",
            Milestone::FirstFinding => "first finding",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Contained => "contained",
            Milestone::Closed => "closed",
        }
    }
}

/// Everything that happens to a drill, as its journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    Started {
        id: String,
        runbook: String,
        title: String,
        kind: Kind,
        at: DateTime<Utc>,
        deadline: DateTime<Utc>,
        detections: Vec<String>,
        findings: Vec<String>,
        steps: Vec<String>,
        by: String,
        /// The synthetic finding of a tabletop drill.
        injected: Option<String>,
        /// The Stratus Red Team technique a detection drill plays.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stratus: Option<String>,
    },
    Tick {
        step: usize,
        done: bool,
        at: DateTime<Utc>,
    },
    Note {
        text: String,
        at: DateTime<Utc>,
    },
    Milestone {
        milestone: Milestone,
        at: DateTime<Utc>,
    },
    /// An expected detection or finding arrived (`what` names it), at `at`; `happened`
    /// is the event's or finding's own time.
    Seen {
        what: String,
        at: DateTime<Utc>,
        happened: DateTime<Utc>,
    },
}
