//! The exposures open to the public and those granting access outside the watched
//! accounts, counted as exposures are written and removed (and again when the accounts
//! change, which decide "outside"). The overview read them with two passes over every
//! exposure on each poll: 21,333 at a million findings, 6 ms. The roles that outside
//! accounts may assume, which the standing-access indicator lists, are kept likewise (a
//! third pass, 1.2 ms a poll).

use super::related::is_outside;
use super::Accounts;
use crate::model::Exposure;
use std::collections::BTreeMap;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Exposed {
    pub public: usize,
    pub outside: usize,
    /// Active grants on IAM roles to the public or to accounts not watched, by (account,
    /// principal, role name): how many exposures name each.
    roles: BTreeMap<OutsideRole, usize>,
}

/// A role that someone outside the watched accounts may assume: (account, principal,
/// role name).
pub type OutsideRole = (String, String, String);

/// The role an exposure lets someone outside assume, if it does.
fn outside_role(e: &Exposure, accounts: &Accounts) -> Option<OutsideRole> {
    if e.resource_type != "AWS::IAM::Role" || e.status != "ACTIVE" {
        return None;
    }
    let outside = e.is_public
        || e.external_account
            .as_deref()
            .is_none_or(|a| accounts.get(a).is_none());
    let name = e.resource.rsplit('/').next().unwrap_or(&e.resource);
    outside.then(|| (e.account_id.clone(), e.principal.clone(), name.to_string()))
}

impl Exposed {
    /// Counted afresh.
    pub fn of(exposures: &[Exposure], accounts: &Accounts) -> Exposed {
        let mut counts = Exposed::default();
        for e in exposures {
            counts.add(e, accounts);
        }
        counts
    }

    pub fn add(&mut self, e: &Exposure, accounts: &Accounts) {
        self.public += usize::from(e.is_public);
        self.outside += usize::from(is_outside(e, accounts));
        if let Some(role) = outside_role(e, accounts) {
            *self.roles.entry(role).or_default() += 1;
        }
    }

    /// Saturating: a count that ever drifted from a recount (the tests compare them at
    /// every step) reads low, rather than stopping the console or wrapping to billions.
    pub fn remove(&mut self, e: &Exposure, accounts: &Accounts) {
        self.public = self.public.saturating_sub(usize::from(e.is_public));
        self.outside = self
            .outside
            .saturating_sub(usize::from(is_outside(e, accounts)));
        if let Some(role) = outside_role(e, accounts) {
            if let Some(n) = self.roles.get_mut(&role) {
                *n -= 1;
                if *n == 0 {
                    self.roles.remove(&role);
                }
            }
        }
    }

    /// The roles outside accounts may assume, in key order.
    pub fn outside_roles(&self) -> impl Iterator<Item = &OutsideRole> {
        self.roles.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::{Gone, Update};
    use crate::model::key::key_hash;
    use crate::store::Store;
    use crate::test_support::exposure;

    /// Exposures written, rewritten public or not, removed, a watched account added (its
    /// grants no longer outside), and exposure controls derived from findings and closed:
    /// the kept-up counts, roles and resource index equal ones made afresh at every step.
    #[test]
    fn the_stores_counts_kept_up_equal_counts_made_afresh() {
        let mut s = Store::new();
        let check = |s: &Store, step: &str| {
            let afresh = Exposed::of(s.exposures.items(), &s.accounts);
            assert_eq!(s.exposed(), &afresh, "{step}");
            let index = super::super::resources::exposure_index_of(s.exposures.items());
            assert_eq!(s.exposure_resources, index, "{step}");
        };
        let list = |round: usize| {
            (0..12)
                .map(|i| {
                    let other = ["999999999999", "222222222222"][i % 2];
                    let mut e =
                        exposure(&format!("x{i}"), (i + round).is_multiple_of(3), Some(other));
                    e.updated_at += chrono::Duration::minutes(round as i64);
                    // Roles too, two exposures to each (which two moves each round), some
                    // archived in a later round.
                    if i % 3 != 0 {
                        e.resource_type = "AWS::IAM::Role".into();
                        e.resource = format!("arn:aws:iam::111111111111:role/r{}", (i + round) / 2);
                        if (i + round).is_multiple_of(4) {
                            e.status = "ARCHIVED".into();
                        }
                    }
                    e
                })
                .collect::<Vec<_>>()
        };
        s.apply(Update::Exposures(list(0)));
        check(&s, "written");
        assert!(s.exposed().public > 0 && s.exposed().outside > 0);
        assert!(s.exposed().outside_roles().count() > 1);
        s.apply(Update::Exposures(list(1)));
        check(&s, "rewritten");
        let gone = key_hash(&s.exposures.items()[3].key());
        s.apply(Update::Gone(Gone::Exposures(vec![gone])));
        check(&s, "removed");
        let before = s.exposed().outside;
        s.apply(Update::Accounts(vec![crate::model::Account {
            id: "222222222222".into(),
            name: "shared".into(),
            environment: "prod".into(),
        }]));
        check(&s, "an account watched");
        assert!(s.exposed().outside < before);
        assert!(
            s.exposed().outside_roles().count() > 0,
            "public grants stay"
        );
        let mut control = crate::test_support::bucket_finding();
        control.control_id = Some(crate::model::intern("S3.2"));
        let (exposures, public) = (s.exposures.len(), s.exposed().public);
        s.apply(Update::Findings(vec![control.clone()]));
        check(&s, "a control's exposure");
        assert_eq!(
            (s.exposures.len(), s.exposed().public),
            (exposures + 1, public + 1)
        );
        s.apply(Update::Gone(Gone::Findings(vec![key_hash(&control.key())])));
        check(&s, "its finding gone");
    }
}
