//! The table's text index, key lookup and in-place replacement.

use super::*;

#[derive(Debug, Clone)]
struct Row(&'static str, &'static str);

impl Keyed for Row {
    fn key(&self) -> std::borrow::Cow<'_, str> {
        self.0.into()
    }
    fn search_parts<'a>(&'a self, _: &'a Accounts, parts: &mut Vec<&'a str>) {
        parts.extend([self.0, self.1]);
    }
}

fn rows_matching(t: &Table<Row>, q: &str) -> Vec<u32> {
    let keep = t.matching(
        &TextQuery::parse(q).unwrap(),
        &Accounts::default(),
        chrono::DateTime::UNIX_EPOCH,
    );
    (0..t.len() as u32).filter(|&i| keep[i as usize]).collect()
}

#[test]
fn replaced_text_no_longer_matches_and_compaction_keeps_answers() {
    let acc = Accounts::default();
    let mut t = Table::default();
    t.upsert_newer(vec![Row("a", "alpha"), Row("b", "beta")], &acc, |_, _| true);
    t.upsert_newer(vec![Row("a", "gamma")], &acc, |_, _| true);
    assert_eq!(rows_matching(&t, "alpha"), Vec::<u32>::new());
    assert_eq!(rows_matching(&t, "gamma"), vec![0]);
    assert_eq!(rows_matching(&t, "a"), vec![0, 1]);
    assert_eq!(rows_matching(&t, "-gamma"), vec![1]);
    // Many replacements force compaction; answers stay the same.
    for _ in 0..50 {
        t.upsert_newer(vec![Row("b", "delta"), Row("a", "gamma")], &acc, |_, _| {
            true
        });
    }
    assert!(
        t.search.held_bytes() < 128,
        "compacted: {} bytes",
        t.search.held_bytes()
    );
    assert_eq!(rows_matching(&t, "delta"), vec![1]);
    assert_eq!(rows_matching(&t, "beta"), Vec::<u32>::new());
    assert_eq!(t.search_text(1), "b\u{1f}delta");
}

#[test]
fn a_match_never_spans_two_rows() {
    let acc = Accounts::default();
    let mut t = Table::default();
    t.upsert_newer(vec![Row("x", "ab"), Row("y", "cd")], &acc, |_, _| true);
    assert_eq!(rows_matching(&t, "bc"), Vec::<u32>::new());
    assert_eq!(rows_matching(&t, "\"ab\u{1e}y\""), Vec::<u32>::new());
}

#[test]
fn colliding_key_hashes_still_find_both_rows() {
    let acc = Accounts::default();
    let mut t = Table::default();
    t.upsert_newer(vec![Row("first", "one")], &acc, |_, _| true);
    // Pretend "second" hashed like "first".
    t.insert_key("second", hash_key("first"), 1);
    t.search.write(1, &["second", "two"]);
    t.items.push(Row("second", "two"));
    assert_eq!(t.position("first"), Some(0));
    assert_eq!(t.position("second"), Some(1));
    t.upsert_newer(vec![Row("second", "three")], &acc, |_, _| true);
    assert_eq!(
        t.len(),
        2,
        "an upsert of the collided key replaced in place"
    );
    assert_eq!(rows_matching(&t, "three"), vec![1]);
}

#[test]
fn replace_where_rebuilds_keys_and_text() {
    let acc = Accounts::default();
    let mut t = Table::default();
    t.upsert_newer(
        vec![Row("a", "x"), Row("b", "y"), Row("c", "x")],
        &acc,
        |_, _| true,
    );
    t.replace_where(|r| r.1 == "x", vec![Row("d", "z")], &acc);
    assert_eq!(t.len(), 2);
    assert_eq!(t.position("b"), Some(0));
    assert_eq!(t.position("d"), Some(1));
    assert_eq!(t.position("a"), None);
    assert_eq!(rows_matching(&t, "z"), vec![1]);
}

/// Rows taken out move up with their keys and texts copied, not worked out again: the
/// table answers as one built afresh from the rows that stay, and its log of writes names
/// the rows at their new positions.
#[test]
fn a_removal_renumbers_keys_texts_and_the_log() {
    const WORDS: [&str; 6] = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
    const KEYS: [&str; 12] = [
        "k00", "k01", "k02", "k03", "k04", "k05", "k06", "k07", "k08", "k09", "k10", "k11",
    ];
    let acc = Accounts::default();
    let mut t = Table::default();
    t.upsert_newer(
        (0..12).map(|i| Row(KEYS[i], WORDS[i % 6])).collect(),
        &acc,
        |_, _| true,
    );
    let before = t.revision();
    // k03 rewritten (its old text becomes garbage), then k01, k03 and k10 leave.
    t.upsert_newer(vec![Row("k03", "zulu")], &acc, |_, _| true);
    t.upsert_newer(vec![Row("k07", "yankee")], &acc, |_, _| true);
    let hashes: Vec<u64> = ["k01", "k03", "k10"].iter().map(|k| hash_key(k)).collect();
    let mut told = Vec::new();
    assert!(t.remove_keys(&hashes, |r| told.push(r.0)));
    told.sort();
    assert_eq!(told, ["k01", "k03", "k10"]);

    let stay: Vec<Row> = t.items().to_vec();
    let mut fresh = Table::default();
    fresh.upsert_newer(stay.clone(), &acc, |_, _| true);
    assert_eq!(t.len(), 9);
    for (i, row) in stay.iter().enumerate() {
        assert_eq!(t.position(row.0), Some(i as u32), "{} by key", row.0);
        assert_eq!(t.search_text(i as u32), fresh.search_text(i as u32));
    }
    assert_eq!(t.position("k03"), None);
    for q in ["zulu", "yankee", "alpha", "!echo", "charlie delta"] {
        assert_eq!(rows_matching(&t, q), rows_matching(&fresh, q), "{q}");
    }
    // k07 was written after `before`: the log names it where it is now (k01 and k03
    // left from before it), and k03's write left with k03.
    assert_eq!(t.written_since(before), Some(vec![5]));
    assert_eq!(t.items()[5].0, "k07");
    assert_eq!(
        t.removals_since(t.moves() - 1)
            .map(|r| r[0].removed.clone()),
        Some(vec![1, 3, 10])
    );
}

#[test]
fn field_terms_tested_in_runs_side_by_side_answer_as_one_pass() {
    use crate::model::Finding;
    let acc = Accounts::default();
    let sevs = ["LOW", "HIGH", "CRITICAL", "MEDIUM", "INFORMATIONAL"];
    let statuses = ["NEW", "RESOLVED", "NOTIFIED", "SUPPRESSED"];
    let regions = ["us-east-1", "eu-west-1", "us-west-2"];
    let list: Vec<Finding> = (0..97u32)
        .map(|i| {
            crate::model::asff::parse_value(&serde_json::json!({
                "Id": format!("f{i}"),
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
                "AwsAccountId": format!("11111111111{}", i % 4),
                "Region": regions[(i % 3) as usize],
                "UpdatedAt": format!("2026-{:02}-01T00:00:00Z", 1 + i % 11),
                "Severity": {"Label": sevs[(i % 5) as usize]},
                "Workflow": {"Status": statuses[(i % 4) as usize]},
                "Title": format!("probe {i}"),
            }))
            .unwrap()
        })
        .collect();
    let mut t: Table<Finding> = Table::default();
    t.upsert_newer(list, &acc, |_, _| true);
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .unwrap()
        .to_utc();
    for q in [
        "sev>=medium region:us- !status:resolved age<200d",
        "probe acct:1111111111 title:\"probe 1\"",
        "!sev:low status:open",
    ] {
        let query = TextQuery::parse_for(q, crate::store::fields::FINDING_FIELDS).unwrap();
        let one = t.matching_on(&query, &acc, now, 1);
        assert!(
            one.iter().any(|k| *k) && one.iter().any(|k| !*k),
            "{q}: both kinds"
        );
        for threads in [2, 3, 7, 200] {
            assert_eq!(
                t.matching_on(&query, &acc, now, threads),
                one,
                "{q} on {threads}"
            );
        }
    }
}
