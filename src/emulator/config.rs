//! Emulator settings ([`Config`]) and the command line of `pca-emulator`
//! ([`parse_args`], [`HELP`]), parsed by hand.
//!
//! Depends on `crate::api` only (for the documented limits used as defaults).

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use crate::api::limits;

/// The default listen address, `127.0.0.1:8700`.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8700);
/// The default access key. Fake: printed at start and documented in `--help`.
pub const DEFAULT_ACCESS_KEY: &str = "PCAEMUACCESSKEY00001";
/// The default secret key. Fake: printed at start and documented in `--help`.
pub const DEFAULT_SECRET_KEY: &str = "PCAEMUSECRETKEY0000000000000000000000001";
/// Environment variable that sets the access key (a flag wins over it).
pub const ENV_ACCESS_KEY: &str = "PCA_EMULATOR_ACCESS_KEY";
/// Environment variable that sets the secret key (a flag wins over it).
pub const ENV_SECRET_KEY: &str = "PCA_EMULATOR_SECRET_KEY";
/// The statuses `--fault-status` accepts.
pub const FAULT_STATUSES: [u16; 3] = [429, 500, 503];

/// A sub account (`--sub-account ACCESS_KEY:SECRET_KEY:ID_NO`): its own key pair, and the
/// `idNo` that Add CA User grants the use of a CA to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAccount {
    /// Its access key.
    pub access_key: String,
    /// Its secret key.
    pub secret_key: String,
    /// Its sub-account ID (36-character UUID form, lower case).
    pub id_no: String,
}

impl SubAccount {
    /// Parses `ACCESS_KEY:SECRET_KEY:ID_NO`.
    pub fn parse(value: &str) -> Result<SubAccount, String> {
        let mut parts = value.splitn(3, ':');
        let (Some(a), Some(s), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "--sub-account needs ACCESS_KEY:SECRET_KEY:ID_NO, got {value:?}"
            ));
        };
        let id = id.trim().to_ascii_lowercase();
        let uuid = id.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit());
        if a.is_empty() || s.is_empty() || !uuid {
            return Err(format!(
                "--sub-account needs a non-empty access key and secret key and a 36-character ID_NO like 6e4c1234-5678-90ab-cdef-1234567a9baa, got {value:?}"
            ));
        }
        Ok(SubAccount {
            access_key: a.to_owned(),
            secret_key: s.to_owned(),
            id_no: id,
        })
    }
}

/// Everything the emulator needs to run. [`Config::default`] is the documented default set
/// (loopback, in memory, default credentials, documented limits, no faults).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address to listen on (`--listen`); port 0 picks a free port.
    pub listen: SocketAddr,
    /// Whether a non-loopback `listen` address is allowed (`--allow-remote`).
    pub allow_remote: bool,
    /// Directory of the persistent store (`--data-dir`); `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// The one accepted access key (`--access-key`, `PCA_EMULATOR_ACCESS_KEY`).
    pub access_key: String,
    /// Its secret key (`--secret-key`, `PCA_EMULATOR_SECRET_KEY`).
    pub secret_key: String,
    /// Sub accounts (`--sub-account`, repeatable); with `--data-dir` they are also stored
    /// there and come back on the next start.
    pub sub_accounts: Vec<SubAccount>,
    /// Seconds added to the emulator's clock (`--clock-offset`, may be negative): the
    /// timestamp check, the `Date` header and certificate dates all use the shifted time.
    pub clock_offset_secs: i64,
    /// Maximum number of CAs of the account (`--max-cas`, default 10, §1.8).
    pub max_cas: usize,
    /// Maximum number of certificates a CA may sign (`--max-certs-per-ca`, default 30,000).
    pub max_certs_per_ca: u64,
    /// Largest accepted request timestamp skew in ms (`--max-clock-skew-ms`, default
    /// 300,000, §1.4); `None` disables the check (`--no-timestamp-check`).
    pub max_clock_skew_ms: Option<i64>,
    /// Probability in `[0, 1]` that an `/api/v1` request fails with `fault_status`
    /// (`--fault-rate`).
    pub fault_rate: f64,
    /// Status of injected faults: 429, 500 or 503 (`--fault-status`, default 503).
    pub fault_status: u16,
    /// Seed of the fault RNG (`--fault-seed`); `None` seeds from the OS.
    pub fault_seed: Option<u64>,
    /// Delay added to every `/api/v1` request, in ms (`--latency-ms`).
    pub latency_ms: u64,
    /// Delay added to the *response* of every state-changing `/api/v1` request (POST, PUT,
    /// PATCH, DELETE) after it has been processed and committed, in ms
    /// (`--write-delay-ms`): the window in which a killed client loses the answer to a
    /// write that happened.
    pub write_delay_ms: u64,
    /// Only requests whose path contains this text get `write_delay_ms`
    /// (`--write-delay-only`, e.g. `/sub/sign` or `/cert`); `None`: every write.
    pub write_delay_only: Option<String>,
    /// `Retry-After` seconds sent with injected 429 and 503 faults
    /// (`--fault-retry-after N|none`, default 1); `None` sends no header.
    pub fault_retry_after: Option<u64>,
    /// Base URL written into certificates and `urlInfo` (`--public-url`); `None` uses
    /// `http://<bound address>`.
    pub public_url: Option<String>,
    /// Page size of Get CA List (`--ca-page-size`, default 10).
    pub ca_page_size: usize,
    /// Page size of Get End Cert List (`--cert-page-size`, default 100).
    pub cert_page_size: usize,
    /// Whether Get CRL Config answers `{"expiry":"3"}` before any Update CRL Config
    /// (`--crl-config-default`); otherwise it answers row 67, `The crl configuration
    /// doesn't exist.` (§2.21, A27).
    pub crl_config_default: bool,
    /// Service errors carry `"code":"-"` instead of a §1.7.2 name (`--no-error-codes`): the
    /// overview documents a status and a message per row, no code, so clients must decide
    /// from those two alone.
    pub no_error_codes: bool,
    /// Sign End Csr / Sign Sub Csr refuse a request without `keyType` and `keyBits`
    /// (`--require-key-params`): row 15 `key bits are missing.` or row 37 `Invalid keyType.`,
    /// as the real service's rows suggest for NAVER's own clients (A8).
    pub require_key_params: bool,
    /// The account has no Private CA subscription (`--unsubscribed`): every `/api/v1`
    /// request is answered with row 2, `ncloudInstanceNo is missing.`.
    pub unsubscribed: bool,
    /// Print one line per `/api/v1` request to stderr (`--log-requests`).
    pub log_requests: bool,
    /// Open connections served at once (`--max-connections`, default 256); requests on
    /// connections beyond it get 503 with `Retry-After: 1` (the emulator's own limit, see
    /// [`limits`](crate::emulator::limits)).
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN,
            allow_remote: false,
            data_dir: None,
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            sub_accounts: Vec::new(),
            clock_offset_secs: 0,
            max_cas: limits::MAX_CAS_PER_ACCOUNT,
            max_certs_per_ca: limits::MAX_CERTS_PER_CA,
            max_clock_skew_ms: Some(crate::api::signing::MAX_CLOCK_SKEW_MS),
            fault_rate: 0.0,
            fault_status: 503,
            fault_seed: None,
            latency_ms: 0,
            write_delay_ms: 0,
            write_delay_only: None,
            fault_retry_after: Some(1),
            public_url: None,
            ca_page_size: 10,
            cert_page_size: 100,
            crl_config_default: false,
            no_error_codes: false,
            require_key_params: false,
            unsubscribed: false,
            log_requests: false,
            max_connections: crate::emulator::limits::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl Config {
    /// The default configuration on `127.0.0.1:0` (a free port), for tests.
    pub fn ephemeral() -> Config {
        Config {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            ..Config::default()
        }
    }

    /// Checks the settings that flags cannot check one by one.
    pub fn validate(&self) -> Result<(), String> {
        if !self.allow_remote && !self.listen.ip().is_loopback() {
            return Err(format!(
                "refusing to listen on non-loopback address {} without --allow-remote",
                self.listen
            ));
        }
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(format!(
                "--fault-rate must be within 0..=1, got {}",
                self.fault_rate
            ));
        }
        if !FAULT_STATUSES.contains(&self.fault_status) {
            return Err(format!(
                "--fault-status must be one of 429, 500, 503, got {}",
                self.fault_status
            ));
        }
        if self.access_key.is_empty() || self.secret_key.is_empty() {
            return Err("the access key and the secret key must not be empty".to_owned());
        }
        if self.ca_page_size == 0 || self.cert_page_size == 0 {
            return Err("page sizes must be at least 1".to_owned());
        }
        if self.max_connections == 0 {
            return Err("--max-connections must be at least 1".to_owned());
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!("--public-url must be an http(s) URL, got {url}"));
        }
        Ok(())
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Run the emulator.
    Run(Box<Config>),
    /// Print [`HELP`] and exit.
    Help,
    /// Print the version and exit.
    Version,
}

/// `pca-emulator --help`.
pub const HELP: &str = "\
pca-emulator: a local NAVER Cloud Platform Private CA API (all 24 operations under /api/v1,
signature v2 authentication, OCSP responder at /ext/{caTag}/ocsp, CRL at /ext/{caTag}/crl).

Usage: pca-emulator [OPTIONS]

Options:
  --listen ADDR             address to listen on (default 127.0.0.1:8700; port 0 = any free
                            port); non-loopback addresses need --allow-remote
  --allow-remote            allow a non-loopback --listen address
  --data-dir DIR            persist state in DIR/pca-emulator.sqlite3 (SQLite, WAL mode;
                            survives kill -9); without it, state lives in memory
  --access-key KEY          accepted access key (env PCA_EMULATOR_ACCESS_KEY;
                            default PCAEMUACCESSKEY00001)
  --secret-key KEY          its secret key (env PCA_EMULATOR_SECRET_KEY;
                            default PCAEMUSECRETKEY0000000000000000000000001)
  --sub-account AK:SK:ID    add a sub account (repeatable): its access key, secret key and
                            36-character ID (idNo). It may use a CA only after Add CA User
                            granted its ID on that CA; Get CA List shows only those CAs;
                            Create CA stays the main account's. Otherwise: 401, gateway
                            error 210 Permission Denied. Stored in --data-dir when given.
  --clock-offset SECONDS    shift the emulator's clock (may be negative), e.g. to see how
                            a client reports a skewed clock
  --max-cas N               CAs allowed per account (default 10)
  --max-certs-per-ca N      certificates one CA may sign (default 30000)
  --max-clock-skew-ms N     accepted timestamp skew (default 300000 = 5 minutes)
  --no-timestamp-check      accept any request timestamp
  --fault-rate P            fail this fraction (0..1) of /api/v1 requests (default 0)
  --fault-status CODE       status of injected failures: 429, 500 or 503 (default 503)
  --fault-seed N            seed of the fault RNG (default: random)
  --latency-ms N            add N ms to every /api/v1 request (default 0)
  --write-delay-ms N        hold the response of every POST/PUT/PATCH/DELETE N ms after
                            it is processed (a window for lost-response tests; default 0)
  --write-delay-only TEXT   only delay writes whose path contains TEXT (e.g. /sub/sign)
  --fault-retry-after N     Retry-After seconds on injected 429/503, or `none` to send no
                            header (default 1)
  --public-url URL          base URL written into certificates (default http://<listen>)
  --ca-page-size N          page size of Get CA List (default 10)
  --cert-page-size N        page size of Get End Cert List (default 100)
  --log-requests            print one line per /api/v1 request to stderr: method, path, status
  --max-connections N       open connections served at once (default 256); requests on
                            connections beyond it get 503 with Retry-After: 1
  --crl-config-default      Get CRL Config answers {\"expiry\":\"3\"} before any update
                            (default: 400 \"The crl configuration doesn't exist.\")
  --no-error-codes          service errors carry \"code\":\"-\" (the catalogue documents a
                            status and a message only)
  --require-key-params      Sign End Csr / Sign Sub Csr need keyType and keyBits
  --unsubscribed            the account has no Private CA subscription: every request gets
                            400 \"ncloudInstanceNo is missing.\"
  -h, --help                print this help
  -V, --version             print the version

Own limits (protective, not rows of the service's error catalogue), each answered with
a message naming the limit: request body over 1 MiB: 413; JSON body nested deeper than 32
levels: 400; request URI (path + query) over 8 KiB: 414; headers over 16 KiB: 431 (all with
the envelope {\"code\":\"INVALID_REQUEST\",\"msg\":…}); more open connections than
--max-connections: 503 with the gateway's error body and Retry-After: 1.

The default credentials are fake and printed at start (stderr). When ready, exactly one
line goes to stdout: `pca-emulator listening on http://HOST:PORT`.
";

fn parse_num<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("invalid value for {flag}: {value:?}"))
}

/// Resolves a `--listen` value: a socket address, or `localhost:PORT`.
fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = value.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let mut addrs = value
        .to_socket_addrs()
        .map_err(|e| format!("invalid --listen address {value:?}: {e}"))?;
    addrs
        .next()
        .ok_or_else(|| format!("--listen address {value:?} resolves to nothing"))
}

/// Parses the command line (without the program name). `env` looks up environment
/// variables (the credentials); flags win over the environment.
pub fn parse_args<I, S>(args: I, env: impl Fn(&str) -> Option<String>) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut config = Config::default();
    if let Some(k) = env(ENV_ACCESS_KEY).filter(|k| !k.is_empty()) {
        config.access_key = k;
    }
    if let Some(k) = env(ENV_SECRET_KEY).filter(|k| !k.is_empty()) {
        config.secret_key = k;
    }
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let takes_value = !matches!(
            flag.as_str(),
            "--allow-remote"
                | "--no-timestamp-check"
                | "--crl-config-default"
                | "--no-error-codes"
                | "--require-key-params"
                | "--unsubscribed"
                | "--log-requests"
                | "-h"
                | "--help"
                | "-V"
                | "--version"
        );
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
            }
        } else {
            if inline.is_some() {
                return Err(format!("{flag} takes no value"));
            }
            String::new()
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--allow-remote" => config.allow_remote = true,
            "--no-timestamp-check" => config.max_clock_skew_ms = None,
            "--crl-config-default" => config.crl_config_default = true,
            "--no-error-codes" => config.no_error_codes = true,
            "--require-key-params" => config.require_key_params = true,
            "--unsubscribed" => config.unsubscribed = true,
            "--log-requests" => config.log_requests = true,
            "--listen" => config.listen = parse_listen(&value)?,
            "--data-dir" => {
                if value.is_empty() {
                    return Err("--data-dir needs a directory".to_owned());
                }
                config.data_dir = Some(PathBuf::from(value));
            }
            "--access-key" => config.access_key = value,
            "--sub-account" => config.sub_accounts.push(SubAccount::parse(&value)?),
            "--clock-offset" => config.clock_offset_secs = parse_num(&flag, &value)?,
            "--secret-key" => config.secret_key = value,
            "--max-cas" => config.max_cas = parse_num(&flag, &value)?,
            "--max-certs-per-ca" => config.max_certs_per_ca = parse_num(&flag, &value)?,
            "--max-clock-skew-ms" => config.max_clock_skew_ms = Some(parse_num(&flag, &value)?),
            "--fault-rate" => config.fault_rate = parse_num(&flag, &value)?,
            "--fault-status" => config.fault_status = parse_num(&flag, &value)?,
            "--fault-seed" => config.fault_seed = Some(parse_num(&flag, &value)?),
            "--latency-ms" => config.latency_ms = parse_num(&flag, &value)?,
            "--write-delay-ms" => config.write_delay_ms = parse_num(&flag, &value)?,
            "--write-delay-only" => config.write_delay_only = Some(value),
            "--fault-retry-after" => {
                config.fault_retry_after = if value == "none" {
                    None
                } else {
                    Some(parse_num(&flag, &value)?)
                };
            }
            "--public-url" => config.public_url = Some(value.trim_end_matches('/').to_owned()),
            "--ca-page-size" => config.ca_page_size = parse_num(&flag, &value)?,
            "--cert-page-size" => config.cert_page_size = parse_num(&flag, &value)?,
            "--max-connections" => config.max_connections = parse_num(&flag, &value)?,
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    config.validate()?;
    Ok(Command::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse_args(args.iter().copied(), no_env)? {
            Command::Run(c) => Ok(*c),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[]).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.listen.to_string(), "127.0.0.1:8700");
        assert_eq!(c.max_cas, 10);
        assert_eq!(c.max_clock_skew_ms, Some(300_000));
        assert!(HELP.contains(DEFAULT_ACCESS_KEY) && HELP.contains(DEFAULT_SECRET_KEY));
    }

    #[test]
    fn flags_both_spellings() {
        let c = run(&[
            "--listen=127.0.0.1:0",
            "--data-dir",
            "/tmp/x",
            "--max-cas",
            "3",
            "--fault-rate=0.5",
            "--fault-status",
            "429",
            "--fault-seed",
            "7",
            "--latency-ms",
            "20",
            "--access-key",
            "AK",
            "--secret-key=SK",
            "--no-timestamp-check",
            "--crl-config-default",
            "--no-error-codes",
            "--require-key-params",
            "--unsubscribed",
            "--public-url",
            "http://example.test:1/",
        ])
        .unwrap();
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.data_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!(c.max_cas, 3);
        assert_eq!(c.fault_rate, 0.5);
        assert_eq!(c.fault_status, 429);
        assert_eq!(c.fault_seed, Some(7));
        assert_eq!(c.latency_ms, 20);
        assert_eq!((c.access_key.as_str(), c.secret_key.as_str()), ("AK", "SK"));
        assert_eq!(c.max_clock_skew_ms, None);
        assert!(c.crl_config_default);
        assert!(c.no_error_codes && c.require_key_params && c.unsubscribed);
        assert_eq!(c.public_url.as_deref(), Some("http://example.test:1"));
    }

    #[test]
    fn sub_accounts_and_clock_offset() {
        let c = run(&[
            "--sub-account",
            "CIKEY:CISECRET:6E4C1234-5678-90ab-cdef-1234567a9baa",
            "--sub-account=K2:S:2:00000000-0000-0000-0000-000000000002",
            "--clock-offset",
            "-432",
        ]);
        // A secret may not contain ':' (the third field would be wrong).
        assert!(c.is_err());
        let c = run(&[
            "--sub-account",
            "CIKEY:CISECRET:6E4C1234-5678-90ab-cdef-1234567a9baa",
            "--clock-offset",
            "-432",
        ])
        .unwrap();
        assert_eq!(
            c.sub_accounts,
            vec![SubAccount {
                access_key: "CIKEY".into(),
                secret_key: "CISECRET".into(),
                id_no: "6e4c1234-5678-90ab-cdef-1234567a9baa".into(),
            }]
        );
        assert_eq!(c.clock_offset_secs, -432);
    }

    #[test]
    fn environment_then_flags() {
        let env = |k: &str| match k {
            ENV_ACCESS_KEY => Some("ENVAK".to_owned()),
            ENV_SECRET_KEY => Some("ENVSK".to_owned()),
            _ => None,
        };
        let Ok(Command::Run(c)) = parse_args(Vec::<String>::new(), env) else {
            panic!()
        };
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.as_str()),
            ("ENVAK", "ENVSK")
        );
        let Ok(Command::Run(c)) = parse_args(["--access-key", "FLAG"], env) else {
            panic!()
        };
        assert_eq!(c.access_key, "FLAG");
    }

    #[test]
    fn refusals() {
        assert!(
            run(&["--listen", "0.0.0.0:8700"])
                .unwrap_err()
                .contains("--allow-remote")
        );
        assert!(run(&["--listen", "0.0.0.0:8700", "--allow-remote"]).is_ok());
        assert!(run(&["--listen", "[::1]:0"]).is_ok());
        assert!(run(&["--listen", "localhost:0"]).is_ok());
        assert!(run(&["--fault-status", "404"]).is_err());
        assert!(run(&["--fault-rate", "1.5"]).is_err());
        assert!(run(&["--max-cas", "x"]).is_err());
        assert!(run(&["--max-cas"]).is_err());
        assert!(run(&["--max-connections", "0"]).is_err());
        assert_eq!(run(&["--max-connections", "3"]).unwrap().max_connections, 3);
        assert!(run(&["--bogus"]).is_err());
        assert!(run(&["--allow-remote=yes"]).is_err());
        assert!(run(&["--public-url", "ftp://x"]).is_err());
        assert!(run(&["--sub-account", "AK:SK"]).is_err());
        assert!(run(&["--sub-account", "AK:SK:not-an-id"]).is_err());
        assert_eq!(parse_args(["--help"], no_env), Ok(Command::Help));
        assert_eq!(parse_args(["-V"], no_env), Ok(Command::Version));
    }
}
