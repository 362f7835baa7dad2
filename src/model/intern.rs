//! One shared copy of text that repeats across records.
//!
//! Security Hub control findings repeat the same title, description, remediation and
//! product ARN for every resource they check, and CloudTrail repeats user agents: at 100k
//! findings, one copy each instead of one per record is a large share of memory.

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

/// Drops the copies no record holds any more; returns how many.
pub fn purge_unused() -> usize {
    let mut pool = pool().lock().unwrap_or_else(|e| e.into_inner());
    let before = pool.len();
    pool.retain(|s| Arc::strong_count(s) > 1);
    before - pool.len()
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
}
