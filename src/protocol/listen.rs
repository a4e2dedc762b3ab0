//! Sockets for the plugin server: binding (unix socket or loopback TCP), cleaning up the socket
//! file, accepting connections (with TLS when AutoMTLS is on) and the connection type handed to
//! tonic.

use std::io;
#[cfg(unix)]
use std::path::Path;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
#[cfg(unix)]
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::handshake::{Environment, Network};
use super::server::ShutdownHandle;

/// How long one client may take to finish its TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Attempts at finding a free socket name before giving up.
const UNIX_NAME_ATTEMPTS: usize = 32;

/// A bound listener plus what the handshake line needs to say about it.
pub(crate) struct Bound {
    pub(crate) listener: Listener,
    pub(crate) network: Network,
    pub(crate) address: String,
    /// Removes the socket file (and our temp dir) when dropped.
    pub(crate) cleanup: SocketCleanup,
}

/// A listening socket.
pub(crate) enum Listener {
    #[cfg(unix)]
    Unix(UnixListener),
    Tcp(TcpListener),
}

/// Removes the unix socket (and the private directory holding it) on drop.
#[derive(Debug, Default)]
pub(crate) struct SocketCleanup {
    socket: Option<PathBuf>,
    dir: Option<PathBuf>,
}

impl SocketCleanup {
    /// Removes the socket file and directory now (idempotent).
    pub(crate) fn run(&mut self) {
        if let Some(socket) = self.socket.take()
            && let Err(e) = std::fs::remove_file(&socket)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %socket.display(), error = %e, "cannot remove the plugin socket");
        }
        if let Some(dir) = self.dir.take()
            && let Err(e) = std::fs::remove_dir(&dir)
            && e.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(path = %dir.display(), error = %e, "cannot remove the plugin socket directory");
        }
    }
}

impl Drop for SocketCleanup {
    fn drop(&mut self) {
        self.run();
    }
}

/// Binds the listener the environment asks for. A unix socket that cannot be created falls back
/// to TCP on 127.0.0.1.
pub(crate) async fn bind(env: &Environment) -> io::Result<Bound> {
    #[cfg(unix)]
    if env.network == Network::Unix {
        match bind_unix(env) {
            Ok(bound) => return Ok(bound),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen on a unix socket, falling back to TCP");
            }
        }
    }
    bind_tcp(env).await
}

async fn bind_tcp(env: &Environment) -> io::Result<Bound> {
    let (lo, hi) = (*env.port_range.start(), *env.port_range.end());
    let span = u32::from(hi - lo) + 1;
    let start = u32::try_from(random_u64() % u64::from(span)).unwrap_or(0);
    let mut last_err = None;
    for i in 0..span {
        let offset = (start + i) % span;
        let Ok(port) = u16::try_from(u32::from(lo) + offset) else {
            continue;
        };
        match TcpListener::bind(("127.0.0.1", port)).await {
            Ok(listener) => {
                let address = listener.local_addr()?.to_string();
                return Ok(Bound {
                    listener: Listener::Tcp(listener),
                    network: Network::Tcp,
                    address,
                    cleanup: SocketCleanup::default(),
                });
            }
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::AddrInUse,
            "no free port in the plugin port range",
        )
    }))
}

#[cfg(unix)]
fn bind_unix(env: &Environment) -> io::Result<Bound> {
    use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};

    let group = match env.unix_socket_group.as_deref() {
        Some(g) => Some(resolve_group(g)?),
        None => None,
    };
    let mut cleanup = SocketCleanup::default();
    let socket_path = match env.unix_socket_dir.as_deref() {
        // A directory chosen by the client: put the socket directly in it.
        Some(dir) => unique_path(Path::new(dir), "plugin", |p| {
            if p.exists() {
                Err(io::ErrorKind::AlreadyExists.into())
            } else {
                Ok(())
            }
        })?,
        // Otherwise a fresh private directory in the temp dir.
        None => {
            let dir = unique_path(&std::env::temp_dir(), "tfplugin-", |p| {
                std::fs::DirBuilder::new().mode(0o700).create(p)
            })?;
            cleanup.dir = Some(dir.clone());
            if let Some(gid) = group {
                std::os::unix::fs::chown(&dir, None, Some(gid))?;
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750))?;
            }
            dir.join("plugin.sock")
        }
    };
    let listener = UnixListener::bind(&socket_path)?;
    cleanup.socket = Some(socket_path.clone());
    if let Some(gid) = group {
        std::os::unix::fs::chown(&socket_path, None, Some(gid))?;
        std::fs::set_permissions(&socket_path, std::fs::Permissions::from_mode(0o660))?;
    }
    let address = socket_path
        .to_str()
        .map(str::to_owned)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "socket path is not UTF-8"))?;
    if address.contains('|') || address.contains('\n') {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "socket path contains '|' or a newline",
        ));
    }
    Ok(Bound {
        listener: Listener::Unix(listener),
        network: Network::Unix,
        address,
        cleanup,
    })
}

/// Tries `create` on `dir/<prefix><random>` until it does not fail with "already exists".
#[cfg(unix)]
fn unique_path(
    dir: &Path,
    prefix: &str,
    create: impl Fn(&Path) -> io::Result<()>,
) -> io::Result<PathBuf> {
    let mut last = None;
    for _ in 0..UNIX_NAME_ATTEMPTS {
        let path = dir.join(format!("{prefix}{:016x}", random_u64()));
        match create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::ErrorKind::AlreadyExists.into()))
}

/// A group name or numeric id → gid, reading `/etc/group` for names.
#[cfg(unix)]
fn resolve_group(group: &str) -> io::Result<u32> {
    if let Ok(gid) = group.trim().parse::<u32>() {
        return Ok(gid);
    }
    let text = std::fs::read_to_string("/etc/group")?;
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split(':');
            let name = parts.next()?;
            let gid = parts.nth(1)?;
            if name != group.trim() {
                return None;
            }
            gid.parse::<u32>().ok()
        })
        .next()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("unknown group {group:?} in PLUGIN_UNIX_SOCKET_GROUP"),
            )
        })
}

/// Non-cryptographic randomness for names and port choice (std's randomly keyed hasher).
fn random_u64() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(d.as_nanos());
    }
    h.finish()
}

/// An accepted, not yet TLS-wrapped connection.
enum RawConn {
    #[cfg(unix)]
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Listener {
    async fn accept(&self) -> io::Result<RawConn> {
        match self {
            #[cfg(unix)]
            Listener::Unix(l) => Ok(RawConn::Unix(l.accept().await?.0)),
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                stream.set_nodelay(true)?;
                Ok(RawConn::Tcp(stream))
            }
        }
    }
}

/// What tonic puts in each request's extensions about the connection it arrived on
/// (`request.extensions().get::<ConnectionInfo>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Socket kind.
    pub network: Network,
    /// Whether the connection is TLS (AutoMTLS with the pinned client certificate).
    pub tls: bool,
}

/// A served connection: unix or TCP, plain or TLS.
pub(crate) enum Conn {
    #[cfg(unix)]
    Unix(UnixStream),
    Tcp(TcpStream),
    #[cfg(unix)]
    UnixTls(Box<TlsStream<UnixStream>>),
    TcpTls(Box<TlsStream<TcpStream>>),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            #[cfg(unix)]
            Conn::Unix($s) => {
                let $s = Pin::new($s);
                $e
            }
            Conn::Tcp($s) => {
                let $s = Pin::new($s);
                $e
            }
            #[cfg(unix)]
            Conn::UnixTls($s) => {
                let $s = Pin::new(&mut **$s);
                $e
            }
            Conn::TcpTls($s) => {
                let $s = Pin::new(&mut **$s);
                $e
            }
        }
    };
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_read(cx, buf))
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, s => s.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, s => s.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            #[cfg(unix)]
            Conn::Unix(s) => s.is_write_vectored(),
            Conn::Tcp(s) => s.is_write_vectored(),
            #[cfg(unix)]
            Conn::UnixTls(s) => s.is_write_vectored(),
            Conn::TcpTls(s) => s.is_write_vectored(),
        }
    }
}

impl tonic::transport::server::Connected for Conn {
    type ConnectInfo = ConnectionInfo;

    fn connect_info(&self) -> ConnectionInfo {
        let (network, tls) = match self {
            #[cfg(unix)]
            Conn::Unix(_) => (Network::Unix, false),
            Conn::Tcp(_) => (Network::Tcp, false),
            #[cfg(unix)]
            Conn::UnixTls(_) => (Network::Unix, true),
            Conn::TcpTls(_) => (Network::Tcp, true),
        };
        ConnectionInfo { network, tls }
    }
}

impl RawConn {
    fn plain(self) -> Conn {
        match self {
            #[cfg(unix)]
            RawConn::Unix(s) => Conn::Unix(s),
            RawConn::Tcp(s) => Conn::Tcp(s),
        }
    }

    async fn tls(self, acceptor: &TlsAcceptor) -> io::Result<Conn> {
        Ok(match self {
            #[cfg(unix)]
            RawConn::Unix(s) => Conn::UnixTls(Box::new(acceptor.accept(s).await?)),
            RawConn::Tcp(s) => Conn::TcpTls(Box::new(acceptor.accept(s).await?)),
        })
    }
}

/// Accepts connections until shutdown (or until tonic stops listening), doing TLS handshakes
/// concurrently, and hands ready connections to `tx`.
///
/// A failing accept or TLS handshake is logged and does not stop the loop.
pub(crate) async fn accept_loop(
    listener: Listener,
    tls: Option<TlsAcceptor>,
    tx: mpsc::Sender<io::Result<Conn>>,
    shutdown: ShutdownHandle,
) {
    loop {
        let accepted = tokio::select! {
            () = shutdown.wait() => return,
            () = tx.closed() => return,
            r = listener.accept() => r,
        };
        let raw = match accepted {
            Ok(raw) => raw,
            Err(e) => {
                tracing::warn!(error = %e, "accepting a connection failed");
                // Typically EMFILE: give the process a moment instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match &tls {
            None => {
                if tx.send(Ok(raw.plain())).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, raw.tls(&acceptor)).await {
                        Ok(Ok(conn)) => {
                            let _ = tx.send(Ok(conn)).await;
                        }
                        Ok(Err(e)) => {
                            tracing::warn!(error = %e, "TLS handshake with a client failed");
                        }
                        Err(_) => tracing::warn!("TLS handshake with a client timed out"),
                    }
                });
            }
        }
    }
}
