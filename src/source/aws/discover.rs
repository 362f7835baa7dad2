//! Which accounts and regions to poll, beyond the configured list: the accounts of an AWS
//! Organization (ListAccounts, through the management account or a delegated
//! administrator, each reached by assuming a role of the same name), filtered by
//! include/exclude patterns; and for a region list of `"all"`, the regions enabled in
//! each account (account:ListRegions).

use super::errors::{classify, PollError};
use super::pace::{self, Pacer};
use super::poller::Pages;
use super::session::{self, AccountAccess, SessionOptions};
use crate::util::glob::glob;
use aws_sdk_account::types::RegionOptStatus;
use aws_sdk_organizations::types::{AccountState, AccountStatus};

/// `[organization]`, as the source uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The configured account (id or name) whose credentials list the accounts.
    pub from: String,
    pub role_name: String,
    pub external_id: Option<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub environment: String,
    /// The regions of discovered accounts (the top-level list).
    pub regions: Vec<String>,
}

/// An account of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `aws`, `aws-us-gov` or `aws-cn`, from the account's ARN.
    pub partition: String,
}

/// In a region list: every region enabled in the account (account:ListRegions).
pub const ALL: &str = "all";

/// The region that answers account-wide calls (STS, Organizations, Account) when a list
/// says only `"all"`.
pub fn home_region(regions: &[String]) -> String {
    regions
        .iter()
        .find(|r| *r != ALL)
        .cloned()
        .unwrap_or_else(|| "us-east-1".into())
}

impl Discovery {
    /// Whether a discovered account is wanted: included (or no include list), and not
    /// excluded, by id or name.
    pub fn wants(&self, a: &OrgAccount) -> bool {
        let hit = |patterns: &[String]| patterns.iter().any(|p| glob(p, &a.id) || glob(p, &a.name));
        (self.include.is_empty() || hit(&self.include)) && !hit(&self.exclude)
    }

    /// The configured accounts and the wanted discovered ones not already configured,
    /// each reached by assuming `role_name` from the discovering account's profile.
    pub fn expand(&self, configured: &[AccountAccess], found: &[OrgAccount]) -> Vec<AccountAccess> {
        let Some(base) = configured
            .iter()
            .find(|a| a.account_id.as_deref() == Some(self.from.as_str()) || a.name == self.from)
        else {
            return configured.to_vec();
        };
        let mut out = configured.to_vec();
        for a in found {
            let known = configured
                .iter()
                .any(|c| c.account_id.as_deref() == Some(a.id.as_str()));
            if known || !self.wants(a) {
                continue;
            }
            out.push(AccountAccess {
                account_id: Some(a.id.clone()),
                name: if a.name.is_empty() {
                    a.id.clone()
                } else {
                    a.name.clone()
                },
                environment: self.environment.clone(),
                profile: base.profile.clone(),
                role_arn: Some(format!(
                    "arn:{}:iam::{}:role/{}",
                    a.partition, a.id, self.role_name
                )),
                external_id: self.external_id.clone(),
                session_name: base.session_name.clone(),
                regions: if self.regions.is_empty() {
                    base.regions.clone()
                } else {
                    self.regions.clone()
                },
            });
        }
        out
    }
}

/// The organization's active accounts, listed with `from`'s credentials.
pub async fn list_accounts(
    from: &AccountAccess,
    opts: &SessionOptions,
    pacer: &Pacer,
) -> Result<Vec<OrgAccount>, PollError> {
    let region = home_region(&from.regions);
    let sdk = session::sdk_config(from, &region, opts).await;
    let key = from.account_id.clone().unwrap_or_else(|| from.name.clone());
    let client = session::client_for!(aws_sdk_organizations, &sdk, &key);
    let mut token = None;
    let mut pages = Pages::new("ListAccounts", 10_000);
    let mut out = Vec::new();
    loop {
        let _turn = pacer
            .turn(&key, "global", "ListAccounts", pace::ONCE_IN_A_WHILE)
            .await;
        let page = client
            .list_accounts()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| {
                classify(e, "organizations:ListAccounts").for_profile(from.profile.as_deref())
            })?;
        for a in page.accounts() {
            // `State` replaces `Status` (retired September 2026); older answers have only
            // the latter.
            #[allow(deprecated)]
            let active = match a.state() {
                Some(s) => *s == AccountState::Active,
                None => a.status() == Some(&AccountStatus::Active),
            };
            let Some(id) = a.id().filter(|_| active) else {
                continue;
            };
            out.push(OrgAccount {
                id: id.to_string(),
                name: a.name().unwrap_or_default().to_string(),
                partition: a
                    .arn()
                    .and_then(|arn| arn.split(':').nth(1))
                    .filter(|p| !p.is_empty())
                    .unwrap_or("aws")
                    .to_string(),
            });
        }
        match pages.next(page.next_token())? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(out)
}

/// The regions enabled in the account, sorted.
pub async fn enabled_regions(
    sdk: &aws_config::SdkConfig,
    account_id: &str,
    pacer: &Pacer,
) -> Result<Vec<String>, PollError> {
    let client = session::client_for!(aws_sdk_account, sdk, account_id);
    let mut token = None;
    let mut pages = Pages::new("ListRegions", 100);
    let mut out = Vec::new();
    loop {
        let _turn = pacer
            .turn(account_id, "global", "ListRegions", pace::ONCE_IN_A_WHILE)
            .await;
        let page = client
            .list_regions()
            .region_opt_status_contains(RegionOptStatus::Enabled)
            .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
            .max_results(50)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| classify(e, "account:ListRegions"))?;
        out.extend(
            page.regions()
                .iter()
                .filter_map(|r| r.region_name().map(str::to_string)),
        );
        match pages.next(page.next_token())? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovered_accounts_assume_the_role_from_the_discovering_profile() {
        let base = AccountAccess {
            account_id: Some("111111111111".into()),
            name: "management".into(),
            environment: "prod".into(),
            profile: Some("org-admin".into()),
            role_arn: None,
            external_id: None,
            session_name: Some("ops".into()),
            regions: vec!["eu-west-1".into()],
        };
        let d = Discovery {
            from: "management".into(),
            role_name: "SecurityAudit".into(),
            external_id: Some("x-1".into()),
            include: vec![],
            exclude: vec!["*-sandbox".into()],
            environment: "discovered".into(),
            regions: vec![],
        };
        let org = |id: &str, name: &str, partition: &str| OrgAccount {
            id: id.into(),
            name: name.into(),
            partition: partition.into(),
        };
        let found = [
            org("111111111111", "management", "aws"),
            org("222222222222", "payments", "aws"),
            org("333333333333", "dev-sandbox", "aws"),
            org("444444444444", "govcloud", "aws-us-gov"),
        ];
        let all = d.expand(std::slice::from_ref(&base), &found);
        let ids: Vec<_> = all.iter().filter_map(|a| a.account_id.as_deref()).collect();
        assert_eq!(ids, ["111111111111", "222222222222", "444444444444"]);
        assert_eq!(all[0], base, "the configured entry is kept as it is");
        let payments = &all[1];
        assert_eq!(
            payments.role_arn.as_deref(),
            Some("arn:aws:iam::222222222222:role/SecurityAudit")
        );
        assert_eq!(payments.profile.as_deref(), Some("org-admin"));
        assert_eq!(payments.external_id.as_deref(), Some("x-1"));
        assert_eq!(payments.regions, ["eu-west-1"]);
        assert_eq!(payments.environment, "discovered");
        assert_eq!(
            all[2].role_arn.as_deref(),
            Some("arn:aws-us-gov:iam::444444444444:role/SecurityAudit")
        );
        let only = Discovery {
            include: vec!["pay*".into()],
            ..d
        };
        assert_eq!(only.expand(&[base], &found).len(), 2);
        assert_eq!(home_region(&["all".into()]), "us-east-1");
    }
}
