//! The allocator rampart ships with: jemalloc, and the settings it reads before `main`.
//!
//! glibc's malloc sorts its lists of freed blocks on the first allocation that no cache
//! can serve. In a soak at a million findings that took 15-27 ms of a frame twice an hour,
//! in the tab bar's few strings (`getrusage`: all user time, no faults, no switches), and
//! its `_int_malloc` was 7.7% of the whole soak's CPU. jemalloc frees into per-size slabs
//! and has no such pass. mimalloc had none either, but held more than twice glibc's peak
//! for a 10,000-finding export; jemalloc with these settings holds about what glibc did
//! (README, "Performance").
//!
//! - `oversize_threshold:131072`: blocks of 128 KiB and more (update batches, growing
//!   tables, sort buffers) come from an arena that gives their pages back as soon as they
//!   are freed, as glibc's mmap threshold did. With jemalloc's defaults, freed pages
//!   wait ten seconds: the console at a million findings peaked at 1,063 MB, not 942.
//! - `narenas:2`: an arena a core (two here) instead of four, which held pages for the
//!   export's short-lived tokio threads: 62 MB against 52 MB for the 10k export.
//!
//! Giving every freed page back at once (`dirty_decay_ms:0`) lowered the peaks as well but
//! made each first sort of a pane fault its buffers in afresh; a one-second decay purged
//! in bursts inside frames (20 ms). Neither is used.

pub use tikv_jemallocator::Jemalloc;

/// jemalloc's settings, as its `malloc_conf` string (NUL-terminated).
pub const SETTINGS: &[u8; 36] = b"oversize_threshold:131072,narenas:2\0";

/// Makes jemalloc the global allocator with rampart's [`SETTINGS`]: in the binary, and in
/// each benchmark or test that measures what ships.
#[macro_export]
macro_rules! shipped_allocator {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::util::allocator::Jemalloc = $crate::util::allocator::Jemalloc;
        $crate::allocator_settings!();
    };
}

/// Gives jemalloc rampart's [`SETTINGS`], for a global allocator that wraps
/// [`Jemalloc`] (a test's counting allocator).
#[macro_export]
macro_rules! allocator_settings {
    () => {
        // jemalloc reads `malloc_conf` (prefixed `_rjem_` by tikv-jemalloc-sys) at its
        // first allocation; this definition replaces its weak, empty one.
        #[allow(non_upper_case_globals)]
        #[export_name = "_rjem_malloc_conf"]
        static malloc_conf: &[u8; $crate::util::allocator::SETTINGS.len()] =
            $crate::util::allocator::SETTINGS;
    };
}
