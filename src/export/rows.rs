//! An export's lists rendered on worker threads and written in their order.
//!
//! Each finding or event of an export has its raw record decompressed and its fields
//! serialized: a 10,000-finding export spent a third of its time there on one thread while
//! the other cores waited. The rows are cut into pieces of [`PIECE`] rows; worker `k` of
//! one per core (at most [`WORKERS`]) renders pieces `k`, `k + workers`, ... and the
//! writer takes them back in turn, so the document is byte for byte the one a single
//! thread writes. A worker holds at most [`AHEAD`] pieces waiting for the writer and one
//! it is handing over: the memory held is a few pieces (about 1 MB at most), not the
//! document.

use super::json::TerminalSafe;
use std::io::Write;
use std::sync::mpsc;

/// Rows rendered as one piece of work: about 90 KB of findings with their raw records.
const PIECE: usize = 32;

/// Pieces a worker renders ahead of the writer.
const AHEAD: usize = 2;

/// Fewer pieces than this are rendered by the writer itself: threads cost more than the
/// work for a short list.
const THREADED_FROM: usize = 8;

/// Rendering threads at most, whatever the cores: the writer's single stream is the limit
/// beyond a few.
const WORKERS: usize = 4;

/// Writes `rows` as the items of a JSON array whose `[` is written already: each row on a
/// line of its own after a comma, escaped as [`TerminalSafe`] escapes, in the order given.
pub fn write_rows<T: Sync, W: Write + ?Sized>(
    w: &mut TerminalSafe<'_, W>,
    rows: &[T],
    render: impl Fn(&mut TerminalSafe<'_, Vec<u8>>, &T) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    // Asked once: each asking reads the cgroup's files, and a document has eight lists.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    write_rows_on(w, rows, cores.min(WORKERS), render)
}

/// [`write_rows`] on `workers` threads (one or none: the writer renders).
fn write_rows_on<T: Sync, W: Write + ?Sized>(
    w: &mut TerminalSafe<'_, W>,
    rows: &[T],
    workers: usize,
    render: impl Fn(&mut TerminalSafe<'_, Vec<u8>>, &T) -> std::io::Result<()> + Sync,
) -> std::io::Result<()> {
    let pieces = rows.len().div_ceil(PIECE);
    let render_piece = |p: usize| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut safe = TerminalSafe::new(&mut out);
        for (i, row) in rows.iter().enumerate().skip(p * PIECE).take(PIECE) {
            safe.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            render(&mut safe, row)?;
        }
        safe.finish()?;
        Ok(out)
    };
    let alone = |w: &mut TerminalSafe<'_, W>| -> std::io::Result<()> {
        for p in 0..pieces {
            w.write_escaped(&render_piece(p)?)?;
        }
        Ok(())
    };
    if workers < 2 || pieces < THREADED_FROM {
        return alone(w);
    }
    std::thread::scope(|s| {
        let mut rendered: Vec<mpsc::Receiver<std::io::Result<Vec<u8>>>> = Vec::new();
        for k in 0..workers {
            let (tx, rx) = mpsc::sync_channel(AHEAD);
            let render_piece = &render_piece;
            let started = std::thread::Builder::new().spawn_scoped(s, move || {
                for p in (k..pieces).step_by(workers) {
                    // The writer stopped (a write failed): nothing more is wanted.
                    if tx.send(render_piece(p)).is_err() {
                        break;
                    }
                }
            });
            if started.is_err() {
                // No thread to be had (a process limit): the ones started stop at their
                // next piece, and the writer renders everything itself.
                rendered.clear();
                return alone(w);
            }
            rendered.push(rx);
        }
        for p in 0..pieces {
            let piece = rendered[p % workers]
                .recv()
                .map_err(|_| std::io::Error::other("a thread rendering the export stopped"))??;
            w.write_escaped(&piece)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(rows: &[u32], workers: usize) -> String {
        let mut out = Vec::new();
        let mut safe = TerminalSafe::new(&mut out);
        write_rows_on(&mut safe, rows, workers, |w, n| {
            // A C1 control in every row: the pieces are escaped as the writer would.
            write!(w, "\"{n}\u{9b}\"")
        })
        .unwrap();
        safe.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn threaded_rows_are_the_rows_one_thread_writes_in_order() {
        for n in [0, 1, PIECE, PIECE * THREADED_FROM - 1, PIECE * 50 + 7] {
            let rows: Vec<u32> = (0..n as u32).collect();
            let expected: String = rows
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{}\"{r}\\u009b\"", if i == 0 { "\n" } else { ",\n" }))
                .collect();
            for workers in [1, 2, 3] {
                assert_eq!(
                    written(&rows, workers),
                    expected,
                    "{n} rows, {workers} threads"
                );
            }
        }
    }

    #[test]
    fn a_failed_row_stops_the_list_with_its_error() {
        let rows: Vec<u32> = (0..(PIECE * 40) as u32).collect();
        let mut out = Vec::new();
        let mut safe = TerminalSafe::new(&mut out);
        let err = write_rows_on(&mut safe, &rows, 3, |w, n| {
            if *n == 1000 {
                return Err(std::io::Error::other("row 1000 failed"));
            }
            write!(w, "{n}")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "row 1000 failed");
        drop(safe);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with(&format!(",\n{}", 1000 / PIECE * PIECE - 1)),
            "{text:?}"
        );
    }
}
