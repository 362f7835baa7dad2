//! `[detections]`: the burst rules' thresholds, the team's Sigma rule directories and the
//! rules switched off, and the detector every source judges CloudTrail with.

use super::{config_dir, Config};
use serde::Deserialize;
use std::path::PathBuf;

/// `[detections]`: how many failures, in how many minutes, make a burst; where the team's
/// Sigma rules are; which rules are off.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Detections {
    pub failed_logins: u32,
    pub failed_login_minutes: u32,
    pub access_denied: u32,
    pub access_denied_minutes: u32,
    /// Directories of Sigma rules, read recursively. Default: `rules/` in the config
    /// directory, when it exists.
    pub rule_dirs: Vec<PathBuf>,
    /// Rule ids that do not run (a noisy community rule, say).
    pub disabled: Vec<String>,
}

impl Default for Detections {
    fn default() -> Self {
        let d = crate::drill::detect::Detector::default();
        Detections {
            failed_logins: d.failed_logins as u32,
            failed_login_minutes: d.failed_login_window.num_minutes() as u32,
            access_denied: d.access_denied as u32,
            access_denied_minutes: d.access_denied_window.num_minutes() as u32,
            rule_dirs: Vec::new(),
            disabled: Vec::new(),
        }
    }
}

impl Config {
    /// The detector every source judges CloudTrail with: the thresholds, the configured
    /// accounts as the ones inside the organization, and the rules (built in, then the
    /// team's directories).
    pub fn detector(&self) -> crate::drill::detect::Detector {
        use crate::drill::detect::{Detector, RuleSet};
        let d = &self.detections;
        let dirs = self.rule_dirs();
        Detector {
            failed_logins: d.failed_logins as usize,
            failed_login_window: chrono::Duration::minutes(d.failed_login_minutes.into()),
            access_denied: d.access_denied as usize,
            access_denied_window: chrono::Duration::minutes(d.access_denied_minutes.into()),
            inside: self.accounts.iter().map(|a| a.id.clone()).collect(),
            rules: if dirs.is_empty() && d.disabled.is_empty() {
                RuleSet::builtin()
            } else {
                std::sync::Arc::new(RuleSet::load(&dirs, &d.disabled))
            },
        }
    }

    /// The team's rule directories: `[detections] rule_dirs`, else `rules/` in the config
    /// directory when it exists.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        if !self.detections.rule_dirs.is_empty() {
            return self.detections.rule_dirs.clone();
        }
        config_dir()
            .map(|d| d.join("rules"))
            .filter(|d| d.is_dir())
            .into_iter()
            .collect()
    }
}
