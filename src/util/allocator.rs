//! Allocator settings for a process that holds a large store for weeks.
//!
//! glibc raises its mmap threshold each time a large block is freed, after which large
//! buffers (update batches, growing tables) come from the main heap and leave it
//! fragmented: at 100k findings that was a third more resident memory than the data
//! needs. A fixed threshold keeps large buffers in their own mappings, returned to the
//! system as soon as they are freed.

/// Call once, first thing in `main` (and in benchmarks, to measure what ships).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter; called before any thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
