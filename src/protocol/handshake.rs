//! The go-plugin handshake as the Terraform CLI performs it.
//!
//! Terraform starts a provider as a child process with a few environment variables (the magic
//! cookie, the protocol versions it speaks, the client certificate for AutoMTLS, the port range
//! for TCP) and waits for exactly one line on the child's stdout:
//!
//! ```text
//! CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT
//! 1|6|unix|/tmp/tfplugin-1234-abcd/plugin.sock|grpc|MIIB...
//! ```
//!
//! This module holds the pure parts of that exchange: reading and checking the environment
//! ([`Environment`]), negotiating the protocol version, and formatting the handshake line
//! ([`HandshakeLine`]) and the `TF_REATTACH_PROVIDERS` value of debug mode ([`reattach_json`]).
//! Nothing here touches sockets or stdout; [`crate::protocol::server`] does.

use std::fmt;
use std::ops::RangeInclusive;

use base64::Engine as _;

/// Name of the environment variable carrying Terraform's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";

/// The value Terraform puts in [`MAGIC_COOKIE_KEY`] (fixed for all Terraform versions).
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin core protocol version (first field of the handshake line); must be exactly 1.
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The Terraform plugin protocol version this provider speaks (second field).
pub const APP_PROTOCOL_VERSION: u32 = 6;

/// Environment variable listing the application protocol versions the client speaks.
pub const ENV_PROTOCOL_VERSIONS: &str = "PLUGIN_PROTOCOL_VERSIONS";

/// Environment variable carrying the client's PEM certificate when AutoMTLS is on.
pub const ENV_CLIENT_CERT: &str = "PLUGIN_CLIENT_CERT";

/// Lowest TCP port to listen on (when TCP is used).
pub const ENV_MIN_PORT: &str = "PLUGIN_MIN_PORT";

/// Highest TCP port to listen on (when TCP is used).
pub const ENV_MAX_PORT: &str = "PLUGIN_MAX_PORT";

/// Directory in which to create the unix socket instead of a fresh temporary directory.
pub const ENV_UNIX_SOCKET_DIR: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// Group (name or numeric id) that should own the unix socket.
pub const ENV_UNIX_SOCKET_GROUP: &str = "PLUGIN_UNIX_SOCKET_GROUP";

/// Our own switch: `tcp` makes the provider listen on 127.0.0.1 instead of a unix socket.
pub const ENV_NETWORK: &str = "PLUGIN_NETWORK";

/// Default TCP port range when [`ENV_MIN_PORT`] / [`ENV_MAX_PORT`] are not set.
pub const DEFAULT_PORT_RANGE: RangeInclusive<u16> = 10000..=25000;

/// Printed on stderr when the binary is started without the magic cookie, i.e. not by Terraform.
pub const NOT_A_PLUGIN_MESSAGE: &str = "\
This program is a Terraform provider plugin, not a command to run by hand.
Terraform starts it automatically when a configuration uses the provider:
run `terraform init` and `terraform plan` / `terraform apply` instead.
(To debug the provider, start it with `--debug` and follow the printed instructions.)";

/// Which kind of socket to listen on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Network {
    /// A unix domain socket (the default on unix systems).
    Unix,
    /// TCP on 127.0.0.1 within the configured port range.
    Tcp,
}

impl Network {
    /// The name used in the handshake line and in `TF_REATTACH_PROVIDERS`.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Unix => "unix",
            Network::Tcp => "tcp",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why the handshake cannot even start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeError {
    /// The magic cookie is missing or wrong: the binary was not started by Terraform.
    NotAPlugin,
    /// Terraform does not offer protocol 6.
    UnsupportedProtocol {
        /// What the client offered (the raw `PLUGIN_PROTOCOL_VERSIONS` value, possibly empty).
        offered: String,
    },
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` are not a valid port range.
    InvalidPortRange {
        /// The offending value(s), for the message.
        detail: String,
    },
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::NotAPlugin => f.write_str(NOT_A_PLUGIN_MESSAGE),
            HandshakeError::UnsupportedProtocol { offered } => write!(
                f,
                "This provider only speaks Terraform plugin protocol {APP_PROTOCOL_VERSION}, but \
                 the Terraform that started it offered {}. Use Terraform 1.0 or later.",
                if offered.trim().is_empty() {
                    "no protocol version".to_owned()
                } else {
                    format!("version(s) {offered:?}")
                }
            ),
            HandshakeError::InvalidPortRange { detail } => {
                write!(f, "invalid plugin port range: {detail}")
            }
        }
    }
}

impl std::error::Error for HandshakeError {}

/// Everything the provider needs from the environment Terraform set up.
///
/// Build it with [`Environment::from_env`] (process environment) or
/// [`Environment::from_lookup`] (any lookup function, for tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// The negotiated application protocol version (always [`APP_PROTOCOL_VERSION`]).
    pub protocol_version: u32,
    /// PEM text of the client's certificate; `Some` means AutoMTLS is on.
    pub client_cert_pem: Option<String>,
    /// The requested network ([`ENV_NETWORK`]); unix unless `tcp` was asked for.
    pub network: Network,
    /// Where to put the unix socket, if [`ENV_UNIX_SOCKET_DIR`] is set and non-empty.
    pub unix_socket_dir: Option<String>,
    /// Group for the unix socket, if [`ENV_UNIX_SOCKET_GROUP`] is set and non-empty.
    pub unix_socket_group: Option<String>,
    /// Allowed TCP ports.
    pub port_range: RangeInclusive<u16>,
}

impl Environment {
    /// Reads and checks the process environment for a managed (Terraform-started) run.
    pub fn from_env() -> Result<Self, HandshakeError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`Environment::from_env`] but reads variables through `lookup`.
    ///
    /// Checks, in order: the magic cookie, the protocol version, the port range.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, HandshakeError> {
        if lookup(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
            return Err(HandshakeError::NotAPlugin);
        }
        let offered = lookup(ENV_PROTOCOL_VERSIONS).unwrap_or_default();
        let protocol_version = negotiate_protocol(&offered)?;
        Ok(Self {
            protocol_version,
            ..Self::common(&lookup)?
        })
    }

    /// The environment for debug mode: no cookie, no negotiation, never TLS.
    pub fn debug_from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, HandshakeError> {
        Ok(Self {
            client_cert_pem: None,
            ..Self::common(&lookup)?
        })
    }

    fn common(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, HandshakeError> {
        let non_empty = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let network = match non_empty(ENV_NETWORK) {
            Some(v) if v.trim().eq_ignore_ascii_case("tcp") => Network::Tcp,
            _ if !cfg!(unix) => Network::Tcp,
            _ => Network::Unix,
        };
        Ok(Self {
            protocol_version: APP_PROTOCOL_VERSION,
            client_cert_pem: non_empty(ENV_CLIENT_CERT),
            network,
            unix_socket_dir: non_empty(ENV_UNIX_SOCKET_DIR),
            unix_socket_group: non_empty(ENV_UNIX_SOCKET_GROUP),
            port_range: port_range(non_empty(ENV_MIN_PORT), non_empty(ENV_MAX_PORT))?,
        })
    }
}

/// Picks protocol 6 out of a `PLUGIN_PROTOCOL_VERSIONS` value such as `"5,6"` or `"6,5"`.
///
/// Entries that are not numbers are ignored; an error is returned when 6 is not among them.
pub fn negotiate_protocol(offered: &str) -> Result<u32, HandshakeError> {
    let speaks_ours = offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == APP_PROTOCOL_VERSION);
    if speaks_ours {
        Ok(APP_PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocol {
            offered: offered.to_owned(),
        })
    }
}

fn port_range(
    min: Option<String>,
    max: Option<String>,
) -> Result<RangeInclusive<u16>, HandshakeError> {
    let parse = |v: Option<String>, default: u16, name: &str| match v {
        None => Ok(default),
        Some(s) => s
            .trim()
            .parse::<u16>()
            .map_err(|_| HandshakeError::InvalidPortRange {
                detail: format!("{name}={s:?} is not a port number"),
            }),
    };
    let lo = parse(min, *DEFAULT_PORT_RANGE.start(), ENV_MIN_PORT)?;
    let hi = parse(max, *DEFAULT_PORT_RANGE.end(), ENV_MAX_PORT)?;
    if lo == 0 || lo > hi {
        return Err(HandshakeError::InvalidPortRange {
            detail: format!("{ENV_MIN_PORT}={lo} and {ENV_MAX_PORT}={hi} do not form a range"),
        });
    }
    Ok(lo..=hi)
}

/// The single line a provider prints on stdout once it is listening.
///
/// Its [`Display`](fmt::Display) form has no trailing newline; the server adds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeLine {
    /// Negotiated application protocol version.
    pub protocol_version: u32,
    /// Socket kind.
    pub network: Network,
    /// Socket path (unix) or `host:port` (tcp).
    pub address: String,
    /// DER of the server certificate, when serving TLS.
    pub server_cert_der: Option<Vec<u8>>,
}

impl fmt::Display for HandshakeLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cert = self
            .server_cert_der
            .as_deref()
            .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
            .unwrap_or_default();
        write!(
            f,
            "{CORE_PROTOCOL_VERSION}|{}|{}|{}|grpc|{cert}",
            self.protocol_version, self.network, self.address
        )
    }
}

/// The `TF_REATTACH_PROVIDERS` value for a provider served in debug mode.
///
/// `provider_address` is the provider's source address as written in configurations' lock file,
/// e.g. `registry.terraform.io/example/foo`. `"Test": true` is required for protocol 6
/// (Terraform would otherwise treat the reattached provider as protocol 5).
pub fn reattach_json(provider_address: &str, pid: u32, network: Network, address: &str) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": APP_PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": network.as_str(), "String": address },
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn cookie_is_required() {
        assert_eq!(
            Environment::from_lookup(env(&[(ENV_PROTOCOL_VERSIONS, "6")])),
            Err(HandshakeError::NotAPlugin)
        );
        assert_eq!(
            Environment::from_lookup(env(&[(MAGIC_COOKIE_KEY, "nope")])),
            Err(HandshakeError::NotAPlugin)
        );
    }

    #[test]
    fn version_negotiation() {
        assert_eq!(negotiate_protocol("5,6"), Ok(6));
        assert_eq!(negotiate_protocol("6,5"), Ok(6));
        assert_eq!(negotiate_protocol(" 6 "), Ok(6));
        assert!(negotiate_protocol("5").is_err());
        assert!(negotiate_protocol("").is_err());
        assert!(negotiate_protocol("60,x").is_err());
        let msg = negotiate_protocol("5").map_err(|e| e.to_string());
        assert!(matches!(msg, Err(m) if m.contains("protocol 6") && m.contains("\"5\"")));
    }

    #[test]
    fn environment_defaults() {
        let e = Environment::from_lookup(env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            (ENV_PROTOCOL_VERSIONS, "5,6"),
            (ENV_CLIENT_CERT, ""),
        ]));
        let e = e.map_err(|e| e.to_string());
        assert_eq!(
            e,
            Ok(Environment {
                protocol_version: 6,
                client_cert_pem: None,
                network: Network::Unix,
                unix_socket_dir: None,
                unix_socket_group: None,
                port_range: 10000..=25000,
            })
        );
    }

    #[test]
    fn port_range_parsing() {
        assert_eq!(
            port_range(Some("2000".into()), Some("2001".into())),
            Ok(2000..=2001)
        );
        assert!(port_range(Some("3000".into()), Some("2000".into())).is_err());
        assert!(port_range(Some("x".into()), None).is_err());
        assert!(port_range(Some("0".into()), None).is_err());
    }

    #[test]
    fn handshake_line_format() {
        let line = HandshakeLine {
            protocol_version: 6,
            network: Network::Unix,
            address: "/tmp/x/plugin.sock".into(),
            server_cert_der: Some(vec![1, 2, 3, 4]),
        };
        // 4 bytes would be "AQIDBA==" with padding.
        assert_eq!(line.to_string(), "1|6|unix|/tmp/x/plugin.sock|grpc|AQIDBA");
        let plain = HandshakeLine {
            server_cert_der: None,
            network: Network::Tcp,
            address: "127.0.0.1:10001".into(),
            ..line
        };
        assert_eq!(plain.to_string(), "1|6|tcp|127.0.0.1:10001|grpc|");
    }

    #[test]
    fn reattach_format() {
        let j = reattach_json(
            "registry.terraform.io/example/foo",
            42,
            Network::Unix,
            "/tmp/a b/plugin.sock",
        );
        assert_eq!(
            j,
            r#"{"registry.terraform.io/example/foo":{"Protocol":"grpc","ProtocolVersion":6,"Pid":42,"Test":true,"Addr":{"Network":"unix","String":"/tmp/a b/plugin.sock"}}}"#
        );
    }
}
