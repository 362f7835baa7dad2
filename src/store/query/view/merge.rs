//! Putting a view's written rows back into its sorted lists: each row found where it
//! was (by its former rank, or by a pass), taken out, and put back at its new place by
//! binary search, the rows between two places moved as blocks.

use std::cmp::Ordering;

/// The rows written since the last look, without repeats and in display order, and a
/// bit per table position saying which they are.
pub(super) struct Written {
    pub(super) rows: Vec<u32>,
    marked: Vec<u64>,
    /// Each written row with its rank before the first of its writes, by row.
    pub(super) old: Vec<(u32, u64)>,
}

impl Written {
    /// From the table's log: (row, rank before that write), oldest first.
    pub(super) fn new(
        mut old: Vec<(u32, u64)>,
        len: usize,
        order: &dyn Fn(u32, u32) -> Ordering,
    ) -> Written {
        // Stable, so that a row written twice keeps its first entry: its rank as it was.
        old.sort_by_key(|&(row, _)| row);
        old.dedup_by_key(|&mut (row, _)| row);
        let mut marked = vec![0u64; len.div_ceil(64)];
        for &(row, _) in &old {
            if let Some(word) = marked.get_mut(row as usize / 64) {
                *word |= 1 << (row % 64);
            }
        }
        let mut rows: Vec<u32> = old.iter().map(|&(row, _)| row).collect();
        rows.sort_by(|a, b| order(*a, *b));
        Written { rows, marked, old }
    }

    /// Whether a position stays where it is (it exists and was not written).
    fn stays(&self, row: u32) -> bool {
        self.marked
            .get(row as usize / 64)
            .is_some_and(|word| word >> (row % 64) & 1 == 0)
    }

    /// The rank a written row had when the list was ordered.
    fn old_rank(&self, row: u32) -> u64 {
        self.old
            .binary_search_by_key(&row, |&(r, _)| r)
            .map_or(0, |k| self.old[k].1)
    }
}

/// A list in a ranked table's rank order (ascending, or descending when reversed): the
/// ranks as they are now; a written row's rank as it was comes from [`Written`].
#[derive(Clone, Copy)]
pub(super) struct ByRank<'a> {
    pub(super) ranks: &'a [u64],
    pub(super) descending: bool,
}

impl ByRank<'_> {
    /// Rows of equal rank looked through for one written row before giving up on ranks
    /// (a rescan can give thousands of findings the same time and severity).
    const TIES: usize = 256;

    /// Where the written rows that `list` holds (`held`, by [`Written::old`]) are in it,
    /// ascending: each found by binary search on the rank it had, then among the rows of
    /// that rank. `None` when one is not there, as in a list in another order: the caller
    /// then passes over the list instead, so a wrong guess costs time, never rows.
    fn find(&self, list: &[u32], written: &Written, held: &[bool]) -> Option<Vec<usize>> {
        let rank = |row: u32| {
            if written.stays(row) {
                self.ranks.get(row as usize).copied()
            } else {
                Some(written.old_rank(row))
            }
        };
        let sought: Vec<(u32, u64)> = (written.old.iter().zip(held))
            .filter_map(|(&pair, &h)| h.then_some(pair))
            .collect();
        let starts = side_by_side(list.len(), sought.len(), |i, k| match rank(list[i]) {
            Some(r) if self.descending => r > sought[k].1,
            Some(r) => r < sought[k].1,
            None => false,
        });
        let mut at = Vec::with_capacity(sought.len());
        for (&(row, old), start) in sought.iter().zip(starts) {
            let tied = list.get(start..)?.iter().take(Self::TIES);
            let found = tied
                .take_while(|&&x| rank(x) == Some(old))
                .position(|&x| x == row)?;
            at.push(start + found);
        }
        at.sort_unstable();
        Some(at)
    }
}

/// Takes the written rows out of `list` (which is in display order; `held` says, by
/// [`Written::old`], which of them it holds) and puts `put` (some of them, in display
/// order) back at their places, each place found by binary search, then every row moved
/// once, the rows between two changes as one block. Comparisons cost
/// `written x log(rows)`, not one per row held: at a million findings, a full merge
/// compared a million records (58 ms) for a poll of 500. The written rows are found by
/// their former rank when `by_rank` says the list is in rank order (then `true`), else by
/// a pass over the list, which at a million rows was half of a poll's cost.
pub(super) fn splice(
    list: &mut Vec<u32>,
    written: &Written,
    held: &[bool],
    by_rank: Option<ByRank<'_>>,
    put: impl Iterator<Item = u32>,
    order: &dyn Fn(u32, u32) -> Ordering,
) -> bool {
    let found = by_rank.and_then(|r| r.find(list, written, held));
    let by_rank = found.is_some();
    let taken = found.unwrap_or_else(|| {
        (list.iter().enumerate())
            .filter(|&(_, &row)| !written.stays(row))
            .map(|(i, _)| i)
            .collect()
    });
    // Every written row the list holds is taken, whichever way it was found (a `held`
    // that missed one would leave it in the list twice).
    debug_assert_eq!(
        taken.len(),
        list.iter().filter(|&&row| !written.stays(row)).count()
    );
    let put: Vec<u32> = put.collect();
    let stay = list.len() - taken.len();
    // Each taken row's slot holds a copy of a neighbour that stays, so the list is in
    // order again and the searches run over it as it is; a place counts the rows that
    // stay before it.
    let mut places = vec![0; put.len()];
    if stay > 0 {
        // Ascending, so a run of taken rows copies the one that stays before it.
        for &i in taken.iter().filter(|&&i| i > 0) {
            list[i] = list[i - 1];
        }
        // Taken rows before the first that stays copy that one.
        let lead = taken
            .iter()
            .enumerate()
            .take_while(|&(k, &i)| i == k)
            .count();
        if lead > 0 {
            let v = list[lead];
            list[..lead].fill(v);
        }
        let found = side_by_side(list.len(), put.len(), |i, w| {
            order(list[i], put[w]) != Ordering::Greater
        });
        for (place, at) in places.iter_mut().zip(found) {
            *place = at - taken.partition_point(|&i| i < at);
        }
    }
    // A comparator that is not a total order could place rows out of turn: they go at
    // the latest place seen, never lost.
    for k in 1..places.len() {
        places[k] = places[k].max(places[k - 1]);
    }
    let gaps: Vec<usize> = taken.iter().enumerate().map(|(j, &i)| i - j).collect();
    rebuild(list, &gaps, &places, &put);
    by_rank
}

/// Rebuilds `list` in place: the rows taken out (`gaps`, where each would sit among the
/// rows that stay) leave, and `put[k]` goes before the `places[k]`-th row that stays (both
/// ascending). Between two of those points the rows that stay all move by the same
/// amount, as one block; blocks moving right go right to left within a run of them, the
/// rest left to right, so that no block lands on one not yet moved.
fn rebuild(list: &mut Vec<u32>, gaps: &[usize], places: &[usize], put: &[u32]) {
    let stay = list.len() - gaps.len();
    let len = stay + put.len();
    let mut cuts: Vec<usize> = (gaps.iter().chain(places))
        .copied()
        .filter(|&p| p < stay)
        .chain([0, stay])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    // (from, to, len) of each block of rows that stay.
    let mut blocks = Vec::with_capacity(cuts.len());
    let (mut taken, mut added) = (0, 0);
    for w in cuts.windows(2) {
        let (first, end) = (w[0], w[1]);
        taken += gaps[taken..].iter().take_while(|&&g| g <= first).count();
        added += places[added..].iter().take_while(|&&p| p <= first).count();
        blocks.push((first + taken, first + added, end - first));
    }
    if len > list.len() {
        list.resize(len, 0);
    }
    let mut b = 0;
    while b < blocks.len() {
        let mut end = b + 1;
        if blocks[b].1 > blocks[b].0 {
            while end < blocks.len() && blocks[end].1 > blocks[end].0 {
                end += 1;
            }
        }
        for &(from, to, n) in blocks[b..end].iter().rev() {
            list.copy_within(from..from + n, to);
        }
        b = end;
    }
    for (k, (&row, &place)) in put.iter().zip(places).enumerate() {
        list[place + k] = row;
    }
    list.truncate(len);
}

/// For each of `n` searches over `0..len`, the partition point of `before(i, search)`
/// (true for a prefix of the indices, as in `slice::partition_point`).
///
/// The binary searches go side by side, one level of halving at a time for every search,
/// so the reads that miss the cache in a million-row list overlap instead of waiting on
/// each other (one search after another took half the time of a poll of 500 at a million
/// findings).
fn side_by_side(len: usize, n: usize, before: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    let mut base = vec![0usize; n];
    if len == 0 {
        return base;
    }
    // The halving of std's binary search: every search halves the same sizes, so one
    // level can be taken for all of them before the next.
    let mut size = len;
    while size > 1 {
        let half = size / 2;
        for (k, b) in base.iter_mut().enumerate() {
            if before(*b + half, k) {
                *b += half;
            }
        }
        size -= half;
    }
    for (k, b) in base.iter_mut().enumerate() {
        *b += usize::from(before(*b, k));
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The written rows taken out, then each row put inserted after every held row that
    /// does not sort after it: one by one, as simply as it can be said.
    fn one_by_one(
        list: &[u32],
        written: &Written,
        put: &[u32],
        order: &dyn Fn(u32, u32) -> Ordering,
    ) -> Vec<u32> {
        let mut held: Vec<u32> = list.iter().copied().filter(|&r| written.stays(r)).collect();
        for &w in put {
            let at = held.partition_point(|&r| order(r, w) != Ordering::Greater);
            held.insert(at, w);
        }
        held
    }

    proptest! {
        /// Keys from a small range, so many rows sort equal; written rows anywhere (the
        /// first, runs side by side, all of them, some twice), new rows appended, a list
        /// that holds only some rows (a filter's), a filter that puts back only some; the
        /// written rows found by a pass or by their former rank, in either direction.
        #[test]
        fn putting_written_rows_back_searched_side_by_side_equals_one_by_one(
            old in prop::collection::vec(0u8..6, 0..120),
            rewritten in prop::collection::vec((any::<prop::sample::Index>(), 0u8..6), 0..40),
            appended in prop::collection::vec(0u8..6, 0..10),
            run in any::<bool>(),
            hold_every in 1u32..4,
            keep_every in 1usize..4,
            by_rank in any::<bool>(),
            descending in any::<bool>(),
        ) {
            let mut keys = old.clone();
            let direction = |o: Ordering| if descending { o.reverse() } else { o };
            let mut order_of: Vec<u32> = (0..old.len() as u32).collect();
            order_of.sort_by(|&a, &b| direction(old[a as usize].cmp(&old[b as usize])));
            let mut log = Vec::new();
            if !old.is_empty() {
                for (i, (at, key)) in rewritten.iter().enumerate() {
                    // A run: rows next to each other in the order, from one place on.
                    let p = if run { (at.index(old.len()) / 4 + i) % old.len() } else { at.index(old.len()) };
                    let row = order_of[p];
                    log.push((row, u64::from(keys[row as usize])));
                    keys[row as usize] = *key;
                }
            }
            for key in &appended {
                log.push((keys.len() as u32, 0));
                keys.push(*key);
            }
            let ranks: Vec<u64> = keys.iter().map(|&k| u64::from(k)).collect();
            let order = |a: u32, b: u32| direction(keys[a as usize].cmp(&keys[b as usize]));
            let written = Written::new(log, keys.len(), &order);
            // The list holds every `hold_every`th row there was, in order.
            let holds = |r: u32| (r as usize) < old.len() && r.is_multiple_of(hold_every);
            let mut list: Vec<u32> = order_of.iter().copied().filter(|&r| holds(r)).collect();
            let held: Vec<bool> = written.old.iter().map(|&(r, _)| holds(r)).collect();
            let put: Vec<u32> = written.rows.iter().copied().step_by(keep_every).collect();
            let expected = one_by_one(&list, &written, &put, &order);
            let by_rank = by_rank.then_some(ByRank { ranks: &ranks, descending });
            let found = splice(&mut list, &written, &held, by_rank, put.iter().copied(), &order);
            prop_assert_eq!(list, expected);
            // Fewer than `ByRank::TIES` rows tie here: the ranks always find them.
            prop_assert_eq!(found, by_rank.is_some());
        }
    }

    /// Every row of one rank (the seeds an earlier form of the proptest kept): rows
    /// rewritten in place, some twice, and a row appended, by rank and by a pass.
    #[test]
    fn rows_all_of_one_rank_are_taken_out_and_put_back() {
        let order = |_: u32, _: u32| Ordering::Equal;
        for (len, log) in [
            (9u32, vec![(8, 0), (4, 0), (0, 0), (2, 0), (6, 0), (4, 0)]),
            (15, vec![(15, 0)]),
        ] {
            let total = len.max(1 + log.iter().map(|&(r, _)| r).max().unwrap_or(0));
            let ranks = vec![0u64; total as usize];
            for by_rank in [
                None,
                Some(ByRank {
                    ranks: &ranks,
                    descending: false,
                }),
            ] {
                let mut list: Vec<u32> = (0..len).collect();
                let written = Written::new(log.clone(), total as usize, &order);
                let held: Vec<bool> = written.old.iter().map(|&(r, _)| r < len).collect();
                let put = written.rows.clone();
                let expected = one_by_one(&list, &written, &put, &order);
                let found = splice(&mut list, &written, &held, by_rank, put.into_iter(), &order);
                assert_eq!(list, expected);
                assert_eq!(found, by_rank.is_some());
            }
        }
    }

    /// A list in another order than the ranks say: the written rows are not where their
    /// ranks point, the ranks give up, and a pass over the list takes them out.
    #[test]
    fn ranks_that_do_not_order_the_list_give_way_to_a_pass() {
        let ranks = [5u64, 4, 3, 2, 1, 0];
        let list: Vec<u32> = (0..6).collect();
        let order = |a: u32, b: u32| a.cmp(&b);
        let written = Written::new(vec![(1, 4), (4, 1)], 6, &order);
        let held = [true, true];
        let by_rank = Some(ByRank {
            ranks: &ranks,
            descending: false,
        });
        let mut taken = list.clone();
        let found = splice(
            &mut taken,
            &written,
            &held,
            by_rank,
            [1, 4].into_iter(),
            &order,
        );
        assert!(!found);
        assert_eq!(taken, list);
        // More ties than are looked through before a row is found: a pass too.
        let ranks = vec![7u64; 1000];
        let list: Vec<u32> = (0..1000).collect();
        let written = Written::new(vec![(900, 7)], 1000, &order);
        let mut taken = list.clone();
        let by_rank = Some(ByRank {
            ranks: &ranks,
            descending: false,
        });
        assert!(!splice(
            &mut taken,
            &written,
            &[true],
            by_rank,
            std::iter::empty(),
            &order
        ));
        assert_eq!(taken.len(), 999);
        assert!(!taken.contains(&900));
    }
}
