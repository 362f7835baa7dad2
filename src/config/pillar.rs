//! `[identity_center]` and `[wellarchitected]`: where rampart reads IAM Identity Center's
//! standing administrators and the team's Well-Architected Tool answers. Both live in one
//! account and region (the management or delegated administrator account; the region of
//! the Identity Center instance or of the workloads), named like an aggregator's.

use serde::Deserialize;
use std::time::Duration;

/// `[identity_center]`: off unless an account is named.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdentityCenter {
    /// The configured account (id or name) to read Identity Center through.
    pub account: String,
    pub region: String,
    pub poll_minutes: u32,
}

impl Default for IdentityCenter {
    fn default() -> Self {
        IdentityCenter {
            account: String::new(),
            region: "us-east-1".into(),
            poll_minutes: 60,
        }
    }
}

/// `[wellarchitected]`: off unless workloads are named.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WellArchitected {
    /// Workload ids (the 32 hex characters of the Tool's workload).
    pub workloads: Vec<String>,
    /// The configured account (id or name) that owns the workloads.
    pub account: String,
    pub region: String,
    pub poll_minutes: u32,
}

impl Default for WellArchitected {
    fn default() -> Self {
        WellArchitected {
            workloads: Vec::new(),
            account: String::new(),
            region: "us-east-1".into(),
            poll_minutes: 60,
        }
    }
}

fn minutes(m: u32) -> Duration {
    Duration::from_secs(u64::from(m.max(1)) * 60)
}

impl IdentityCenter {
    pub fn placed(&self) -> Option<crate::source::aws::Placed> {
        (!self.account.is_empty()).then(|| crate::source::aws::Placed {
            account: self.account.clone(),
            region: self.region.clone(),
            every: minutes(self.poll_minutes),
        })
    }
}

impl WellArchitected {
    pub fn placed(&self) -> Option<(crate::source::aws::Placed, Vec<String>)> {
        (!self.workloads.is_empty() && !self.account.is_empty()).then(|| {
            let at = crate::source::aws::Placed {
                account: self.account.clone(),
                region: self.region.clone(),
                every: minutes(self.poll_minutes),
            };
            (at, self.workloads.clone())
        })
    }

    /// Workload ids as the Tool writes them; anything else is a typo worth naming.
    pub fn check(&self) -> Result<(), String> {
        if let Some(w) = self
            .workloads
            .iter()
            .find(|w| w.len() != 32 || !w.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!(
                "wellarchitected.workloads: {w:?} is not a workload id (32 hex characters)"
            ));
        }
        if !self.workloads.is_empty() && self.account.is_empty() {
            return Err("wellarchitected.account: name the account that owns the workloads".into());
        }
        Ok(())
    }
}
