//! The configuration file: where it is found, what it may contain, and errors that point at
//! the exact line and column of a mistake.
//!
//! Every section and key has a default, so an empty (or absent) file is a valid
//! configuration. Unknown keys are rejected rather than ignored: a misspelt `theme` that
//! silently does nothing is worse than an error that says `did you mean`.
//!
//! The schema is here; [`load`] finds and reads the file, `validate` checks what the types
//! cannot (ranges, ids, saved views). The config does not know the console's panes: it is
//! told their vocabulary ([`Vocabulary`]: names, sorts, fields, columns) by the caller.
//!
//! May import: `util`, `model`, `feed`, `store`, `drill`, `analysis`, `source`, `export`,
//! `theme`.

mod detections;
mod load;
pub mod pillar;
pub(crate) mod validate;
pub mod vocabulary;

pub use detections::Detections;
pub use load::{config_dir, load, load_from, parse_str, user_theme_dirs, ConfigError, Loaded};
pub use vocabulary::{PaneWords, Vocabulary};

use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "RAMPART_CONFIG";

/// In a region list: every region enabled in the account (account:ListRegions).
pub const ALL_REGIONS: &str = crate::source::aws::discover::ALL;

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub display: Display,
    pub thresholds: Thresholds,
    /// `[overview]`: when each indicator reads "look" (!) and "act" (✗).
    pub overview: crate::analysis::posture::Bars,
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
    /// `[detections]`: the burst rules' thresholds, the team's rule directories.
    pub detections: Detections,
    /// `[runbooks]`: a directory of the team's own runbooks.
    pub runbooks: Runbooks,
    /// `[replay]`: limits on one evidence file.
    pub replay: Replay,
    pub identity_center: pillar::IdentityCenter,
    pub wellarchitected: pillar::WellArchitected,
    /// What validation noticed but accepted: old names, with the name to use instead.
    #[serde(skip)]
    pub deprecations: Vec<String>,
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
        let w = crate::model::lookup::Window::default();
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
    ) -> crate::model::triage::WritePolicy {
        crate::model::triage::WritePolicy {
            allowed: allow_writes || self.writes.allowed,
            read_only: self.writes.read_only.clone(),
            state_dir,
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

    /// The limits on one evidence file.
    pub fn replay_limits(&self) -> crate::source::replay::Limits {
        crate::source::replay::Limits {
            max_bytes: u64::from(self.replay.max_file_mb) << 20,
            max_records: self.replay.max_records_per_file as usize,
        }
    }

    pub fn timeline_window(&self) -> crate::model::lookup::Window {
        crate::model::lookup::Window {
            before: chrono::Duration::minutes(self.timeline.before_minutes.into()),
            after: chrono::Duration::minutes(self.timeline.after_minutes.into()),
        }
    }
}

/// `[columns]`: which columns each pane shows, by their titles, keyed by pane id; a pane
/// left out shows them all (narrow terminals still drop the least important first). Keys
/// are checked against the panes' vocabulary; an old name is accepted and noted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Columns(pub std::collections::BTreeMap<String, Vec<String>>);

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

/// `[replay]`: what one evidence file may cost; a file that reaches a limit keeps the
/// records before it and says which limit stopped it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Replay {
    /// Content read from one file, after decompression, in MiB.
    pub max_file_mb: u32,
    /// Records kept from one file.
    pub max_records_per_file: u32,
}

impl Default for Replay {
    fn default() -> Self {
        let l = crate::source::replay::Limits::default();
        Replay {
            max_file_mb: (l.max_bytes >> 20) as u32,
            max_records_per_file: l.max_records as u32,
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
    /// `[columns]` by pane id, for the console (validation turned old names into ids).
    pub fn pane_columns(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        self.columns.0.clone()
    }
}

fn default_environment() -> String {
    "unknown".into()
}

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
                .filter_map(|s| validate::record_state(s))
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
            identity_center: self.identity_center.placed(),
            wellarchitected: self.wellarchitected.placed(),
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
                detector: std::sync::Arc::new(self.detector()),
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

// ---------------------------------------------------------------------------------------
// Turning toml errors into `FILE:LINE:COL: message`.

#[cfg(test)]
mod tests;
