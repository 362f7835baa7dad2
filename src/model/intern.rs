//! One shared copy of text that repeats across records.
//!
//! Security Hub control findings repeat the same title, description, remediation and
//! product ARN for every resource they check, and CloudTrail repeats user agents: at 100k
//! findings, one copy each instead of one per record is a large share of memory.

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

/// Text shared between records; compares and displays like `str`.
pub type Shared = Arc<str>;

fn pool() -> &'static Mutex<HashSet<Arc<str>>> {
    static POOL: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    POOL.get_or_init(Default::default)
}

/// The shared copy of `s`, made on first use.
pub fn intern(s: &str) -> Shared {
    // A poisoned pool only means another thread panicked mid-insert; the set is still valid.
    let mut pool = pool().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = pool.get(s) {
        return found.clone();
    }
    let shared: Shared = Arc::from(s);
    pool.insert(shared.clone());
    shared
}

/// Drops the copies no record holds any more (text and tag lists); returns how many.
pub fn purge_unused() -> usize {
    let mut pool = pool().lock().unwrap_or_else(|e| e.into_inner());
    let before = pool.len();
    pool.retain(|s| Arc::strong_count(s) > 1);
    let mut tags = tag_pool().lock().unwrap_or_else(|e| e.into_inner());
    let tags_before = tags.len();
    tags.retain(|t| Arc::strong_count(t) > 1);
    before - pool.len() + tags_before - tags.len()
}

/// One tag: key and value.
pub type Tag = (CompactString, CompactString);

fn tag_pool() -> &'static Mutex<HashSet<Arc<[Tag]>>> {
    static POOL: OnceLock<Mutex<HashSet<Arc<[Tag]>>>> = OnceLock::new();
    POOL.get_or_init(Default::default)
}

/// A resource's tags, one shared copy per distinct list: an organization tags its
/// resources alike (`env=prod`, `owner=payments`), and a list per resource took 190 MB at
/// a million findings. Reads, compares and serializes like a list of (key, value) pairs.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Tags(Option<Arc<[Tag]>>);

impl Tags {
    /// The shared copy of this list (none for an empty one).
    pub fn new(list: Vec<Tag>) -> Tags {
        if list.is_empty() {
            return Tags(None);
        }
        let mut pool = tag_pool().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = pool.get(&list[..]) {
            return Tags(Some(found.clone()));
        }
        let shared: Arc<[Tag]> = list.into();
        pool.insert(shared.clone());
        Tags(Some(shared))
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Tag> {
        self.as_slice().iter()
    }

    pub fn as_slice(&self) -> &[Tag] {
        self.0.as_deref().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

impl FromIterator<Tag> for Tags {
    fn from_iter<I: IntoIterator<Item = Tag>>(iter: I) -> Tags {
        Tags::new(iter.into_iter().collect())
    }
}

impl std::fmt::Debug for Tags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Tags, D::Error> {
        Vec::<Tag>::deserialize(d).map(Tags::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_text_is_one_allocation_and_unused_copies_go() {
        let a = intern("S3 general purpose buckets should block public access (test)");
        let b = intern(&String::from(
            "S3 general purpose buckets should block public access (test)",
        ));
        assert!(Arc::ptr_eq(&a, &b));
        drop((a, b));
        assert!(purge_unused() >= 1);
        let c = intern("S3 general purpose buckets should block public access (test)");
        assert_eq!(Arc::strong_count(&c), 2, "a fresh copy: the pool and c");
    }

    fn tag(k: &str, v: &str) -> Tag {
        (k.into(), v.into())
    }

    #[test]
    fn equal_tag_lists_are_one_allocation_and_read_and_serialize_as_pairs() {
        let list = || vec![tag("env", "prod (tags test)"), tag("owner", "payments")];
        let a = Tags::new(list());
        let b: Tags = list().into_iter().collect();
        let (Some(x), Some(y)) = (&a.0, &b.0) else {
            panic!("both hold a list")
        };
        assert!(Arc::ptr_eq(x, y));
        assert_eq!(a.as_slice(), &list()[..]);
        assert_eq!(a.len(), 2);
        // The same form a plain list of pairs has, both ways.
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, serde_json::to_string(&list()).unwrap());
        let back: Tags = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert!(Tags::new(Vec::new()).is_empty());
        assert_eq!(serde_json::to_string(&Tags::default()).unwrap(), "[]");
        // Another order is another list.
        let other = Tags::new(vec![
            tag("owner", "payments"),
            tag("env", "prod (tags test)"),
        ]);
        assert_ne!(other, a);
        drop((a, b, back, other));
        assert!(purge_unused() >= 2);
    }
}
