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
//! - `narenas:2`: two arenas instead of jemalloc's four a core (eight here), whose pages
//!   the export's short-lived tokio threads held: 62 MB against 52 MB for the 10k export.
//!
//! Blocks of 1 MiB and more (a table's rows, its search text) are mapped on their own and
//! grown with `mremap`, as glibc does: jemalloc grows a block it cannot extend in place by
//! copying it, which held both copies at once. Replaying a million CloudTrail events
//! peaked 130 MB higher and took 0.6 s longer that way.
//!
//! Giving every freed page back at once (`dirty_decay_ms:0`) lowered the peaks as well but
//! made each first sort of a pane fault its buffers in afresh; a one-second decay purged
//! in bursts inside frames (20 ms). Neither is used.

use std::alloc::{GlobalAlloc, Layout};

/// Elsewhere than Unix, the system's allocator (jemalloc does not build with MSVC).
#[cfg(not(unix))]
pub use std::alloc::System as Jemalloc;
#[cfg(unix)]
pub use tikv_jemallocator::Jemalloc;

/// jemalloc's settings, as its `malloc_conf` string (NUL-terminated).
pub const SETTINGS: &[u8; 36] = b"oversize_threshold:131072,narenas:2\0";

/// The size from which a block gets its own mapping.
const MAPPED: usize = 1 << 20;

/// jemalloc, with blocks of [`MAPPED`] bytes and more in mappings of their own (Linux).
pub struct Allocator;

/// Whether blocks of this layout are mapped on their own: the layout a block is freed or
/// resized with is the one it was allocated with, so this decides the same each time.
fn mapped(layout: &Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= MAPPED && layout.align() <= 4096
}

#[cfg(target_os = "linux")]
mod map {
    use std::ptr::null_mut;

    /// Fresh pages, zeroed by the kernel.
    pub fn new(size: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping at an address of the kernel's choosing.
        let p = unsafe {
            libc::mmap(
                null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            null_mut()
        } else {
            p.cast()
        }
    }

    /// # Safety
    /// `ptr` is a mapping of `size` bytes from [`new`] or [`resize`].
    pub unsafe fn free(ptr: *mut u8, size: usize) {
        // SAFETY: the caller's promise.
        unsafe { libc::munmap(ptr.cast(), size) };
    }

    /// # Safety
    /// `ptr` is a mapping of `old` bytes from [`new`] or [`resize`].
    pub unsafe fn resize(ptr: *mut u8, old: usize, new: usize) -> *mut u8 {
        // SAFETY: the caller's promise; the kernel moves the pages, it copies nothing.
        let p = unsafe { libc::mremap(ptr.cast(), old, new, libc::MREMAP_MAYMOVE) };
        if p == libc::MAP_FAILED {
            null_mut()
        } else {
            p.cast()
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod map {
    pub fn new(_: usize) -> *mut u8 {
        unreachable!("blocks are mapped on Linux only")
    }
    pub unsafe fn free(_: *mut u8, _: usize) {}
    pub unsafe fn resize(_: *mut u8, _: usize, _: usize) -> *mut u8 {
        unreachable!("blocks are mapped on Linux only")
    }
}

// SAFETY: a block is mapped or jemalloc's by its layout alone ([`mapped`]), the same
// layout it is freed and resized with; mappings are page-aligned, which covers every
// alignment `mapped` accepts, and fresh mappings are zeroed.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if mapped(&layout) {
            map::new(layout.size())
        } else {
            // SAFETY: passed on as given.
            unsafe { Jemalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if mapped(&layout) {
            map::new(layout.size())
        } else {
            // SAFETY: passed on as given.
            unsafe { Jemalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if mapped(&layout) {
            // SAFETY: a block of this layout was mapped, with this size.
            unsafe { map::free(ptr, layout.size()) }
        } else {
            // SAFETY: jemalloc's block, passed on as given.
            unsafe { Jemalloc.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `GlobalAlloc::realloc`'s contract: the new size, rounded up to the
        // alignment, does not overflow.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (mapped(&layout), mapped(&new)) {
            // SAFETY: jemalloc's block, passed on as given.
            (false, false) => unsafe { Jemalloc.realloc(ptr, layout, new_size) },
            // SAFETY: a mapping of the old size.
            (true, true) => unsafe { map::resize(ptr, layout.size(), new_size) },
            _ => {
                // From one kind to the other: a new block, the bytes both hold, the old
                // block freed.
                // SAFETY: `new` is a valid layout of non-zero size (see above); `ptr`
                // holds `layout.size()` bytes and the new block `new_size`.
                unsafe {
                    let p = self.alloc(new);
                    if !p.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    p
                }
            }
        }
    }
}

/// Gives the pages of freed blocks back to the system now, not when jemalloc's decay
/// would (after a burst of scratch memory that will not be needed again).
pub fn release_freed_memory() {
    #[cfg(unix)]
    // SAFETY: `arena.4096.purge` (4096 is MALLCTL_ARENAS_ALL: every arena) reads and
    // writes no value.
    unsafe {
        use std::ptr::null_mut;
        let name = c"arena.4096.purge";
        tikv_jemalloc_sys::mallctl(name.as_ptr(), null_mut(), null_mut(), null_mut(), 0);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions; it only releases free heap pages (of
    // glibc's heap, which C code and processes without the shipped allocator use).
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes [`Allocator`] the global allocator with rampart's [`SETTINGS`]: in the binary,
/// and in each benchmark or test that measures what ships.
#[macro_export]
macro_rules! shipped_allocator {
    () => {
        #[global_allocator]
        static GLOBAL: $crate::util::allocator::Allocator = $crate::util::allocator::Allocator;
        $crate::allocator_settings!();
    };
}

/// Gives jemalloc rampart's [`SETTINGS`], for a global allocator that wraps
/// [`Allocator`] (a test's counting allocator).
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks on both sides of the mapping threshold, grown and shrunk across it: each
    /// keeps its bytes, and a zeroed block is zero.
    #[test]
    fn blocks_keep_their_bytes_across_the_threshold() {
        let a = Allocator;
        let sizes = [64, MAPPED - 1, MAPPED, MAPPED * 3 + 17, 4096, MAPPED * 2];
        // SAFETY: every block is used within its size and freed with its layout.
        unsafe {
            let mut layout = Layout::from_size_align(sizes[0], 8).unwrap();
            let mut p = a.alloc_zeroed(layout);
            assert!(!p.is_null());
            assert!(std::slice::from_raw_parts(p, layout.size())
                .iter()
                .all(|&b| b == 0));
            for (i, &size) in sizes.iter().enumerate().skip(1) {
                let kept = layout.size().min(size);
                std::ptr::write_bytes(p, i as u8, layout.size());
                p = a.realloc(p, layout, size);
                assert!(!p.is_null(), "{size}");
                let bytes = std::slice::from_raw_parts(p, kept);
                assert!(bytes.iter().all(|&b| b == i as u8), "{size}: bytes kept");
                layout = Layout::from_size_align(size, 8).unwrap();
            }
            a.dealloc(p, layout);
            let big = Layout::from_size_align(MAPPED * 2, 4096).unwrap();
            let z = a.alloc_zeroed(big);
            assert_eq!(z as usize % 4096, 0);
            assert!(std::slice::from_raw_parts(z, big.size())
                .iter()
                .all(|&b| b == 0));
            a.dealloc(z, big);
        }
    }
}
