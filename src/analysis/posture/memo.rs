//! What the overview's indicators remember from one store change to the next: the counts
//! read from tables that change far less often than the findings (the Config results, the
//! credential report) at the table revision they were counted at, and which kinds of open
//! finding the runbook library covers. A poll of findings comes every few seconds; at a
//! million findings, reading those tables and matching every kind against the runbooks'
//! patterns again cost each of the overview's batches about 3 ms.

use crate::store::Store;
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct Memo {
    /// The Config results' non-compliant rows and their distinct rules, at a revision.
    compliance: Option<(u64, usize, usize)>,
    /// IAM users (not root) with an active access key, at a revision of the credentials.
    users_with_keys: Option<(u64, usize)>,
    /// Per kind of open critical or high finding: the example matched and whether a
    /// runbook covers it, for the library of this version.
    kinds: (u64, HashMap<String, (Box<str>, bool)>),
}

impl Memo {
    /// Non-compliant Config results, and how many rules they break.
    pub fn non_compliant(&mut self, store: &Store) -> (usize, usize) {
        let revision = store.compliance.revision();
        match self.compliance {
            Some((at, rows, rules)) if at == revision => (rows, rules),
            _ => {
                let breaking = store
                    .compliance
                    .items()
                    .iter()
                    .filter(|c| c.compliance_type == "NON_COMPLIANT");
                let mut rules = std::collections::HashSet::new();
                let rows = breaking
                    .inspect(|c| {
                        rules.insert(c.rule.as_str());
                    })
                    .count();
                self.compliance = Some((revision, rows, rules.len()));
                (rows, rules.len())
            }
        }
    }

    /// IAM users other than root that hold an active access key.
    pub fn users_with_keys(&mut self, store: &Store) -> usize {
        let revision = store.credentials.revision();
        match self.users_with_keys {
            Some((at, n)) if at == revision => n,
            _ => {
                let n = store
                    .credentials
                    .items()
                    .iter()
                    .filter(|c| !c.is_root && c.active_keys().next().is_some())
                    .count();
                self.users_with_keys = Some((revision, n));
                n
            }
        }
    }

    /// Of the kinds of open critical and high finding, how many have a runbook, and how
    /// many there are. Each kind is matched once while its example stays the same.
    pub fn covered_kinds(
        &mut self,
        store: &Store,
        library: &crate::drill::runbook::Library,
    ) -> (usize, usize) {
        let (version, known) = &mut self.kinds;
        if *version != library.version() {
            *version = library.version();
            known.clear();
        }
        let tally = store.open_tally();
        let (mut covered, mut total) = (0, 0);
        for (kind, example) in tally.high_kinds() {
            total += 1;
            let Some(f) = example else {
                continue;
            };
            let matched = match known.get(kind) {
                Some((id, matched)) if *id == f.id => *matched,
                _ => {
                    let matched = library.for_finding(f).is_some();
                    known.insert(kind.to_string(), (f.id.clone(), matched));
                    matched
                }
            };
            covered += usize::from(matched);
        }
        // Kinds closed since are forgotten once they outnumber the open ones.
        if known.len() > 2 * total + 64 {
            known.retain(|k, _| tally.high_kinds.contains_key(k));
        }
        (covered, total)
    }
}
