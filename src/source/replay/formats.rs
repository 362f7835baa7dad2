//! Recognising an evidence file and turning it into store rows.
//!
//! Formats are told apart by their shape, not their file name: AWS CLI outputs, S3
//! CloudTrail deliveries, EventBridge events, botocore recordings and rampart's own export
//! all arrive under arbitrary names.

use crate::model::{
    access_analyzer, asff, cloudtrail, config_rules, credential_report, guardduty,
    ComplianceResult, CredentialRecord, Exposure, Finding, TrailEvent,
};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    SecurityHubFindings,
    AsffArray,
    AsffFinding,
    EventBridgeFindings,
    CloudTrailLog,
    LookupEvents,
    CredentialReport,
    AccessAnalyzer,
    ConfigEvaluations,
    GuardDuty,
    /// The newer Security Hub's `get-findings-v2` output.
    OcsfFindings,
    RampartExport,
    /// CloudTrail records one per line (or SIEM events holding them).
    JsonLines,
    /// A bare array of CloudTrail records (Stratus Red Team, Grimoire).
    RecordArray,
    /// One CloudTrail record alone (or one SIEM event holding it).
    SingleRecord,
    /// `aws logs filter-log-events` or `get-log-events` output, or a subscription's
    /// `logEvents`.
    CloudWatchLogs,
    /// CloudWatch Logs Insights `get-query-results` output.
    LogsInsights,
    /// A SIEM's search results holding raw records (Splunk's `results`).
    SearchResults,
    /// `aws cloudtrail get-query-results` output (CloudTrail Lake).
    CloudTrailLake,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::SecurityHubFindings => "Security Hub get-findings output",
            Format::AsffArray => "ASFF findings array",
            Format::AsffFinding => "ASFF finding",
            Format::EventBridgeFindings => "EventBridge Security Hub Findings - Imported",
            Format::CloudTrailLog => "CloudTrail log file",
            Format::LookupEvents => "CloudTrail lookup-events output",
            Format::CredentialReport => "IAM credential report",
            Format::AccessAnalyzer => "Access Analyzer findings",
            Format::ConfigEvaluations => "AWS Config evaluation results",
            Format::GuardDuty => "GuardDuty get-findings output",
            Format::OcsfFindings => "Security Hub get-findings-v2 output (OCSF)",
            Format::RampartExport => "rampart export",
            Format::JsonLines => "CloudTrail records as JSON lines",
            Format::RecordArray => "array of CloudTrail records",
            Format::SingleRecord => "one CloudTrail record",
            Format::CloudWatchLogs => "CloudWatch Logs events",
            Format::LogsInsights => "CloudWatch Logs Insights query results",
            Format::SearchResults => "search results with CloudTrail records",
            Format::CloudTrailLake => "CloudTrail Lake query results",
        }
    }
}

/// What the formats accept, for the message about a file that is none of them.
pub const ACCEPTED: &str = "Security Hub get-findings output, an ASFF finding or array, \
EventBridge Security Hub events, a CloudTrail log file ({\"Records\": [...]}, plain or .gz), \
lookup-events output, CloudTrail records as JSON lines, an array or one record (or SIEM events \
holding them: Splunk _raw, Elastic event.original), CloudWatch Logs filter-log-events, \
get-log-events or Insights get-query-results output, CloudTrail Lake get-query-results output, \
an IAM credential report (CSV, base64, or get-credential-report output), \
Access Analyzer list-findings (V1 or V2) or get-finding output, Config get-compliance-details \
output, GuardDuty get-findings output, or a rampart export";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a recognised evidence format; expected {ACCEPTED}")]
    NotRecognised,
    #[error("{0}")]
    CredentialReport(String),
    #[error("cannot read: {0}")]
    Io(String),
}

impl EvidenceError {
    pub fn json(e: &serde_json::Error) -> EvidenceError {
        EvidenceError::Json {
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or("")
                .to_string(),
        }
    }
}

/// How many of a file's rejected records are named in its report; the rest are counted.
pub const NAMED_REJECTIONS: usize = 20;

/// A file's rejected records: how many, and the first [`NAMED_REJECTIONS`] by position
/// and why. A hostile file of a million bad records costs a count, not a million strings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rejections {
    first: Vec<String>,
    count: usize,
}

impl Rejections {
    pub fn push(&mut self, why: String) {
        self.count += 1;
        if self.first.len() < NAMED_REJECTIONS {
            self.first.push(why);
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The ones named.
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.first.iter()
    }
}

impl std::ops::Index<usize> for Rejections {
    type Output = String;
    fn index(&self, i: usize) -> &String {
        &self.first[i]
    }
}

/// The rows read from one file, and the records that were rejected (by position).
#[derive(Debug, Default)]
pub struct Batch {
    pub findings: Vec<Finding>,
    pub events: Vec<TrailEvent>,
    pub credentials: Vec<CredentialRecord>,
    /// When the credential report was generated, if the evidence says.
    pub report_generated_at: Option<DateTime<Utc>>,
    pub exposures: Vec<Exposure>,
    pub compliance: Vec<ComplianceResult>,
    /// Standing administrator access and Well-Architected answers, from an export.
    pub standing: Vec<crate::model::StandingAccess>,
    pub wa_answers: Vec<crate::model::WaAnswer>,
    pub rejected: Rejections,
    /// A hand-off snapshot's view and notes, sent after its data.
    pub handoff: Option<Box<crate::model::handoff::Handoff>>,
    /// At most this many records are kept from the file (`None`: no limit).
    pub max_records: Option<usize>,
    /// Why reading stopped before the end of the file (a limit was reached).
    pub stopped: Option<String>,
}

impl Batch {
    pub fn records(&self) -> usize {
        self.findings.len()
            + self.events.len()
            + self.credentials.len()
            + self.exposures.len()
            + self.compliance.len()
            + self.standing.len()
            + self.wa_answers.len()
    }

    /// Rejects the `index`th (from 0) `what` of the file (a record, a line, a row).
    pub(super) fn reject(&mut self, what: &str, index: usize, why: impl std::fmt::Display) {
        self.rejected.push(format!("{what} {}: {why}", index + 1));
    }

    /// Keeps at most `max` records (for the formats read whole), saying so when it cuts.
    pub fn cap(&mut self, max: usize) {
        let mut left = max;
        let mut cut = false;
        let mut keep = |len: usize| {
            let k = len.min(left);
            left -= k;
            cut |= k < len;
            k
        };
        let n = keep(self.findings.len());
        self.findings.truncate(n);
        let n = keep(self.events.len());
        self.events.truncate(n);
        let n = keep(self.credentials.len());
        self.credentials.truncate(n);
        let n = keep(self.exposures.len());
        self.exposures.truncate(n);
        let n = keep(self.compliance.len());
        self.compliance.truncate(n);
        self.max_records = Some(max);
        if cut {
            self.room();
        }
    }

    /// Whether another record may be kept; at the limit, says so once and refuses.
    pub fn room(&mut self) -> bool {
        match self.max_records {
            Some(max) if self.records() >= max => {
                if self.stopped.is_none() {
                    self.stopped = Some(format!(
                        "stopped after {max} records ([replay] max_records_per_file); the records before are kept"
                    ));
                }
                false
            }
            _ => true,
        }
    }

    /// Adds one CloudTrail record; used by the streaming reader too.
    pub fn add_trail_record(&mut self, index: usize, v: &Value) {
        self.add_trail_in("record", index, v)
    }

    /// Adds one CloudTrail record, named as the `index`th `what` if it is rejected.
    pub(super) fn add_trail_in(&mut self, what: &str, index: usize, v: &Value) {
        if !self.room() {
            return;
        }
        match cloudtrail::parse_record(v) {
            Ok(e) => self.events.push(e),
            Err(e) => self.reject(what, index, e),
        }
    }

    pub fn add_trail_bytes(&mut self, index: usize, bytes: &[u8]) {
        if !self.room() {
            return;
        }
        match cloudtrail::parse_bytes(bytes) {
            Ok(e) => self.events.push(e),
            Err(e) => self.reject("record", index, e),
        }
    }

    pub fn add_finding(&mut self, index: usize, v: &Value) {
        self.add_finding_in(index, v, None)
    }

    /// A finding, or an Access Analyzer unused-access record (as exports keep them), whose
    /// region comes from outside the record.
    pub fn add_finding_in(&mut self, index: usize, v: &Value, region: Option<&str>) {
        if !self.room() {
            return;
        }
        if crate::model::access_analyzer::is_unused(v) {
            let region = region.unwrap_or("us-east-1");
            match crate::model::access_analyzer::unused_finding(v, region) {
                Ok(f) => self.findings.push(f),
                Err(e) => self.reject("finding", index, e),
            }
            return;
        }
        let parsed = if guardduty::looks_native(v) {
            guardduty::parse_value(v)
        } else if ocsf::looks_like(v) {
            crate::model::ocsf::parse_value(v)
        } else {
            asff::parse_value(v)
        };
        match parsed {
            Ok(f) => self.findings.push(f),
            Err(e) => self.reject("finding", index, e),
        }
    }

    fn add_findings(&mut self, list: &[Value]) {
        for (i, v) in list.iter().enumerate() {
            self.add_finding(i, v);
        }
    }
}

/// Reads a file's bytes that are not a streamed CloudTrail log.
pub fn read(bytes: &[u8]) -> Result<(Format, Batch), EvidenceError> {
    let text = trim_bom(bytes);
    let json_lines = || {
        let mut b = Batch::default();
        super::lines::read_slice(text, &mut b);
        Ok((Format::JsonLines, b))
    };
    if super::lines::starts_like(text) {
        return json_lines();
    }
    let first = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if !matches!(first, Some(b'{') | Some(b'[')) {
        if super::lines::may_be(text) {
            return json_lines();
        }
        return credential_csv(text).map(|b| (Format::CredentialReport, b));
    }
    match serde_json::from_slice::<Value>(text) {
        Ok(value) => from_value(&value),
        // JSON lines whose first line is broken: that line is rejected, not the file.
        Err(_) if super::lines::may_be(text) => json_lines(),
        Err(e) => Err(EvidenceError::json(&e)),
    }
}

fn trim_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)
}

/// A credential report as CSV, or base64 of it (as the API's `Content` is).
fn credential_csv(text: &[u8]) -> Result<Batch, EvidenceError> {
    let trimmed = text.trim_ascii();
    let csv = if trimmed.starts_with(b"user,") {
        trimmed.to_vec()
    } else {
        let compact: Vec<u8> = trimmed
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        match base64::engine::general_purpose::STANDARD.decode(&compact) {
            Ok(decoded) if decoded.starts_with(b"user,") => decoded,
            _ => return Err(EvidenceError::NotRecognised),
        }
    };
    let credentials = credential_report::parse(&csv)
        .map_err(|e| EvidenceError::CredentialReport(e.to_string()))?;
    Ok(Batch {
        credentials,
        ..Batch::default()
    })
}

fn array<'a>(v: &'a Value, key: &str) -> Option<&'a [Value]> {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice)
}

use crate::model::ocsf;

fn is_asff(v: &Value) -> bool {
    v.get("ProductArn").is_some() && v.get("AwsAccountId").is_some()
}

fn is_eventbridge(v: &Value) -> bool {
    v.get("detail-type").is_some() && v.pointer("/detail/findings").is_some()
}

/// Recognises a parsed JSON document.
pub fn from_value(v: &Value) -> Result<(Format, Batch), EvidenceError> {
    // botocore recordings (placebo) wrap the response: {"status_code": 200, "data": {...}}.
    if let (Some(_), Some(data)) = (v.get("status_code"), v.get("data")) {
        return from_value(data);
    }
    let mut b = Batch::default();
    if v.get("schema_version").is_some() && v.get("findings").is_some() {
        return super::export_in::read(v).map(|b| (Format::RampartExport, b));
    }
    if let Some(records) = array(v, "Records") {
        for (i, r) in records.iter().enumerate() {
            b.add_trail_record(i, r);
        }
        return Ok((Format::CloudTrailLog, b));
    }
    if let Some(events) = array(v, "Events") {
        for (i, e) in events.iter().enumerate() {
            match e.get("CloudTrailEvent").and_then(Value::as_str) {
                Some(text) => match serde_json::from_str::<Value>(text) {
                    Ok(record) => b.add_trail_record(i, &record),
                    Err(err) => b.reject("event", i, format!("CloudTrailEvent is not JSON: {err}")),
                },
                None => b.reject("event", i, "no CloudTrailEvent string"),
            }
        }
        return Ok((Format::LookupEvents, b));
    }
    if let Some(list) = array(v, "Findings") {
        let format = if list.first().is_some_and(guardduty::looks_native) {
            Format::GuardDuty
        } else if list.first().is_some_and(ocsf::looks_like) {
            Format::OcsfFindings
        } else {
            Format::SecurityHubFindings
        };
        b.add_findings(list);
        return Ok((format, b));
    }
    if let Some(list) = array(v, "findings") {
        for (i, f) in list.iter().enumerate() {
            match access_analyzer::parse_value(f, None) {
                Ok(e) => b.exposures.push(e),
                Err(e) => b.reject("finding", i, e),
            }
        }
        return Ok((Format::AccessAnalyzer, b));
    }
    if let Some(f) = v.get("finding").filter(|f| access_analyzer::looks_like(f)) {
        return single_exposure(f);
    }
    if access_analyzer::looks_like(v) {
        return single_exposure(v);
    }
    if let Some(list) = array(v, "EvaluationResults").or(array(v, "AggregateEvaluationResults")) {
        for (i, r) in list.iter().enumerate() {
            match config_rules::parse_evaluation(r) {
                Ok(c) => b.compliance.push(c),
                Err(e) => b.reject("evaluation", i, e),
            }
        }
        return Ok((Format::ConfigEvaluations, b));
    }
    if let Some(content) = v.get("Content").and_then(Value::as_str) {
        let mut b = credential_csv(content.as_bytes())?;
        b.report_generated_at = v.get("GeneratedTime").and_then(asff::parse_time);
        return Ok((Format::CredentialReport, b));
    }
    if is_eventbridge(v) {
        b.add_findings(array(&v["detail"], "findings").unwrap_or_default());
        return Ok((Format::EventBridgeFindings, b));
    }
    if let Some(read) = super::wrapped::from_value(v).or_else(|| super::lake::from_value(v)) {
        return Ok(read);
    }
    if let Some(list) = v.as_array() {
        if list.iter().all(is_eventbridge) && !list.is_empty() {
            for event in list {
                b.add_findings(array(&event["detail"], "findings").unwrap_or_default());
            }
            return Ok((Format::EventBridgeFindings, b));
        }
        if list
            .iter()
            .any(|f| is_asff(f) || guardduty::looks_native(f))
            || list.is_empty()
        {
            b.add_findings(list);
            return Ok((Format::AsffArray, b));
        }
        // Records as Stratus Red Team and Grimoire write them, or SIEM events holding
        // them; one element that is neither is rejected by its position.
        if list.iter().any(super::wrapped::holds_record) {
            for (i, r) in list.iter().enumerate() {
                b.add_element("record", i, r);
            }
            return Ok((Format::RecordArray, b));
        }
        return Err(EvidenceError::NotRecognised);
    }
    if is_asff(v) || guardduty::looks_native(v) {
        b.add_finding(0, v);
        let format = if is_asff(v) {
            Format::AsffFinding
        } else {
            Format::GuardDuty
        };
        return Ok((format, b));
    }
    if super::wrapped::holds_record(v) {
        b.add_element("record", 0, v);
        return Ok((Format::SingleRecord, b));
    }
    Err(EvidenceError::NotRecognised)
}

fn single_exposure(v: &Value) -> Result<(Format, Batch), EvidenceError> {
    let mut b = Batch::default();
    match access_analyzer::parse_value(v, None) {
        Ok(e) => b.exposures.push(e),
        Err(e) => b.reject("finding", 0, e),
    }
    Ok((Format::AccessAnalyzer, b))
}
