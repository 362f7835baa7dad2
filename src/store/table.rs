//! A keyed, append-mostly table with a prepared search text per row.

use super::Accounts;
use crate::model::{CredentialRecord, Exposure, Finding, TrailEvent};
use std::collections::HashMap;

/// A row type the store can index: a unique key and the text a free-text filter searches.
pub trait Keyed {
    fn key(&self) -> String;
    /// Lowercase text that a `/` filter matches against.
    fn search_text(&self, accounts: &Accounts) -> String;
}

/// Rows keep their position once inserted (upserts replace in place), so indices held by
/// views stay valid until the next revision; only `replace_where` compacts.
#[derive(Debug)]
pub struct Table<T> {
    items: Vec<T>,
    search: Vec<Box<str>>,
    index: HashMap<String, u32>,
    revision: u64,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            search: Vec::new(),
            index: HashMap::new(),
            revision: 0,
        }
    }
}

impl<T: Keyed> Table<T> {
    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }

    pub fn search_text(&self, i: u32) -> &str {
        self.search.get(i as usize).map(|s| &**s).unwrap_or("")
    }

    pub fn position(&self, key: &str) -> Option<u32> {
        self.index.get(key).copied()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bumped on every change; views compare it to know when to re-sort.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Inserts new rows and replaces existing ones when `replace(old, new)` says so.
    /// Returns whether anything changed.
    pub fn upsert_newer(
        &mut self,
        rows: Vec<T>,
        accounts: &Accounts,
        replace: impl Fn(&T, &T) -> bool,
    ) -> bool {
        let mut changed = false;
        self.items.reserve(rows.len());
        for row in rows {
            let key = row.key();
            match self.index.get(&key) {
                Some(&i) => {
                    if replace(&self.items[i as usize], &row) {
                        self.search[i as usize] = row.search_text(accounts).into_boxed_str();
                        self.items[i as usize] = row;
                        changed = true;
                    }
                }
                None => {
                    self.index.insert(key, self.items.len() as u32);
                    self.search.push(row.search_text(accounts).into_boxed_str());
                    self.items.push(row);
                    changed = true;
                }
            }
        }
        if changed {
            self.revision += 1;
        }
        changed
    }

    /// Removes the rows matching `remove` and adds `rows` (a credential report replaces
    /// the account's previous one).
    pub fn replace_where(
        &mut self,
        remove: impl Fn(&T) -> bool,
        rows: Vec<T>,
        accounts: &Accounts,
    ) {
        let mut kept_items = Vec::with_capacity(self.items.len() + rows.len());
        let mut kept_search = Vec::with_capacity(kept_items.capacity());
        for (item, search) in self.items.drain(..).zip(self.search.drain(..)) {
            if !remove(&item) {
                kept_items.push(item);
                kept_search.push(search);
            }
        }
        self.items = kept_items;
        self.search = kept_search;
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, r)| (r.key(), i as u32))
            .collect();
        self.upsert_newer(rows, accounts, |_, _| true);
        self.revision += 1;
    }

    pub fn reindex(&mut self, accounts: &Accounts) {
        self.search = self
            .items
            .iter()
            .map(|r| r.search_text(accounts).into_boxed_str())
            .collect();
        self.revision += 1;
    }
}

/// Joins parts with a separator that no filter term contains, so terms cannot match across
/// field boundaries.
fn join_lower(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        if !s.is_empty() {
            s.push('\u{1f}');
        }
        s.push_str(p);
    }
    s.to_lowercase()
}

impl Keyed for Finding {
    fn key(&self) -> String {
        // The unit separator cannot appear in an ARN.
        format!("{}\u{1f}{}", self.id, self.product_arn)
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            self.severity.label(),
            &self.title,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.product,
            self.workflow_status.label(),
            self.control_id.as_deref().unwrap_or(""),
        ];
        parts.extend(self.types.iter().map(String::as_str));
        parts.extend(self.resources.iter().map(|r| r.id.as_str()));
        join_lower(&parts)
    }
}

impl Keyed for CredentialRecord {
    fn key(&self) -> String {
        format!("{}\u{1f}{}", self.account_id, self.user)
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        join_lower(&[
            &self.user,
            &self.arn,
            &self.account_id,
            accounts.name(&self.account_id),
            if self.mfa_active { "mfa" } else { "no-mfa" },
        ])
    }
}

impl Keyed for Exposure {
    fn key(&self) -> String {
        self.id.clone()
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            &self.resource,
            &self.resource_type,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            &self.principal,
            if self.is_public {
                "public"
            } else {
                "cross-account"
            },
        ];
        parts.extend(self.actions.iter().map(String::as_str));
        join_lower(&parts)
    }
}

impl Keyed for TrailEvent {
    fn key(&self) -> String {
        self.event_id.clone()
    }

    fn search_text(&self, accounts: &Accounts) -> String {
        let mut parts: Vec<&str> = vec![
            &self.event_name,
            &self.event_source,
            &self.username,
            &self.account_id,
            accounts.name(&self.account_id),
            &self.region,
            self.source_ip.as_deref().unwrap_or(""),
            self.error_code.as_deref().unwrap_or(""),
        ];
        parts.extend(self.detections.iter().map(String::as_str));
        join_lower(&parts)
    }
}
