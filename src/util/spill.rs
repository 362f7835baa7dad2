//! A spill file: byte blocks kept on disk instead of the heap, read back on demand.
//!
//! At a million findings or events the compressed raw records are the largest thing held
//! (about 450 MB of a replay of a million CloudTrail events) and are read only when
//! someone opens a detail, exports, or a rule asks for a field beyond the columns. Kept in
//! one file in the cache directory they cost page cache, which the kernel may drop, not
//! the process's memory.
//!
//! The file is created 0600 with a name no one else holds and unlinked at once, so it
//! disappears with the process however it ends (`kill -9` included) and no other process
//! can open it by name. Space is bounded: a freed block goes to a free list of its size
//! class and the next block of that class takes it, so a store whose records are replaced
//! (every poll, every demo tick) reuses the space of the records it dropped; the file
//! grows only with the most ever held at once, rounded up to the size classes.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Where one block lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub offset: u64,
    pub len: u32,
}

pub struct Spill {
    file: File,
    inner: Mutex<Inner>,
    live: AtomicU64,
}

/// Blocks at the end of the file are gathered in memory and written a megabyte at a
/// time: a million records are then a few hundred writes, not a million.
struct Inner {
    free: HashMap<u32, Vec<u64>>,
    /// Bytes from `base` on, not yet written.
    pending: Vec<u8>,
    base: u64,
}

const FLUSH_AT: usize = 1 << 20;

/// Blocks round up to a class so that a freed block fits the next one of about its size:
/// 32-byte steps to 1 KiB, then a sixteenth of the power of two above (under an eighth
/// of the length).
pub fn class(len: u32) -> u32 {
    let len = len.max(1);
    if len <= 1024 {
        return len.div_ceil(32) * 32;
    }
    let step = (len.next_power_of_two() / 16).max(32);
    len.div_ceil(step) * step
}

impl Spill {
    /// A new spill file in `dir` (created 0700 if missing), already unlinked.
    pub fn create(dir: &Path) -> io::Result<Spill> {
        if let Some(warning) = super::files::ensure_private_dir(dir)? {
            // Someone else's directory could read our records: keep them in memory.
            return Err(io::Error::other(warning));
        }
        let mut last = None;
        for attempt in 0..16u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let path = dir.join(format!(
                "spill-{}-{nanos:08x}-{attempt}.tmp",
                std::process::id()
            ));
            let opened = {
                use std::os::unix::fs::OpenOptionsExt;
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                    .open(&path)
            };
            match opened {
                Ok(file) => {
                    std::fs::remove_file(&path)?;
                    return Ok(Spill {
                        file,
                        inner: Mutex::new(Inner {
                            free: HashMap::new(),
                            pending: Vec::new(),
                            base: 0,
                        }),
                        live: AtomicU64::new(0),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free spill file name")))
    }

    /// Writes `bytes` to a free block of their class, or to the end of the file.
    pub fn put(&self, bytes: &[u8]) -> io::Result<Block> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::Error::other("block over 4 GiB"))?;
        let size = class(len);
        let mut inner = self.lock();
        let reused = inner.free.get_mut(&size).and_then(Vec::pop);
        let offset = match reused {
            // A freed block still in memory is overwritten there.
            Some(offset) if offset >= inner.base => {
                let at = (offset - inner.base) as usize;
                inner.pending[at..at + bytes.len()].copy_from_slice(bytes);
                offset
            }
            Some(offset) => {
                drop(inner);
                if let Err(e) = self.file.write_all_at(bytes, offset) {
                    self.lock().free.entry(size).or_default().push(offset);
                    return Err(e);
                }
                offset
            }
            None => {
                let offset = inner.base + inner.pending.len() as u64;
                inner.pending.extend_from_slice(bytes);
                let padded = inner.pending.len() + (size - len) as usize;
                inner.pending.resize(padded, 0);
                if inner.pending.len() >= FLUSH_AT {
                    let Inner { pending, base, .. } = &mut *inner;
                    self.file.write_all_at(pending, *base)?;
                    *base += pending.len() as u64;
                    pending.clear();
                }
                offset
            }
        };
        self.live.fetch_add(u64::from(size), Ordering::Relaxed);
        Ok(Block { offset, len })
    }

    pub fn get(&self, block: Block) -> io::Result<Vec<u8>> {
        {
            let inner = self.lock();
            if block.offset >= inner.base {
                let at = (block.offset - inner.base) as usize;
                return inner
                    .pending
                    .get(at..at + block.len as usize)
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| io::Error::other("block beyond the spill file"));
            }
        }
        // Below `base` everything is written: no lock needed to read it.
        let mut out = vec![0; block.len as usize];
        self.file.read_exact_at(&mut out, block.offset)?;
        Ok(out)
    }

    /// Gives a block's space back for reuse.
    pub fn free(&self, block: Block) {
        let size = class(block.len);
        self.live.fetch_sub(u64::from(size), Ordering::Relaxed);
        self.lock().free.entry(size).or_default().push(block.offset);
    }

    /// Bytes in blocks in use, and the file's length (what is written and pending).
    pub fn usage(&self) -> (u64, u64) {
        let end = {
            let inner = self.lock();
            inner.base + inner.pending.len() as u64
        };
        (self.live.load(Ordering::Relaxed), end)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lists leaves them whole: keep using them.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill() -> (tempfile::TempDir, Spill) {
        let dir = tempfile::tempdir().unwrap();
        let s = Spill::create(&dir.path().join("cache")).unwrap();
        (dir, s)
    }

    #[test]
    fn blocks_round_trip_and_leave_no_file_behind() {
        let (dir, s) = spill();
        let a = s.put(b"hello").unwrap();
        let b = s.put(&[7u8; 5000]).unwrap();
        assert_eq!(s.get(a).unwrap(), b"hello");
        assert_eq!(s.get(b).unwrap(), vec![7u8; 5000]);
        let left: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "the file is unlinked at once: {left:?}");
        let mode = std::fs::metadata(dir.path().join("cache")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.permissions().mode() & 0o777, 0o700);
    }

    #[test]
    fn blocks_read_back_on_both_sides_of_a_flush() {
        let (_dir, s) = spill();
        let blocks: Vec<Block> = (0..5000u32)
            .map(|i| s.put(&[(i % 251) as u8; 1000]).unwrap())
            .collect();
        for (i, b) in blocks.iter().enumerate() {
            assert_eq!(s.get(*b).unwrap(), vec![(i % 251) as u8; 1000], "block {i}");
        }
        // A freed block reused, whether written out already or still pending.
        for &i in &[0usize, 4999] {
            s.free(blocks[i]);
            let again = s.put(&[9u8; 1000]).unwrap();
            assert_eq!(again.offset, blocks[i].offset);
            assert_eq!(s.get(again).unwrap(), vec![9u8; 1000]);
        }
        assert_eq!(s.get(blocks[4998]).unwrap(), vec![(4998 % 251) as u8; 1000]);
    }

    #[test]
    fn replaced_blocks_reuse_their_space_so_the_file_stays_bounded() {
        let (_dir, s) = spill();
        let mut held: Vec<Block> = (0..1000)
            .map(|i| s.put(&vec![1u8; 400 + i % 200]).unwrap())
            .collect();
        let (_, first_end) = s.usage();
        // A day of polls: every record replaced a hundred times by one of about its size.
        for round in 0..100 {
            for (i, b) in held.iter_mut().enumerate() {
                s.free(*b);
                *b = s.put(&vec![2u8; 400 + (i + round) % 200]).unwrap();
            }
        }
        let (live, end) = s.usage();
        assert!(end <= first_end + 64 * 1024, "{end} after {first_end}");
        assert!(live <= end);
        assert_eq!(s.get(held[5]).unwrap()[0], 2);
    }

    #[test]
    fn classes_round_up_and_fit() {
        for len in [1, 31, 32, 33, 1000, 1024, 1025, 4096, 5000, 70_000] {
            let c = class(len);
            assert!(c >= len && c <= len + len / 8 + 32, "{len} -> {c}");
        }
    }
}
