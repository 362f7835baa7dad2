//! The configuration file: where it is found, what it may contain, and errors that point at
//! the exact line and column of a mistake.
//!
//! Every section and key has a default, so an empty (or absent) file is a valid
//! configuration. Unknown keys are rejected rather than ignored: a misspelt `theme` that
//! silently does nothing is worse than an error that says `did you mean`.
//!
//! The helpers that turn a `toml` error into `FILE:LINE:COL: message` ([`Diagnostic`],
//! [`diagnose`]) are shared with the theme loader in [`crate::ui::theme`].

use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "RAMPART_CONFIG";

/// In a region list: every region enabled in the account (account:ListRegions).
pub const ALL_REGIONS: &str = "all";

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub display: Display,
    pub thresholds: Thresholds,
    /// `[overview]`: when each indicator reads "look" (!) and "act" (✗).
    pub overview: crate::posture::Bars,
    pub demo: Demo,
    /// Regions polled for every account that does not list its own.
    pub regions: Vec<String>,
    pub securityhub: SecurityHub,
    pub access_analyzer: AccessAnalyzer,
    pub aws_config: AwsConfig,
    pub cloudtrail: CloudTrail,
    pub organization: Organization,
    pub cache: Cache,
    pub accounts: Vec<Account>,
    /// `[[views]]`: named queries, applied with `:view NAME`.
    pub views: Vec<SavedView>,
    /// `[columns]`: per pane, the columns to show.
    pub columns: Columns,
    /// `[writes]`: triage writes to Security Hub.
    pub writes: Writes,
    /// `[timeline]`: the CloudTrail window around a finding.
    pub timeline: Timeline,
    /// `[detections]`: the burst rules' thresholds.
    pub detections: Detections,
    /// `[runbooks]`: a directory of the team's own runbooks.
    pub runbooks: Runbooks,
}

/// `[detections]`: how many failures, in how many minutes, make a burst.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Detections {
    pub failed_logins: u32,
    pub failed_login_minutes: u32,
    pub access_denied: u32,
    pub access_denied_minutes: u32,
}

impl Default for Detections {
    fn default() -> Self {
        let d = crate::drill::detect::Detector::default();
        Detections {
            failed_logins: d.failed_logins as u32,
            failed_login_minutes: d.failed_login_window.num_minutes() as u32,
            access_denied: d.access_denied as u32,
            access_denied_minutes: d.access_denied_window.num_minutes() as u32,
        }
    }
}

/// `[runbooks]`: where the team's own runbooks are (they add to or replace the built-in
/// ones by id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Runbooks {
    /// Default: `runbooks/` in the config directory, when it exists.
    pub dir: Option<PathBuf>,
}

/// `[writes]`: whether triage may write to Security Hub, and the accounts it may not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Writes {
    /// Off unless set here or `--allow-writes` is given.
    pub allowed: bool,
    /// Account ids or names (`*` globs) that stay read-only even when writes are allowed.
    pub read_only: Vec<String>,
}

/// `[timeline]`: how far the CloudTrail timeline reaches around a finding.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timeline {
    /// Minutes before the first observation.
    pub before_minutes: u32,
    /// Minutes after the last observation.
    pub after_minutes: u32,
}

impl Default for Timeline {
    fn default() -> Self {
        let w = crate::timeline::Window::default();
        Timeline {
            before_minutes: w.before.num_minutes() as u32,
            after_minutes: w.after.num_minutes() as u32,
        }
    }
}

impl Config {
    /// The triage policy: `allow_writes` is the command line's `--allow-writes`.
    pub fn write_policy(
        &self,
        allow_writes: bool,
        state_dir: Option<std::path::PathBuf>,
    ) -> crate::triage::WritePolicy {
        crate::triage::WritePolicy {
            allowed: allow_writes || self.writes.allowed,
            read_only: self.writes.read_only.clone(),
            state_dir,
        }
    }

    /// The detector every source judges CloudTrail with: the thresholds, and the configured
    /// accounts as the ones inside the organization.
    pub fn detector(&self) -> crate::drill::detect::Detector {
        let d = &self.detections;
        crate::drill::detect::Detector {
            failed_logins: d.failed_logins as usize,
            failed_login_window: chrono::Duration::minutes(d.failed_login_minutes.into()),
            access_denied: d.access_denied as usize,
            access_denied_window: chrono::Duration::minutes(d.access_denied_minutes.into()),
            inside: self.accounts.iter().map(|a| a.id.clone()).collect(),
        }
    }

    /// The team's runbook directory: `[runbooks] dir`, else `runbooks/` in the config
    /// directory.
    pub fn runbook_dir(&self) -> Option<PathBuf> {
        self.runbooks
            .dir
            .clone()
            .or_else(|| config_dir().map(|d| d.join("runbooks")))
    }

    pub fn timeline_window(&self) -> crate::timeline::Window {
        crate::timeline::Window {
            before: chrono::Duration::minutes(self.timeline.before_minutes.into()),
            after: chrono::Duration::minutes(self.timeline.after_minutes.into()),
        }
    }
}

/// `[columns]`: which columns each pane shows, by their titles; a pane left out shows
/// them all (narrow terminals still drop the least important first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Columns {
    pub findings: Option<Vec<String>>,
    pub credentials: Option<Vec<String>>,
    pub public: Option<Vec<String>>,
    pub drills: Option<Vec<String>>,
    pub compliance: Option<Vec<String>>,
}

impl Columns {
    fn each(&self) -> [(&'static str, crate::app::Tab, &Option<Vec<String>>); 5] {
        use crate::app::Tab;
        [
            ("findings", Tab::Findings, &self.findings),
            ("credentials", Tab::Credentials, &self.credentials),
            ("public", Tab::Exposures, &self.public),
            ("drills", Tab::Activity, &self.drills),
            ("compliance", Tab::Compliance, &self.compliance),
        ]
    }
}

/// `[[views]]`: a pane with its filter, sort and (for findings) grouping.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedView {
    pub name: String,
    /// `findings`, `credentials`, `public`, `drills` or `compliance`.
    pub pane: String,
    #[serde(default)]
    pub filter: String,
    /// One of the pane's sort columns (what `s` cycles through).
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub reverse: bool,
    /// Findings only: show the findings grouped by account, resource, type, product or
    /// control.
    #[serde(default)]
    pub group: Option<String>,
}

/// `[organization]`: more accounts, found with AWS Organizations ListAccounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Organization {
    /// The configured account (id or name) whose credentials list the organization's
    /// accounts: the management account or a delegated administrator. Empty: off.
    pub discover_from: String,
    /// The role assumed in each discovered account, from `discover_from`'s credentials.
    pub role_name: String,
    pub external_id: Option<String>,
    /// Patterns (`*` matches anything) on a discovered account's id or name; empty: all.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// The environment label of discovered accounts.
    pub environment: Option<String>,
}

/// `[access_analyzer]`: the external-access findings poller.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessAnalyzer {
    pub enabled: bool,
    pub poll_minutes: u32,
}

impl Default for AccessAnalyzer {
    fn default() -> Self {
        AccessAnalyzer {
            enabled: true,
            poll_minutes: 10,
        }
    }
}

/// `[aws_config]`: the AWS Config compliance poller, per account or through an aggregator.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsConfig {
    pub enabled: bool,
    pub poll_minutes: u32,
    /// An aggregator's name; empty: each account and region is asked itself.
    pub aggregator: String,
    /// The configured account (id or name) that holds the aggregator.
    pub aggregator_account: String,
    pub aggregator_region: String,
}

impl Default for AwsConfig {
    fn default() -> Self {
        AwsConfig {
            enabled: true,
            poll_minutes: 15,
            aggregator: String::new(),
            aggregator_account: String::new(),
            aggregator_region: String::new(),
        }
    }
}

/// `[cloudtrail]`: the LookupEvents and trail status poller.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CloudTrail {
    pub enabled: bool,
    pub poll_seconds: u32,
    /// How far back the first poll reads.
    pub lookback_hours: u32,
    /// At most this many pages of 50 events a poll.
    pub max_pages: u32,
    /// Events older than this leave the console (live and demo; replay keeps its evidence).
    pub keep_hours: u32,
}

impl Default for CloudTrail {
    fn default() -> Self {
        CloudTrail {
            enabled: true,
            poll_seconds: 60,
            lookback_hours: 24,
            max_pages: 100,
            keep_hours: 7 * 24,
        }
    }
}

/// `[cache]`: the warm-start cache of the live console.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cache {
    pub enabled: bool,
}

impl Default for Cache {
    fn default() -> Self {
        Cache { enabled: true }
    }
}

/// `[securityhub]`: how the live Security Hub poller runs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityHub {
    /// Seconds between incremental polls.
    pub poll_seconds: u32,
    /// Minutes between full reconciles (workflow changes elsewhere do not move UpdatedAt).
    pub reconcile_minutes: u32,
    /// Workflow statuses fetched.
    pub statuses: Vec<String>,
    /// Record states fetched: ACTIVE, ARCHIVED.
    pub record_states: Vec<String>,
    /// Percent of AWS's documented GetFindings rate (3/s, burst 6) to pace at; 0 turns
    /// pacing off (a local emulator only).
    pub pace_percent: u32,
    /// Aggregator mode: the configured account (id or name) that is the delegated
    /// administrator, polled in its aggregation home region for every member and linked
    /// region. Empty: each account and region is polled itself.
    pub aggregator_account: String,
    pub aggregator_region: String,
    /// `asff` (GetFindings) or `ocsf` (the newer Security Hub's GetFindingsV2).
    pub api: String,
}

impl Default for SecurityHub {
    fn default() -> Self {
        SecurityHub {
            poll_seconds: 60,
            reconcile_minutes: 30,
            statuses: vec!["NEW".into(), "NOTIFIED".into()],
            record_states: vec!["ACTIVE".into()],
            pace_percent: 95,
            aggregator_account: String::new(),
            aggregator_region: String::new(),
            api: "asff".into(),
        }
    }
}

/// `[display]`: how the console looks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Display {
    pub timezone: Timezone,
    /// Theme name; `None` means the default (`dark`). `--theme` overrides it.
    pub theme: Option<String>,
    pub mouse: bool,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            timezone: Timezone::Utc,
            theme: None,
            mouse: true,
        }
    }
}

/// Which clock timestamps are shown in.
// Parsed from a string by hand so a wrong value gets a message naming both choices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Timezone {
    #[default]
    Utc,
    Local,
}

impl TryFrom<String> for Timezone {
    type Error = String;

    fn try_from(value: String) -> Result<Self, String> {
        match value.as_str() {
            "utc" | "UTC" => Ok(Timezone::Utc),
            "local" => Ok(Timezone::Local),
            _ => Err(format!("expected \"utc\" or \"local\", found {value:?}")),
        }
    }
}

/// `[thresholds]`: when a credential or permission counts as a problem.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub credential_age_days: u32,
    pub unused_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        // 90 days matches AWS Config's managed rule `access-keys-rotated`.
        Thresholds {
            credential_age_days: 90,
            unused_days: 90,
        }
    }
}

/// `[demo]`: the simulated organization.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Demo {
    pub seed: u64,
    pub tick_seconds: u32,
}

impl Default for Demo {
    fn default() -> Self {
        Demo {
            seed: 42,
            tick_seconds: 4,
        }
    }
}

/// `[[accounts]]`: one AWS account to poll.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// A human name; defaults to the id.
    #[serde(default)]
    pub name: String,
    #[serde(default = "default_environment")]
    pub environment: String,
    /// Named profile in the AWS config files used to reach this account.
    #[serde(default)]
    pub profile: Option<String>,
    /// Role assumed in this account (from the profile's credentials).
    #[serde(default)]
    pub role_arn: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub session_name: Option<String>,
    /// Regions for this account; empty means the top-level `regions`.
    #[serde(default)]
    pub regions: Vec<String>,
}

impl Config {
    /// `[columns]` by pane id, for the console.
    pub fn pane_columns(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        self.columns
            .each()
            .into_iter()
            .filter_map(|(_, tab, chosen)| Some((tab.id().to_string(), chosen.clone()?)))
            .collect()
    }
}

/// A saved view names a pane, that pane's sort column and fields, and a grouping.
fn check_view(view: &SavedView, before: &[SavedView]) -> Result<(), (&'static str, String)> {
    use crate::app::Tab;
    if view.name.trim().is_empty() || view.name.contains(char::is_whitespace) {
        return Err(("name", "expected a name without spaces".into()));
    }
    if before.iter().any(|v| v.name == view.name) {
        return Err(("name", format!("`{}` is already a view's name", view.name)));
    }
    let Some(tab) = Tab::from_name(&view.pane) else {
        return Err((
            "pane",
            format!(
                "expected findings, credentials, public, drills or compliance, found {:?}",
                view.pane
            ),
        ));
    };
    crate::store::query::TextQuery::parse_for(&view.filter, tab.fields())
        .map_err(|e| ("filter", e.to_string()))?;
    if let Some(sort) = &view.sort {
        if !tab.sort_names().contains(&sort.as_str()) {
            return Err((
                "sort",
                format!(
                    "expected one of {}, found {sort:?}",
                    tab.sort_names().join(", ")
                ),
            ));
        }
    }
    if let Some(group) = &view.group {
        if tab != Tab::Findings {
            return Err(("group", "only the findings pane groups".into()));
        }
        if crate::summary::GroupBy::parse(group).is_none() {
            return Err((
                "group",
                format!("expected account, resource, type, product or control, found {group:?}"),
            ));
        }
    }
    Ok(())
}

fn default_environment() -> String {
    "unknown".into()
}

/// Inclusive bounds of the numeric settings; days beyond ten years are surely a typo.
const DAYS_RANGE: (u32, u32) = (1, 3650);
const TICK_RANGE: (u32, u32) = (1, 3600);

impl Config {
    pub fn timezone(&self) -> Timezone {
        self.display.timezone
    }

    /// The configured theme name, or `dark`.
    pub fn theme_name(&self) -> &str {
        self.display.theme.as_deref().unwrap_or("dark")
    }

    pub fn mouse(&self) -> bool {
        self.display.mouse
    }

    pub fn credential_age_days(&self) -> i64 {
        i64::from(self.thresholds.credential_age_days)
    }

    pub fn unused_days(&self) -> i64 {
        i64::from(self.thresholds.unused_days)
    }

    pub fn demo_seed(&self) -> u64 {
        self.demo.seed
    }

    /// The live-update interval of the demo source.
    pub fn tick(&self) -> Duration {
        Duration::from_secs(u64::from(self.demo.tick_seconds))
    }

    /// The live pollers' settings, as the source uses them.
    pub fn polling(&self) -> crate::source::aws::PollSettings {
        use crate::source::aws::{cloudtrail, config_rules, pace};
        let hub = &self.securityhub;
        let documented = pace::GET_FINDINGS;
        let share = f64::from(hub.pace_percent) / 100.0;
        let minutes = |m: u32| Duration::from_secs(u64::from(m) * 60);
        let trail = &self.cloudtrail;
        let aggregator =
            (!self.aws_config.aggregator.is_empty()).then(|| config_rules::Aggregator {
                name: self.aws_config.aggregator.clone(),
                account: self.aws_config.aggregator_account.clone(),
                region: self.aws_config.aggregator_region.clone(),
            });
        crate::source::aws::PollSettings {
            securityhub_every: Duration::from_secs(u64::from(hub.poll_seconds)),
            reconcile_every: minutes(hub.reconcile_minutes),
            statuses: hub
                .statuses
                .iter()
                .filter_map(|s| crate::model::WorkflowStatus::parse(s))
                .collect(),
            record_states: hub
                .record_states
                .iter()
                .filter_map(|s| record_state(s))
                .collect(),
            get_findings_rate: pace::Rate {
                per_second: documented.per_second * share,
                burst: documented.burst,
            },
            lookup_events_rate: pace::Rate {
                per_second: pace::LOOKUP_EVENTS.per_second * share,
                burst: pace::LOOKUP_EVENTS.burst,
            },
            analyzer_every: self
                .access_analyzer
                .enabled
                .then(|| minutes(self.access_analyzer.poll_minutes)),
            config_every: self
                .aws_config
                .enabled
                .then(|| minutes(self.aws_config.poll_minutes)),
            config_aggregator: aggregator,
            hub_api: if hub.api == "ocsf" {
                crate::source::aws::securityhub::Api::Ocsf
            } else {
                crate::source::aws::securityhub::Api::Asff
            },
            discovery: self.discovery(),
            hub_aggregator: (!hub.aggregator_account.is_empty()).then(|| {
                crate::source::aws::HubAggregator {
                    account: hub.aggregator_account.clone(),
                    region: hub.aggregator_region.clone(),
                }
            }),
            cloudtrail_every: trail
                .enabled
                .then(|| Duration::from_secs(u64::from(trail.poll_seconds))),
            cloudtrail_window: cloudtrail::Window {
                lookback: Duration::from_secs(u64::from(trail.lookback_hours) * 3600),
                max_pages: trail.max_pages as usize,
                ..cloudtrail::Window::default()
            },
            ..Default::default()
        }
    }

    /// Organization discovery, when configured.
    pub fn discovery(&self) -> Option<crate::source::aws::discover::Discovery> {
        let org = &self.organization;
        (!org.discover_from.is_empty()).then(|| crate::source::aws::discover::Discovery {
            from: org.discover_from.clone(),
            role_name: org.role_name.clone(),
            external_id: org.external_id.clone(),
            include: org.include.clone(),
            exclude: org.exclude.clone(),
            environment: org.environment.clone().unwrap_or_else(default_environment),
            regions: self.regions.clone(),
        })
    }

    /// The regions polled for `account`: its own list, else the top-level list.
    pub fn regions_for<'a>(&'a self, account: &'a Account) -> &'a [String] {
        if account.regions.is_empty() {
            &self.regions
        } else {
            &account.regions
        }
    }
}

/// A parsed config and the file it came from (`None`: no file, defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

/// A problem at a place in a file, shown as `FILE:LINE:COL: message` (or `FILE: message`
/// when the place is unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line and column (columns count characters, not bytes).
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Diagnostic {
    /// A diagnostic at byte `offset` of `text` (unknown position when `None`).
    pub fn at(file: &Path, text: &str, offset: Option<usize>, message: String) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            position: offset.map(|o| line_column(text, o)),
            message,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: config file not found (named by {origin})", path.display())]
    NotFound { path: PathBuf, origin: &'static str },
    #[error("{}: cannot read config file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostic),
}

/// The platform configuration directory (`~/.config/rampart` on Linux); user themes live in
/// its `themes/` subdirectory.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rampart").map(|d| d.config_dir().to_path_buf())
}

/// Where user themes are looked for (`<config_dir>/themes`), for [`crate::ui::theme::load`].
pub fn user_theme_dirs() -> Vec<PathBuf> {
    config_dir().map(|d| d.join("themes")).into_iter().collect()
}

/// Finds and parses the config file: `explicit` (`--config`), else `$RAMPART_CONFIG`, else
/// `<config_dir>/config.toml`. Only the last may be absent (defaults, `path: None`).
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let env = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
    load_from(explicit, env.as_deref(), config_dir().as_deref())
}

/// [`load`] with the environment and platform directory passed in, so tests do not depend
/// on (or modify) the process environment.
pub fn load_from(
    explicit: Option<&Path>,
    env: Option<&Path>,
    platform_dir: Option<&Path>,
) -> Result<Loaded, ConfigError> {
    // An empty variable is treated as unset, as shells make `VAR=` easy to leave behind.
    let env = env.filter(|p| !p.as_os_str().is_empty());
    let (path, origin) = match (explicit, env) {
        (Some(p), _) => (p.to_path_buf(), Some("--config")),
        (None, Some(p)) => (p.to_path_buf(), Some("$RAMPART_CONFIG")),
        (None, None) => match platform_dir {
            Some(dir) => (dir.join("config.toml"), None),
            None => return Ok(defaults()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match origin {
                Some(origin) => Err(ConfigError::NotFound { path, origin }),
                None => Ok(defaults()),
            };
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let config = parse_str(&text, &path)?;
    Ok(Loaded {
        config,
        path: Some(path),
    })
}

fn defaults() -> Loaded {
    Loaded {
        config: Config::default(),
        path: None,
    }
}

/// Parses and validates config text; `file` is only used in messages.
pub fn parse_str(text: &str, file: &Path) -> Result<Config, ConfigError> {
    let mut config: Config =
        toml::from_str(text).map_err(|e| ConfigError::Invalid(diagnose(text, file, &e)))?;
    validate(&mut config, text, file).map_err(ConfigError::Invalid)?;
    Ok(config)
}

/// Checks what the types cannot express, and fills derived defaults (account names).
fn validate(config: &mut Config, text: &str, file: &Path) -> Result<(), Diagnostic> {
    let fail = |path: &[Seg], message: String| {
        let offset = span_of(text, path).map(|s| s.start);
        Diagnostic::at(
            file,
            text,
            offset,
            format!("{}: {message}", render_path(path)),
        )
    };
    let days = [
        ("credential_age_days", config.thresholds.credential_age_days),
        ("unused_days", config.thresholds.unused_days),
    ];
    for (key, value) in days {
        check_range(value, DAYS_RANGE, "days")
            .map_err(|m| fail(&[Seg::Key("thresholds"), Seg::Key(key)], m))?;
    }
    for (key, bar) in config.overview.named() {
        if bar.act > 0 && bar.look > bar.act {
            return Err(fail(
                &[Seg::Key("overview"), Seg::Key(key)],
                format!(
                    "expected [look, act] with look at most act (0 turns a level off), found [{}, {}]",
                    bar.look, bar.act
                ),
            ));
        }
    }
    let d = &config.detections;
    for (key, value, range, unit) in [
        ("failed_logins", d.failed_logins, (2, 1000), "failures"),
        (
            "failed_login_minutes",
            d.failed_login_minutes,
            (1, 1440),
            "minutes",
        ),
        ("access_denied", d.access_denied, (2, 10_000), "errors"),
        (
            "access_denied_minutes",
            d.access_denied_minutes,
            (1, 1440),
            "minutes",
        ),
    ] {
        check_range(value, range, unit)
            .map_err(|m| fail(&[Seg::Key("detections"), Seg::Key(key)], m))?;
    }
    // CloudTrail keeps 90 days; a window beyond that asks for nothing it has.
    for (key, value) in [
        ("before_minutes", config.timeline.before_minutes),
        ("after_minutes", config.timeline.after_minutes),
    ] {
        check_range(value, (0, 90 * 24 * 60), "minutes")
            .map_err(|m| fail(&[Seg::Key("timeline"), Seg::Key(key)], m))?;
    }
    for (i, pattern) in config.writes.read_only.iter().enumerate() {
        if pattern.trim().is_empty() {
            return Err(fail(
                &[Seg::Key("writes"), Seg::Key("read_only"), Seg::Index(i)],
                "expected an account id or name (globs like \"prod-*\"), found a blank one".into(),
            ));
        }
    }
    check_range(config.demo.tick_seconds, TICK_RANGE, "seconds")
        .map_err(|m| fail(&[Seg::Key("demo"), Seg::Key("tick_seconds")], m))?;
    let hub = &config.securityhub;
    let at = |key: &'static str| [Seg::Key("securityhub"), Seg::Key(key)];
    check_range(hub.poll_seconds, (10, 86_400), "seconds")
        .map_err(|m| fail(&at("poll_seconds"), m))?;
    check_range(hub.reconcile_minutes, (1, 1440), "minutes")
        .map_err(|m| fail(&at("reconcile_minutes"), m))?;
    // 0 (off) and over 100 only make sense against a local emulator, which has no AWS limits.
    check_range(hub.pace_percent, (0, 1000), "percent")
        .map_err(|m| fail(&at("pace_percent"), m))?;
    if hub.statuses.is_empty() {
        return Err(fail(
            &at("statuses"),
            "must name at least one workflow status".into(),
        ));
    }
    for (i, status) in hub.statuses.iter().enumerate() {
        if crate::model::WorkflowStatus::parse(status).is_none() {
            return Err(fail(
                &[Seg::Key("securityhub"), Seg::Key("statuses"), Seg::Index(i)],
                format!("expected NEW, NOTIFIED, RESOLVED or SUPPRESSED, found {status:?}"),
            ));
        }
    }
    let ranges = [
        (
            "access_analyzer",
            "poll_minutes",
            config.access_analyzer.poll_minutes,
            (1, 1440),
            "minutes",
        ),
        (
            "aws_config",
            "poll_minutes",
            config.aws_config.poll_minutes,
            (1, 1440),
            "minutes",
        ),
        (
            "cloudtrail",
            "poll_seconds",
            config.cloudtrail.poll_seconds,
            (10, 86_400),
            "seconds",
        ),
        // LookupEvents keeps 90 days.
        (
            "cloudtrail",
            "lookback_hours",
            config.cloudtrail.lookback_hours,
            (1, 90 * 24),
            "hours",
        ),
        (
            "cloudtrail",
            "max_pages",
            config.cloudtrail.max_pages,
            (1, 10_000),
            "pages",
        ),
        (
            "cloudtrail",
            "keep_hours",
            config.cloudtrail.keep_hours,
            (1, 90 * 24),
            "hours",
        ),
    ];
    for (table, key, value, range, unit) in ranges {
        check_range(value, range, unit).map_err(|m| fail(&[Seg::Key(table), Seg::Key(key)], m))?;
    }
    let trail = &config.cloudtrail;
    if trail.keep_hours < trail.lookback_hours {
        return Err(fail(
            &[Seg::Key("cloudtrail"), Seg::Key("keep_hours")],
            format!(
                "expected at least lookback_hours ({}), found {}: the first poll's events would be dropped",
                trail.lookback_hours, trail.keep_hours
            ),
        ));
    }
    if !matches!(hub.api.as_str(), "asff" | "ocsf") {
        return Err(fail(
            &[Seg::Key("securityhub"), Seg::Key("api")],
            format!("expected \"asff\" or \"ocsf\", found {:?}", hub.api),
        ));
    }
    let configured = |who: &str| config.accounts.iter().any(|a| a.id == who || a.name == who);
    let expected_account =
        |who: &str| format!("expected the id or name of a configured account, found {who:?}");
    // An aggregator lives in one region that its account polls: not "all", and in that
    // account's regions (unless they are all), or nothing would ask it.
    let aggregator_region = |who: &str, region: &str| -> Result<(), String> {
        if region == ALL_REGIONS {
            return Err(
                "expected the aggregator's one region, such as \"us-east-1\", not \"all\"".into(),
            );
        }
        check_region(region)?;
        let account = config
            .accounts
            .iter()
            .find(|a| a.id == who || a.name == who);
        let regions = account.map_or(&config.regions, |a| {
            if a.regions.is_empty() {
                &config.regions
            } else {
                &a.regions
            }
        });
        if regions.is_empty() || regions.iter().any(|r| r == region || r == ALL_REGIONS) {
            Ok(())
        } else {
            Err(format!(
                "{region:?} is not among the regions polled in {who} ({})",
                regions.join(", ")
            ))
        }
    };
    if !hub.aggregator_account.is_empty() {
        let at = |key: &'static str| [Seg::Key("securityhub"), Seg::Key(key)];
        if !configured(&hub.aggregator_account) {
            return Err(fail(
                &at("aggregator_account"),
                expected_account(&hub.aggregator_account),
            ));
        }
        aggregator_region(&hub.aggregator_account, &hub.aggregator_region)
            .map_err(|m| fail(&at("aggregator_region"), m))?;
    }
    let org = &config.organization;
    if !org.discover_from.is_empty() {
        let at = |key: &'static str| [Seg::Key("organization"), Seg::Key(key)];
        if !configured(&org.discover_from) {
            return Err(fail(
                &at("discover_from"),
                expected_account(&org.discover_from),
            ));
        }
        let name_ok = !org.role_name.is_empty()
            && org
                .role_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
        if !name_ok {
            return Err(fail(
                &at("role_name"),
                format!(
                    "expected the name of the role to assume in each account, such as \"SecurityAudit\", found {:?}",
                    org.role_name
                ),
            ));
        }
    }
    let agg = &config.aws_config;
    if !agg.aggregator.is_empty() {
        let at = |key: &'static str| [Seg::Key("aws_config"), Seg::Key(key)];
        if !configured(&agg.aggregator_account) {
            return Err(fail(
                &at("aggregator_account"),
                expected_account(&agg.aggregator_account),
            ));
        }
        aggregator_region(&agg.aggregator_account, &agg.aggregator_region)
            .map_err(|m| fail(&at("aggregator_region"), m))?;
    }
    if hub.record_states.is_empty() {
        return Err(fail(
            &[Seg::Key("securityhub"), Seg::Key("record_states")],
            "must name at least one record state".into(),
        ));
    }
    for (i, state) in hub.record_states.iter().enumerate() {
        if record_state(state).is_none() {
            return Err(fail(
                &[
                    Seg::Key("securityhub"),
                    Seg::Key("record_states"),
                    Seg::Index(i),
                ],
                format!("expected ACTIVE or ARCHIVED, found {state:?}"),
            ));
        }
    }
    if let Some(theme) = &config.display.theme {
        check_theme_name(theme).map_err(|m| fail(&[Seg::Key("display"), Seg::Key("theme")], m))?;
    }
    for (i, region) in config.regions.iter().enumerate() {
        check_region(region).map_err(|m| fail(&[Seg::Key("regions"), Seg::Index(i)], m))?;
    }
    for (key, tab, chosen) in config.columns.each() {
        let Some(chosen) = chosen else { continue };
        let titles: Vec<&str> = crate::ui::panes::columns_of(tab)
            .iter()
            .map(|c| c.title)
            .collect();
        if chosen.is_empty() {
            return Err(fail(
                &[Seg::Key("columns"), Seg::Key(key)],
                format!("expected at least one of {}", titles.join(", ")),
            ));
        }
        for (i, name) in chosen.iter().enumerate() {
            if !titles.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                return Err(fail(
                    &[Seg::Key("columns"), Seg::Key(key), Seg::Index(i)],
                    format!("expected one of {}, found {name:?}", titles.join(", ")),
                ));
            }
        }
    }
    for (i, view) in config.views.iter().enumerate() {
        let at = |key: &'static str| [Seg::Key("views"), Seg::Index(i), Seg::Key(key)];
        check_view(view, &config.views[..i]).map_err(|(key, m)| fail(&at(key), m))?;
    }
    for i in 0..config.accounts.len() {
        let at = |key: &'static str| [Seg::Key("accounts"), Seg::Index(i), Seg::Key(key)];
        let account = &config.accounts[i];
        check_account_id(&account.id).map_err(|m| fail(&at("id"), m))?;
        if let Some(j) = config.accounts[..i].iter().position(|a| a.id == account.id) {
            return Err(fail(&at("id"), format!("duplicate of accounts[{j}].id")));
        }
        check_account(account).map_err(|(key, m)| fail(&at(key), m))?;
        for (r, region) in account.regions.iter().enumerate() {
            let path = [
                Seg::Key("accounts"),
                Seg::Index(i),
                Seg::Key("regions"),
                Seg::Index(r),
            ];
            check_region(region).map_err(|m| fail(&path, m))?;
        }
        let account = &mut config.accounts[i];
        if account.name.is_empty() {
            account.name = account.id.clone();
        }
    }
    Ok(())
}

fn record_state(s: &str) -> Option<crate::model::RecordState> {
    match s.trim().to_ascii_uppercase().as_str() {
        "ACTIVE" => Some(crate::model::RecordState::Active),
        "ARCHIVED" => Some(crate::model::RecordState::Archived),
        _ => None,
    }
}

fn check_range(value: u32, (lo, hi): (u32, u32), unit: &str) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("must be {lo} to {hi} {unit}, found {value}"))
    }
}

fn check_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "expected a 12-digit AWS account id, found {id:?} (quote it to keep leading zeros)"
        ))
    }
}

/// Per-account rules other than the id; the error names the offending key.
fn check_account(account: &Account) -> Result<(), (&'static str, String)> {
    if let Some(arn) = &account.role_arn {
        if !arn.starts_with("arn:") {
            return Err((
                "role_arn",
                format!("expected an IAM role ARN starting with `arn:`, found {arn:?}"),
            ));
        }
    }
    if account.external_id.is_some() && account.role_arn.is_none() {
        return Err((
            "external_id",
            "is only used when assuming a role: set `role_arn` too".into(),
        ));
    }
    Ok(())
}

/// Loose on purpose: new regions appear every year, so only the shape is checked.
fn check_region(region: &str) -> Result<(), String> {
    if region == ALL_REGIONS {
        return Ok(());
    }
    let shaped = region.split('-').count() >= 3
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "expected a region name such as \"us-east-1\", or \"all\", found {region:?}"
        ))
    }
}

/// Theme names become file names, so nothing that could leave the themes directory.
pub(crate) fn check_theme_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a theme name made of letters, digits, `-`, `_` or `.`, found {name:?}"
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Turning toml errors into `FILE:LINE:COL: message`.

/// One step of a path into a TOML document: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// `accounts[1].id`: the way users write paths in messages.
pub(crate) fn render_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) if out.is_empty() => out.push_str(k),
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => push_index(&mut out, *i),
        }
    }
    out
}

fn push_index(out: &mut String, index: usize) {
    out.push('[');
    out.push_str(&index.to_string());
    out.push(']');
}

/// 1-based line and character column of byte `offset`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Rewrites a `toml` error as a diagnostic that names the key it is about and, for an
/// unknown key, suggests the nearest valid one.
pub fn diagnose(text: &str, file: &Path, err: &toml::de::Error) -> Diagnostic {
    let offset = err.span().map(|s| s.start);
    let message = match DeTable::parse(text) {
        // A syntax error: toml's own words are the best we have.
        Err(_) => syntax_message(text, err),
        Ok(doc) => {
            let path = offset
                .and_then(|o| path_at(doc.get_ref(), o))
                .unwrap_or_default();
            explain(err.message(), &path)
        }
    };
    Diagnostic::at(file, text, offset, message)
}

/// toml's own words, naming the key when it only says `duplicate key`.
fn syntax_message(text: &str, err: &toml::de::Error) -> String {
    let message = one_line(err.message());
    let key = err.span().and_then(|s| text.get(s)).map(str::trim);
    match key {
        Some(key) if message == "duplicate key" && !key.is_empty() => {
            format!("duplicate key `{key}`")
        }
        _ => message,
    }
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// An owned path segment, as found by walking a parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnedSeg {
    Key(String),
    Index(usize),
}

/// The path of the deepest key or value whose span contains `offset`.
fn path_at(table: &DeTable, offset: usize) -> Option<Vec<OwnedSeg>> {
    for (key, value) in table {
        let here = OwnedSeg::Key(key.get_ref().to_string());
        if let Some(mut rest) = path_in_value(value.get_ref(), offset) {
            rest.insert(0, here);
            return Some(rest);
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(vec![here]);
        }
    }
    None
}

fn path_in_value(value: &DeValue, offset: usize) -> Option<Vec<OwnedSeg>> {
    match value {
        DeValue::Table(t) => path_at(t, offset),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let inner = path_in_value(item.get_ref(), offset);
            if inner.is_none() && !item.span().contains(&offset) {
                return None;
            }
            let mut path = inner.unwrap_or_default();
            path.insert(0, OwnedSeg::Index(i));
            Some(path)
        }),
        _ => None,
    }
}

/// The span of the value at `path` (for locating validation errors).
pub(crate) fn span_of(text: &str, path: &[Seg]) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = Some(doc.get_ref());
    let mut array: Option<&[Spanned<DeValue>]> = None;
    for seg in path {
        let value = match seg {
            Seg::Key(k) => table?.get(*k)?,
            Seg::Index(i) => array?.get(*i)?,
        };
        span = Some(value.span());
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(|a| &a[..]);
    }
    span
}

/// Section description for messages: `[display]`, `[[accounts]]`, or the top level.
fn section_name(path: &[OwnedSeg]) -> String {
    if path.is_empty() {
        return "the top level".into();
    }
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            OwnedSeg::Key(k) => Some(k.as_str()),
            OwnedSeg::Index(_) => None,
        })
        .collect();
    if matches!(path.last(), Some(OwnedSeg::Index(_))) {
        format!("[[{}]]", keys.join("."))
    } else {
        format!("[{}]", keys.join("."))
    }
}

/// The key as users see it: its name, plus the index when inside an array.
fn key_name(path: &[OwnedSeg]) -> Option<String> {
    let start = path.iter().rposition(|s| matches!(s, OwnedSeg::Key(_)))?;
    let mut out = String::new();
    for seg in &path[start..] {
        match seg {
            OwnedSeg::Key(k) => out.push_str(k),
            OwnedSeg::Index(i) => push_index(&mut out, *i),
        }
    }
    Some(out)
}

/// Rephrases serde's messages (`unknown field`, `invalid type`, ...) in the file's terms.
fn explain(message: &str, path: &[OwnedSeg]) -> String {
    let message = one_line(message);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (name, valid) = split_unknown(rest);
        let section = section_name(path.get(..path.len().saturating_sub(1)).unwrap_or(&[]));
        return format!(
            "unknown key `{name}` in {section}; {}",
            suggest(&name, &valid)
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (_, valid) = split_unknown(rest);
        let choices: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
        return for_key(path, &format!("expected {}", or_list(&choices)));
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing key {} in {}", rest.trim(), section_name(path));
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                return for_key(
                    path,
                    &format!("expected {}, found {found}", plain_type(expected)),
                );
            }
        }
    }
    for_key(path, &message)
}

fn for_key(path: &[OwnedSeg], detail: &str) -> String {
    match key_name(path) {
        Some(key) => format!("invalid value for `{key}`: {detail}"),
        None => detail.to_string(),
    }
}

/// Serde's Rust type names in words a config file's reader knows.
fn plain_type(expected: &str) -> String {
    let words = match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number",
        "i8" | "i16" | "i32" | "i64" | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" => "a quoted string",
        "a sequence" => "an array",
        "a map" => "a table",
        other if other.starts_with("struct ") => "a table",
        other => other,
    };
    words.to_string()
}

/// Splits "`thme`, expected one of `a`, `b`" into the name and the valid names.
fn split_unknown(rest: &str) -> (String, Vec<String>) {
    let (head, tail) = rest.split_once(", expected").unwrap_or((rest, ""));
    let name = head.trim().trim_matches('`').to_string();
    (name, backticked(tail))
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `did you mean `theme`?` when a valid name is close, else the list of valid names.
pub(crate) fn suggest(name: &str, valid: &[String]) -> String {
    match nearest(name, valid) {
        Some(best) => format!("did you mean `{best}`?"),
        None if valid.is_empty() => "no keys are allowed here".into(),
        None => {
            let list: Vec<String> = valid.iter().map(|v| format!("`{v}`")).collect();
            format!("valid keys: {}", list.join(", "))
        }
    }
}

/// The valid name nearest to `name`, if it is close enough to be a plausible typo.
pub(crate) fn nearest<'a>(name: &str, valid: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    // A truncated key (`role` for `role_arn`) is a likelier slip than any typo.
    if lower.chars().count() >= 3 {
        if let Some(whole) = valid.iter().find(|v| v.starts_with(&lower)) {
            return Some(whole);
        }
    }
    let (best, distance) = valid
        .iter()
        .map(|v| (v.as_str(), levenshtein(&lower, v)))
        .min_by_key(|&(_, d)| d)?;
    // A third of the length allows two typos in a long key but not a different word.
    let allowed = (name.chars().count() / 3).max(1);
    (distance <= allowed).then_some(best)
}

/// Levenshtein distance, except that swapping two adjacent characters counts as one edit
/// (`drak` for `dark`), the commonest typo of all (optimal string alignment distance).
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        parse_str(text, Path::new("config.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn empty_text_gives_defaults() {
        let config = parse("").unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.timezone(), Timezone::Utc);
        assert_eq!(config.theme_name(), "dark");
        assert!(config.mouse());
        assert_eq!(config.credential_age_days(), 90);
        assert_eq!(config.unused_days(), 90);
        assert_eq!(config.demo_seed(), 42);
        assert_eq!(config.tick(), Duration::from_secs(4));
        assert!(config.accounts.is_empty() && config.regions.is_empty());
    }

    #[test]
    fn unknown_key_suggests_the_nearest() {
        let err = parse("[display]\nthme = \"light\"\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:1: unknown key `thme` in [display]; did you mean `theme`?"
        );
    }

    #[test]
    fn unknown_key_far_from_all_lists_the_valid_keys() {
        let err = parse("[demo]\nbanana = 1\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:1: unknown key `banana` in [demo]; valid keys: `seed`, `tick_seconds`"
        );
    }

    #[test]
    fn unknown_top_level_key_and_section() {
        let err = parse("region = [\"us-east-1\"]\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:1:1: unknown key `region` in the top level; did you mean `regions`?"
        );
        let err = parse("[threshold]\n").unwrap_err();
        assert!(
            err.starts_with("config.toml:1:2: unknown key `threshold` in the top level; did you mean `thresholds`?"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_in_an_account() {
        let text = "[[accounts]]\nid = \"111111111111\"\nrole = \"arn:aws:iam::1:role/x\"\n";
        let err = parse(text).unwrap_err();
        assert_eq!(
            err,
            "config.toml:3:1: unknown key `role` in [[accounts]]; did you mean `role_arn`?"
        );
    }

    #[test]
    fn bad_timezone_names_the_choices() {
        let err = parse("[display]\ntimezone = \"Europe/Paris\"\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:12: invalid value for `timezone`: expected \"utc\" or \"local\", found \"Europe/Paris\""
        );
        let err = parse("[display]\ntimezone = 5\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:12: invalid value for `timezone`: expected a quoted string, found integer `5`"
        );
    }

    #[test]
    fn bad_type_says_what_was_expected() {
        let err = parse("[thresholds]\ncredential_age_days = \"ninety\"\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:23: invalid value for `credential_age_days`: expected a whole number, found string \"ninety\""
        );
        let err = parse("[display]\nmouse = 1\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:9: invalid value for `mouse`: expected true or false, found integer `1`"
        );
    }

    #[test]
    fn negative_number_is_rejected_with_its_key() {
        let err = parse("[demo]\nseed = -1\n").unwrap_err();
        assert!(
            err.starts_with("config.toml:2:8: invalid value for `seed`: expected a whole number"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_key_is_named() {
        let err = parse("[display]\nmouse = true\nmouse = false\n").unwrap_err();
        assert_eq!(err, "config.toml:3:1: duplicate key `mouse`");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse("[display\ntheme = \"x\"\n").unwrap_err();
        assert!(err.starts_with("config.toml:1:9: "), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn threshold_out_of_range_names_the_field_and_line() {
        let err = parse("\n[thresholds]\nunused_days = 0\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:3:15: thresholds.unused_days: must be 1 to 3650 days, found 0"
        );
        let err = parse("[demo]\ntick_seconds = 7200\n").unwrap_err();
        assert_eq!(
            err,
            "config.toml:2:16: demo.tick_seconds: must be 1 to 3600 seconds, found 7200"
        );
    }

    #[test]
    fn account_rules() {
        let ok = "[[accounts]]\nid = \"012345678901\"\n";
        let config = parse(ok).unwrap();
        assert_eq!(config.accounts[0].name, "012345678901");
        assert_eq!(config.accounts[0].environment, "unknown");

        let two = "[[accounts]]\nid = \"012345678901\"\n[[accounts]]\nid = \"12345\"\n";
        let err = parse(two).unwrap_err();
        assert!(
            err.starts_with("config.toml:4:6: accounts[1].id: expected a 12-digit AWS account id, found \"12345\""),
            "{err}"
        );

        let dup = "[[accounts]]\nid = \"012345678901\"\n[[accounts]]\nid = \"012345678901\"\n";
        assert_eq!(
            parse(dup).unwrap_err(),
            "config.toml:4:6: accounts[1].id: duplicate of accounts[0].id"
        );

        let arn = "[[accounts]]\nid = \"012345678901\"\nrole_arn = \"role/x\"\n";
        assert!(parse(arn)
            .unwrap_err()
            .starts_with("config.toml:3:12: accounts[0].role_arn: expected an IAM role ARN"));

        let ext = "[[accounts]]\nid = \"012345678901\"\nexternal_id = \"x\"\n";
        assert!(parse(ext)
            .unwrap_err()
            .starts_with("config.toml:3:15: accounts[0].external_id: is only used"));
    }

    #[test]
    fn missing_account_id() {
        let err = parse("[[accounts]]\nname = \"prod\"\n").unwrap_err();
        assert!(err.contains("missing key `id` in [[accounts]]"), "{err}");
    }

    #[test]
    fn regions_are_shape_checked_and_inherited() {
        let text = "regions = [\"us-east-1\", \"eu-west-1\"]\n\
                    [[accounts]]\nid = \"012345678901\"\n\
                    [[accounts]]\nid = \"123456789012\"\nregions = [\"ap-south-2\"]\n";
        let config = parse(text).unwrap();
        assert_eq!(config.regions_for(&config.accounts[0]), &config.regions[..]);
        assert_eq!(config.regions_for(&config.accounts[1]), ["ap-south-2"]);

        let err = parse("regions = [\"us-east-1\", \"US East\"]\n").unwrap_err();
        assert!(
            err.starts_with("config.toml:1:25: regions[1]: expected a region name"),
            "{err}"
        );
    }

    #[test]
    fn theme_names_cannot_escape_the_directory() {
        let err = parse("[display]\ntheme = \"../../etc/passwd\"\n").unwrap_err();
        assert!(
            err.starts_with("config.toml:2:9: display.theme: expected a theme name"),
            "{err}"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_column("é = 1", 3), (1, 3));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("", 10), (1, 1));
    }

    #[test]
    fn levenshtein_distances() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("thme", "theme"), 1);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
        assert_eq!(levenshtein("drak", "dark"), 1);
        assert_eq!(levenshtein("ca", "abc"), 3);
    }

    #[test]
    fn suggestions_need_to_be_close() {
        let valid: Vec<String> = ["timezone", "theme", "mouse"].map(String::from).to_vec();
        assert_eq!(nearest("Theme", &valid), Some("theme"));
        assert_eq!(nearest("timezon", &valid), Some("timezone"));
        assert_eq!(nearest("colour", &valid), None);
    }

    #[test]
    fn resolution_order() {
        let dir = std::env::temp_dir().join(format!("rampart-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.toml");
        std::fs::write(&file, "[demo]\nseed = 7\n").unwrap();
        let missing = dir.join("missing.toml");

        // --config wins over the environment; both must exist.
        let loaded = load_from(Some(&file), Some(&missing), None).unwrap();
        assert_eq!(loaded.config.demo_seed(), 7);
        assert_eq!(loaded.path.as_deref(), Some(file.as_path()));
        let err = load_from(Some(&missing), None, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.toml: config file not found (named by --config)"));
        let err = load_from(None, Some(&missing), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("(named by $RAMPART_CONFIG)"), "{err}");

        // The platform file may be absent; an empty variable counts as unset.
        let loaded = load_from(None, Some(Path::new("")), Some(&dir)).unwrap();
        assert_eq!(loaded, defaults());
        std::fs::write(dir.join("config.toml"), "[demo]\nseed = 9\n").unwrap();
        let loaded = load_from(None, None, Some(&dir)).unwrap();
        assert_eq!(loaded.config.demo_seed(), 9);
        assert_eq!(loaded.path, Some(dir.join("config.toml")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
