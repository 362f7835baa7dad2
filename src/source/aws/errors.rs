//! What went wrong with a poll, in words an operator can act on: throttled, access denied
//! (naming the missing action), credentials expired (naming the profile and the command
//! that fixes it), the service not enabled in that region (not an error), or the network.

use crate::feed::Status;
use aws_sdk_securityhub::config::http::HttpResponse;
use aws_sdk_securityhub::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    #[error("throttled")]
    Throttled,
    #[error("access denied: the credentials lack {0}")]
    AccessDenied(String),
    #[error("credentials: {0}")]
    Credentials(String),
    /// Not an error: the service is off there. Says what is missing.
    #[error("not enabled: {0}")]
    NotEnabled(String),
    #[error("network: {0}")]
    Network(String),
    #[error("unexpected response: {0}")]
    Malformed(String),
    #[error("{0}")]
    Other(String),
}

impl PollError {
    /// The status the source shows: a service that is off is not a failure.
    pub fn status(&self) -> Status {
        match self {
            PollError::NotEnabled(_) => Status::NotEnabled,
            _ => Status::Failed,
        }
    }

    /// Adds the fix for expired or missing credentials of a profile.
    pub fn for_profile(self, profile: Option<&str>) -> PollError {
        match (self, profile) {
            (PollError::Credentials(why), Some(p)) if looks_like_sso(&why) => {
                PollError::Credentials(format!(
                    "profile {p}: {why}; run `aws sso login --profile {p}`"
                ))
            }
            (PollError::Credentials(why), Some(p)) => {
                PollError::Credentials(format!("profile {p}: {why}"))
            }
            (e, _) => e,
        }
    }
}

fn looks_like_sso(why: &str) -> bool {
    let w = why.to_ascii_lowercase();
    w.contains("sso") || (w.contains("token") && w.contains("expire"))
}

/// Sorts an SDK error into what the operator needs to know. `action` is the IAM action
/// the call needs, named when access is denied.
pub fn classify<E>(e: SdkError<E, HttpResponse>, action: &str) -> PollError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = e.code().map(str::to_string);
    let full = redact(&DisplayErrorContext(&e).to_string());
    tracing::debug!(action, error = %full, "AWS call failed");
    let words = short(&full);
    let status = e.raw_response().map_or(0, |r| r.status().as_u16());
    match &e {
        // AWS's own trouble: said as such, not as the service's error text.
        SdkError::ServiceError(_)
            if status >= 500 && code.as_deref() != Some("ThrottlingException") =>
        {
            let what = match (code.as_deref(), e.message()) {
                (Some(c), Some(m)) => format!(": {c}: {}", short(m)),
                (Some(c), None) => format!(": {c}"),
                _ => String::new(),
            };
            let kind = if status == 503 {
                "unavailable"
            } else {
                "a server error"
            };
            PollError::Other(format!("AWS answered HTTP {status}, {kind}{what}"))
        }
        SdkError::ServiceError(_) => match code.as_deref().unwrap_or_default() {
            "ThrottlingException"
            | "TooManyRequestsException"
            | "Throttling"
            | "RequestLimitExceeded"
            | "LimitExceededException" => PollError::Throttled,
            "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => {
                PollError::AccessDenied(action.to_string())
            }
            // Security Hub's answer for an account that has not enabled it.
            "InvalidAccessException" | "SubscriptionRequiredException" => {
                PollError::NotEnabled(words)
            }
            "ExpiredTokenException"
            | "ExpiredToken"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException" => PollError::Credentials(words),
            // No error code: the body was not the service's (an emulator without this
            // API, a proxy's page). The parser's complaint would only confuse.
            "" => PollError::Other(format!(
                "HTTP {status} without an AWS error: the endpoint does not serve {action}"
            )),
            _ => PollError::Other(words),
        },
        // Credential providers fail before anything is sent: the SDK reports a dispatch
        // failure whose cause names the provider.
        SdkError::DispatchFailure(d) if !d.is_io() && !d.is_timeout() => {
            PollError::Credentials(words)
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => PollError::Network(words),
        // A body that ended before its length: the connection, not the data.
        SdkError::ResponseError(_)
            if full.contains("IncompleteBody") || full.contains("end of file") =>
        {
            PollError::Network("the response was cut off before its end".into())
        }
        SdkError::ResponseError(_) => PollError::Malformed(words),
        _ => PollError::Other(words),
    }
}

/// The SDK's error text: a chain of causes joined by `: ` on the first line, then debug
/// dumps. Keep the first line, without repeats or the SDK's category words, bounded.
/// An error's text without what it may repeat of the signed request: AWS's signature
/// mismatch answer quotes the canonical request and the string to sign, headers and all
/// (a session token among them). What follows those markers, and any line naming a
/// signing header, is dropped, at every log level and on screen.
pub fn redact(text: &str) -> String {
    const CUT_AT: [&str; 3] = [
        "The Canonical String for this request should have been",
        "The String-to-Sign should have been",
        "canonical request",
    ];
    const HEADERS: [&str; 5] = [
        "authorization",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "x-amz-date",
        "amz-sdk-",
    ];
    let lower = text.to_ascii_lowercase();
    let end = CUT_AT
        .iter()
        .filter_map(|m| lower.find(&m.to_ascii_lowercase()))
        .min()
        .unwrap_or(text.len());
    let kept = &text[..end];
    let mut out: Vec<String> = Vec::new();
    for line in kept.lines() {
        let l = line.to_ascii_lowercase();
        if let Some(at) = HEADERS.iter().filter_map(|h| l.find(h)).min() {
            let before = line[..at].trim_end();
            if !before.is_empty() {
                out.push(format!("{before} [request details withheld]"));
            }
            continue;
        }
        out.push(line.to_string());
    }
    let mut joined = out.join("\n");
    if end < text.len() {
        joined.push_str(" [request details withheld]");
    }
    joined
}

fn short(text: &str) -> String {
    let plain = unhandled(text);
    let mut first = plain
        .as_deref()
        .unwrap_or(text)
        .lines()
        .next()
        .unwrap_or_default()
        .trim();
    // The chain ends where the SDK's debug dump begins: ` (ServiceError(…`, ` (ResponseError(…`.
    // Not at an earlier aside such as `(os error 111)`.
    if let Some((at, _)) = first.match_indices(" (").find(|&(at, _)| {
        let rest = &first[at + 2..];
        rest.starts_with(|c: char| c.is_ascii_uppercase())
            && rest
                .split_once('(')
                .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_alphanumeric()))
    }) {
        first = &first[..at];
    }
    let mut parts: Vec<&str> = Vec::new();
    for p in first.split(": ").map(str::trim) {
        let noise = matches!(
            p,
            "dispatch failure"
                | "other"
                | "service error"
                | "unhandled error"
                | "an error occurred while loading credentials"
        );
        // Causes repeat their parent's words: each once.
        if !noise && !parts.contains(&p) {
            parts.push(p);
        }
    }
    let joined = parts.join(": ");
    let end = |t: &str| {
        t.trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
            .to_string()
    };
    let joined = end(&joined);
    let joined = end(joined.strip_suffix(" Attempted").unwrap_or(&joined));
    if joined.chars().count() > 300 {
        format!("{}…", joined.chars().take(300).collect::<String>())
    } else {
        joined.to_string()
    }
}

/// An error the SDK has no type for prints as `unhandled error (Code): Error { code:
/// "Code", message: "…", … }`: that becomes `Code: …`, whatever came before it kept.
fn unhandled(text: &str) -> Option<String> {
    let at = text.find("unhandled error (")?;
    let dump = &text[at..];
    let quoted = |field: &str| {
        let from = dump.find(&format!("{field}: \""))? + field.len() + 3;
        let mut value = String::new();
        let mut chars = dump[from..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(value),
                '\\' => value.extend(chars.next()),
                c => value.push(c),
            }
        }
        None
    };
    let code = quoted("code")?;
    let said = match quoted("message") {
        Some(m) => format!("{code}: {m}"),
        None => code,
    };
    Some(format!("{}{said}", &text[..at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sso_expiry_names_the_profile_and_the_fix() {
        let e = PollError::Credentials("the SSO session token has expired".into())
            .for_profile(Some("prod-audit"));
        assert_eq!(
            e.to_string(),
            "credentials: profile prod-audit: the SSO session token has expired; run `aws sso login --profile prod-audit`"
        );
        let e = PollError::Credentials("no credentials in the chain".into()).for_profile(Some("x"));
        assert_eq!(
            e.to_string(),
            "credentials: profile x: no credentials in the chain"
        );
        assert_eq!(
            PollError::NotEnabled("x".into()).status(),
            Status::NotEnabled
        );
        assert_eq!(PollError::Throttled.status(), Status::Failed);
    }

    #[test]
    fn long_chains_are_cut_to_one_bounded_line() {
        assert_eq!(
            short("dispatch failure: other: the credential provider was not enabled: no credentials found in chain. Attempted:\n[ProviderAttempt { .. }]"),
            "the credential provider was not enabled: no credentials found in chain"
        );
        assert_eq!(
            short("InternalException: Internal service error: InternalException: Internal service error (ServiceError(ServiceError { source: InternalException { .. } }))"),
            "InternalException: Internal service error"
        );
        assert_eq!(
            short(
                r#"dispatch failure: other: an error occurred while loading credentials: unhandled error (AccessDenied): Error { code: "AccessDenied", message: "User: arn:aws:iam::1:user/b is not authorized to perform: sts:AssumeRole on \"x\"", aws_request_id: "r" }"#
            ),
            r#"AccessDenied: User: arn:aws:iam::1:user/b is not authorized to perform: sts:AssumeRole on "x""#
        );
        assert_eq!(
            short(
                r#"unhandled error (ExpiredTokenException): Error { code: "ExpiredTokenException", aws_request_id: "r" }"#
            ),
            "ExpiredTokenException"
        );
        assert_eq!(
            short("dispatch failure: io error: Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: ConnectorError { .. } }))"),
            "io error: Connection refused (os error 111)"
        );
        assert_eq!(
            short("request has timed out: operation timeout (all attempts including retries) occurred after 90s (TimeoutError(TimeoutError { source: MaybeTimeoutError { kind: Operation, duration: 90s } }))"),
            "request has timed out: operation timeout (all attempts including retries) occurred after 90s"
        );
        let s = short(&format!("a: a: {}\n  c", "x".repeat(400)));
        assert!(s.starts_with("a: xxx") && s.ends_with('…') && s.chars().count() == 301);
    }

    /// Hardening 12: AWS's signature-mismatch text quotes the signed request; none of it is
    /// kept, at any log level.
    #[test]
    fn hardening_12_error_text_never_carries_request_headers() {
        let aws = "InvalidSignatureException: The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:securityhub.us-east-1.amazonaws.com\nx-amz-date:20261122T120000Z\nx-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN\n'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'";
        let r = redact(aws);
        assert!(!r.contains("IQoJb3JpZ2luX2VjEXAMPLETOKEN"), "{r}");
        assert!(!r.contains("x-amz-date"), "{r}");
        assert!(
            r.starts_with("InvalidSignatureException: The request signature"),
            "{r}"
        );
        assert!(r.ends_with("[request details withheld]"), "{r}");
        let header_line = "dispatch failure: authorization: AWS4-HMAC-SHA256 Credential=AKIA/2026";
        assert_eq!(
            redact(header_line),
            "dispatch failure: [request details withheld]"
        );
        assert_eq!(redact("throttled"), "throttled");
    }
}
