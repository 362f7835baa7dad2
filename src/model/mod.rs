//! Plain domain types and the pure logic around them.
//!
//! Nothing here knows the AWS SDK or ratatui: sources convert into these types at their
//! edge, the store keeps them, the UI renders borrowed views of them. The parsers for the
//! wire formats AWS emits (ASFF, CloudTrail records, the IAM credential report) live here
//! because live polling, replay and the demo all feed the same bytes through them.
//!
//! Besides the records, the values that cross layers live here: record identity
//! ([`key`]), CloudTrail lookups ([`lookup`]), triage requests and outcomes ([`triage`]),
//! drill journal entries ([`drill`]), hand-off state ([`handoff`]), the operator's notes
//! ([`notes`]) and what they have seen ([`watermarks`]).
//!
//! May import: `util`.

pub mod access_analyzer;
pub mod account;
pub mod age;
pub mod asff;
pub mod caller_kind;
pub mod clock;
pub mod cloudtrail;
pub mod compliance;
pub mod config_rules;
pub mod console;
pub mod credential;
pub mod credential_report;
pub mod drill;
pub mod event;
pub mod exposure;
pub mod finding;
pub mod guardduty;
pub mod guardduty_action;
pub mod handoff;
pub mod intern;
pub mod key;
pub mod lookup;
pub mod notes;
pub mod ocsf;
pub mod raw;
pub mod region;
pub mod severity;
pub mod standing;
pub mod triage;
pub mod wa;
pub mod watermarks;

/// Short text kept inline (up to 24 bytes, no allocation): account ids, regions, product
/// names, event names. At 100k findings the allocations saved are a good share of memory.
pub use compact_str::CompactString;

pub use account::Account;
pub use clock::Clock;
pub use compliance::ComplianceResult;
pub use credential::{AccessKey, CredentialRecord, CredentialRisk, Thresholds};
pub use event::TrailEvent;
pub use exposure::Exposure;
pub use finding::{Finding, RecordState, Resource, WorkflowStatus};
pub use intern::{intern, Shared, SharedList, Tags};
pub use raw::RawRecord;
pub use severity::Severity;
pub use standing::StandingAccess;
pub use wa::WaAnswer;
