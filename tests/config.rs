//! The config file end to end: fixture files on disk through `config::load`, with the exact
//! `FILE:LINE:COL: message` a user would see.

use rampart::config::{ConfigError, Timezone};
use std::path::{Path, PathBuf};

/// The config as the console reads it: told the panes' vocabulary.
mod config {
    pub use rampart::config::*;
    use std::path::Path;

    pub fn load(path: Option<&Path>) -> Result<Loaded, ConfigError> {
        rampart::config::load(path, &rampart::app::pane::vocabulary())
    }

    pub fn parse_str(text: &str, file: &Path) -> Result<Config, ConfigError> {
        rampart::config::parse_str(text, file, &rampart::app::pane::vocabulary())
    }

    pub fn load_from(
        explicit: Option<&Path>,
        env: Option<&Path>,
        dir: Option<&Path>,
    ) -> Result<Loaded, ConfigError> {
        rampart::config::load_from(explicit, env, dir, &rampart::app::pane::vocabulary())
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

/// Loads a fixture through `--config` and returns the error message.
fn error_of(name: &str) -> String {
    let path = fixture(name);
    match config::load(Some(&path)) {
        Ok(loaded) => panic!("{name} should not load: {:?}", loaded.config),
        Err(e) => e.to_string(),
    }
}

/// The message with the fixture's full path shortened to its file name.
fn short(name: &str) -> String {
    let full = fixture(name).display().to_string();
    let message = error_of(name);
    assert!(message.starts_with(&full), "{message}");
    message.replacen(&full, name, 1)
}

#[test]
fn full_file_sets_every_key() {
    let loaded = config::load(Some(&fixture("full.toml"))).unwrap();
    assert_eq!(loaded.path, Some(fixture("full.toml")));
    let c = loaded.config;
    assert_eq!(c.timezone(), Timezone::Local);
    assert_eq!(c.theme_name(), "high-contrast");
    assert!(!c.mouse());
    assert_eq!(c.credential_age_days(), 30);
    assert_eq!(c.unused_days(), 60);
    assert_eq!(c.demo_seed(), 7);
    assert_eq!(c.tick(), std::time::Duration::from_secs(10));
    assert_eq!(c.regions, ["eu-central-1", "eu-west-1"]);
    assert_eq!(c.accounts.len(), 2);
    let (audit, prod) = (&c.accounts[0], &c.accounts[1]);
    assert_eq!(audit.id, "012345678901");
    assert_eq!(c.regions_for(audit), ["us-east-1"]);
    assert_eq!(c.regions_for(prod), &c.regions[..]);
    assert_eq!(
        prod.role_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/SecurityAudit")
    );
    assert_eq!(prod.external_id.as_deref(), Some("x-123"));
    assert_eq!(prod.session_name.as_deref(), Some("rampart-test"));
    assert_eq!(prod.environment, "prod");
}

#[test]
fn empty_file_is_all_defaults() {
    let loaded = config::load(Some(&fixture("empty.toml"))).unwrap();
    assert_eq!(loaded.config, config::Config::default());
    assert_eq!(loaded.path, Some(fixture("empty.toml")));
}

#[test]
fn example_file_parses() {
    let text = include_str!("../config.example.toml");
    let c = config::parse_str(text, Path::new("config.example.toml")).unwrap();
    // The example shows the defaults, so it must agree with them.
    let defaults = config::Config::default();
    assert_eq!(c.timezone(), defaults.timezone());
    assert_eq!(c.theme_name(), defaults.theme_name());
    assert_eq!(c.mouse(), defaults.mouse());
    assert_eq!(c.thresholds, defaults.thresholds);
    assert_eq!(c.overview, defaults.overview);
    assert_eq!(c.demo, defaults.demo);
    assert_eq!(c.securityhub, defaults.securityhub);
    assert_eq!(c.access_analyzer, defaults.access_analyzer);
    assert_eq!(c.aws_config, defaults.aws_config);
    assert_eq!(c.cloudtrail, defaults.cloudtrail);
    assert_eq!(c.timeline, defaults.timeline);
    assert_eq!(c.detections, defaults.detections);
    assert_eq!(c.runbooks, defaults.runbooks);
    assert_eq!(c.writes.allowed, defaults.writes.allowed);
    assert_eq!(
        c.writes.read_only,
        ["prod-*"],
        "production read-only, as the issue asks"
    );
    assert_eq!(c.accounts.len(), 2);
}

#[test]
fn writes_and_the_timeline_window_are_read_and_checked() {
    let text = "[writes]\nallowed = true\nread_only = [\"prod-*\", \"123456789012\"]\n[timeline]\nbefore_minutes = 30\nafter_minutes = 0\n";
    let c = config::parse_str(text, Path::new("c.toml")).unwrap();
    let policy = c.write_policy(false, None);
    assert!(policy.allowed);
    assert!(policy.is_read_only("999999999999", "prod-payments"));
    assert!(policy.is_read_only("123456789012", "anything"));
    assert!(!policy.is_read_only("999999999999", "dev"));
    assert_eq!(c.timeline_window().before, chrono::Duration::minutes(30));
    assert_eq!(c.timeline_window().after, chrono::Duration::zero());
    // --allow-writes turns them on without the config.
    let off = config::parse_str("", Path::new("c.toml")).unwrap();
    assert!(!off.write_policy(false, None).allowed);
    assert!(off.write_policy(true, None).allowed);
    let err = config::parse_str(
        "[writes]\nread_only = [\"dev\", \" \"]\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("c.toml:2:21: writes.read_only[1]: expected an account id or name"),
        "{err}"
    );
    let err = config::parse_str("[timeline]\nbefore_minutes = 200000\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("timeline.before_minutes"), "{err}");
    let err = config::parse_str("[detections]\nfailed_logins = 1\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "c.toml:2:17: detections.failed_logins: must be 2 to 1000 failures, found 1"
        ),
        "{err}"
    );
    let c = config::parse_str(
        "[detections]\nfailed_logins = 3\nfailed_login_minutes = 2\n[[accounts]]\nid = \"123456789012\"\n",
        Path::new("c.toml"),
    )
    .unwrap();
    let d = c.detector();
    assert_eq!(
        (d.failed_logins, d.failed_login_window.num_minutes()),
        (3, 2)
    );
    assert!(
        d.inside.contains("123456789012"),
        "configured accounts are inside"
    );
    let err = config::parse_str("[writes]\nallow = true\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("allowed"),
        "an unknown key suggests the nearest: {err}"
    );
}

#[test]
fn example_file_documents_every_key() {
    // Every `key = value` line has a comment line directly above it.
    let text = include_str!("../config.example.toml");
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        assert!(
            i > 0 && lines[i - 1].trim_start().starts_with('#'),
            "config.example.toml:{}: `{line}` has no comment above it",
            i + 1
        );
    }
}

#[test]
fn unknown_key_suggests_the_nearest() {
    assert_eq!(
        short("unknown_key.toml"),
        "unknown_key.toml:2:1: unknown key `thme` in [display]; did you mean `theme`?"
    );
}

#[test]
fn bad_type_names_key_line_and_column() {
    assert_eq!(
        short("bad_type.toml"),
        "bad_type.toml:3:23: invalid value for `credential_age_days`: expected a whole number, \
         found string \"ninety\""
    );
}

#[test]
fn bad_timezone_lists_the_choices() {
    assert_eq!(
        short("bad_timezone.toml"),
        "bad_timezone.toml:3:12: invalid value for `timezone`: expected \"utc\" or \"local\", \
         found \"Europe/Paris\""
    );
}

#[test]
fn bad_account_id_names_the_field_path() {
    assert_eq!(
        short("bad_account_id.toml"),
        "bad_account_id.toml:9:6: accounts[1].id: expected a 12-digit AWS account id, \
         found \"12345678901\" (quote it to keep leading zeros)"
    );
}

#[test]
fn threshold_out_of_range_names_the_field_path() {
    assert_eq!(
        short("threshold_range.toml"),
        "threshold_range.toml:2:23: thresholds.credential_age_days: must be 1 to 3650 days, \
         found 5000"
    );
}

#[test]
fn syntax_error_has_line_and_column() {
    // The string on line 3 is never closed: toml reports the end of that line.
    assert_eq!(
        short("syntax_error.toml"),
        "syntax_error.toml:3:14: invalid basic string, expected `\"`"
    );
}

#[test]
fn missing_explicit_file_is_an_error_naming_it() {
    let path = fixture("no_such_file.toml");
    let err = config::load(Some(&path)).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: config file not found (named by --config)",
            path.display()
        )
    );
}

#[test]
fn environment_variable_and_platform_directory() {
    let full = fixture("full.toml");
    let loaded = config::load_from(None, Some(&full), None).unwrap();
    assert_eq!(loaded.config.demo_seed(), 7);

    // The platform file is optional: a directory without one gives the defaults.
    let dir = tempfile::tempdir().unwrap();
    let loaded = config::load_from(None, None, Some(dir.path())).unwrap();
    assert_eq!(loaded.path, None);
    assert_eq!(loaded.config, config::Config::default());
}

#[test]
fn securityhub_settings_are_checked_and_named() {
    assert_eq!(
        short("bad_securityhub_status.toml"),
        "bad_securityhub_status.toml:5:20: securityhub.statuses[1]: expected NEW, NOTIFIED, RESOLVED or SUPPRESSED, found \"OPEN\""
    );
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let c = config::load(Some(&example)).unwrap().config;
    let polling = c.polling();
    assert_eq!(polling.securityhub_every.as_secs(), 60);
    assert_eq!(polling.reconcile_every.as_secs(), 30 * 60);
    assert!((polling.get_findings_rate.per_second - 2.85).abs() < 1e-9);
    assert!((polling.lookup_events_rate.per_second - 1.9).abs() < 1e-9);
    assert_eq!(polling.analyzer_every.map(|d| d.as_secs()), Some(600));
    assert_eq!(polling.config_every.map(|d| d.as_secs()), Some(900));
    assert_eq!(polling.config_aggregator, None);
    assert_eq!(polling.cloudtrail_every.map(|d| d.as_secs()), Some(60));
    assert_eq!(polling.cloudtrail_window.lookback.as_secs(), 24 * 3600);
    assert_eq!(polling.cloudtrail_window.max_pages, 100);
}

#[test]
fn pollers_can_be_turned_off_and_config_read_through_an_aggregator() {
    let file = Path::new("rampart.toml");
    let text = r#"
[[accounts]]
id = "111111111111"
name = "security"

[access_analyzer]
enabled = false

[cloudtrail]
enabled = false

[aws_config]
aggregator = "org"
aggregator_account = "security"
aggregator_region = "eu-west-1"
"#;
    let polling = config::parse_str(text, file).unwrap().polling();
    assert_eq!(polling.analyzer_every, None);
    assert_eq!(polling.cloudtrail_every, None);
    let agg = polling.config_aggregator.unwrap();
    assert_eq!(
        (agg.name.as_str(), agg.account.as_str(), agg.region.as_str()),
        ("org", "security", "eu-west-1")
    );

    let unknown = text.replace(
        "aggregator_account = \"security\"",
        "aggregator_account = \"audit\"",
    );
    let e = config::parse_str(&unknown, file).unwrap_err().to_string();
    assert!(
        e.contains("aws_config.aggregator_account: expected the id or name of a configured account, found \"audit\""),
        "{e}"
    );
    let too_far = "[cloudtrail]\nlookback_hours = 3000\n";
    let e = config::parse_str(too_far, file).unwrap_err().to_string();
    assert!(
        e.contains("rampart.toml:2:") && e.contains("cloudtrail.lookback_hours"),
        "{e}"
    );
    let short_keep = "[cloudtrail]\nlookback_hours = 48\nkeep_hours = 24\n";
    let e = config::parse_str(short_keep, file).unwrap_err().to_string();
    assert!(
        e.contains("rampart.toml:3:")
            && e.contains("cloudtrail.keep_hours: expected at least lookback_hours (48), found 24"),
        "{e}"
    );
    assert!(config::parse_str("[cloudtrail]\nkeep_hours = 24\n", file).is_ok());
}

#[test]
fn organization_discovery_and_the_securityhub_aggregator_are_checked() {
    let file = Path::new("rampart.toml");
    let base = "regions = [\"all\"]\n[[accounts]]\nid = \"111111111111\"\nname = \"management\"\n";
    let ok = format!(
        "{base}[organization]\ndiscover_from = \"management\"\nrole_name = \"SecurityAudit\"\nexclude = [\"*-sandbox\"]\n[securityhub]\naggregator_account = \"111111111111\"\naggregator_region = \"us-east-1\"\n"
    );
    let c = config::parse_str(&ok, file).unwrap();
    let polling = c.polling();
    let d = polling.discovery.unwrap();
    assert_eq!(
        (d.from.as_str(), d.role_name.as_str()),
        ("management", "SecurityAudit")
    );
    assert_eq!(d.exclude, ["*-sandbox"]);
    assert_eq!(d.regions, ["all"]);
    assert_eq!(polling.hub_aggregator.unwrap().region, "us-east-1");

    let no_role = format!("{base}[organization]\ndiscover_from = \"management\"\n");
    let e = config::parse_str(&no_role, file).unwrap_err().to_string();
    assert!(
        e.contains("organization.role_name: expected the name of the role"),
        "{e}"
    );
    let stranger =
        format!("{base}[organization]\ndiscover_from = \"payments\"\nrole_name = \"x\"\n");
    let e = config::parse_str(&stranger, file).unwrap_err().to_string();
    assert!(e.contains("organization.discover_from: expected the id or name of a configured account, found \"payments\""), "{e}");
    let ocsf = format!("{base}[securityhub]\napi = \"ocsf\"\n");
    assert_eq!(
        config::parse_str(&ocsf, file).unwrap().polling().hub_api,
        rampart::source::aws::securityhub::Api::Ocsf
    );
    let archived = format!("{base}[securityhub]\nrecord_states = [\"ACTIVE\", \"archived\"]\n");
    assert_eq!(
        config::parse_str(&archived, file)
            .unwrap()
            .polling()
            .record_states,
        [
            rampart::model::RecordState::Active,
            rampart::model::RecordState::Archived
        ]
    );
    let gone = format!("{base}[securityhub]\nrecord_states = [\"DELETED\"]\n");
    let e = config::parse_str(&gone, file).unwrap_err().to_string();
    assert!(
        e.contains("securityhub.record_states[0]: expected ACTIVE or ARCHIVED, found \"DELETED\""),
        "{e}"
    );
    let v3 = format!("{base}[securityhub]\napi = \"v3\"\n");
    let e = config::parse_str(&v3, file).unwrap_err().to_string();
    assert!(
        e.contains(
            "rampart.toml:6:7: securityhub.api: expected \"asff\" or \"ocsf\", found \"v3\""
        ),
        "{e}"
    );
    let everywhere = format!(
        "{base}[securityhub]\naggregator_account = \"management\"\naggregator_region = \"all\"\n"
    );
    let e = config::parse_str(&everywhere, file)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("securityhub.aggregator_region: expected the aggregator's one region"),
        "{e}"
    );
    let elsewhere = "regions = [\"eu-west-1\"]\n[[accounts]]\nid = \"111111111111\"\n[aws_config]\naggregator = \"org\"\naggregator_account = \"111111111111\"\naggregator_region = \"us-east-1\"\n";
    let e = config::parse_str(elsewhere, file).unwrap_err().to_string();
    assert!(
        e.contains("aws_config.aggregator_region: \"us-east-1\" is not among the regions polled in 111111111111 (eu-west-1)"),
        "{e}"
    );
    let bad_region = format!(
        "{base}[securityhub]\naggregator_account = \"management\"\naggregator_region = \"home\"\n"
    );
    let e = config::parse_str(&bad_region, file)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("securityhub.aggregator_region: expected a region name"),
        "{e}"
    );
}

#[test]
fn overview_bars_are_read_and_a_look_above_act_is_named() {
    let c = config::parse_str(
        "[overview]\nold_keys_percent = [5, 50]\ncritical_findings = [0, 3]\n",
        Path::new("o.toml"),
    )
    .unwrap();
    assert_eq!(
        (
            c.overview.old_keys_percent.look,
            c.overview.old_keys_percent.act
        ),
        (5, 50)
    );
    assert_eq!(
        (
            c.overview.critical_findings.look,
            c.overview.critical_findings.act
        ),
        (0, 3)
    );
    assert_eq!(
        c.overview.open_network,
        config::Config::default().overview.open_network,
        "unset bars keep their default"
    );
    let err = config::parse_str("[overview]\ndetections = [9, 2]\n", Path::new("o.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "o.toml:2:14: overview.detections: expected [look, act] with look at most act"
        ),
        "{err}"
    );
    let err = config::parse_str("[overview]\ndetections = 3\n", Path::new("o.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("o.toml:2:14:"), "{err}");
    assert!(
        err.contains("detections") && err.contains("expected [look, act]"),
        "{err}"
    );
}

#[test]
fn saved_views_are_checked_against_their_pane() {
    let ok = "[[views]]\nname = \"prod-critical\"\npane = \"findings\"\nfilter = \"sev>=critical acct:prod\"\nsort = \"account\"\ngroup = \"product\"\n";
    let c = config::parse_str(ok, Path::new("v.toml")).unwrap();
    assert_eq!(c.views.len(), 1);
    assert_eq!(c.views[0].group.as_deref(), Some("product"));
    let cases = [
        (
            ok.replace("sev>=critical", "sev>=urgent"),
            "views[0].filter: expected critical, high, medium, low or informational after `sev>=`, found `urgent` at column 1",
        ),
        (
            ok.replace("\"account\"", "\"colour\""),
            "views[0].sort: expected one of severity, title, account, region, product, resource, status, updated, found \"colour\"",
        ),
        (
            ok.replace("pane = \"findings\"", "pane = \"credentials\""),
            "views[0].filter: `sev` is not a field here: this pane has acct, user, keys, risk at column 1",
        ),
        (
            ok.replace("\"findings\"", "\"alerts\""),
            "views[0].pane: expected findings, credentials, public, activity or compliance, found \"alerts\"",
        ),
    ];
    for (text, want) in cases {
        let err = config::parse_str(&text, Path::new("v.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{err}\nwanted: {want}");
        assert!(err.starts_with("v.toml:"), "{err}");
    }
    let twice = format!("{ok}{ok}");
    let err = config::parse_str(&twice, Path::new("v.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("views[1].name: `prod-critical` is already a view's name"),
        "{err}"
    );
}

#[test]
fn pane_columns_are_checked_against_the_pane() {
    let ok = "[columns]\nfindings = [\"Sev\", \"title\", \"Updated\"]\n";
    let c = config::parse_str(ok, Path::new("c.toml")).unwrap();
    assert_eq!(
        c.pane_columns().get("findings").map(Vec::len),
        Some(3),
        "titles match case-insensitively"
    );
    let err = config::parse_str(
        "[columns]\nfindings = [\"Sev\", \"Colour\"]\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with(
            "c.toml:2:20: columns.findings[1]: expected one of Sev, S, Title, Account,"
        ),
        "{err}"
    );
    let err = config::parse_str("[columns]\ndrills = []\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("columns.drills: expected at least one of"),
        "{err}"
    );
}

/// Hardening 2: a blank or padded read-only pattern is refused at load, with its line.
#[test]
fn hardening_02_a_padded_or_blank_read_only_pattern_is_refused_with_its_line() {
    let err = config::parse_str(
        "[writes]\nallowed = true\nread_only = [\"prod-*\", \" 123456789012\"]\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("c.toml:3:"), "{err}");
    assert!(err.contains("writes.read_only[1]"), "{err}");
    assert!(
        err.contains("spaces around it: write \"123456789012\""),
        "{err}"
    );
    let err = config::parse_str("[writes]\nread_only = [\"  \"]\n", Path::new("c.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("found a blank one"), "{err}");
}
