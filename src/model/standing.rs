//! Standing administrator access: who holds administrator-equivalent access in an account
//! all the time, rather than asking for it when needed (the pillar's just-in-time seed
//! practice, SEC02/SEC03). One record per (account, principal, route): an Identity Center
//! user or group assigned an administrator permission set, an IAM user with console access
//! and an administrator policy, or a role that an account outside the organization may
//! assume.

use serde::{Deserialize, Serialize};

/// How the access is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// An Identity Center user assigned the permission set directly.
    IdentityCenterUser,
    /// An Identity Center group assigned the permission set; `members` are its users.
    IdentityCenterGroup,
    /// An IAM user with a console password and an administrator policy.
    IamUser,
    /// A role trusted by an account outside the organization.
    OutsideTrust,
}

impl Route {
    pub fn label(self) -> &'static str {
        match self {
            Route::IdentityCenterUser => "Identity Center user",
            Route::IdentityCenterGroup => "Identity Center group",
            Route::IamUser => "IAM user",
            Route::OutsideTrust => "trusted outside",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingAccess {
    /// The account the access lands in.
    pub account_id: String,
    /// A user name, a group name, an IAM user name, or the outside principal.
    pub principal: String,
    pub route: Route,
    /// The permission set, the policy, or the trusting role.
    pub via: String,
    /// A group's members, by user name (empty for the other routes).
    #[serde(default)]
    pub members: Vec<String>,
    /// Where the record was read: `identity-center:<instance>`, `iam:<account>`, `demo`.
    /// A source's next reading replaces every record of the same scope.
    pub scope: String,
}

impl StandingAccess {
    pub fn key(&self) -> (&str, &str, Route, &str) {
        (&self.account_id, &self.principal, self.route, &self.via)
    }

    /// The people this record gives standing access: the group's members, or the one
    /// principal.
    pub fn people(&self) -> usize {
        if self.route == Route::IdentityCenterGroup {
            self.members.len()
        } else {
            1
        }
    }
}

/// AWS managed policies that are administrator-equivalent.
pub const ADMIN_POLICIES: [&str; 2] = [
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
];

/// Whether an IAM policy document allows every action on every resource (an inline
/// permission set policy, say). Bad JSON allows nothing.
pub fn allows_everything(document: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(document) else {
        return false;
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(list) => list.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => return false,
    };
    let has_star = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Array(list) => list.iter().any(|x| x.as_str() == Some("*")),
        _ => false,
    };
    statements.iter().any(|s| {
        s["Effect"].as_str() == Some("Allow") && has_star(&s["Action"]) && has_star(&s["Resource"])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_allowing_everything_is_admin_and_others_are_not() {
        let admin = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert!(allows_everything(admin));
        let one = r#"{"Statement":{"Effect":"Allow","Action":["*"],"Resource":["*"]}}"#;
        assert!(allows_everything(one));
        let read = r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#;
        assert!(!allows_everything(read));
        let deny = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        assert!(!allows_everything(deny));
        assert!(!allows_everything("not json"));
    }
}
