//! LZ4 block compression against a fixed dictionary whose match table is built once.
//!
//! Every finding and event is compressed alone against the same dictionary (see
//! `model::raw`). A general compressor hashes the whole dictionary again for each
//! record: with a 6.7 KB dictionary and records of 1 to 3 KB that was a third of the
//! compression and a sixteenth of a replay's load (perf). Here the dictionary keeps its
//! own table, made once and only read; each record gets a small table of its own, and a
//! position looks in the record's table first (nearer), then in the dictionary's (as LZ4's
//! `LZ4_attach_dictionary` does).
//!
//! The output is a standard LZ4 block whose matches may reach back into the dictionary,
//! as `lz4_flex::block::decompress_with_dict` (and LZ4's own `_usingDict` functions) read
//! it. The match finder is LZ4's greedy one: a hash of five bytes, one candidate per
//! table, the search step growing over incompressible stretches.

/// The record's own table: 4,096 slots, reused from record to record (see `Scratch::base`).
const HASH_LOG: u32 = 12;
/// The dictionary's table: 16,384 slots, so that nearly every position of a 6.7 KB
/// dictionary keeps its slot.
const DICT_HASH_LOG: u32 = 14;
const MIN_MATCH: usize = 4;
/// The block's last five bytes are always literals.
const LAST_LITERALS: usize = 5;
/// The last match starts at least twelve bytes before the end.
const MF_LIMIT: usize = 12;
const MAX_DISTANCE: usize = 65_535;
/// No position yet: larger than any position, so never a candidate.
const EMPTY: u32 = u32::MAX;
/// After this many misses in a row the search steps two bytes, then three...
const SKIP_TRIGGER: u32 = 6;

/// A dictionary and its match table: positions in at most 64 KiB fit 16 bits, and the
/// table (32 KiB) stays in the core's nearer caches beside the record's.
pub struct Dictionary {
    bytes: &'static [u8],
    /// A fixed size, so that a slot (a hash cut to 14 bits) needs no bounds check.
    table: Box<[u16; 1 << DICT_HASH_LOG]>,
}

/// No position in the dictionary's table (a dictionary's last byte is never a position).
const DICT_EMPTY: u16 = u16::MAX;

/// Buffers kept between records: the dictionary followed by the record, and the record's
/// own table.
#[derive(Default)]
pub struct Scratch {
    joined: Vec<u8>,
    /// Which dictionary `joined` starts with (its address and length).
    holds: (usize, usize),
    table: Option<Box<[u32; 1 << HASH_LOG]>>,
    /// Added to the positions `table` holds: each record starts above every position
    /// the ones before it wrote, so their entries fail the look-up's test and the table
    /// need not be cleared between records (16 KiB a record).
    base: u32,
}

/// A hash of the five bytes at `at` (as lz4_flex and LZ4 hash on 64-bit machines: fewer
/// false candidates than four), before it is cut to a table's size. Reads eight bytes:
/// callers keep `at + 8` within `buf`.
fn hash_at(buf: &[u8], at: usize) -> u64 {
    hash_of(eight_at(buf, at))
}

/// The hash of the five low bytes of `eight`.
fn hash_of(eight: u64) -> u64 {
    (eight << 24).wrapping_mul(889_523_592_379)
}

fn slot(hash: u64, log: u32) -> usize {
    (hash >> (64 - log)) as usize
}

/// The four bytes at `at`, read as one word (a byte at a time, with a bounds check
/// each, was a tenth of compressing).
fn four_at(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(buf[at..at + 4].try_into().unwrap_or_default())
}

fn eight_at(buf: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(buf[at..at + 8].try_into().unwrap_or_default())
}

/// How many bytes match from `a` and `b` on (`a < b`), stopping before `limit`: eight
/// bytes compared at a time while eight remain, then one.
fn common_length(buf: &[u8], mut a: usize, mut b: usize, limit: usize) -> usize {
    let start = b;
    while b + 8 <= limit {
        let diff = eight_at(buf, a) ^ eight_at(buf, b);
        if diff != 0 {
            return b - start + (diff.trailing_zeros() / 8) as usize;
        }
        a += 8;
        b += 8;
    }
    while b < limit && buf[a] == buf[b] {
        a += 1;
        b += 1;
    }
    b - start
}

impl Dictionary {
    /// The dictionary's last 64 KiB (all a match can reach), every position in the table
    /// (a later one wins a shared slot: it is nearer the record).
    pub fn new(bytes: &'static [u8]) -> Dictionary {
        let bytes = &bytes[bytes.len().saturating_sub(MAX_DISTANCE)..];
        let mut table = Box::new([DICT_EMPTY; 1 << DICT_HASH_LOG]);
        for at in 0..bytes.len().saturating_sub(7) {
            table[slot(hash_at(bytes, at), DICT_HASH_LOG)] = at as u16;
        }
        Dictionary { bytes, table }
    }

    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }

    /// Appends `input`, compressed, to `out`.
    pub fn compress(&self, input: &[u8], out: &mut Vec<u8>, scratch: &mut Scratch) {
        let start = self.bytes.len();
        let joined = &mut scratch.joined;
        let this = (self.bytes.as_ptr() as usize, start);
        if scratch.holds != this || joined.len() < start {
            joined.clear();
            joined.extend_from_slice(self.bytes);
            scratch.holds = this;
        }
        joined.truncate(start);
        joined.extend_from_slice(input);
        let buf = &joined[..];
        let end = buf.len();
        let mut anchor = start;
        if input.len() > MF_LIMIT {
            let fresh = scratch.table.is_none();
            let table = scratch
                .table
                .get_or_insert_with(|| Box::new([EMPTY; 1 << HASH_LOG]));
            if fresh || scratch.base as usize + 2 * end >= EMPTY as usize {
                table.fill(EMPTY);
                scratch.base = 0;
            }
            // Entries below `base` were written by earlier records. The next record's
            // offset is past this record's whole buffer, not just its own bytes: its
            // dictionary may be shorter than this one's.
            let base = scratch.base as usize;
            scratch.base = (base + end) as u32;
            // `word`: the four bytes at `at`, from the load the hash made.
            let reach = |candidate: usize, at: usize, word: u32| {
                candidate < at && at - candidate <= MAX_DISTANCE && four_at(buf, candidate) == word
            };
            let match_limit = end - MF_LIMIT;
            let mut at = start;
            'sequences: loop {
                // Find a match of at least four bytes within reach: in the record first
                // (nearer), then in the dictionary.
                let mut misses = 1u32 << SKIP_TRIGGER;
                let candidate = loop {
                    if at >= match_limit {
                        break 'sequences;
                    }
                    let eight = eight_at(buf, at);
                    let (hash, word) = (hash_of(eight), eight as u32);
                    let own = &mut table[slot(hash, HASH_LOG)];
                    let held = *own as usize;
                    *own = (base + at) as u32;
                    if held >= base && reach(held - base, at, word) {
                        break held - base;
                    }
                    let candidate = self.table[slot(hash, DICT_HASH_LOG)];
                    if candidate != DICT_EMPTY && reach(candidate as usize, at, word) {
                        break candidate as usize;
                    }
                    at += (misses >> SKIP_TRIGGER) as usize;
                    misses += 1;
                };
                // Grow it backwards over literals not yet written, then forwards.
                let (mut from, mut back) = (at, candidate);
                while from > anchor && back > 0 && buf[from - 1] == buf[back - 1] {
                    from -= 1;
                    back -= 1;
                }
                let len = at - from
                    + MIN_MATCH
                    + common_length(
                        buf,
                        candidate + MIN_MATCH,
                        at + MIN_MATCH,
                        end - LAST_LITERALS,
                    );
                sequence(out, &buf[anchor..from], Some((from - back, len)));
                at = from + len;
                anchor = at;
                if at >= match_limit {
                    break;
                }
                // The position two back, for the next match's sake (as LZ4 does).
                table[slot(hash_at(buf, at - 2), HASH_LOG)] = (base + at - 2) as u32;
            }
        }
        sequence(out, &buf[anchor..end], None);
        // A rare large record does not keep its megabytes for the thread's life.
        if scratch.joined.capacity() > 1 << 20 {
            *scratch = Scratch::default();
        }
    }
}

/// One sequence: literals, then a match (distance, length) unless it is the last.
fn sequence(out: &mut Vec<u8>, literals: &[u8], matched: Option<(usize, usize)>) {
    let lit = literals.len();
    let extra = matched.map_or(0, |(_, len)| len - MIN_MATCH);
    let token = ((lit.min(15) as u8) << 4)
        | if matched.is_some() {
            extra.min(15) as u8
        } else {
            0
        };
    out.push(token);
    if lit >= 15 {
        length(out, lit - 15);
    }
    out.extend_from_slice(literals);
    if let Some((distance, _)) = matched {
        out.extend_from_slice(&(distance as u16).to_le_bytes());
        if extra >= 15 {
            length(out, extra - 15);
        }
    }
}

fn length(out: &mut Vec<u8>, mut n: usize) {
    while n >= 255 {
        out.push(255);
        n -= 255;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DICT: &[u8] = include_bytes!("../model/raw_dictionary.json");

    fn round_trip(d: &Dictionary, input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        d.compress(input, &mut out, &mut Scratch::default());
        let back = lz4_flex::block::decompress_with_dict(&out, input.len(), d.bytes())
            .expect("a valid block");
        assert_eq!(back, input, "round trip of {} bytes", input.len());
        out
    }

    #[test]
    fn shapes_round_trip_through_lz4_flex() {
        let d = Dictionary::new(DICT);
        let record = br#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-22T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;
        let mut pseudo = 0x9E37_79B9u32;
        let noise: Vec<u8> = (0..100_000)
            .map(|_| {
                pseudo ^= pseudo << 13;
                pseudo ^= pseudo >> 17;
                pseudo ^= pseudo << 5;
                pseudo as u8
            })
            .collect();
        let mut far = noise[..70_000].to_vec();
        far.extend_from_slice(&noise[..200]); // a repeat beyond 64 KiB: not reachable
        let inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"{}".to_vec(),
            b"0123456789abc".to_vec(),
            vec![b'a'; 13],
            vec![b'a'; 100_000],
            record.to_vec(),
            record.repeat(40),
            noise.clone(),
            far,
            DICT.to_vec(),
        ];
        for input in &inputs {
            round_trip(&d, input);
        }
        // Within a few percent of lz4_flex on a record, and smaller than without the
        // dictionary.
        let ours = round_trip(&d, record).len();
        let theirs = lz4_flex::block::compress_with_dict(record, DICT).len();
        let alone = lz4_flex::block::compress(record).len();
        assert!(
            ours * 100 <= theirs * 105,
            "{ours} against lz4_flex's {theirs}"
        );
        assert!(ours * 10 < alone * 7, "{ours} against {alone} alone");
    }

    /// On records as AWS writes them (the shared fixtures), no larger than lz4_flex's.
    #[test]
    fn real_records_compress_as_well_as_lz4_flex() {
        let root = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/real"
        ));
        let mut records = Vec::new();
        for dir in [
            "cloudtrail/invictus-aws_dataset",
            "asff/aws-solutions-asr-simdata",
        ] {
            for entry in std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                let Ok(v) = serde_json::from_slice::<serde_json::Value>(
                    &std::fs::read(entry.path()).unwrap_or_default(),
                ) else {
                    continue;
                };
                let list = v
                    .get("Records")
                    .or(v.get("Findings"))
                    .and_then(|l| l.as_array());
                records.extend(
                    list.into_iter()
                        .flatten()
                        .map(|r| serde_json::to_vec(r).unwrap()),
                );
                if v.get("SchemaVersion").is_some() {
                    records.push(serde_json::to_vec(&v).unwrap());
                }
            }
        }
        assert!(records.len() > 100, "{} records", records.len());
        let d = Dictionary::new(DICT);
        let (mut ours, mut theirs, mut plain) = (0, 0, 0);
        for r in &records {
            ours += round_trip(&d, r).len();
            theirs += lz4_flex::block::compress_with_dict(r, DICT).len();
            plain += r.len();
        }
        eprintln!(
            "{} records, {plain} bytes: {ours} here, {theirs} by lz4_flex",
            records.len()
        );
        assert!(
            ours * 100 <= theirs * 101,
            "{ours} against lz4_flex's {theirs}"
        );
    }

    /// The record's table is not cleared between records, but what an earlier record
    /// wrote in it is never a candidate: a record compresses to the same bytes whatever
    /// came before it (a raw record's equality is its compressed bytes'), including when
    /// the offset that tells records apart nears its limit and the table starts afresh.
    #[test]
    fn a_record_compresses_the_same_whatever_came_before() {
        let d = Dictionary::new(DICT);
        // Records that share much text at shifted positions, so that earlier records'
        // entries would be taken if they could.
        let records: Vec<Vec<u8>> = (0..200)
            .map(|i| {
                format!(
                    "{}{{\"eventName\":\"GetObject\",\"n\":{i},\"pad\":\"{}\"}}",
                    " ".repeat(i % 37),
                    "xyz".repeat(i % 11)
                )
                .into_bytes()
            })
            .collect();
        let alone = |input: &[u8]| {
            let mut out = Vec::new();
            d.compress(input, &mut out, &mut Scratch::default());
            out
        };
        let mut scratch = Scratch::default();
        let check = |input: &[u8], scratch: &mut Scratch| {
            let mut out = Vec::new();
            d.compress(input, &mut out, scratch);
            assert_eq!(out, alone(input), "{}", String::from_utf8_lossy(input));
            let back = lz4_flex::block::decompress_with_dict(&out, input.len(), d.bytes());
            assert_eq!(back.ok().as_deref(), Some(input));
        };
        for r in &records {
            check(r, &mut scratch);
        }
        assert!(scratch.base > 0, "the offset moved on");
        scratch.base = EMPTY - 20_000;
        for r in &records {
            check(r, &mut scratch);
        }
        assert!(scratch.base < EMPTY / 2, "started afresh near the limit");
    }

    #[test]
    fn scratch_is_reused_across_records_and_dictionaries() {
        // The third starts where the second does: only its length tells them apart.
        const OTHER: &[u8] = b"another dictionary, another one, longer";
        let (a, b, c) = (
            Dictionary::new(DICT),
            Dictionary::new(&OTHER[..27]),
            Dictionary::new(OTHER),
        );
        let mut scratch = Scratch::default();
        for (d, input) in [
            (&a, &b"{\"Title\":\"a finding\"}"[..]),
            (&b, &b"another dictionary, another record"[..]),
            (&c, &b"another dictionary, another one, longer still"[..]),
            (
                &b,
                &b"another dictionary, another record, and more text"[..],
            ),
            (
                &a,
                &b"{\"Title\":\"a finding, again and again and again\"}"[..],
            ),
        ] {
            let mut out = Vec::new();
            d.compress(input, &mut out, &mut scratch);
            let back = lz4_flex::block::decompress_with_dict(&out, input.len(), d.bytes()).unwrap();
            assert_eq!(back, input);
        }
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(input in proptest::collection::vec(
            prop_oneof![Just(b'a'), Just(b'"'), Just(b':'), any::<u8>()], 0..5_000)) {
            round_trip(&Dictionary::new(DICT), &input);
        }

        #[test]
        fn dictionary_text_round_trips(cuts in proptest::collection::vec((0usize..6_000, 1usize..300), 1..20)) {
            let input: Vec<u8> = cuts.iter().flat_map(|&(at, n)| {
                let at = at.min(DICT.len() - 1);
                DICT[at..(at + n).min(DICT.len())].to_vec()
            }).collect();
            round_trip(&Dictionary::new(DICT), &input);
        }
    }
}
