//! Connection settings: which host to talk to and with which credentials.
//!
//! - [`Site`] picks the API host (`public`, `gov`, `fin`);
//! - [`Endpoint`] overrides it (`scheme://host[:port]`; plain `http` only for loopback);
//! - [`Credentials::resolve`] walks the credential chain: explicit values, then the
//!   environment (`NCLOUD_ACCESS_KEY`/`NCLOUD_SECRET_KEY`, or the SDK's
//!   `NCLOUD_ACCESS_KEY_ID`/`NCLOUD_SECRET_ACCESS_KEY`), then the NCP CLI file
//!   `~/.ncloud/configure`.
//!
//! Secrets never appear in `Debug` or `Display` output.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// An NCP site (region family), which decides the API host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// Public cloud: `https://pca.apigw.ntruss.com`.
    Public,
    /// Government cloud: `https://privateca.apigw.gov-ntruss.com`.
    Gov,
    /// Financial cloud: `https://pca.apigw.fin-ntruss.com`.
    Fin,
}

impl Site {
    /// Every site name, as written in configuration.
    pub const NAMES: [&'static str; 3] = ["public", "gov", "fin"];

    /// Parses `public`, `gov` or `fin`.
    pub fn parse(s: &str) -> Option<Site> {
        match s {
            "public" => Some(Site::Public),
            "gov" => Some(Site::Gov),
            "fin" => Some(Site::Fin),
            _ => None,
        }
    }

    /// The site's name as written in configuration.
    pub fn name(self) -> &'static str {
        match self {
            Site::Public => "public",
            Site::Gov => "gov",
            Site::Fin => "fin",
        }
    }

    /// The site's API host URL (without `/api/v1`).
    pub fn base_url(self) -> &'static str {
        match self {
            Site::Public => "https://pca.apigw.ntruss.com",
            Site::Gov => "https://privateca.apigw.gov-ntruss.com",
            Site::Fin => "https://pca.apigw.fin-ntruss.com",
        }
    }
}

/// An API endpoint: `scheme://host[:port]`, without path. `http` is accepted only for
/// loopback hosts (a local emulator); everything else must be `https`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or IP (IPv6 without brackets).
    pub host: String,
    /// Explicit port, if any.
    pub port: Option<u16>,
}

impl Endpoint {
    /// Parses and checks an endpoint; the error says what is wrong in words.
    ///
    /// ```
    /// use pca::client::Endpoint;
    /// assert!(Endpoint::parse("http://127.0.0.1:8700").is_ok());
    /// assert!(Endpoint::parse("https://pca.example.com").is_ok());
    /// assert!(Endpoint::parse("http://10.1.2.3").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Endpoint, String> {
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| format!("{s:?} is not a URL of the form scheme://host[:port]"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!(
                "scheme {scheme:?} is not supported; use https (or http for a loopback emulator)"
            ));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(format!(
                "{s:?} must not have a path, query or fragment (the provider adds /api/v1 itself)"
            ));
        }
        if authority.contains('@') {
            return Err(format!("{s:?} must not contain user information"));
        }
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return Err(format!("{s:?} has no host"));
        }
        if host.parse::<IpAddr>().is_err()
            && !host
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        {
            return Err(format!("{host:?} is not a valid host name"));
        }
        let ep = Endpoint { scheme, host, port };
        if ep.scheme == "http" && !ep.is_loopback() {
            return Err(format!(
                "plain http is only allowed for loopback addresses (localhost, 127.0.0.0/8, ::1); use https for {:?}",
                ep.host
            ));
        }
        Ok(ep)
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`.
    pub fn is_loopback(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost")
            || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// `scheme://host[:port]`.
    pub fn base_url(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(p) => format!("{}://{host}:{p}", self.scheme),
            None => format!("{}://{host}", self.scheme),
        }
    }
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or("unterminated [ in IPv6 host")?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("port {p:?} is not a number from 1 to 65535"))?,
        ),
    };
    Ok((host.to_owned(), port))
}

/// An access key and its secret. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key ID (not secret).
    pub access_key: String,
    secret_key: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// Where each credential came from (for messages; never the values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// The provider block (or an explicit argument).
    Explicit,
    /// An environment variable.
    Environment,
    /// `~/.ncloud/configure`.
    CliFile,
}

/// The environment the credential chain reads; a trait so tests need not touch the
/// process environment.
pub trait Env {
    /// The variable's value when set and non-empty.
    fn var(&self, name: &str) -> Option<String>;
}

impl CredentialSource {
    /// A short name: `provider`, `environment` or `cli_file`.
    pub fn name(self) -> &'static str {
        match self {
            CredentialSource::Explicit => "provider",
            CredentialSource::Environment => "environment",
            CredentialSource::CliFile => "cli_file",
        }
    }
}

/// The real process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Credentials {
    /// Credentials from explicit values.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Credentials {
        Credentials {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
        }
    }

    /// The secret key (for signing only; never log it).
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// Resolves credentials: each key from the explicit value, else the environment, else
    /// the NCP CLI file (`$HOME/.ncloud/configure`, section `DEFAULT`). The error names all
    /// three sources. See [`Credentials::resolve_with_origin`] for where each key came from.
    pub fn resolve(
        access_key: Option<&str>,
        secret_key: Option<&str>,
        env: &dyn Env,
    ) -> Result<(Credentials, CredentialSource), String> {
        Credentials::resolve_with_origin(access_key, secret_key, None, env)
            .map(|(c, o)| (c, o.access.source()))
    }

    /// Like [`Credentials::resolve`], reading the CLI file's section `profile` (default:
    /// `NCLOUD_PROFILE`, else `DEFAULT`), and telling where each key came from.
    pub fn resolve_with_origin(
        access_key: Option<&str>,
        secret_key: Option<&str>,
        profile: Option<&str>,
        env: &dyn Env,
    ) -> Result<(Credentials, CredentialOrigin), String> {
        let file = env
            .var("HOME")
            .map(|h| PathBuf::from(h).join(".ncloud").join("configure"));
        let profile = profile
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .or_else(|| env.var("NCLOUD_PROFILE"))
            .unwrap_or_else(|| "DEFAULT".to_owned());
        let file_name = file.as_deref().map_or_else(
            || "~/.ncloud/configure".to_owned(),
            |p| p.display().to_string(),
        );
        let from_file = file.as_deref().and_then(|f| read_cli_file(f, &profile));
        let pick = |explicit: Option<&str>, vars: [&'static str; 2], file_key: &str| {
            if let Some(v) = explicit.filter(|v| !v.is_empty()) {
                return Some((v.to_owned(), KeyOrigin::ProviderBlock));
            }
            if let Some((n, v)) = vars.iter().find_map(|n| env.var(n).map(|v| (*n, v))) {
                return Some((v, KeyOrigin::Environment(n)));
            }
            from_file
                .as_ref()
                .and_then(|f| {
                    f.iter()
                        .find(|(k, _)| k == file_key)
                        .map(|(_, v)| v.clone())
                })
                .filter(|v| !v.is_empty())
                .map(|v| {
                    (
                        v,
                        KeyOrigin::CliFile {
                            path: file_name.clone(),
                            profile: profile.clone(),
                        },
                    )
                })
        };
        let access = pick(
            access_key,
            ["NCLOUD_ACCESS_KEY", "NCLOUD_ACCESS_KEY_ID"],
            "ncloud_access_key_id",
        );
        let secret = pick(
            secret_key,
            ["NCLOUD_SECRET_KEY", "NCLOUD_SECRET_ACCESS_KEY"],
            "ncloud_secret_access_key",
        );
        match (access, secret) {
            (Some((a, oa)), Some((s, os))) => Ok((
                Credentials::new(a, s),
                CredentialOrigin {
                    access: oa,
                    secret: os,
                },
            )),
            (a, s) => {
                let missing = match (a.is_none(), s.is_none()) {
                    (true, true) => "No access key and no secret key were found",
                    (true, false) => "No access key was found",
                    _ => "No secret key was found",
                };
                Err(format!(
                    "{missing}. Set them in the provider block (access_key, secret_key), in the environment (NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY), or in the NCP CLI file {file_name} (ncloud_access_key_id, ncloud_secret_access_key in section [{profile}])."
                ))
            }
        }
    }
}

/// Where one key of the pair came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `access_key` / `secret_key` in the provider block (or given to the client builder).
    ProviderBlock,
    /// This environment variable.
    Environment(&'static str),
    /// The NCP CLI file, in this section.
    CliFile {
        /// The file's path.
        path: String,
        /// The section (profile) read.
        profile: String,
    },
}

impl KeyOrigin {
    /// The coarse source.
    pub fn source(&self) -> CredentialSource {
        match self {
            KeyOrigin::ProviderBlock => CredentialSource::Explicit,
            KeyOrigin::Environment(_) => CredentialSource::Environment,
            KeyOrigin::CliFile { .. } => CredentialSource::CliFile,
        }
    }
}

/// Where the access key and the secret key came from, for messages (never the values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialOrigin {
    /// The access key's origin.
    pub access: KeyOrigin,
    /// The secret key's origin.
    pub secret: KeyOrigin,
}

impl CredentialOrigin {
    /// Keys given to the client directly (no chain).
    pub const GIVEN: CredentialOrigin = CredentialOrigin {
        access: KeyOrigin::ProviderBlock,
        secret: KeyOrigin::ProviderBlock,
    };
}

impl fmt::Display for CredentialOrigin {
    /// E.g. `the provider block (access_key, secret_key)`, `the environment variables
    /// NCLOUD_ACCESS_KEY and NCLOUD_SECRET_KEY`, `/home/me/.ncloud/configure (profile
    /// DEFAULT)`, or both origins when they differ.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.access, &self.secret) {
            (KeyOrigin::ProviderBlock, KeyOrigin::ProviderBlock) => {
                f.write_str("the provider block (access_key, secret_key)")
            }
            (KeyOrigin::Environment(a), KeyOrigin::Environment(s)) => {
                write!(f, "the environment variables {a} and {s}")
            }
            (
                KeyOrigin::CliFile { path, profile },
                KeyOrigin::CliFile {
                    path: p2,
                    profile: r2,
                },
            ) if path == p2 && profile == r2 => write!(f, "{path} (profile {profile})"),
            (a, s) => write!(f, "access key from {}, secret key from {}", one(a), one(s)),
        }
    }
}

fn one(o: &KeyOrigin) -> String {
    match o {
        KeyOrigin::ProviderBlock => "the provider block".to_owned(),
        KeyOrigin::Environment(n) => n.to_string(),
        KeyOrigin::CliFile { path, profile } => format!("{path} (profile {profile})"),
    }
}

/// Where the API URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointOrigin {
    /// `endpoint` in the provider block (or given to the client builder).
    ProviderBlock,
    /// The `PCA_ENDPOINT` environment variable.
    Environment,
    /// The site's host; `from` says where the site came from (`the provider block`,
    /// `NCLOUD_SITE`, `the default`).
    Site {
        /// The site.
        site: Site,
        /// Where the site was set.
        from: &'static str,
    },
}

impl fmt::Display for EndpointOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointOrigin::ProviderBlock => f.write_str("`endpoint` in the provider block"),
            EndpointOrigin::Environment => f.write_str("the PCA_ENDPOINT environment variable"),
            EndpointOrigin::Site { site, from } => {
                write!(f, "site \"{}\" ({from})", site.name())
            }
        }
    }
}

/// Reads `key = value` lines of the NCP CLI configuration file: the section `profile`
/// (case-insensitive), plus lines before any section when the profile is `DEFAULT`.
fn read_cli_file(path: &Path, profile: &str) -> Option<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut out = Vec::new();
    let mut in_default = profile.eq_ignore_ascii_case("default");
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_default = section.trim().eq_ignore_ascii_case(profile);
            continue;
        }
        if let (true, Some((k, v))) = (in_default, line.split_once('=')) {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, String>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "http://127.0.0.1:8700",
            "http://localhost:1",
            "http://[::1]:8700/",
            "https://pca.apigw.ntruss.com",
            "https://10.1.2.3",
        ] {
            assert!(Endpoint::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.1.2.3",
            "ftp://x",
            "127.0.0.1:8700",
            "https://h/api/v1",
            "https://h:0",
            "https://h:99999",
            "https://",
            "https://u@h",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Endpoint::parse("http://[::1]:8700").map(|e| e.base_url()),
            Ok("http://[::1]:8700".into())
        );
    }

    #[test]
    fn credential_chain_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".ncloud")).expect("mkdir");
        std::fs::write(
            dir.path().join(".ncloud/configure"),
            "[DEFAULT]\nncloud_access_key_id = FILEKEY\nncloud_secret_access_key = FILESECRET\n[other]\nncloud_access_key_id = NO\n",
        )
        .expect("write");
        let home = dir.path().display().to_string();
        let env = MapEnv(HashMap::from([("HOME", home.clone())]));
        let (c, src) = Credentials::resolve(None, None, &env).expect("from file");
        assert_eq!(
            (c.access_key.as_str(), c.secret_key(), src),
            ("FILEKEY", "FILESECRET", CredentialSource::CliFile)
        );
        let env = MapEnv(HashMap::from([
            ("HOME", home),
            ("NCLOUD_ACCESS_KEY_ID", "ENVKEY".into()),
            ("NCLOUD_SECRET_KEY", "ENVSECRET".into()),
        ]));
        let (c, src) = Credentials::resolve(None, None, &env).expect("from env");
        assert_eq!(
            (c.access_key.as_str(), src),
            ("ENVKEY", CredentialSource::Environment)
        );
        let (c, src) = Credentials::resolve(Some("BLOCK"), Some("S"), &env).expect("explicit");
        assert_eq!(
            (c.access_key.as_str(), src),
            ("BLOCK", CredentialSource::Explicit)
        );
        assert!(!format!("{c:?}").contains('S') || !format!("{c:?}").contains("\"S\""));
    }

    #[test]
    fn missing_credentials_name_every_source() {
        let env = MapEnv(HashMap::new());
        let e = Credentials::resolve(None, None, &env).expect_err("missing");
        for needle in ["access_key", "NCLOUD_ACCESS_KEY", ".ncloud/configure"] {
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn debug_redacts_secret() {
        let c = Credentials::new("AK", "TOPSECRET");
        assert!(!format!("{c:?}").contains("TOPSECRET"));
    }
}
