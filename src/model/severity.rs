//! Finding severity: the ASFF labels, and the mappings from numeric scales when a record
//! carries no label (ASFF `Normalized`, GuardDuty's native 1-10 scale).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Ordered from least to most severe, so `max()` and sorting do the obvious thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Most severe first: the order of header counts and legends.
    pub const ALL_DESC: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Short form for narrow columns.
    pub fn short(self) -> &'static str {
        match self {
            Severity::Informational => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MED",
            Severity::High => "HIGH",
            Severity::Critical => "CRIT",
        }
    }

    /// Parses an ASFF label, case-insensitively; `INFO` is accepted as a common shorthand.
    pub fn from_label(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_uppercase().as_str() {
            "INFORMATIONAL" | "INFO" => Some(Severity::Informational),
            "LOW" => Some(Severity::Low),
            "MEDIUM" | "MED" => Some(Severity::Medium),
            "HIGH" => Some(Severity::High),
            "CRITICAL" | "CRIT" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// ASFF `Normalized` (0-100): 0 / 1-39 / 40-69 / 70-89 / 90-100.
    pub fn from_normalized(n: f64) -> Severity {
        if n >= 90.0 {
            Severity::Critical
        } else if n >= 70.0 {
            Severity::High
        } else if n >= 40.0 {
            Severity::Medium
        } else if n >= 1.0 {
            Severity::Low
        } else {
            Severity::Informational
        }
    }

    /// GuardDuty's native scale: 1-3.9 LOW, 4-6.9 MEDIUM, 7-8.9 HIGH, 9-10 CRITICAL.
    pub fn from_guardduty(n: f64) -> Severity {
        if n >= 9.0 {
            Severity::Critical
        } else if n >= 7.0 {
            Severity::High
        } else if n >= 4.0 {
            Severity::Medium
        } else if n >= 1.0 {
            Severity::Low
        } else {
            Severity::Informational
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_boundaries() {
        assert_eq!(Severity::from_normalized(0.0), Severity::Informational);
        assert_eq!(Severity::from_normalized(1.0), Severity::Low);
        assert_eq!(Severity::from_normalized(39.0), Severity::Low);
        assert_eq!(Severity::from_normalized(40.0), Severity::Medium);
        assert_eq!(Severity::from_normalized(69.0), Severity::Medium);
        assert_eq!(Severity::from_normalized(70.0), Severity::High);
        assert_eq!(Severity::from_normalized(89.0), Severity::High);
        assert_eq!(Severity::from_normalized(90.0), Severity::Critical);
        assert_eq!(Severity::from_normalized(100.0), Severity::Critical);
    }

    #[test]
    fn guardduty_boundaries() {
        assert_eq!(Severity::from_guardduty(2.0), Severity::Low);
        assert_eq!(Severity::from_guardduty(3.9), Severity::Low);
        assert_eq!(Severity::from_guardduty(4.0), Severity::Medium);
        assert_eq!(Severity::from_guardduty(6.9), Severity::Medium);
        assert_eq!(Severity::from_guardduty(7.0), Severity::High);
        assert_eq!(Severity::from_guardduty(8.9), Severity::High);
        assert_eq!(Severity::from_guardduty(9.0), Severity::Critical);
    }

    #[test]
    fn labels_round_trip_and_order() {
        for s in Severity::ALL_DESC {
            assert_eq!(Severity::from_label(s.label()), Some(s));
            assert_eq!(Severity::from_label(&s.label().to_lowercase()), Some(s));
        }
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Informational);
        assert_eq!(Severity::from_label("bogus"), None);
    }
}
