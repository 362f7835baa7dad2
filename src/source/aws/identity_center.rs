//! IAM Identity Center: who holds administrator-equivalent access standing. Read in the
//! instance's home region from the management or delegated administrator account:
//! the permission sets whose managed policies include an administrator policy or whose
//! inline policy allows everything, the accounts each is provisioned to, who is assigned
//! it there (a user, or a group and its members), with names from the Identity Store.

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::{PollFuture, Polled, Poller};
use crate::feed::{SourceKey, Update};
use crate::model::standing::{allows_everything, Route, StandingAccess, ADMIN_POLICIES};
use std::collections::HashMap;
use std::time::Duration;

/// Identity Center's admin APIs allow about 20 requests a second per account; ask at a
/// quarter of that.
pub const RATE: pace::Rate = pace::Rate {
    per_second: 5.0,
    burst: 5.0,
};
/// Past this many pages of one listing the poll fails rather than loop on a bad token.
const MAX_PAGES: usize = 1_000;

pub struct IdentityCenterPoller {
    pub account_id: String,
    pub region: String,
    pub profile: Option<String>,
    pub sso: aws_sdk_ssoadmin::Client,
    pub ids: aws_sdk_identitystore::Client,
    pub pacer: Pacer,
    pub every: Duration,
    records: usize,
}

/// Names already looked up in one poll, by identity store id.
#[derive(Default)]
struct Names {
    users: HashMap<String, String>,
    groups: HashMap<String, (String, Vec<String>)>,
}

fn too_many(api: &str) -> PollError {
    PollError::Malformed(format!("{api} gave more than {MAX_PAGES} pages"))
}

impl IdentityCenterPoller {
    pub fn new(
        account_id: String,
        region: String,
        profile: Option<String>,
        sso: aws_sdk_ssoadmin::Client,
        ids: aws_sdk_identitystore::Client,
        pacer: Pacer,
        every: Duration,
    ) -> IdentityCenterPoller {
        IdentityCenterPoller {
            account_id,
            region,
            profile,
            sso,
            ids,
            pacer,
            every,
            records: 0,
        }
    }

    async fn turn(&self, api: &'static str) -> pace::Turn {
        self.pacer
            .turn(&self.account_id, &self.region, api, RATE)
            .await
    }

    /// Whether a permission set is administrator-equivalent, and its name.
    async fn admin_set(&self, instance: &str, ps: &str) -> Result<Option<String>, PollError> {
        let _t = self.turn("DescribePermissionSet").await;
        let described = self
            .sso
            .describe_permission_set()
            .instance_arn(instance)
            .permission_set_arn(ps)
            .send()
            .await
            .map_err(|e| classify(e, "sso:DescribePermissionSet"))?;
        let name = described
            .permission_set()
            .and_then(|p| p.name())
            .unwrap_or(ps)
            .to_string();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let _t = self.turn("ListManagedPoliciesInPermissionSet").await;
            let page = self
                .sso
                .list_managed_policies_in_permission_set()
                .instance_arn(instance)
                .permission_set_arn(ps)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "sso:ListManagedPoliciesInPermissionSet"))?;
            if page
                .attached_managed_policies()
                .iter()
                .any(|p| p.arn().is_some_and(|a| ADMIN_POLICIES.contains(&a)))
            {
                return Ok(Some(name));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let _t = self.turn("GetInlinePolicyForPermissionSet").await;
        let inline = self
            .sso
            .get_inline_policy_for_permission_set()
            .instance_arn(instance)
            .permission_set_arn(ps)
            .send()
            .await
            .map_err(|e| classify(e, "sso:GetInlinePolicyForPermissionSet"))?;
        Ok(inline
            .inline_policy()
            .is_some_and(allows_everything)
            .then_some(name))
    }

    async fn user(&self, store: &str, id: &str, names: &mut Names) -> Result<String, PollError> {
        if let Some(n) = names.users.get(id) {
            return Ok(n.clone());
        }
        let _t = self.turn("DescribeUser").await;
        let u = self
            .ids
            .describe_user()
            .identity_store_id(store)
            .user_id(id)
            .send()
            .await
            .map_err(|e| classify(e, "identitystore:DescribeUser"))?;
        let name = u.user_name().unwrap_or(id).to_string();
        names.users.insert(id.to_string(), name.clone());
        Ok(name)
    }

    async fn group(
        &self,
        store: &str,
        id: &str,
        names: &mut Names,
    ) -> Result<(String, Vec<String>), PollError> {
        if let Some(g) = names.groups.get(id) {
            return Ok(g.clone());
        }
        let _t = self.turn("DescribeGroup").await;
        let g = self
            .ids
            .describe_group()
            .identity_store_id(store)
            .group_id(id)
            .send()
            .await
            .map_err(|e| classify(e, "identitystore:DescribeGroup"))?;
        let name = g.display_name().unwrap_or(id).to_string();
        let mut member_ids = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let _t = self.turn("ListGroupMemberships").await;
            let page = self
                .ids
                .list_group_memberships()
                .identity_store_id(store)
                .group_id(id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "identitystore:ListGroupMemberships"))?;
            for m in page.group_memberships() {
                if let Some(aws_sdk_identitystore::types::MemberId::UserId(u)) = m.member_id() {
                    member_ids.push(u.clone());
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut members = Vec::new();
        for u in member_ids {
            members.push(self.user(store, &u, names).await?);
        }
        members.sort();
        names
            .groups
            .insert(id.to_string(), (name.clone(), members.clone()));
        Ok((name, members))
    }

    /// The accounts a permission set is provisioned to.
    async fn accounts(&self, instance: &str, ps: &str) -> Result<Vec<String>, PollError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let _t = self.turn("ListAccountsForProvisionedPermissionSet").await;
            let page = self
                .sso
                .list_accounts_for_provisioned_permission_set()
                .instance_arn(instance)
                .permission_set_arn(ps)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "sso:ListAccountsForProvisionedPermissionSet"))?;
            out.extend(page.account_ids().iter().cloned());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
        Err(too_many("ListAccountsForProvisionedPermissionSet"))
    }

    /// Standing administrators of one instance.
    async fn instance(
        &self,
        instance: &str,
        store: &str,
    ) -> Result<Vec<StandingAccess>, PollError> {
        let scope = format!("identity-center:{instance}");
        let mut names = Names::default();
        let mut sets = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let _t = self.turn("ListPermissionSets").await;
            let page = self
                .sso
                .list_permission_sets()
                .instance_arn(instance)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify(e, "sso:ListPermissionSets"))?;
            sets.extend(page.permission_sets().iter().cloned());
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut out = Vec::new();
        for ps in &sets {
            let Some(set_name) = self.admin_set(instance, ps).await? else {
                continue;
            };
            for account in self.accounts(instance, ps).await? {
                let mut token: Option<String> = None;
                for _ in 0..MAX_PAGES {
                    let _t = self.turn("ListAccountAssignments").await;
                    let page = self
                        .sso
                        .list_account_assignments()
                        .instance_arn(instance)
                        .account_id(&account)
                        .permission_set_arn(ps)
                        .set_next_token(token.take())
                        .send()
                        .await
                        .map_err(|e| classify(e, "sso:ListAccountAssignments"))?;
                    for a in page.account_assignments() {
                        let Some(id) = a.principal_id() else { continue };
                        let (principal, route, members) = match a.principal_type() {
                            Some(aws_sdk_ssoadmin::types::PrincipalType::Group) => {
                                let (name, members) = self.group(store, id, &mut names).await?;
                                (name, Route::IdentityCenterGroup, members)
                            }
                            _ => (
                                self.user(store, id, &mut names).await?,
                                Route::IdentityCenterUser,
                                Vec::new(),
                            ),
                        };
                        out.push(StandingAccess {
                            account_id: account.clone(),
                            principal,
                            route,
                            via: set_name.clone(),
                            members,
                            scope: scope.clone(),
                        });
                    }
                    match page.next_token() {
                        Some(t) if !t.is_empty() => token = Some(t.to_string()),
                        _ => break,
                    }
                }
            }
        }
        Ok(out)
    }

    async fn fetch(&mut self) -> Result<Polled, PollError> {
        let _t = self.turn("ListInstances").await;
        let listed = self
            .sso
            .list_instances()
            .send()
            .await
            .map_err(|e| classify(e, "sso:ListInstances"))?;
        drop(_t);
        let instances: Vec<(String, String)> = listed
            .instances()
            .iter()
            .filter_map(|i| {
                Some((
                    i.instance_arn()?.to_string(),
                    i.identity_store_id()?.to_string(),
                ))
            })
            .collect();
        if instances.is_empty() {
            return Err(PollError::NotEnabled(
                "no Identity Center instance here: read it from the management or delegated \
                 administrator account, in the instance's home region"
                    .into(),
            ));
        }
        let mut updates = Vec::new();
        let mut records = 0;
        for (arn, store) in instances {
            let list = self.instance(&arn, &store).await?;
            records += list.len();
            updates.push(Update::Standing {
                scope: format!("identity-center:{arn}"),
                records: list,
            });
        }
        self.records = records;
        Ok(Polled {
            updates,
            note: None,
        })
    }
}

impl Poller for IdentityCenterPoller {
    fn key(&self) -> SourceKey {
        SourceKey::at("identitycenter", &self.account_id, &self.region)
    }

    fn every(&self) -> Duration {
        self.every
    }

    fn records(&self) -> usize {
        self.records
    }

    fn poll(&mut self) -> PollFuture<'_> {
        Box::pin(async move {
            let profile = self.profile.clone();
            self.fetch()
                .await
                .map_err(|e| e.for_profile(profile.as_deref()))
        })
    }
}
