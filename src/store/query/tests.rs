//! The filter language: words, quoted phrases, negation and fields, parsed and matched.

use super::*;
use crate::model::Severity;
use chrono::Duration;

#[test]
fn terms_quotes_and_negation() {
    let q = TextQuery::parse(r#"prod "root login" !dev"#).unwrap();
    assert!(q.matches("prod-payments root login us-east-1"));
    assert!(!q.matches("prod-payments root-login"));
    assert!(!q.matches("prod root login dev"));
    let q = TextQuery::parse("-guardduty").unwrap();
    assert!(q.matches("inspector"));
    assert!(!q.matches("guardduty"));
    assert!(TextQuery::parse("   ").unwrap().is_empty());
}

#[test]
fn filter_is_case_insensitive_on_prepared_text() {
    let q = TextQuery::parse("CRITICAL").unwrap();
    assert!(q.matches("critical\u{1f}title"));
}

#[test]
fn errors_point_at_the_problem() {
    let e = TextQuery::parse(r#"prod "unclosed"#).unwrap_err();
    assert_eq!(e.position, 5);
    assert_eq!(e.to_string(), "unclosed quote at column 6");
    assert!(TextQuery::parse("a !").is_err());
}

use crate::store::fields::{self, Field};

fn parse(q: &str) -> Result<TextQuery, QueryError> {
    TextQuery::parse_for(q, fields::FINDING_FIELDS)
}

#[test]
fn fields_with_operators_quotes_and_negation() {
    let q = parse(
        "sev>=high acct:prod-payments product:guardduty type:UnauthorizedAccess status:new \
         region:us-east-1 res:i-0abc age<2d !control:\"EC2 .19\" ssh",
    )
    .unwrap();
    let got: Vec<(bool, Field, Pred)> =
        q.field_terms().map(|(n, f, p)| (n, f, p.clone())).collect();
    assert_eq!(got.len(), 9);
    assert_eq!(
        got[0],
        (
            false,
            Field::Severity,
            Pred::Severity(Cmp::Ge, Severity::High)
        )
    );
    assert_eq!(
        got[1],
        (false, Field::Account, Pred::contains("prod-payments"))
    );
    assert_eq!(got[4], (false, Field::Status, Pred::contains("new")));
    assert_eq!(
        got[7],
        (false, Field::Age, Pred::Age(Cmp::Lt, Duration::days(2)))
    );
    assert_eq!(got[8], (true, Field::Control, Pred::contains("ec2 .19")));
    assert_eq!(q.terms().count(), 1, "ssh stays a free word");
    assert!(q.depends_on_time());
    // Words with colons that are not field names stay words: ARNs, times.
    let q = parse("arn:aws:s3:::bucket 12:03 -sev:low").unwrap();
    assert_eq!(q.terms().count(), 2);
    assert!(q.field_terms().next().unwrap().0, "-sev:low is negated");
    assert!(!q.depends_on_time());
    for (text, d) in [("30m", 30), ("12h", 720), ("3w", 30240), ("6mo", 259_200)] {
        let q = parse(&format!("age>{text}")).unwrap();
        let (_, _, p) = q.field_terms().next().unwrap();
        assert_eq!(*p, Pred::Age(Cmp::Gt, Duration::minutes(d)));
    }
}

#[test]
fn field_errors_say_where_and_what_was_expected() {
    let cases = [
        ("ssh sev>=banana", 4, "expected critical, high, medium, low or informational after `sev>=`, found `banana`"),
        ("age:2d", 0, "`age` compares with < or >, e.g. age<2d"),
        ("age<2 days", 0, "expected a duration such as 30m, 12h, 2d, 3w, 6mo or 1y after `age<`, found `2`"),
        ("acct>prod", 0, "`acct` matches with `:`, e.g. acct:prod"),
        ("x user:bob", 2, "`user` is not a field here: this pane has sev, acct, region, product, type, status, res, control, title, gen, age"),
        ("sev>= high", 0, "expected a value after `sev>=`"),
        ("acct:\"prod", 5, "unclosed quote"),
    ];
    for (q, at, message) in cases {
        let e = parse(q).unwrap_err();
        assert_eq!((e.position, e.message.as_str()), (at, message), "{q}");
    }
    let e = TextQuery::parse_for("sev:high", &[]).unwrap_err();
    assert!(e.message.ends_with("this pane has no fields, only words"));
}

#[test]
fn view_keeps_last_good_filter_on_error() {
    let mut v = View::new(0);
    v.set_filter("prod");
    v.set_filter("prod \"x");
    assert!(v.filter_error.is_some());
    assert!(v.query.matches("prod"));
    assert!(!v.query.matches("dev"));
}

#[test]
fn scroll_keeps_selection_visible() {
    let mut v = View::new(0);
    v.rows = (0..100).collect();
    v.selected = 50;
    v.scroll_into_view(10);
    assert_eq!(v.offset, 41);
    v.selected = 3;
    v.scroll_into_view(10);
    assert_eq!(v.offset, 3);
    v.move_by(-10);
    assert_eq!(v.selected, 0);
    v.last();
    assert_eq!(v.selected, 99);
}

/// Hardening 3: a duration typed (or in a snapshot's view) is checked, never a panic.
#[test]
fn hardening_03_a_huge_age_is_an_error_in_place_not_a_panic() {
    use crate::store::fields::FINDING_FIELDS;
    for text in [
        "age<9999999999999999d",
        "age<99999999999999999999999d",
        "age>9223372036854775807mo",
        "age<400000000y",
        "age<2000y",
    ] {
        let e = TextQuery::parse_for(text, FINDING_FIELDS).unwrap_err();
        assert!(e.to_string().contains("at most 1000y"), "{text}: {e}");
    }
    assert!(TextQuery::parse_for("age<999y", FINDING_FIELDS).is_ok());
    let mut v = View::new(0);
    v.set_filter("sev>=high age<9999999999999999d");
    assert!(v.filter_error.is_some());
}
