//! Short fields of a CloudTrail record that rules ask of every event (the caller's
//! `userIdentity.type`, its session issuer's type, the record's `eventType`), kept beside
//! the columns as one-byte codes.
//!
//! Rules that pin no event name (root activity, SigmaHQ's assumed-role and root-usage
//! rules) run on every event; without these codes each of them would decompress and
//! decode every record to read one word. A value outside the known words, or a record too
//! odd to say, is `Unsure`: the reader then asks the record itself, so the codes never
//! change what a rule sees.
//!
//! Two more facts are kept the same way: whether `errorCode` is absent or exactly the
//! event's error column (the access-denied rule reads it on every event), and whether the
//! caller's account is certainly the event's own (the outside-caller rule reads it on
//! every `AssumeRole`). Together they were a third of the records a replay decoded.

/// What a code says about its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// The field is certainly absent.
    Absent,
    /// The field's value.
    Is(&'static str),
    /// Ask the record.
    Unsure,
}

const IDENTITY: &[&str] = &[
    "Root",
    "IAMUser",
    "AssumedRole",
    "FederatedUser",
    "AWSService",
    "AWSAccount",
    "Unknown",
    "SAMLUser",
    "WebIdentityUser",
    "IdentityCenterUser",
    "Directory",
];
const ISSUER: &[&str] = &["Role", "IAMUser", "Root", "AWSAccount"];
const EVENT_TYPE: &[&str] = &[
    "AwsApiCall",
    "AwsServiceEvent",
    "AwsConsoleAction",
    "AwsConsoleSignIn",
    "AwsCloudTrailInsight",
    "AwsVpceEvent",
];

const ABSENT: u8 = 0;
const UNSURE: u8 = u8::MAX;

/// The fourth byte's bits: how `errorCode` is known (two bits), whether the caller is
/// certainly at home, and `readOnly` (two bits). One byte for all: the event row stays
/// within 216 bytes.
const ERROR_ABSENT: u8 = 0b00;
/// `errorCode` is the event's error column, verbatim.
const ERROR_IN_COLUMN: u8 = 0b01;
const ERROR_UNSURE: u8 = 0b10;
const ERROR_BITS: u8 = 0b11;
/// The caller's account is the event's own, or there is none, or AWS itself called.
const HOME: u8 = 0b100;
const READ_ONLY_FALSE: u8 = 0b01_000;
const READ_ONLY_TRUE: u8 = 0b10_000;
const READ_ONLY_BITS: u8 = 0b11_000;

/// The codes of one record (four bytes in the event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerKind {
    identity: u8,
    issuer: u8,
    event_type: u8,
    facts: u8,
}

/// Where a record's `errorCode` is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The record has none (a failed console sign-in's column holds its message).
    Absent,
    /// The event's error column holds it, as the record wrote it.
    InColumn,
    /// Ask the record (not a string there).
    Unsure,
}

impl Default for CallerKind {
    /// Nothing known: every question goes to the record.
    fn default() -> Self {
        CallerKind {
            identity: UNSURE,
            issuer: UNSURE,
            event_type: UNSURE,
            facts: ERROR_UNSURE,
        }
    }
}

/// A field as the parser saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    Missing,
    Text(&'a str),
    /// Present but not a string (or not readable as one).
    Odd,
}

impl CallerKind {
    /// The identity's `type`, its session issuer's `type` and the record's `eventType`, as
    /// the parser saw them. Without a readable identity type (no `userIdentity` object,
    /// or one too odd to read) nothing about the caller is certain: a record may still
    /// carry flattened keys, so both questions go to the record.
    pub fn new(identity: Seen<'_>, issuer: Seen<'_>, event_type: Seen<'_>) -> CallerKind {
        let readable = matches!(identity, Seen::Text(_));
        CallerKind {
            identity: code(identity, IDENTITY, false),
            issuer: if readable {
                code(issuer, ISSUER, true)
            } else {
                UNSURE
            },
            event_type: code(event_type, EVENT_TYPE, true),
            facts: ERROR_UNSURE,
        }
    }

    /// With the record's `errorCode` as the parser saw it: a string there is the event's
    /// error column.
    pub fn with_error_code(mut self, seen: Seen<'_>) -> CallerKind {
        let known = match seen {
            Seen::Missing => ERROR_ABSENT,
            Seen::Text(_) => ERROR_IN_COLUMN,
            Seen::Odd => ERROR_UNSURE,
        };
        self.facts = (self.facts & !ERROR_BITS) | known;
        self
    }

    /// With the caller's account (`userIdentity.accountId`) against the event's own. Only
    /// a readable identity type says the identity object was read: otherwise the record
    /// may still name an account the parser could not see.
    pub fn with_caller_account(
        mut self,
        identity: Seen<'_>,
        caller: &str,
        account: &str,
    ) -> CallerKind {
        if let Seen::Text(kind) = identity {
            if kind == "AWSService" || caller.is_empty() || caller == account {
                self.facts |= HOME;
            }
        }
        self
    }

    pub fn identity(self) -> Known {
        read(self.identity, IDENTITY)
    }

    pub fn issuer(self) -> Known {
        read(self.issuer, ISSUER)
    }

    pub fn event_type(self) -> Known {
        read(self.event_type, EVENT_TYPE)
    }

    pub fn error_code(self) -> ErrorCode {
        match self.facts & ERROR_BITS {
            ERROR_ABSENT => ErrorCode::Absent,
            ERROR_IN_COLUMN => ErrorCode::InColumn,
            _ => ErrorCode::Unsure,
        }
    }

    /// With the record's `readOnly`, as the console shows it.
    pub fn with_read_only(mut self, read_only: Option<bool>) -> CallerKind {
        self.facts &= !READ_ONLY_BITS;
        self.facts |= match read_only {
            None => 0,
            Some(false) => READ_ONLY_FALSE,
            Some(true) => READ_ONLY_TRUE,
        };
        self
    }

    /// The record's `readOnly` (`"false"` as text reads as false; another type as none).
    pub fn read_only(self) -> Option<bool> {
        match self.facts & READ_ONLY_BITS {
            READ_ONLY_FALSE => Some(false),
            READ_ONLY_TRUE => Some(true),
            _ => None,
        }
    }

    /// The caller's account is certainly the event's own (or none, or AWS's).
    pub fn caller_at_home(self) -> bool {
        self.facts & HOME != 0
    }
}

fn code(seen: Seen<'_>, words: &[&str], missing_is_certain: bool) -> u8 {
    match seen {
        Seen::Missing if missing_is_certain => ABSENT,
        Seen::Text(s) => words
            .iter()
            .position(|w| *w == s)
            .map_or(UNSURE, |i| i as u8 + 1),
        _ => UNSURE,
    }
}

fn read(code: u8, words: &[&'static str]) -> Known {
    match code {
        ABSENT => Known::Absent,
        UNSURE => Known::Unsure,
        n => words
            .get(n as usize - 1)
            .map_or(Known::Unsure, |w| Known::Is(w)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_words_are_kept_and_anything_else_asks_the_record() {
        let k = CallerKind::new(
            Seen::Text("Root"),
            Seen::Missing,
            Seen::Text("AwsConsoleSignIn"),
        );
        assert_eq!(k.identity(), Known::Is("Root"));
        assert_eq!(k.issuer(), Known::Absent);
        assert_eq!(k.event_type(), Known::Is("AwsConsoleSignIn"));
        let odd = CallerKind::new(Seen::Text("root"), Seen::Odd, Seen::Text("AwsSomethingNew"));
        assert_eq!(
            odd.identity(),
            Known::Unsure,
            "case differs: not ours to judge"
        );
        assert_eq!(odd.issuer(), Known::Unsure);
        assert_eq!(odd.event_type(), Known::Unsure);
        let no_object = CallerKind::new(Seen::Missing, Seen::Missing, Seen::Missing);
        assert_eq!(no_object.identity(), Known::Unsure);
        assert_eq!(no_object.issuer(), Known::Unsure);
        assert_eq!(no_object.event_type(), Known::Absent);
        let role = CallerKind::new(Seen::Text("AssumedRole"), Seen::Text("Role"), Seen::Odd);
        assert_eq!(role.issuer(), Known::Is("Role"));
        assert_eq!(role.event_type(), Known::Unsure);
        assert_eq!(CallerKind::default().identity(), Known::Unsure);
    }

    #[test]
    fn error_code_and_caller_account_are_certain_only_when_read() {
        let none = CallerKind::new(Seen::Missing, Seen::Missing, Seen::Missing);
        assert_eq!(none.error_code(), ErrorCode::Unsure, "not said: ask");
        assert_eq!(
            none.with_error_code(Seen::Missing).error_code(),
            ErrorCode::Absent
        );
        assert_eq!(
            none.with_error_code(Seen::Text("AccessDenied"))
                .error_code(),
            ErrorCode::InColumn
        );
        assert_eq!(
            none.with_error_code(Seen::Odd).error_code(),
            ErrorCode::Unsure
        );

        let user = CallerKind::new(Seen::Text("IAMUser"), Seen::Missing, Seen::Missing);
        let at = |identity, caller| {
            user.with_caller_account(identity, caller, "111111111111")
                .caller_at_home()
        };
        assert!(at(Seen::Text("IAMUser"), "111111111111"));
        assert!(
            at(Seen::Text("IAMUser"), ""),
            "no caller account: not outside"
        );
        assert!(at(Seen::Text("AWSService"), "222222222222"), "AWS itself");
        assert!(at(Seen::Text("SomethingNew"), "111111111111"));
        assert!(
            !at(Seen::Text("IAMUser"), "222222222222"),
            "another account: ask"
        );
        assert!(!at(Seen::Missing, ""), "identity not read: ask");
        assert!(!at(Seen::Odd, "111111111111"));
        assert!(!CallerKind::default().caller_at_home());

        // The facts share a byte: setting one keeps the others.
        let all = user
            .with_read_only(Some(true))
            .with_error_code(Seen::Text("Throttling"))
            .with_caller_account(Seen::Text("IAMUser"), "", "1");
        assert_eq!(all.read_only(), Some(true));
        assert_eq!(all.error_code(), ErrorCode::InColumn);
        assert!(all.caller_at_home());
        let flipped = all
            .with_read_only(Some(false))
            .with_error_code(Seen::Missing);
        assert_eq!(flipped.read_only(), Some(false));
        assert_eq!(flipped.error_code(), ErrorCode::Absent);
        assert!(flipped.caller_at_home());
        assert_eq!(flipped.with_read_only(None).read_only(), None);
    }
}
