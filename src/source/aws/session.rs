//! One AWS session per account: credentials from a profile (SSO, `credential_process`,
//! static keys: the standard chain) or a role assumed from it, the region, a local
//! endpoint when asked, and the account's own retry partition.
//!
//! Nothing here runs for `--demo` or `--replay`: building a session is what resolves
//! credentials, and that may touch the network.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_securityhub::config::retry::RetryPartition;
use std::time::Duration;

/// How to reach one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountAccess {
    /// The account id when configured; found with GetCallerIdentity otherwise.
    pub account_id: Option<String>,
    pub name: String,
    pub environment: String,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub regions: Vec<String>,
}

/// Settings every session of a run shares.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    /// `--endpoint-url` (or `AWS_ENDPOINT_URL`): every client, STS included, goes there.
    pub endpoint_url: Option<String>,
    /// Credentials to use instead of the profile chain (tests: fixed keys, or a provider
    /// that fails as an expired SSO session does; never read from a file).
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
}

/// The session name that shows in CloudTrail when rampart assumes a role.
pub const DEFAULT_SESSION_NAME: &str = "rampart";

/// Builds the SDK configuration for `access` in `region`.
pub async fn sdk_config(access: &AccountAccess, region: &str, opts: &SessionOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        // Three tries with backoff and jitter; our pacing keeps throttling rare.
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(90))
                .build(),
        );
    if let Some(p) = &access.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(c) = &opts.credentials {
        loader = loader.credentials_provider(c.clone());
    }
    let base = loader.load().await;
    let Some(role) = &access.role_arn else {
        return base;
    };
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name(
            access
                .session_name
                .clone()
                .unwrap_or_else(|| DEFAULT_SESSION_NAME.into()),
        )
        .region(Region::new(region.to_string()));
    if let Some(id) = &access.external_id {
        assume = assume.external_id(id);
    }
    let provider = assume.configure(&base).build().await;
    base.into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// AWS throttles per account; the SDK shares retry tokens per partition. One partition per
/// account keeps one throttled account from spending the others' retries.
pub fn retry_partition(account_key: &str) -> RetryPartition {
    RetryPartition::new(format!("rampart-{account_key}"))
}
