//! The `pca` provider: its provider block, configuration into connection settings, and the
//! registration lists of resources and data sources.

use crate::client::Client;
use crate::client::settings::{
    CredentialOrigin, CredentialSource, Credentials, Endpoint, EndpointOrigin, ProcessEnv, Site,
};
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::provider::Provider;
use crate::framework::resource::{DynDataSource, DynResource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The provider's version, as released.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Highest accepted `max_retries`.
pub const MAX_RETRIES_LIMIT: i64 = 20;

/// Default `max_retries`.
pub const DEFAULT_MAX_RETRIES: i64 = 5;

/// The `pca` provider.
#[derive(Debug, Default, Clone, Copy)]
pub struct PcaProvider;

/// The provider block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PcaConfig {
    /// `access_key`
    pub access_key: Val<String>,
    /// `secret_key`
    pub secret_key: Val<String>,
    /// `site`
    pub site: Val<String>,
    /// `endpoint`
    pub endpoint: Val<String>,
    /// `max_retries`
    pub max_retries: Val<i64>,
    /// `profile`
    #[serde(default)]
    pub profile: Val<String>,
}

/// What configuration produces: resolved connection settings and the API client. When the
/// provider block still holds unknown values (during plan), both are an error explaining
/// that the provider cannot call the API yet.
#[derive(Debug, Clone)]
pub struct PcaData {
    /// The resolved settings, or why there are none.
    pub settings: Result<Settings, String>,
    /// The signed API client built from the settings, or why there is none.
    pub client: Result<Client, String>,
    /// Revoked serials per CA tag, read from each CA's CRL at most once per provider process.
    pub revoked_cache: RevokedCache,
    /// Which certificates exist, per CA tag: one paged snapshot per provider process.
    pub cert_listings: crate::resources::snapshot::CertListings,
    /// The account's CAs: one Get CA List walk per provider process.
    pub ca_listing: crate::resources::snapshot::CaListing,
    /// Each CA's users: one Get CA User List per CA and provider process.
    pub user_lists: crate::resources::snapshot::UserLists,
}

/// Revoked serial numbers (lower-case colon hex) per CA tag: a cell per CA, filled once by
/// the first reader while concurrent readers of the same CA wait (readers of other CAs do
/// not).
pub type RevokedCache = Arc<
    std::sync::Mutex<
        std::collections::HashMap<
            String,
            Arc<tokio::sync::OnceCell<Arc<std::collections::HashSet<String>>>>,
        >,
    >,
>;

/// Fully resolved connection settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The site (which picks the host unless `endpoint` overrides it).
    pub site: Site,
    /// The API base URL, without `/api/v1`.
    pub base_url: String,
    /// Credentials (the secret is never printed).
    pub credentials: Credentials,
    /// Where the access key came from.
    pub credential_source: CredentialSource,
    /// Where each key came from, in words (named in authentication errors).
    pub credential_origin: CredentialOrigin,
    /// Where `base_url` came from (named in connection errors).
    pub endpoint_origin: EndpointOrigin,
    /// How often an idempotent request is retried.
    pub max_retries: u32,
}

fn endpoint_validator() -> Validator {
    Validator::string("scheme://host[:port]; http only for loopback", |s| {
        Endpoint::parse(s)
            .map(|_| ())
            .map_err(|e| format!("is not a usable endpoint: {e}"))
    })
}

fn non_empty() -> Validator {
    Validator::string("not empty", |s| {
        if s.trim().is_empty() {
            Err("must not be empty".to_owned())
        } else {
            Ok(())
        }
    })
}

#[async_trait]
impl Provider for PcaProvider {
    type Data = PcaData;
    type Config = PcaConfig;

    fn type_name(&self) -> &'static str {
        "pca"
    }

    fn version(&self) -> &'static str {
        VERSION
    }

    fn schema(&self) -> Schema {
        Schema::new(
            concat!(
                "The `pca` provider manages a private PKI on NAVER Cloud Platform Private CA: root and intermediate CAs, end-entity certificates, revocation, CRLs, OCSP and CA users. It also works against `pca-emulator`, a local Private CA that ships with the provider.\n\n",
                "## Credentials\n\n",
                "Each key comes from the provider block (`access_key`, `secret_key`), else the environment (`NCLOUD_ACCESS_KEY`/`NCLOUD_SECRET_KEY`, or `NCLOUD_ACCESS_KEY_ID`/`NCLOUD_SECRET_ACCESS_KEY`), else `~/.ncloud/configure` (section `profile`, else `NCLOUD_PROFILE`, else `DEFAULT`). The API URL comes from `endpoint`, else `PCA_ENDPOINT`, else the `site`'s host. `data \"pca_client_config\"` shows what is in use (`credential_origin`, `api_url_source`) without calling the API.\n\n",
                "## When something is wrong\n\n",
                "- **Authentication Failed** (HTTP 401, gateway error 200): the error names the access key id and where the key pair came from, e.g. `The API did not accept the access key AK… (from the environment variables NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY)`. The secret is never shown.\n",
                "- **Permission Denied** (HTTP 401, gateway error 210): the key is a sub account's without the use of that CA. The error names the operation, the CA and NAVER's permission for it where documented; the main account grants a CA with `pca_ca_user`.\n",
                "- **A skewed clock**: said once, with the offset measured from the response's `Date` header (`this machine's clock is 7 min 12 s behind the API`). NCP accepts at most 5 minutes.\n",
                "- **Could not connect**: the error names the URL, where it came from (`endpoint`, `PCA_ENDPOINT`, or the site) and what to check (endpoint, site, `HTTPS_PROXY`/`NO_PROXY`); a TLS failure names the host and what failed.\n\n",
                "## Testing your modules\n\n",
                "`terraform test` (1.7+) works two ways: `run` blocks that apply against `pca-emulator` (set `PCA_ENDPOINT`, `NCLOUD_ACCESS_KEY` and `NCLOUD_SECRET_KEY` to the emulator's), or `mock_provider \"pca\" {}` with no API at all (computed values are made up; give the ones your module reads with `mock_resource` defaults). `examples/module-tests` in the provider's repository has both, as `.tftest.hcl` files a module author can copy."
            ),
        )
        .attr(
            Attribute::string("access_key")
                .optional()
                .validate(non_empty())
                .description("NCP API access key ID. Falls back to `NCLOUD_ACCESS_KEY` (or `NCLOUD_ACCESS_KEY_ID`), then to `ncloud_access_key_id` in `~/.ncloud/configure`."),
        )
        .attr(
            Attribute::string("secret_key")
                .optional()
                .sensitive()
                .validate(non_empty())
                .description("NCP API secret key. Falls back to `NCLOUD_SECRET_KEY` (or `NCLOUD_SECRET_ACCESS_KEY`), then to `ncloud_secret_access_key` in `~/.ncloud/configure`. Never logged."),
        )
        .attr(
            Attribute::string("site")
                .optional()
                .validate(validate::one_of(&Site::NAMES))
                .description("NCP site, which picks the API host: `public` (default, `pca.apigw.ntruss.com`), `gov` (`privateca.apigw.gov-ntruss.com`) or `fin` (`pca.apigw.fin-ntruss.com`). Falls back to `NCLOUD_SITE`."),
        )
        .attr(
            Attribute::string("endpoint")
                .optional()
                .validate(endpoint_validator())
                .description("Overrides the API host: `scheme://host[:port]`, without a path (the provider adds `/api/v1`). Plain `http://` is accepted only for loopback addresses, such as a local `pca-emulator` (`http://127.0.0.1:8700`). Falls back to `PCA_ENDPOINT`."),
        )
        .attr(
            Attribute::number("max_retries")
                .optional()
                .validate(validate::int_between(0, MAX_RETRIES_LIMIT))
                .description(format!("How many times a throttled (429) or failed (5xx, connection error) idempotent request is retried, with exponential backoff and jitter. 0 to {MAX_RETRIES_LIMIT}; default {DEFAULT_MAX_RETRIES}.")),
        )
        .attr(
            Attribute::string("profile")
                .optional()
                .validate(non_empty())
                .description("The section of `~/.ncloud/configure` the keys are read from when neither the provider block nor the environment sets them. Falls back to `NCLOUD_PROFILE`, then `DEFAULT`."),
        )
    }

    async fn configure(
        &self,
        config: PcaConfig,
        _terraform_version: &str,
        diags: &mut Diagnostics,
    ) -> Option<PcaData> {
        let unknown: Vec<&str> = [
            ("access_key", config.access_key.is_unknown()),
            ("secret_key", config.secret_key.is_unknown()),
            ("site", config.site.is_unknown()),
            ("endpoint", config.endpoint.is_unknown()),
            ("max_retries", config.max_retries.is_unknown()),
            ("profile", config.profile.is_unknown()),
        ]
        .into_iter()
        .filter_map(|(n, u)| u.then_some(n))
        .collect();
        if !unknown.is_empty() {
            let why = format!(
                "The provider configuration depends on values not known until apply ({}).",
                unknown.join(", ")
            );
            return Some(PcaData {
                settings: Err(why.clone()),
                client: Err(why),
                revoked_cache: RevokedCache::default(),
                cert_listings: Default::default(),
                ca_listing: Default::default(),
                user_lists: Default::default(),
            });
        }
        match resolve(&config, &ProcessEnv) {
            Ok(s) => {
                tracing::debug!(base_url = %s.base_url, access_key = %s.credentials.access_key, source = ?s.credential_source, "provider configured");
                let client = Client::builder()
                    .endpoint_url(s.base_url.clone())
                    .credentials(s.credentials.clone())
                    .credential_origin(s.credential_origin.clone())
                    .endpoint_origin(s.endpoint_origin.clone())
                    .max_retries(s.max_retries)
                    .build()
                    .map_err(|e| e.to_string());
                Some(PcaData {
                    settings: Ok(s),
                    client,
                    revoked_cache: RevokedCache::default(),
                    cert_listings: Default::default(),
                    ca_listing: Default::default(),
                    user_lists: Default::default(),
                })
            }
            Err((path, msg)) => {
                match path {
                    Some(p) => diags.error_at(p, "Invalid Provider Configuration", msg),
                    None => diags.error("Missing Credentials", msg),
                }
                None
            }
        }
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<PcaData>>> {
        crate::resources::all()
    }

    fn ephemeral_resources(
        &self,
    ) -> Vec<Arc<dyn crate::framework::ephemeral::DynEphemeralResource<PcaData>>> {
        crate::ephemeral::all()
    }

    fn functions(&self) -> Vec<Arc<dyn crate::framework::function::Function>> {
        crate::functions::all()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<PcaData>>> {
        crate::data_sources::all()
    }

    fn actions(&self) -> Vec<Arc<dyn crate::framework::action::DynAction<PcaData>>> {
        crate::actions::all()
    }

    fn list_resources(&self) -> Vec<Arc<dyn crate::framework::list::DynListResource<PcaData>>> {
        crate::list::all()
    }
}

/// Resolves the provider block with the environment fallbacks. Errors carry the attribute
/// at fault, if any.
fn resolve(
    config: &PcaConfig,
    env: &dyn crate::client::settings::Env,
) -> Result<Settings, (Option<AttrPath>, String)> {
    let (site_name, site_from) = match config.site.known() {
        Some(s) => (Some(s.clone()), "set in the provider block"),
        None => match env.var("NCLOUD_SITE") {
            Some(s) => (Some(s), "from NCLOUD_SITE"),
            None => (None, "the default"),
        },
    };
    let site = match site_name.as_deref() {
        None => Site::Public,
        Some(s) => Site::parse(s).ok_or_else(|| {
            (
                Some(AttrPath::root("site")),
                format!("site {s:?} (from the provider block or NCLOUD_SITE) must be one of: public, gov, fin."),
            )
        })?,
    };
    let endpoint = match config.endpoint.known() {
        Some(e) => Some((e.clone(), EndpointOrigin::ProviderBlock)),
        None => env
            .var("PCA_ENDPOINT")
            .map(|e| (e, EndpointOrigin::Environment)),
    };
    let endpoint_origin = endpoint.as_ref().map_or(
        EndpointOrigin::Site {
            site,
            from: site_from,
        },
        |(_, o)| o.clone(),
    );
    let base_url = match endpoint.map(|(e, _)| e) {
        Some(e) => Endpoint::parse(&e)
            .map_err(|m| {
                (
                    Some(AttrPath::root("endpoint")),
                    format!("endpoint (from the provider block or PCA_ENDPOINT): {m}."),
                )
            })?
            .base_url(),
        None => site.base_url().to_owned(),
    };
    let (credentials, credential_origin) = Credentials::resolve_with_origin(
        config.access_key.known().map(String::as_str),
        config.secret_key.known().map(String::as_str),
        config.profile.known().map(String::as_str),
        env,
    )
    .map_err(|m| (None, m))?;
    let max_retries = config
        .max_retries
        .known()
        .copied()
        .unwrap_or(DEFAULT_MAX_RETRIES);
    let max_retries = u32::try_from(max_retries.clamp(0, MAX_RETRIES_LIMIT)).unwrap_or(0);
    Ok(Settings {
        site,
        base_url,
        credentials,
        credential_source: credential_origin.access.source(),
        credential_origin,
        endpoint_origin,
        max_retries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, String>);
    impl crate::client::settings::Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    fn cfg() -> PcaConfig {
        PcaConfig {
            access_key: Val::Known("AK".into()),
            secret_key: Val::Known("SK".into()),
            ..PcaConfig::default()
        }
    }

    #[test]
    fn defaults_to_public_site() {
        let s = resolve(&cfg(), &MapEnv(HashMap::new())).expect("resolves");
        assert_eq!(s.base_url, "https://pca.apigw.ntruss.com");
        assert_eq!(s.max_retries, 5);
    }

    #[test]
    fn environment_fallbacks_and_block_precedence() {
        let env = MapEnv(HashMap::from([
            ("NCLOUD_SITE", "gov".to_owned()),
            ("PCA_ENDPOINT", "http://127.0.0.1:8700".to_owned()),
        ]));
        let s = resolve(&cfg(), &env).expect("resolves");
        assert_eq!(s.base_url, "http://127.0.0.1:8700");
        let mut c = cfg();
        c.endpoint = Val::Known("https://pca.example.com".into());
        assert_eq!(
            resolve(&c, &env).expect("resolves").base_url,
            "https://pca.example.com"
        );
        let env = MapEnv(HashMap::from([("NCLOUD_SITE", "mars".to_owned())]));
        let (path, msg) = resolve(&cfg(), &env).expect_err("bad site");
        assert_eq!(path, Some(AttrPath::root("site")));
        assert!(msg.contains("NCLOUD_SITE"), "{msg}");
    }

    #[test]
    fn origins_are_named() {
        let s = resolve(&cfg(), &MapEnv(HashMap::new())).expect("resolves");
        assert_eq!(
            s.endpoint_origin.to_string(),
            "site \"public\" (the default)"
        );
        assert_eq!(
            s.credential_origin.to_string(),
            "the provider block (access_key, secret_key)"
        );
        let env = MapEnv(HashMap::from([
            ("NCLOUD_SITE", "gov".to_owned()),
            ("NCLOUD_SECRET_ACCESS_KEY", "ENVSECRET".to_owned()),
        ]));
        let mut c = cfg();
        c.secret_key = Val::Null;
        let s = resolve(&c, &env).expect("resolves");
        assert_eq!(
            s.endpoint_origin.to_string(),
            "site \"gov\" (from NCLOUD_SITE)"
        );
        assert_eq!(
            s.credential_origin.to_string(),
            "access key from the provider block, secret key from NCLOUD_SECRET_ACCESS_KEY"
        );
        c.endpoint = Val::Known("https://pca.example.com".into());
        let s = resolve(&c, &env).expect("resolves");
        assert_eq!(
            s.endpoint_origin.to_string(),
            "`endpoint` in the provider block"
        );
    }

    #[test]
    fn every_schema_is_clean() {
        let p = PcaProvider;
        for r in p.resources() {
            let lint = r.schema().block.lint();
            assert!(lint.is_empty(), "{}: {lint:?}", r.type_name());
        }
        for d in p.data_sources() {
            let lint = d.schema().block.lint();
            assert!(lint.is_empty(), "{}: {lint:?}", d.type_name());
        }
        let s = p.schema();
        assert!(s.block.lint().is_empty(), "{:?}", s.block.lint());
        assert!(s.block.attribute("secret_key").is_some_and(|a| a.sensitive));
    }
}
