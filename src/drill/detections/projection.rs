//! The parts of a record the rules can read: the top-level keys their fields start with.
//! A record a rule must look into is decoded into the keys the question reads, alone (a
//! whole record's tree, every string and map of it, was half of judging a replay, per
//! callgrind, for rules that ask one field of the request).
//!
//! Each key the rules name gets a bit, each field the set of bits it reads. Only a field
//! the set knows is answered from a part; anything else (a keyword search, a field
//! named by a value, a field past the 128th key) reads the whole record, so a missing
//! entry costs time, never an answer.

use std::collections::HashMap;

type Seeded = foldhash::fast::RandomState;

/// Top-level keys, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keys(u128);

impl Keys {
    pub const NONE: Keys = Keys(0);

    pub fn with(self, other: Keys) -> Keys {
        Keys(self.0 | other.0)
    }

    pub fn holds(self, other: Keys) -> bool {
        other.0 & !self.0 == 0
    }
}

/// Empty (the default, and a rule set's until it is assembled), every question reads the
/// whole record.
#[derive(Debug, Default)]
pub struct Projection {
    /// Each key's bit.
    bits: HashMap<String, u32, Seeded>,
    /// The keys each field path reads.
    paths: HashMap<String, Keys, Seeded>,
}

impl Projection {
    /// A field a rule asks for, and the keys it reads: a flat key of that name first,
    /// then the dotted path's first step (as `view::lookup` reads it); a computed field,
    /// the keys `derived` reads for it. `None` past the 128th key: the field reads the
    /// whole record.
    pub fn add(&mut self, path: &str) -> Option<Keys> {
        if let Some(&keys) = self.paths.get(path) {
            return Some(keys);
        }
        let mut keys = Keys::NONE;
        match path.strip_prefix("rampart.") {
            Some(name) => {
                for key in super::derived::record_keys(name) {
                    keys = keys.with(self.key(key)?);
                }
            }
            None => {
                keys = self.key(path)?;
                if let Some((first, _)) = path.split_once('.') {
                    keys = keys.with(self.key(first)?);
                }
            }
        }
        self.paths.insert(path.to_string(), keys);
        Some(keys)
    }

    fn key(&mut self, key: &str) -> Option<Keys> {
        let next = self.bits.len() as u32;
        let bit = *self.bits.entry(key.to_string()).or_insert(next);
        if bit >= 128 {
            self.bits.remove(key);
            return None;
        }
        Some(Keys(1 << bit))
    }

    /// The keys that answer `path` as the whole record would; `None` if only the whole
    /// record does.
    pub fn reads(&self, path: &str) -> Option<Keys> {
        self.paths.get(path).copied()
    }

    /// Whether a top-level key is among those `held`.
    pub fn keeps(&self, key: &str, held: Keys) -> bool {
        self.bits
            .get(key)
            .is_some_and(|&bit| held.holds(Keys(1 << bit)))
    }

    #[cfg(test)]
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_reads_its_flat_key_and_its_first_step() {
        let mut p = Projection::default();
        let bucket = p.add("requestParameters.bucketName").unwrap();
        let name = p.add("eventName").unwrap();
        let public = p.add("rampart.public").unwrap();
        assert_eq!(p.reads("requestParameters.bucketName"), Some(bucket));
        assert_eq!(p.reads("rampart.public"), Some(public));
        assert!(bucket.holds(public) && !bucket.holds(name));
        assert_eq!(p.reads("responseElements.x"), None);
        assert!(p.keeps("requestParameters.bucketName", bucket));
        assert!(p.keeps("requestParameters", public));
        assert!(!p.keeps("eventName", bucket) && p.keeps("eventName", bucket.with(name)));
        assert!(!p.keeps("responseElements", Keys(u128::MAX)));
        assert_eq!(Projection::default().reads("eventName"), None);
    }

    #[test]
    fn past_the_128th_key_a_field_reads_the_whole_record() {
        let mut p = Projection::default();
        for i in 0..128 {
            assert!(p.add(&format!("k{i}")).is_some());
        }
        assert_eq!(p.add("k128"), None);
        assert_eq!(p.add("k5.k129"), None);
        assert!(p.add("k5").is_some());
        assert_eq!(p.reads("k128"), None);
    }
}
