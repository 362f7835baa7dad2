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

/// A spreadsheet would run a cell that starts with `=`, `+`, `-` or `@` as a formula:
/// prefix such cells with `'`.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn row(f: &Finding) -> [String; 15] {
    [
        f.id.clone(),
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
    let mut w = csv::Writer::from_writer(Vec::new());
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

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("plain"), "plain");
    }
}
