//! The typed, signed REST client for the Private CA API. It knows the PCA API (through
//! [`crate::api`]) and nothing of Terraform; it imports only `crate::api` and itself, so it
//! is usable as a plain SDK.
//!
//! - [`settings`]: sites, the endpoint override (plain http only for loopback) and the
//!   credential chain;
//! - [`ClientBuilder`] → [`Client`]: a cheap-to-clone handle with one `async fn` per API
//!   operation, named after it in snake_case (`create_ca`, `get_end_cert`, …), taking the
//!   [`api::model`](crate::api::model) request types and returning the response envelope's
//!   `data`, plus pagination helpers (`get_ca_list_all`, `get_end_cert_list_all`) and
//!   [`Client::find_ca_by_alias`];
//! - [`retry`]: the retry policy and the pure retry classification;
//! - [`error`]: [`ClientError`], the one error type.
//!
//! Every attempt is signed afresh (signature v2 over a new millisecond timestamp, spec §1.3),
//! with the request URI built once by [`api::uri`](crate::api::uri) so the signed bytes are
//! the bytes sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pca::client::ClientError> {
//! use pca::client::{Client, Credentials, Site};
//! let client = Client::builder()
//!     .site(Site::Public)
//!     .credentials(Credentials::new("ACCESS", "SECRET"))
//!     .build()?;
//! for ca in client.get_ca_list_all().await? {
//!     println!("{:?}", ca.ca_info.and_then(|i| i.alias));
//! }
//! # Ok(()) }
//! ```

pub mod advice;
mod ca;
mod certificate;
pub mod error;
mod ocsp;
pub mod retry;
pub mod settings;
mod transport;
mod user;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

pub use ca::CreatedCa;
pub use error::{ClientError, ClockHint};
pub use retry::RetryPolicy;
pub use settings::{Credentials, Endpoint, Site};

use settings::{CredentialOrigin, EndpointOrigin, Env, ProcessEnv};

/// The `User-Agent` of every request: `terraform-provider-pca/<version>`.
pub const USER_AGENT: &str = concat!("terraform-provider-pca/", env!("CARGO_PKG_VERSION"));

/// Default time allowed to establish a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default time allowed for one attempt, from sending to the end of the response body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A Private CA API client. Cloning is cheap (the state is shared behind an `Arc`), and a
/// client may be used from many tasks at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `scheme://host[:port]`, without `/api/v1`.
    base_url: String,
    credentials: Credentials,
    policy: RetryPolicy,
    /// Where the credentials came from (for error messages).
    credential_origin: CredentialOrigin,
    /// Where the base URL came from (for error messages).
    endpoint_origin: EndpointOrigin,
    /// The last timestamp signed, so every attempt gets a distinct, increasing one.
    last_timestamp_ms: AtomicI64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults: site `public`, credentials from the chain, 5 retries,
    /// 10 s connect and 60 s request timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The API host URL in use (`scheme://host[:port]`, without `/api/v1`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The access key in use (not secret).
    pub fn access_key(&self) -> &str {
        &self.inner.credentials.access_key
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.policy
    }

    /// Where the credentials came from.
    pub fn credential_origin(&self) -> &CredentialOrigin {
        &self.inner.credential_origin
    }

    /// Where the API URL came from.
    pub fn endpoint_origin(&self) -> &EndpointOrigin {
        &self.inner.endpoint_origin
    }
}

/// Builds a [`Client`]: where to connect, with which credentials, how patiently.
pub struct ClientBuilder {
    site: Site,
    endpoint: Option<Endpoint>,
    endpoint_url: Option<String>,
    credentials: Option<Credentials>,
    access_key: Option<String>,
    secret_key: Option<String>,
    env: Option<Box<dyn Env + Send + Sync>>,
    policy: RetryPolicy,
    connect_timeout: Duration,
    request_timeout: Duration,
    credential_origin: Option<CredentialOrigin>,
    endpoint_origin: Option<EndpointOrigin>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("site", &self.site)
            .field("endpoint", &self.endpoint)
            .field("endpoint_url", &self.endpoint_url)
            .field("credentials", &self.credentials)
            .field("access_key", &self.access_key)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("policy", &self.policy)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// The defaults (see [`Client::builder`]).
    pub fn new() -> ClientBuilder {
        ClientBuilder {
            site: Site::Public,
            endpoint: None,
            endpoint_url: None,
            credentials: None,
            access_key: None,
            secret_key: None,
            env: None,
            policy: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            credential_origin: None,
            endpoint_origin: None,
        }
    }

    /// The site whose host to use (default `public`); an endpoint overrides it.
    pub fn site(mut self, site: Site) -> Self {
        self.site = site;
        self
    }

    /// Overrides the host (e.g. a local emulator). Plain `http` only for loopback hosts.
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self.endpoint_url = None;
        self
    }

    /// Overrides the host with a URL `scheme://host[:port]`, checked by
    /// [`Endpoint::parse`] when building.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self.endpoint = None;
        self
    }

    /// Uses exactly these credentials (the chain is not consulted).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// An explicit access key; whatever is not given explicitly comes from the chain
    /// ([`Credentials::resolve`]: environment, then `~/.ncloud/configure`).
    pub fn access_key(mut self, access_key: impl Into<String>) -> Self {
        self.access_key = Some(access_key.into());
        self
    }

    /// An explicit secret key (see [`ClientBuilder::access_key`]).
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = Some(secret_key.into());
        self
    }

    /// The environment the credential chain reads (default: the process environment).
    pub fn env(mut self, env: impl Env + Send + Sync + 'static) -> Self {
        self.env = Some(Box::new(env));
        self
    }

    /// Retries after the first attempt (default 5).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.policy.max_retries = max_retries;
        self
    }

    /// The backoff: first ceiling `base`, doubled per retry, never above `cap` (defaults
    /// 500 ms and 20 s). Tests use a few milliseconds.
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.policy.base_delay = base;
        self.policy.max_delay = cap;
        self
    }

    /// Full jitter on (default) or off (exact exponential delays).
    pub fn jitter(mut self, on: bool) -> Self {
        self.policy.jitter = on;
        self
    }

    /// The whole retry policy at once.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, sending through reading the body (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Where the credentials given with [`ClientBuilder::credentials`] came from, named in
    /// authentication and permission errors (default: the provider block).
    pub fn credential_origin(mut self, origin: CredentialOrigin) -> Self {
        self.credential_origin = Some(origin);
        self
    }

    /// Where the endpoint or site came from, named in connection errors.
    pub fn endpoint_origin(mut self, origin: EndpointOrigin) -> Self {
        self.endpoint_origin = Some(origin);
        self
    }

    /// Builds the client: resolves the endpoint and the credentials and sets up HTTP.
    pub fn build(self) -> Result<Client, ClientError> {
        let config = |message: String| ClientError::Config { message };
        let endpoint = match (self.endpoint, self.endpoint_url) {
            (Some(e), _) => Some(e),
            (None, Some(url)) => Some(Endpoint::parse(&url).map_err(config)?),
            (None, None) => None,
        };
        let (base_url, loopback) = match &endpoint {
            Some(e) => {
                if e.scheme != "http" && e.scheme != "https" {
                    return Err(config(format!(
                        "endpoint scheme {:?} is not supported; use https (or http for a loopback emulator)",
                        e.scheme
                    )));
                }
                if e.scheme == "http" && !e.is_loopback() {
                    return Err(config(format!(
                        "plain http is only allowed for loopback addresses (localhost, 127.0.0.0/8, ::1); use https for {:?}",
                        e.host
                    )));
                }
                (e.base_url(), e.is_loopback())
            }
            None => (self.site.base_url().to_owned(), false),
        };
        let endpoint_origin = self.endpoint_origin.unwrap_or(match endpoint {
            Some(_) => EndpointOrigin::ProviderBlock,
            None => EndpointOrigin::Site {
                site: self.site,
                from: "the client's site",
            },
        });
        let (credentials, credential_origin) = match self.credentials {
            Some(c) => (c, self.credential_origin.unwrap_or(CredentialOrigin::GIVEN)),
            None => {
                let env: &dyn Env = match &self.env {
                    Some(e) => e.as_ref(),
                    None => &ProcessEnv,
                };
                Credentials::resolve_with_origin(
                    self.access_key.as_deref(),
                    self.secret_key.as_deref(),
                    None,
                    env,
                )
                .map_err(config)?
            }
        };
        if credentials.access_key.is_empty() || credentials.secret_key().is_empty() {
            return Err(config(
                "the access key and the secret key must not be empty".into(),
            ));
        }
        let mut http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            // A redirect would change the signed URI (and turn a POST into a GET).
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            // A local emulator is never reached through a proxy.
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| config(format!("the HTTP client could not be set up: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                policy: self.policy,
                credential_origin,
                endpoint_origin,
                last_timestamp_ms: AtomicI64::new(0),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("AK", "TOPSECRETKEY")
    }

    #[test]
    fn sites_pick_hosts() {
        for (site, url) in [
            (Site::Public, "https://pca.apigw.ntruss.com"),
            (Site::Gov, "https://privateca.apigw.gov-ntruss.com"),
            (Site::Fin, "https://pca.apigw.fin-ntruss.com"),
        ] {
            let c = Client::builder()
                .site(site)
                .credentials(creds())
                .build()
                .expect("build");
            assert_eq!(c.base_url(), url);
        }
    }

    #[test]
    fn endpoint_overrides_site() {
        let c = Client::builder()
            .site(Site::Gov)
            .endpoint_url("http://127.0.0.1:8700")
            .credentials(creds())
            .build()
            .expect("build");
        assert_eq!(c.base_url(), "http://127.0.0.1:8700");
        let c = Client::builder()
            .endpoint(Endpoint::parse("https://pca.example.com:8443").expect("parse"))
            .credentials(creds())
            .build()
            .expect("build");
        assert_eq!(c.base_url(), "https://pca.example.com:8443");
    }

    #[test]
    fn plain_http_only_for_loopback() {
        let e = Client::builder()
            .endpoint_url("http://10.0.0.1:8700")
            .credentials(creds())
            .build()
            .expect_err("non-loopback http");
        assert!(e.to_string().contains("loopback"), "{e}");
        // Even a hand-made Endpoint that skipped `parse` is checked.
        let e = Client::builder()
            .endpoint(Endpoint {
                scheme: "http".into(),
                host: "example.com".into(),
                port: None,
            })
            .credentials(creds())
            .build()
            .expect_err("non-loopback http");
        assert!(matches!(e, ClientError::Config { .. }));
        assert!(
            Client::builder()
                .endpoint_url("http://[::1]:1")
                .credentials(creds())
                .build()
                .is_ok()
        );
    }

    struct MapEnv(Vec<(&'static str, &'static str)>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn credential_chain() {
        let c = Client::builder()
            .env(MapEnv(vec![
                ("NCLOUD_ACCESS_KEY", "ENVAK"),
                ("NCLOUD_SECRET_KEY", "ENVSK"),
            ]))
            .build()
            .expect("from env");
        assert_eq!(c.access_key(), "ENVAK");
        let c = Client::builder()
            .access_key("EXPLICIT")
            .env(MapEnv(vec![
                ("NCLOUD_ACCESS_KEY", "ENVAK"),
                ("NCLOUD_SECRET_KEY", "ENVSK"),
            ]))
            .build()
            .expect("mixed");
        assert_eq!(c.access_key(), "EXPLICIT");
        let e = Client::builder()
            .env(MapEnv(vec![]))
            .build()
            .expect_err("no credentials");
        assert!(e.to_string().contains("NCLOUD_ACCESS_KEY"), "{e}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let b = Client::builder()
            .secret_key("TOPSECRETKEY")
            .credentials(creds());
        let shown = format!("{b:?}");
        assert!(!shown.contains("TOPSECRETKEY"), "{shown}");
        let c = b.build().expect("build");
        let shown = format!("{c:?} {:?}", c.clone());
        assert!(!shown.contains("TOPSECRETKEY"), "{shown}");
        assert!(shown.contains("AK"));
    }

    #[test]
    fn defaults() {
        let c = Client::builder()
            .credentials(creds())
            .build()
            .expect("build");
        assert_eq!(c.retry_policy().max_retries, 5);
        assert!(c.retry_policy().jitter);
        assert!(USER_AGENT.starts_with("terraform-provider-pca/"));
        assert!(USER_AGENT.ends_with(env!("CARGO_PKG_VERSION")));
    }
}
