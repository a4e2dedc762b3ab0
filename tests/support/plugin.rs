//! Driving the provider binary the way Terraform does: a Terraform-like environment, a
//! Terraform-like AutoMTLS client certificate (ECDSA P-521, `CA:TRUE`), handshake-line parsing,
//! and tonic channels over the announced socket (TLS or plaintext).

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tonic::transport::{Channel, Endpoint, Uri};

/// The cookie Terraform passes in `TF_PLUGIN_MAGIC_COOKIE`.
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// How long to wait for the handshake line (debug builds on a busy machine can be slow).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Boxed error for helpers.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Path of the provider binary under test.
pub fn provider_bin() -> &'static str {
    env!("CARGO_BIN_EXE_terraform-provider-pca")
}

/// A client certificate shaped like the one go-plugin's client generates for each launch:
/// ECDSA P-521 with SHA-512, CN and DNS SAN `localhost`, O=HashiCorp, `CA:TRUE`, key usages
/// digitalSignature / keyEncipherment / keyAgreement / keyCertSign, EKU clientAuth + serverAuth.
pub struct ClientCert {
    /// Certificate DER.
    pub cert_der: CertificateDer<'static>,
    /// PKCS#8 private key DER.
    pub key_der: PrivatePkcs8KeyDer<'static>,
    /// Certificate PEM, as put in `PLUGIN_CLIENT_CERT`.
    pub pem: String,
}

impl ClientCert {
    /// Generates a fresh Terraform-like client certificate.
    pub fn terraform_like() -> Result<Self, BoxError> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyAgreement,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_der: cert.der().clone(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
            pem: cert.pem(),
        })
    }
}

/// A command for the provider binary with the environment Terraform would give it: only the
/// magic cookie, `PLUGIN_PROTOCOL_VERSIONS=5,6`, the port range and (if given) the client
/// certificate; stdin is null, stdout and stderr are piped. Add more with `.env(..)`.
pub fn terraform_command(client: Option<&ClientCert>) -> Command {
    let mut cmd = bare_command();
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000");
    if let Some(c) = client {
        cmd.env("PLUGIN_CLIENT_CERT", &c.pem);
    }
    cmd
}

/// The provider binary with an empty environment and piped stdio.
pub fn bare_command() -> Command {
    let mut cmd = Command::new(provider_bin());
    cmd.env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A parsed go-plugin handshake line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The raw line, without the newline.
    pub line: String,
    /// `unix` or `tcp`.
    pub network: String,
    /// Socket path or `host:port`.
    pub address: String,
    /// Decoded server certificate (None when the field is empty).
    pub server_cert_der: Option<Vec<u8>>,
}

impl Handshake {
    /// Parses `CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT` strictly: exactly six fields, core 1,
    /// app 6, network `unix`/`tcp`, protocol `grpc`, certificate base64 without padding.
    pub fn parse(line: &str) -> Result<Self, String> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let fields: Vec<&str> = line.split('|').collect();
        if fields.len() != 6 {
            return Err(format!("expected 6 fields, got {}: {line:?}", fields.len()));
        }
        if fields[0] != "1" || fields[1] != "6" || fields[4] != "grpc" {
            return Err(format!("bad core/app/protocol fields: {line:?}"));
        }
        if fields[2] != "unix" && fields[2] != "tcp" {
            return Err(format!("bad network: {line:?}"));
        }
        if fields[3].is_empty() {
            return Err(format!("empty address: {line:?}"));
        }
        let cert = fields[5];
        if cert.contains('=') {
            return Err(format!("certificate has base64 padding: {line:?}"));
        }
        let server_cert_der = if cert.is_empty() {
            None
        } else {
            Some(
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(cert)
                    .map_err(|e| format!("certificate is not unpadded base64: {e}"))?,
            )
        };
        Ok(Self {
            line: line.to_owned(),
            network: fields[2].to_owned(),
            address: fields[3].to_owned(),
            server_cert_der,
        })
    }

    /// The unix socket path (None for TCP).
    pub fn socket_path(&self) -> Option<PathBuf> {
        (self.network == "unix").then(|| PathBuf::from(&self.address))
    }
}

/// What a finished provider process left behind.
#[derive(Debug)]
pub struct Finished {
    /// Exit status.
    pub status: ExitStatus,
    /// Everything written on stdout after the handshake line.
    pub stdout_rest: Vec<u8>,
    /// Everything written on stderr.
    pub stderr: String,
}

/// A running provider process whose handshake line has been read. Killed on drop.
pub struct Plugin {
    child: Child,
    /// The parsed handshake line.
    pub handshake: Handshake,
    stdout_rest: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<String>>,
}

impl Plugin {
    /// Spawns `cmd` and waits for a valid handshake line.
    pub fn start(mut cmd: Command) -> Result<Self, BoxError> {
        let mut child = cmd.spawn()?;
        let stderr = child.stderr.take().map(|mut s| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        });
        let Some(stdout) = child.stdout.take() else {
            return Err("stdout is not piped".into());
        };
        let (line_tx, line_rx) = mpsc::channel();
        let stdout_rest = std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = line_tx.send(line);
            let mut rest = Vec::new();
            let _ = reader.read_to_end(&mut rest);
            rest
        });
        let mut plugin = Self {
            child,
            handshake: Handshake {
                line: String::new(),
                network: String::new(),
                address: String::new(),
                server_cert_der: None,
            },
            stdout_rest: Some(stdout_rest),
            stderr,
        };
        let line = match line_rx.recv_timeout(HANDSHAKE_TIMEOUT) {
            Ok(line) if !line.is_empty() => line,
            Ok(_) | Err(_) => {
                let _ = plugin.child.kill();
                let finished = plugin.finish(Duration::from_secs(5));
                return Err(format!("no handshake line; process: {finished:?}").into());
            }
        };
        if !line.ends_with('\n') {
            return Err(format!("handshake line not newline-terminated: {line:?}").into());
        }
        plugin.handshake = Handshake::parse(&line)?;
        Ok(plugin)
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited (without waiting).
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Polls for exit for up to `timeout`; returns the status and how long it took.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<(ExitStatus, Duration)> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.try_status() {
                return Some((status, start.elapsed()));
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Sends a signal with the `kill` command (e.g. `"INT"`, `"TERM"`).
    pub fn signal(&self, name: &str) -> Result<(), BoxError> {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("kill -{name} failed: {status}").into())
        }
    }

    /// Waits up to `timeout` for exit (killing the process after that) and collects its output.
    pub fn finish(mut self, timeout: Duration) -> Result<Finished, BoxError> {
        let Some((status, _)) = self.wait_exit(timeout) else {
            let _ = self.child.kill();
            let _ = self.child.wait();
            return Err(format!("provider did not exit within {timeout:?}").into());
        };
        let stdout_rest = self
            .stdout_rest
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        Ok(Finished {
            status,
            stdout_rest,
            stderr,
        })
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        if self.try_status().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs a command that is expected to exit quickly; returns (status, stdout, stderr).
pub fn run_to_exit(mut cmd: Command) -> Result<(ExitStatus, String, String), BoxError> {
    let out = cmd.output()?;
    Ok((
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// A rustls client configuration like Terraform's: presents `client`, trusts only the server
/// certificate from the handshake line (as its root), ALPN `h2`, aws-lc-rs.
pub fn tls_client_config(
    client: &ClientCert,
    server_cert_der: &[u8],
) -> Result<Arc<rustls::ClientConfig>, BoxError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(server_cert_der.to_vec()))?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)?
        .with_root_certificates(roots)
        .with_client_auth_cert(
            vec![client.cert_der.clone()],
            PrivateKeyDer::Pkcs8(client.key_der.clone_key()),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// An I/O stream to the announced address (unix or TCP).
pub enum RawStream {
    /// Unix socket.
    Unix(tokio::net::UnixStream),
    /// TCP socket.
    Tcp(tokio::net::TcpStream),
}

async fn dial(network: &str, address: &str) -> std::io::Result<RawStream> {
    if network == "unix" {
        Ok(RawStream::Unix(
            tokio::net::UnixStream::connect(address).await?,
        ))
    } else {
        let s = tokio::net::TcpStream::connect(address).await?;
        s.set_nodelay(true)?;
        Ok(RawStream::Tcp(s))
    }
}

fn endpoint() -> Endpoint {
    Endpoint::from_static("http://localhost").connect_timeout(Duration::from_secs(10))
}

/// Opens a tonic channel over TLS (AutoMTLS as Terraform does it, with `config`).
pub async fn connect_tls_with(
    handshake: &Handshake,
    config: Arc<rustls::ClientConfig>,
) -> Result<Channel, BoxError> {
    let network = handshake.network.clone();
    let address = handshake.address.clone();
    let connector = tower::service_fn(move |_: Uri| {
        let network = network.clone();
        let address = address.clone();
        let tls = tokio_rustls::TlsConnector::from(config.clone());
        async move {
            let name = ServerName::try_from("localhost")
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            match dial(&network, &address).await? {
                RawStream::Unix(s) => Ok::<_, std::io::Error>(TokioIo::new(EitherTls::Unix(
                    Box::new(tls.connect(name, s).await?),
                ))),
                RawStream::Tcp(s) => Ok(TokioIo::new(EitherTls::Tcp(Box::new(
                    tls.connect(name, s).await?,
                )))),
            }
        }
    });
    Ok(endpoint().connect_with_connector(connector).await?)
}

/// Opens a tonic channel over TLS presenting `client` and trusting the handshake's certificate.
pub async fn connect_tls(handshake: &Handshake, client: &ClientCert) -> Result<Channel, BoxError> {
    let Some(der) = handshake.server_cert_der.as_deref() else {
        return Err("the handshake line has no server certificate".into());
    };
    connect_tls_with(handshake, tls_client_config(client, der)?).await
}

/// Opens a plaintext tonic channel (debug mode, or to check plaintext is refused).
pub async fn connect_plain(handshake: &Handshake) -> Result<Channel, BoxError> {
    let network = handshake.network.clone();
    let address = handshake.address.clone();
    let connector = tower::service_fn(move |_: Uri| {
        let network = network.clone();
        let address = address.clone();
        async move {
            Ok::<_, std::io::Error>(TokioIo::new(match dial(&network, &address).await? {
                RawStream::Unix(s) => EitherPlain::Unix(s),
                RawStream::Tcp(s) => EitherPlain::Tcp(s),
            }))
        }
    });
    Ok(endpoint().connect_with_connector(connector).await?)
}

/// `grpc.health.v1.Health/Check` for service `plugin`; returns the serving status.
pub async fn health_check(channel: Channel) -> Result<i32, tonic::Status> {
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let resp = client
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".to_owned(),
        })
        .await?;
    Ok(resp.into_inner().status)
}

/// `SERVING` in `grpc.health.v1.HealthCheckResponse.ServingStatus`.
pub const SERVING: i32 = tonic_health::pb::health_check_response::ServingStatus::Serving as i32;

/// `plugin.GRPCController/Shutdown`.
pub async fn shutdown(channel: Channel) -> Result<(), tonic::Status> {
    let mut client =
        pca::protocol::proto::plugin::grpc_controller_client::GrpcControllerClient::new(channel);
    client
        .shutdown(pca::protocol::proto::plugin::Empty {})
        .await?;
    Ok(())
}

macro_rules! either_io {
    ($name:ident { $($variant:ident($ty:ty)),+ }) => {
        /// A client stream over either transport.
        pub enum $name {
            $(
                /// One transport.
                $variant($ty),
            )+
        }

        impl tokio::io::AsyncRead for $name {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                match self.get_mut() {
                    $($name::$variant(s) => std::pin::Pin::new(s).poll_read(cx, buf),)+
                }
            }
        }

        impl tokio::io::AsyncWrite for $name {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                match self.get_mut() {
                    $($name::$variant(s) => std::pin::Pin::new(s).poll_write(cx, buf),)+
                }
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                match self.get_mut() {
                    $($name::$variant(s) => std::pin::Pin::new(s).poll_flush(cx),)+
                }
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                match self.get_mut() {
                    $($name::$variant(s) => std::pin::Pin::new(s).poll_shutdown(cx),)+
                }
            }
        }
    };
}

either_io!(EitherTls {
    Unix(Box<tokio_rustls::client::TlsStream<tokio::net::UnixStream>>),
    Tcp(Box<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>)
});

either_io!(EitherPlain {
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream)
});

/// Checks one stderr line is an hclog JSON entry: an object with string `@level` (a known
/// level), string `@message`, and `@timestamp` like `2026-11-28T21:37:14.123456Z`.
pub fn check_hclog_line(line: &str) -> Result<(), String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line:?}"))?;
    let obj = v
        .as_object()
        .ok_or_else(|| format!("not an object: {line:?}"))?;
    let level = obj
        .get("@level")
        .and_then(|l| l.as_str())
        .ok_or_else(|| format!("no string @level: {line:?}"))?;
    if !["trace", "debug", "info", "warn", "error"].contains(&level) {
        return Err(format!("unknown @level {level:?}"));
    }
    if !obj.get("@message").is_some_and(|m| m.is_string()) {
        return Err(format!("no string @message: {line:?}"));
    }
    let ts = obj
        .get("@timestamp")
        .and_then(|t| t.as_str())
        .ok_or_else(|| format!("no string @timestamp: {line:?}"))?;
    if !timestamp_shape_ok(ts) {
        return Err(format!("bad @timestamp {ts:?}"));
    }
    Ok(())
}

/// `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$` without a regex crate.
pub fn timestamp_shape_ok(ts: &str) -> bool {
    const SHAPE: &str = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    ts.len() == SHAPE.len()
        && ts.bytes().zip(SHAPE.bytes()).all(|(c, s)| match s {
            b'd' => c.is_ascii_digit(),
            _ => c == s,
        })
}
