//! One AWS session per account: credentials from a profile (SSO, `credential_process`,
//! static keys: the standard chain) or a role assumed from it, the region, a local
//! endpoint when asked, and the account's own retry partition.
//!
//! Proxies come from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, as for the AWS CLI (the
//! SDK's client reads them); a custom CA bundle from `AWS_CA_BUNDLE`.
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
    /// The certificates to trust instead of the system's (`AWS_CA_BUNDLE`, PEM, checked
    /// by [`read_ca_bundle`]): TLS-inspecting proxies sign with their own CA.
    pub ca_bundle: Option<Vec<u8>>,
    /// Credentials to use instead of the profile chain (tests: fixed keys, or a provider
    /// that fails as an expired SSO session does; never read from a file).
    pub credentials: Option<aws_credential_types::provider::SharedCredentialsProvider>,
    /// The HTTP client to use instead of the SDK's (tests: an endpoint inside the test
    /// process, whose faults and timeouts follow tokio's paused clock).
    pub http_client: Option<aws_sdk_securityhub::config::SharedHttpClient>,
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
    if let Some(bundle) = &opts.ca_bundle {
        loader = loader.http_client(https_client(bundle.clone()));
    }
    if let Some(client) = &opts.http_client {
        loader = loader.http_client(client.clone());
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

/// A service client on `sdk` whose retries count in the account's own partition:
/// `client_for!(aws_sdk_iam, &sdk, account_id)`.
macro_rules! client_for {
    ($service:ident, $sdk:expr, $account_key:expr) => {
        $service::Client::from_conf(
            $service::config::Builder::from($sdk)
                .retry_partition($crate::source::aws::session::retry_partition($account_key))
                .build(),
        )
    };
}
pub(crate) use client_for;

/// Reads a CA bundle and checks that it holds at least one certificate and that every one
/// parses as the TLS layer will parse it. The error says what is wrong, for the file's name
/// to go in front.
pub fn read_ca_bundle(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut roots = rustls::RootCertStore::empty();
    for (i, cert) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        let cert = cert.map_err(|e| format!("certificate {}: not PEM: {e:?}", i + 1))?;
        roots
            .add(cert)
            .map_err(|e| format!("certificate {}: {e}", i + 1))?;
    }
    if roots.is_empty() {
        return Err("expected PEM certificates (-----BEGIN CERTIFICATE-----), found none".into());
    }
    Ok(bytes)
}

/// The SDK's default HTTPS client (rustls, proxies from the environment) trusting only
/// the certificates in `bundle`, as the AWS CLI does with `AWS_CA_BUNDLE`.
fn https_client(bundle: Vec<u8>) -> aws_sdk_securityhub::config::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(move |settings, components| {
        let context = TlsContext::builder()
            .with_trust_store(
                TrustStore::empty()
                    .with_native_roots(false)
                    .with_pem_certificate(bundle.clone()),
            )
            .build()
            .expect("a TLS context of checked certificates");
        let mut conn = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .tls_context(context);
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
}

/// Refuses an endpoint that would carry signed requests in clear text across a network:
/// `http://` to a host other than this one, unless the operator said so
/// (`--insecure-endpoint`). `https://` anywhere and `http://` on loopback are fine.
pub fn check_endpoint(url: &str, insecure_allowed: bool) -> Result<(), String> {
    let lower = url.trim().to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("http://") else {
        return Ok(());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback || insecure_allowed {
        return Ok(());
    }
    Err(format!(
        "{url}: an http:// endpoint on another host would send signed requests in clear text; use https://, an endpoint on 127.0.0.1, or --insecure-endpoint"
    ))
}

#[cfg(test)]
mod hardening {
    use super::*;

    /// Hardening 12: signed requests never cross a network in clear text unless asked.
    #[test]
    fn hardening_12_plain_http_endpoints_off_this_host_are_refused() {
        for ok in [
            "https://securityhub.example.com",
            "http://127.0.0.1:4566",
            "http://localhost:5000/",
            "http://[::1]:4566",
            "HTTP://127.0.0.2",
        ] {
            assert!(check_endpoint(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.5:4566",
            "http://moto.internal:5000",
            "http://127.0.0.1.evil.example",
            "http://user@203.0.113.9/",
            "http://[2001:db8::1]:4566",
        ] {
            let e = check_endpoint(bad, false).unwrap_err();
            assert!(e.contains("--insecure-endpoint"), "{bad}: {e}");
            assert!(check_endpoint(bad, true).is_ok(), "{bad} with the flag");
        }
    }
}
