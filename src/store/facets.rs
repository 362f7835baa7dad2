//! The compact values field filters and groupings read: per row a few numbers (severity,
//! time) and the row's texts numbered in a dictionary, so a five-term query over 100,000
//! findings reads 4 MB instead of every record.

use super::fields::{self, Field, Value};
use super::query::Pred;
use super::table::Keyed;
use super::Accounts;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// No text value (the record has no such field).
pub(super) const NONE: u32 = u32::MAX;

/// Per row, what the common field terms (`sev`, `acct`, `region`, `status`, `age`) and
/// grouping look at, 40 bytes a row, with the texts numbered in a dictionary: a five-term query over
/// 100,000 findings reads 4 MB instead of every record.
#[derive(Debug, Default, Clone)]
pub struct Facets {
    pub(super) revision: u64,
    /// The table's `moves` when built: positions are only valid while it holds.
    pub(super) moves: u64,
    pub(super) rows: Vec<RowFacets>,
    /// The distinct texts of each column, numbered apart: a term on a column with a few
    /// hundred values (accounts, regions, statuses) looks at those, not at the hundreds of
    /// thousands of resource ids a million findings name.
    pub(super) columns: [Dictionary; COLUMNS],
}

/// The texts a facet column numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Account,
    Region,
    Status,
    Product,
    Control,
    Resource,
    Kind,
}

const COLUMNS: usize = 7;

impl Column {
    /// The column that holds a field's (first) text, for the fields the facets number.
    pub(super) fn of(field: Field) -> Option<Column> {
        Some(match field {
            Field::Account => Column::Account,
            Field::Region => Column::Region,
            Field::Status => Column::Status,
            Field::Product => Column::Product,
            Field::Control => Column::Control,
            Field::Resource => Column::Resource,
            Field::Type => Column::Kind,
            _ => return None,
        })
    }

    pub(super) fn read(self, r: &RowFacets) -> u32 {
        match self {
            Column::Account => r.account,
            Column::Region => r.region,
            Column::Status => r.status,
            Column::Product => r.product,
            Column::Control => r.control,
            Column::Resource => r.resource,
            Column::Kind => r.kind,
        }
    }
}

/// One column's distinct texts, each once in memory.
#[derive(Debug, Default, Clone)]
pub(super) struct Dictionary {
    pub(super) texts: Vec<std::sync::Arc<str>>,
    numbers: HashMap<std::sync::Arc<str>, u32, BuildHasherDefault<FastHasher>>,
}

impl Dictionary {
    fn number(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text else { return NONE };
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let n = self.texts.len() as u32;
        let shared: std::sync::Arc<str> = text.into();
        self.texts.push(shared.clone());
        self.numbers.insert(shared, n);
        n
    }

    /// Which of the texts a test accepts, by number.
    fn accept(&self, test: &dyn Fn(&str) -> bool) -> Vec<bool> {
        self.texts.iter().map(|t| test(t)).collect()
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct RowFacets {
    /// `Severity as u8`, or 255 for none.
    pub(super) severity: u8,
    /// Open (a finding NEW or NOTIFIED on an active record): what `status:open` asks, kept
    /// here so the findings pane's default scope never reads a million records.
    pub(super) open: bool,
    pub(super) account: u32,
    pub(super) region: u32,
    pub(super) status: u32,
    pub(super) product: u32,
    pub(super) control: u32,
    /// The first resource and the first type (of a finding): what grouping looks at.
    pub(super) resource: u32,
    pub(super) kind: u32,
    /// Milliseconds since the epoch, or `i64::MIN` for none.
    pub(super) time: i64,
}

impl Facets {
    pub(super) fn build<T: Keyed>(items: &[T], revision: u64, moves: u64) -> Facets {
        let mut f = Facets {
            revision,
            moves,
            ..Facets::default()
        };
        f.rows = items.iter().map(|item| f.row_of(item)).collect();
        f
    }

    /// Brings rows written since the build up to date (in place, or appended).
    pub(super) fn update<T: Keyed>(&mut self, items: &[T], touched: &[u32], revision: u64) {
        for &i in touched {
            let Some(item) = items.get(i as usize) else {
                continue;
            };
            let row = self.row_of(item);
            match self.rows.get_mut(i as usize) {
                Some(r) => *r = row,
                None => self.rows.push(row),
            }
        }
        self.revision = revision;
    }

    fn number(&mut self, column: Column, text: Option<&str>) -> u32 {
        self.columns[column as usize].number(text)
    }

    /// A column's texts, by number.
    pub(super) fn texts(&self, column: Column) -> &[std::sync::Arc<str>] {
        &self.columns[column as usize].texts
    }

    pub(super) fn row_of<T: Keyed>(&mut self, item: &T) -> RowFacets {
        let fields = T::fields();
        let text = |f: Field| {
            if fields.contains(&f) {
                item.first_text(f)
            } else {
                None
            }
        };
        RowFacets {
            severity: match item.value(Field::Severity) {
                Value::Severity(s) => s as u8,
                _ => u8::MAX,
            },
            open: matches!(item.value(Field::Status), Value::Status(_, true)),
            account: self.number(Column::Account, text(Field::Account)),
            region: self.number(Column::Region, text(Field::Region)),
            status: self.number(Column::Status, text(Field::Status)),
            product: self.number(Column::Product, text(Field::Product)),
            control: self.number(Column::Control, text(Field::Control)),
            resource: self.number(Column::Resource, text(Field::Resource)),
            kind: self.number(Column::Kind, text(Field::Type)),
            time: match item.value(Field::Age) {
                Value::Time(t) => t.timestamp_millis(),
                _ => i64::MIN,
            },
        }
    }
}

/// The facets as last built, and the rows written since.
#[derive(Debug, Default)]
pub(super) struct FacetCache {
    pub(super) built: Option<std::sync::Arc<Facets>>,
    /// Rows upserted since the build; past a quarter of the table a rebuild is cheaper.
    pub(super) touched: Vec<u32>,
    pub(super) overflow: bool,
}

/// A word-at-a-time hash (as rustc's FxHash) for short internal keys: ids, names, ARNs.
/// Nothing here is chosen by an attacker in a way that could flood one bucket usefully:
/// the worst case is a slower grouping, not a failure.
#[derive(Clone, Copy, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ rest.len() as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A field term worked out against the facets: which dictionary entries it accepts.
pub(super) enum FacetTest {
    Severity(super::query::Cmp, u8),
    Age(super::query::Cmp, i64),
    Account(Vec<bool>),
    Region(Vec<bool>),
    /// The accepted status texts, and whether an open record is accepted whatever its text.
    Status(Vec<bool>, bool),
}

impl FacetTest {
    pub(super) fn holds(&self, r: &RowFacets, now_ms: i64) -> bool {
        let pick = |accepted: &[bool], n: u32| n != NONE && accepted[n as usize];
        match self {
            FacetTest::Severity(cmp, want) => {
                r.severity != u8::MAX && cmp.holds(r.severity.cmp(want))
            }
            FacetTest::Age(cmp, want_ms) => {
                r.time != i64::MIN && cmp.holds((now_ms - r.time).cmp(want_ms))
            }
            FacetTest::Account(a) => pick(a, r.account),
            FacetTest::Region(a) => pick(a, r.region),
            FacetTest::Status(a, open) => (*open && r.open) || pick(a, r.status),
        }
    }
}

/// A term the facets answer, or `None` for one that must read the record.
pub(super) fn facet_test(
    facets: &Facets,
    field: Field,
    pred: &Pred,
    accounts: &Accounts,
) -> Option<FacetTest> {
    let column = |c: Column| &facets.columns[c as usize];
    match (field, pred) {
        (Field::Severity, Pred::Severity(cmp, s)) => Some(FacetTest::Severity(*cmp, *s as u8)),
        (Field::Age, Pred::Age(cmp, d)) => Some(FacetTest::Age(*cmp, d.num_milliseconds())),
        (Field::Account, Pred::Text { any, exact }) => {
            let named: Vec<&str> = any
                .iter()
                .flat_map(|n| fields::accounts_named(accounts, n))
                .collect();
            let named_exactly = |id: &str| {
                any.iter().any(|n| {
                    accounts
                        .get(id)
                        .is_some_and(|a| a.name.eq_ignore_ascii_case(n))
                })
            };
            Some(FacetTest::Account(column(Column::Account).accept(&|id| {
                pred.text_holds(id)
                    || if *exact {
                        named_exactly(id)
                    } else {
                        named.contains(&id)
                    }
            })))
        }
        (Field::Region, Pred::Text { .. } | Pred::Present) => Some(FacetTest::Region(
            column(Column::Region).accept(&|t| pred.text_holds(t)),
        )),
        (Field::Status, Pred::Text { .. } | Pred::Present) => Some(FacetTest::Status(
            column(Column::Status).accept(&|t| pred.text_holds(t)),
            pred.asks_open(),
        )),
        _ => None,
    }
}
