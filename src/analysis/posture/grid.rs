//! The overview's accounts-by-regions grid of open findings, and the trend of open findings
//! by severity, a sample a minute.

use super::*;

/// Open findings per account and region: the highest severity, how many, and how old the
/// data is (the Security Hub source's last success there, when polled live).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Grid {
    pub accounts: Vec<String>,
    /// Regions by open findings, most first.
    pub regions: Vec<String>,
    pub cells: BTreeMap<(String, String), Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub worst: Severity,
    /// Open findings of the worst severity: what the header's count of that severity
    /// counts, here.
    pub worst_open: usize,
    pub open: usize,
    pub synced: Option<DateTime<Utc>>,
}

pub fn grid(store: &Store) -> Grid {
    // From the tally the store keeps up: a look at each account-region, not each finding.
    let mut per_region: BTreeMap<String, usize> = BTreeMap::new();
    let mut cells: BTreeMap<(String, String), Cell> = BTreeMap::new();
    for (account, regions) in &store.open_tally().places {
        for (region, place) in regions {
            let Some(worst) = Severity::ALL_DESC
                .into_iter()
                .find(|s| place.by_severity[*s as usize] > 0)
            else {
                continue;
            };
            let open = place.open();
            *per_region.entry(region.to_string()).or_default() += open;
            cells.insert(
                (account.to_string(), region.to_string()),
                Cell {
                    worst,
                    worst_open: place.by_severity[worst as usize],
                    open,
                    synced: None,
                },
            );
        }
    }
    for (k, h) in &store.sources {
        if let (Some(a), Some(r)) = (&k.account_id, &k.region) {
            if let Some(cell) = cells.get_mut(&(a.clone(), r.clone())) {
                if k.service == "securityhub" {
                    cell.synced = h.last_success;
                }
            }
        }
    }
    let mut accounts: Vec<String> = cells.keys().map(|(a, _)| a.clone()).collect();
    accounts.dedup();
    let mut regions: Vec<(String, usize)> = per_region.into_iter().collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Grid {
        accounts,
        regions: regions.into_iter().map(|(r, _)| r).collect(),
        cells,
    }
}

/// Open findings by severity, a sample a minute since the console started (the last
/// 24 hours).
#[derive(Debug, Default, Clone)]
pub struct Trend {
    samples: VecDeque<[usize; 5]>,
    last: Option<i64>,
}

impl Trend {
    const KEEP: usize = 24 * 60;

    /// Takes a sample when the minute has changed since the last one (the latest counts
    /// replace the current minute's).
    pub fn sample(&mut self, counts: [usize; 5], now: DateTime<Utc>) {
        let minute = now.timestamp().div_euclid(60);
        if self.last == Some(minute) {
            if let Some(last) = self.samples.back_mut() {
                *last = counts;
            }
            return;
        }
        self.last = Some(minute);
        self.samples.push_back(counts);
        while self.samples.len() > Self::KEEP {
            self.samples.pop_front();
        }
    }

    /// One severity's samples, oldest first, the last `n`.
    pub fn series(&self, severity: Severity, n: usize) -> Vec<u64> {
        let skip = self.samples.len().saturating_sub(n);
        self.samples
            .iter()
            .skip(skip)
            .map(|s| s[severity as usize] as u64)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}
