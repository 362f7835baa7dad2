//! IAM users who can sign in to the console and hold an administrator policy, attached to
//! them or to one of their groups: standing administrator access outside Identity Center.
//! Read after each credential report, for the users it says have a console password.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use crate::model::standing::{Route, StandingAccess, ADMIN_POLICIES};
use crate::model::CredentialRecord;
use std::collections::HashMap;

/// Past this many pages of one listing the read fails rather than loop on a bad marker.
const MAX_PAGES: usize = 100;

async fn turn(pacer: &Pacer, account: &str, api: &'static str) -> pace::Turn {
    pacer
        .turn(account, "global", api, pace::ONCE_IN_A_WHILE)
        .await
}

/// The administrator policy attached to a user (or `None`).
async fn user_policy(
    client: &aws_sdk_iam::Client,
    pacer: &Pacer,
    account: &str,
    user: &str,
) -> Result<Option<String>, PollError> {
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let _t = turn(pacer, account, "ListAttachedUserPolicies").await;
        let page = client
            .list_attached_user_policies()
            .user_name(user)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| classify(e, "iam:ListAttachedUserPolicies"))?;
        if let Some(p) = page
            .attached_policies()
            .iter()
            .find(|p| p.policy_arn().is_some_and(|a| ADMIN_POLICIES.contains(&a)))
        {
            return Ok(Some(
                p.policy_name().unwrap_or("AdministratorAccess").into(),
            ));
        }
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
    Err(PollError::Malformed(
        "ListAttachedUserPolicies gave too many pages".into(),
    ))
}

/// The administrator policy of one of a user's groups, as `group/policy` (or `None`).
async fn group_policy(
    client: &aws_sdk_iam::Client,
    pacer: &Pacer,
    account: &str,
    user: &str,
    groups: &mut HashMap<String, Option<String>>,
) -> Result<Option<String>, PollError> {
    let _t = turn(pacer, account, "ListGroupsForUser").await;
    let listed = client
        .list_groups_for_user()
        .user_name(user)
        .send()
        .await
        .map_err(|e| classify(e, "iam:ListGroupsForUser"))?;
    drop(_t);
    for g in listed.groups() {
        let name = g.group_name().to_string();
        if !groups.contains_key(&name) {
            let _t = turn(pacer, account, "ListAttachedGroupPolicies").await;
            let page = client
                .list_attached_group_policies()
                .group_name(&name)
                .send()
                .await
                .map_err(|e| classify(e, "iam:ListAttachedGroupPolicies"))?;
            let admin = page
                .attached_policies()
                .iter()
                .find(|p| p.policy_arn().is_some_and(|a| ADMIN_POLICIES.contains(&a)))
                .map(|p| p.policy_name().unwrap_or("AdministratorAccess").to_string());
            groups.insert(name.clone(), admin);
        }
        if let Some(Some(policy)) = groups.get(&name) {
            return Ok(Some(format!("{name}/{policy}")));
        }
    }
    Ok(None)
}

/// The users of a credential report with a console password and an administrator
/// policy, directly or through a group.
pub async fn console_admins(
    client: &aws_sdk_iam::Client,
    pacer: &Pacer,
    account: &str,
    report: &[CredentialRecord],
) -> Result<Vec<StandingAccess>, PollError> {
    let mut out = Vec::new();
    let mut groups = HashMap::new();
    for r in report
        .iter()
        .filter(|r| !r.is_root && r.has_console_password())
    {
        let via = match user_policy(client, pacer, account, &r.user).await? {
            Some(p) => Some(p),
            None => group_policy(client, pacer, account, &r.user, &mut groups).await?,
        };
        if let Some(via) = via {
            out.push(StandingAccess {
                account_id: account.to_string(),
                principal: r.user.clone(),
                route: Route::IamUser,
                via,
                members: Vec::new(),
                scope: format!("iam:{account}"),
            });
        }
    }
    Ok(out)
}
