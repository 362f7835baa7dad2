//! Files read in parallel, their results delivered in file order: a window of workers ahead
//! of the one being delivered, so a slow consumer holds back the readers.

use std::collections::BTreeMap;

/// Runs `work` over `items` on a few threads and hands the results to `each` in the
/// items' order; stops when `each` returns false. Workers run at most a small window
/// ahead of the consumer, so one slow (large) file does not let finished results pile up.
pub(super) fn in_order<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    mut each: impl FnMut(R) -> bool,
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let window = threads * 2;
    let gate = Gate {
        state: std::sync::Mutex::new(GateState {
            items: items.into_iter().enumerate(),
            taken: 0,
            delivered: 0,
            stopped: false,
        }),
        moved: std::sync::Condvar::new(),
    };
    // A worker that panics sends `None` for its item, so the consumer stops instead of
    // waiting forever for that item.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Option<R>)>(window);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (tx, gate, work) = (tx.clone(), &gate, &work);
            s.spawn(move || {
                while let Some((i, item)) = gate.take(window) {
                    let done =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(item))).ok();
                    let failed = done.is_none();
                    if tx.send((i, done)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(tx);
        // Owned here so that returning early drops it and unblocks any sender.
        let rx = rx;
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (i, r) in rx.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&next) {
                next += 1;
                let Some(r) = r else {
                    gate.delivered(false);
                    return;
                };
                let go_on = each(r);
                gate.delivered(go_on);
                if !go_on {
                    return;
                }
            }
        }
    });
}

struct GateState<I> {
    items: I,
    taken: usize,
    delivered: usize,
    stopped: bool,
}

struct Gate<I> {
    state: std::sync::Mutex<GateState<I>>,
    moved: std::sync::Condvar,
}

impl<T, I: Iterator<Item = (usize, T)>> Gate<I> {
    fn take(&self, window: usize) -> Option<(usize, T)> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !st.stopped && st.taken >= st.delivered + window {
            st = self.moved.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.stopped {
            return None;
        }
        let next = st.items.next()?;
        st.taken += 1;
        Some(next)
    }

    fn delivered(&self, go_on: bool) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.delivered += 1;
        st.stopped |= !go_on;
        self.moved.notify_all();
    }
}
