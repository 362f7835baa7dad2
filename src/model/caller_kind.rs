//! Three short fields of a CloudTrail record that rules ask of every event (the caller's
//! `userIdentity.type`, its session issuer's type, the record's `eventType`), kept beside
//! the columns as one-byte codes.
//!
//! Rules that pin no event name (root activity, SigmaHQ's assumed-role and root-usage
//! rules) run on every event; without these codes each of them would decompress and
//! decode every record to read one word. A value outside the known words, or a record too
//! odd to say, is `Unsure`: the reader then asks the record itself, so the codes never
//! change what a rule sees.

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

/// The codes of one record (three bytes in the event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerKind {
    identity: u8,
    issuer: u8,
    event_type: u8,
}

impl Default for CallerKind {
    /// Nothing known: every question goes to the record.
    fn default() -> Self {
        CallerKind {
            identity: UNSURE,
            issuer: UNSURE,
            event_type: UNSURE,
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
        }
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
}
