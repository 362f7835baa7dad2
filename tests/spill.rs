//! Raw records kept in the spill file: the same bytes back, clones independent, space
//! reused when records are replaced, nothing left on disk, and the file private.

use rampart::model::RawRecord;
use serde_json::json;

#[test]
fn spilled_records_read_back_as_written_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let before = RawRecord::from_value(&json!({"kept": "in memory"}));
    RawRecord::spill_to(&cache).unwrap();
    assert!(
        before.stored_len() > 0,
        "a record made before stays in memory"
    );

    let records: Vec<RawRecord> = (0..2_000)
        .map(|i| {
            RawRecord::from_value(
                &json!({"eventName": "GetObject", "n": i, "pad": "x".repeat(i % 300)}),
            )
        })
        .collect();
    assert!(
        records.iter().all(|r| r.stored_len() == 0),
        "held on disk, not the heap"
    );
    assert_eq!(records[1234].to_value()["n"], 1234);
    assert_eq!(before.to_value()["kept"], "in memory");
    let copy = records[7].clone();
    assert_eq!(copy, records[7]);
    drop(records);
    assert_eq!(copy.to_value()["n"], 7, "a clone outlives its original");
    let (live, end) = RawRecord::spill_usage().unwrap();
    assert!(live > 0 && live < end, "{live} of {end}");

    // Replaced a hundred times over, the file stays the size of what is held.
    let mut held: Vec<RawRecord> = (0..2_000)
        .map(|i| RawRecord::from_value(&json!({"n": i, "pad": "y".repeat(i % 300)})))
        .collect();
    let (_, grown) = RawRecord::spill_usage().unwrap();
    for round in 0..100 {
        for (i, r) in held.iter_mut().enumerate() {
            *r = RawRecord::from_value(
                &json!({"n": i, "round": round, "pad": "z".repeat((i + round) % 300)}),
            );
        }
    }
    let (_, end) = RawRecord::spill_usage().unwrap();
    assert!(
        end <= grown + 256 * 1024,
        "{end} bytes after replacing, {grown} before"
    );
    assert_eq!(held[99].to_value()["round"], 99);

    let left: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
    assert!(
        left.is_empty(),
        "the spill file has no name on disk: {left:?}"
    );
}
