//! After-action reports: a closed drill as Markdown (to read and paste) and JSON (to
//! compare), written 0600 and atomically to `<data>/drills/`; and the drill history read
//! back from the JSON, so a team sees whether it gets faster.

use super::exercise::{Drill, Milestone};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

pub fn dir_in(data_dir: &Path) -> PathBuf {
    data_dir.join("drills")
}

/// `4m 05s`, `1h 02m`, `—`.
pub fn span(d: Option<Duration>) -> String {
    let Some(d) = d else {
        return "—".into();
    };
    let s = d.num_seconds().max(0);
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn json(d: &Drill) -> Value {
    let secs = |x: Option<Duration>| x.map(|d| d.num_seconds());
    json!({
        "id": d.id,
        "runbook": d.runbook,
        "stratus": d.stratus,
        "title": d.title,
        "kind": d.kind.label(),
        "by": d.by,
        "started": time(d.started()),
        "deadline": time(d.deadline),
        "timeline": d.milestones.iter().map(|(m, t)| json!({"milestone": m, "at": time(*t)})).collect::<Vec<_>>(),
        "time_to_detect_seconds": secs(d.time_to_detect()),
        "time_to_acknowledge_seconds": secs(d.time_to(Milestone::Acknowledged)),
        "time_to_contain_seconds": secs(d.time_to(Milestone::Contained)),
        "seen": d.seen.iter().map(|(w, at, happened)| json!({"what": w, "arrived": time(*at), "happened": time(*happened)})).collect::<Vec<_>>(),
        "missed": d.missing(),
        "checklist": d.steps.iter().map(|s| json!({"step": s.text, "done": s.done.map(time)})).collect::<Vec<_>>(),
        "notes": d.notes.iter().map(|(t, n)| json!({"at": time(*t), "text": n})).collect::<Vec<_>>(),
    })
}

pub fn markdown(d: &Drill) -> String {
    let mut out = String::new();
    let start = d.started();
    let rel = |t: DateTime<Utc>| span(Some(t - start));
    out.push_str(&format!("# After-action report: {}\n\n", d.title));
    out.push_str(&format!(
        "- Drill `{}`, {} drill of runbook `{}`, run by {}\n",
        d.id,
        d.kind.label(),
        d.runbook,
        d.by
    ));
    out.push_str(&format!("- Started {}\n", time(start)));
    out.push_str(&format!(
        "- Time to detect: {}\n- Time to acknowledge: {}\n- Time to contain: {}\n\n",
        span(d.time_to_detect()),
        span(d.time_to(Milestone::Acknowledged)),
        span(d.time_to(Milestone::Contained)),
    ));
    out.push_str("## Timeline\n\n| milestone | at | after start |\n|---|---|---|\n");
    for m in Milestone::ALL {
        match d.at(m) {
            Some(t) => out.push_str(&format!("| {} | {} | {} |\n", m.label(), time(t), rel(t))),
            None => out.push_str(&format!("| {} | not reached | |\n", m.label())),
        }
    }
    if !d.detections.is_empty() || !d.findings.is_empty() {
        out.push_str("\n## Detection\n\n");
        for (what, at, happened) in &d.seen {
            out.push_str(&format!(
                "- {what}: arrived {} after start (happened {})\n",
                rel(*at),
                time(*happened)
            ));
        }
        let missed = d.missing();
        if missed.is_empty() {
            out.push_str("- Nothing expected was missed.\n");
        }
        for m in missed {
            out.push_str(&format!(
                "- MISSED: {m} did not arrive before the deadline ({})\n",
                time(d.deadline)
            ));
        }
    }
    out.push_str("\n## Checklist\n\n");
    for s in &d.steps {
        match s.done {
            Some(t) => out.push_str(&format!("- [x] {} ({} after start)\n", s.text, rel(t))),
            None => out.push_str(&format!("- [ ] {}\n", s.text)),
        }
    }
    out.push_str("\n## Notes\n\n");
    if d.notes.is_empty() {
        out.push_str("None.\n");
    }
    for (t, n) in &d.notes {
        out.push_str(&format!(
            "- {} (+{}): {}\n",
            time(*t),
            rel(*t),
            n.replace('\n', " ")
        ));
    }
    out
}

/// Writes the report's Markdown and JSON; returns the Markdown's path.
pub fn write(dir: &Path, d: &Drill) -> std::io::Result<PathBuf> {
    crate::util::files::ensure_private_dir(dir)?;
    let md = dir.join(format!("{}.md", d.id));
    let js = dir.join(format!("{}.json", d.id));
    let json = serde_json::to_vec_pretty(&json(d)).map_err(std::io::Error::other)?;
    crate::util::files::write_private_atomic(&js, &json)?;
    crate::util::files::write_private_atomic(&md, markdown(d).as_bytes())?;
    Ok(md)
}

/// One past drill, for the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Past {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub started: DateTime<Utc>,
    pub detect: Option<i64>,
    pub contain: Option<i64>,
    pub missed: usize,
    /// The Stratus Red Team technique a detection drill played.
    pub stratus: Option<String>,
}

/// What the drills prove: for each detection drill's technique, its latest run (passed
/// when nothing was missed), or none (the detection is assumed, not proven).
pub fn coverage(history: &[Past]) -> Vec<(&'static str, Option<&Past>)> {
    crate::drill::scenario::SCENARIOS
        .iter()
        .map(|s| {
            let last = history
                .iter()
                .filter(|p| p.stratus.as_deref() == Some(s.stratus))
                .max_by_key(|p| p.started);
            (s.stratus, last)
        })
        .collect()
}

/// The reports in `dir`, newest first.
pub fn history(dir: &Path) -> Vec<Past> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Past> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(p).ok()?).ok()?;
            Some(Past {
                id: v["id"].as_str()?.to_string(),
                title: v["title"].as_str().unwrap_or("").to_string(),
                kind: v["kind"].as_str().unwrap_or("").to_string(),
                started: crate::model::clock::parse_rfc3339(v["started"].as_str()?)?,
                detect: v["time_to_detect_seconds"].as_i64(),
                contain: v["time_to_contain_seconds"].as_i64(),
                missed: v["missed"].as_array().map_or(0, Vec::len),
                stratus: v["stratus"].as_str().map(str::to_string),
            })
        })
        .collect();
    out.sort_by_key(|p| std::cmp::Reverse(p.started));
    out
}
