//! One shared copy of text that repeats across records.
//!
//! Security Hub control findings repeat the same title, description, remediation and
//! product ARN for every resource they check, and CloudTrail repeats user agents: at 100k
//! findings, one copy each instead of one per record is a large share of memory.

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};

/// Text shared between records; compares and displays like `str`. A thin pointer (8 bytes,
/// the length kept with the text): a finding holds a dozen of these, and `Arc<str>`'s
/// 16 bytes each were 88 MB more at a million findings.
pub type Shared = arcstr::ArcStr;

/// A fast hash seeded once per process: the text comes from records others can shape.
type Seeded = foldhash::fast::RandomState;

/// A pool of shared lists.
type Pool<T> = Mutex<HashSet<Arc<T>, Seeded>>;

/// A pool of shared text.
type TextPool = Mutex<HashSet<Shared, Seeded>>;

/// The text pool is cut in shards by hash: the demo's and a replay's parsers intern ten
/// texts per record on every core, and one lock made them wait for each other.
const SHARDS: usize = 16;

fn shards() -> &'static [TextPool; SHARDS] {
    static SHARDS_: OnceLock<[TextPool; SHARDS]> = OnceLock::new();
    SHARDS_.get_or_init(Default::default)
}

fn shard(s: &str) -> &'static TextPool {
    static SEED: OnceLock<Seeded> = OnceLock::new();
    let h = SEED.get_or_init(Default::default).hash_one(s);
    &shards()[(h >> 60) as usize % SHARDS]
}

/// The shared copy of `s`, made on first use.
pub fn intern(s: &str) -> Shared {
    // A poisoned pool only means another thread panicked mid-insert; the set is still valid.
    let mut pool = shard(s).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = pool.get(s) {
        return found.clone();
    }
    let shared = Shared::from(s);
    pool.insert(shared.clone());
    shared
}

/// Drops the copies no record holds any more (lists first, as they hold text); returns
/// how many.
pub fn purge_unused() -> usize {
    let lists = SharedList::<super::Resource>::purge_unused()
        + SharedList::<Tag>::purge_unused()
        + SharedList::<Shared>::purge_unused();
    let texts: usize = shards()
        .iter()
        .map(|shard| {
            let mut pool = shard.lock().unwrap_or_else(|e| e.into_inner());
            let before = pool.len();
            pool.retain(|s| Shared::strong_count(s).is_some_and(|n| n > 1));
            before - pool.len()
        })
        .sum();
    lists + texts
}

/// One tag: key and value.
pub type Tag = (CompactString, CompactString);

/// A resource's tags: an organization tags its resources alike (`env=prod`,
/// `owner=payments`), and a list per resource took 190 MB at a million findings.
pub type Tags = SharedList<Tag>;

/// An element type whose lists are shared: the pool of its distinct lists.
pub trait Pooled: Eq + std::hash::Hash + Sized + Send + Sync + 'static {
    fn pool() -> &'static Pool<[Self]>;
}

/// Implements [`Pooled`] for types with a pool of their own.
macro_rules! pooled {
    ($($t:ty),*) => {$(
        impl Pooled for $t {
            fn pool() -> &'static Pool<[Self]> {
                static POOL: OnceLock<Pool<[$t]>> = OnceLock::new();
                POOL.get_or_init(Default::default)
            }
        }
    )*};
}
pooled!(Tag, Shared, super::Resource);

/// A list that repeats across records, one shared copy per distinct list: a finding's
/// types, its resources (an Inspector image or a checked bucket is named by dozens of
/// findings), a resource's tags. Reads like a slice; compares, hashes and serializes
/// like a list.
#[derive(PartialEq, Eq, Hash)]
pub struct SharedList<T>(Option<Arc<[T]>>);

impl<T> Clone for SharedList<T> {
    fn clone(&self) -> Self {
        SharedList(self.0.clone())
    }
}

impl<T> Default for SharedList<T> {
    fn default() -> Self {
        SharedList(None)
    }
}

impl<T: Pooled> SharedList<T> {
    /// The shared copy of this list (none for an empty one).
    pub fn new(list: Vec<T>) -> SharedList<T> {
        if list.is_empty() {
            return SharedList(None);
        }
        let mut pool = T::pool().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = pool.get(&list[..]) {
            return SharedList(Some(found.clone()));
        }
        let shared: Arc<[T]> = list.into();
        pool.insert(shared.clone());
        SharedList(Some(shared))
    }

    /// A changed copy of the list, shared in turn; the list others hold stays as it was.
    pub fn edit(&mut self, change: impl FnOnce(&mut Vec<T>))
    where
        T: Clone,
    {
        let mut list = self.to_vec();
        change(&mut list);
        *self = SharedList::new(list);
    }

    fn purge_unused() -> usize {
        let mut pool = T::pool().lock().unwrap_or_else(|e| e.into_inner());
        let before = pool.len();
        pool.retain(|t| Arc::strong_count(t) > 1);
        before - pool.len()
    }
}

impl<T> SharedList<T> {
    pub fn as_slice(&self) -> &[T] {
        self.0.as_deref().unwrap_or_default()
    }
}

impl<T> std::ops::Deref for SharedList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<'a, T> IntoIterator for &'a SharedList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> std::slice::Iter<'a, T> {
        self.as_slice().iter()
    }
}

impl<T: Pooled> FromIterator<T> for SharedList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> SharedList<T> {
        SharedList::new(iter.into_iter().collect())
    }
}

impl<T: Pooled> From<Vec<T>> for SharedList<T> {
    fn from(list: Vec<T>) -> SharedList<T> {
        SharedList::new(list)
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for SharedList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de, T: Pooled + Deserialize<'de>> Deserialize<'de> for SharedList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SharedList<T>, D::Error> {
        Vec::<T>::deserialize(d).map(SharedList::new)
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
        assert!(Shared::ptr_eq(&a, &b));
        drop((a, b));
        // Another test's store may sweep the pool at the same moment (every 1,024th
        // update): what is asked is that the copy left, whoever purged it.
        purge_unused();
        let text = "S3 general purpose buckets should block public access (test)";
        let pooled = shard(text).lock().unwrap().contains(text);
        assert!(!pooled, "the unused copy left the pool");
        let c = intern("S3 general purpose buckets should block public access (test)");
        assert_eq!(
            Shared::strong_count(&c),
            Some(2),
            "a fresh copy: the pool and c"
        );
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
        let pooled = Arc::downgrade(x);
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
        // Another test's store may sweep the pool at the same moment (every 1,024th
        // update): what is asked is that the unused list left, whoever purged it.
        purge_unused();
        assert!(pooled.upgrade().is_none(), "the unused list left the pool");
    }

    #[test]
    fn an_edited_list_is_shared_afresh_and_the_others_keep_theirs() {
        let types = || -> Vec<Shared> { vec![intern("TTPs/Edit test"), intern("Effects/Edit")] };
        let a = SharedList::new(types());
        let mut b = a.clone();
        b.edit(|t| t.truncate(1));
        assert_eq!(a.as_slice(), &types()[..]);
        assert_eq!(b.len(), 1);
        let c: SharedList<Shared> = vec![intern("TTPs/Edit test")].into();
        let (Some(x), Some(y)) = (&b.0, &c.0) else {
            panic!("both hold a list")
        };
        assert!(Arc::ptr_eq(x, y), "the edited list is the pool's copy");
        b.edit(Vec::clear);
        assert!(b.is_empty() && b.0.is_none());
    }
}
