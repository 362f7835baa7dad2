//! Record identity: every record has a store key (its `key()` method: a finding's id and
//! product ARN, a user's account and name, an event's id, ...), and sources name records by
//! the key's 8-byte hash rather than keep the whole key.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

/// The hash a record is found by: what [`crate::feed::Gone`] names records with, so a
/// source keeps 8 bytes per record it tracks instead of the whole key. A fixed hasher: the
/// same key always hashes the same, run after run.
pub fn key_hash(key: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}
