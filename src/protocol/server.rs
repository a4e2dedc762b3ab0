//! The go-plugin gRPC server: listens, prints the handshake line, serves the caller's routes
//! plus go-plugin's side services, and exits cleanly.
//!
//! # Plugging in the Provider service
//!
//! The caller (the framework) owns the `tfplugin6.Provider` service and hands it over as
//! [`tonic::service::Routes`] built by a closure that receives a [`ShutdownHandle`]:
//!
//! ```no_run
//! use pca::protocol::server::{MAX_MESSAGE_SIZE, ServeOptions, ShutdownHandle, run};
//! use tonic::service::Routes;
//!
//! fn provider_routes(_shutdown: ShutdownHandle) -> Routes {
//!     // e.g. Routes::new(ProviderServer::new(my_provider)
//!     //     .max_decoding_message_size(MAX_MESSAGE_SIZE)
//!     //     .max_encoding_message_size(MAX_MESSAGE_SIZE))
//!     Routes::default()
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     let opts = ServeOptions::new(
//!         "terraform-provider-example",
//!         env!("CARGO_PKG_VERSION"),
//!         "registry.terraform.io/example/example",
//!     );
//!     run(opts, provider_routes)
//! }
//! ```
//!
//! This module adds `plugin.GRPCController` (Shutdown), `plugin.GRPCStdio` (an empty stream that
//! ends at shutdown) and `grpc.health.v1.Health` (service `plugin` = SERVING).
//! `plugin.GRPCBroker` and anything else unknown answer `UNIMPLEMENTED`.
//!
//! # Lifecycle
//!
//! * Managed mode (started by Terraform): the magic cookie and protocol 6 are required; TLS is
//!   used when `PLUGIN_CLIENT_CERT` is set; **SIGINT is ignored** (Terraform delivers the user's
//!   Ctrl-C to the whole process group and cancels work through `StopProvider` instead);
//!   `Shutdown` or SIGTERM stop the server, and so does the death of the parent process
//!   (Terraform killed with SIGKILL never says goodbye): its pid is polled every
//!   [`PARENT_POLL_INTERVAL`].
//! * Debug mode ([`ServeOptions::debug`]): no cookie needed, always plaintext, the
//!   `TF_REATTACH_PROVIDERS` value is printed for the user, and Ctrl-C stops the server.
//!
//! On stop, in-flight RPCs get up to [`ServeOptions::drain_timeout`] to finish, the unix socket
//! (and its private directory) is removed, and [`run`] returns exit code 0.
//!
//! Nothing but the handshake line is ever written to stdout in managed mode.

use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tonic::codegen::BoxStream;
use tonic::service::Routes;
use tonic::{Request, Response, Status};

use super::handshake::{Environment, HandshakeError, HandshakeLine, Network, reattach_json};
use super::listen;
use super::proto::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::proto::plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use super::proto::plugin::{Empty, StdioData};
use super::tls::{self, TlsError};

pub use super::listen::ConnectionInfo;

/// Message size limit (both directions) for every service on the plugin server: 256 MiB.
/// tonic's default of 4 MiB is too small for large schemas and states.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// Default time in-flight RPCs get to finish once shutdown starts.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(1);

/// How often a managed provider checks that Terraform (its parent process) is still alive.
pub const PARENT_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Health-check service name go-plugin clients ask about.
pub const HEALTH_SERVICE_NAME: &str = "plugin";

/// Exit code for start-up failures (no cookie, unsupported protocol, cannot listen, ...).
pub const EXIT_FAILURE: u8 = 1;

/// Asks the server to stop, and lets anyone wait for that.
///
/// Cloning is cheap; all clones share one state. Requesting shutdown is idempotent.
#[derive(Clone, Debug)]
pub struct ShutdownHandle {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for ShutdownHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl ShutdownHandle {
    /// A handle in the "running" state.
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Requests shutdown: the server stops accepting, drains in-flight RPCs, and exits.
    pub fn shutdown(&self) {
        self.tx.send_replace(true);
    }

    /// Whether shutdown was requested.
    pub fn is_shutdown(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once shutdown is requested (immediately if it already was).
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so this cannot fail while we wait.
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// How to serve: who we are, and debug vs managed mode.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    name: String,
    version: String,
    provider_address: String,
    debug: bool,
    drain_timeout: Duration,
    log_targets: Vec<String>,
}

impl ServeOptions {
    /// `name` is the program name used in messages (e.g. `terraform-provider-example`), `version`
    /// its version, `provider_address` the provider source address used as the key of
    /// `TF_REATTACH_PROVIDERS` in debug mode (e.g. `registry.terraform.io/example/example`).
    pub fn new(
        name: impl Into<String>,
        version: impl Into<String>,
        provider_address: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            provider_address: provider_address.into(),
            debug: false,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            log_targets: Vec::new(),
        }
    }

    /// The `tracing` targets (crate names) logged at the level Terraform asks for; events of
    /// every other crate are logged only up to `WARN`.
    pub fn log_targets<I: IntoIterator<Item = S>, S: Into<String>>(mut self, targets: I) -> Self {
        self.log_targets = targets.into_iter().map(Into::into).collect();
        self
    }

    /// Debug mode: serve plaintext without a Terraform parent and print reattach instructions.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// How long in-flight RPCs may run after shutdown starts before the server exits anyway.
    pub fn drain_timeout(mut self, timeout: Duration) -> Self {
        self.drain_timeout = timeout;
        self
    }

    /// Whether debug mode is on.
    pub fn is_debug(&self) -> bool {
        self.debug
    }
}

/// Why serving failed.
#[derive(Debug)]
pub enum ServeError {
    /// The environment is not a Terraform plugin environment.
    Handshake(HandshakeError),
    /// AutoMTLS could not be set up.
    Tls(TlsError),
    /// No socket could be bound.
    Listen(io::Error),
    /// Signal handlers could not be installed.
    Signal(io::Error),
    /// The handshake line could not be written.
    Stdout(io::Error),
    /// The async runtime could not be built.
    Runtime(io::Error),
    /// The gRPC server failed.
    Transport(tonic::transport::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Handshake(e) => e.fmt(f),
            ServeError::Tls(e) => e.fmt(f),
            ServeError::Listen(e) => write!(f, "cannot listen for Terraform: {e}"),
            ServeError::Signal(e) => write!(f, "cannot install signal handlers: {e}"),
            ServeError::Stdout(e) => write!(f, "cannot write the plugin handshake: {e}"),
            ServeError::Runtime(e) => write!(f, "cannot start the async runtime: {e}"),
            ServeError::Transport(e) => write!(f, "gRPC server error: {e}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Handshake(e) => Some(e),
            ServeError::Tls(e) => Some(e),
            ServeError::Listen(e)
            | ServeError::Signal(e)
            | ServeError::Stdout(e)
            | ServeError::Runtime(e) => Some(e),
            ServeError::Transport(e) => Some(e),
        }
    }
}

impl From<HandshakeError> for ServeError {
    fn from(e: HandshakeError) -> Self {
        ServeError::Handshake(e)
    }
}

impl From<TlsError> for ServeError {
    fn from(e: TlsError) -> Self {
        ServeError::Tls(e)
    }
}

/// The whole plugin process in one call; what `main` uses.
///
/// Installs the hclog logger ([`super::log::init_from_env`]), checks the environment (managed
/// mode) or prepares debug mode, builds a single-threaded tokio runtime, [`serve`]s, and maps
/// the outcome to an exit code: 0 after `Shutdown` / SIGTERM (/ Ctrl-C in debug mode), 1 on
/// any start-up error, whose message goes to stderr.
pub fn run<F>(opts: ServeOptions, routes: F) -> ExitCode
where
    F: FnOnce(ShutdownHandle) -> Routes,
{
    super::log::init_from_env(&opts.name, &opts.log_targets);
    let env = if opts.debug {
        Environment::debug_from_lookup(|k| std::env::var(k).ok())
    } else {
        Environment::from_env()
    };
    let result = match env {
        Err(e) => Err(ServeError::Handshake(e)),
        // One thread: a provider's work is waiting on Terraform and on the API; its CPU per
        // RPC is a fraction of a millisecond (0.21 s over a plan of 500 certificates,
        // scripts/bench-scale), and CPU-heavy work (key generation) goes to `spawn_blocking`.
        // Worker threads cost start-up time and memory at each of the 2-4 starts per command,
        // and tokio's multi-threaded scheduler alone links libm (its poll-time average calls
        // `pow`).
        Ok(env) => match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Err(e) => Err(ServeError::Runtime(e)),
            Ok(rt) => {
                let r = rt.block_on(serve(env, opts, routes));
                // Connection tasks still parked in the runtime are just dropped.
                rt.shutdown_timeout(Duration::from_millis(100));
                r
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the provider could not serve");
            let _ = writeln!(io::stderr().lock(), "{e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Serves until shutdown, on the current tokio runtime.
///
/// `env` is the checked environment ([`Environment::from_env`] for managed mode,
/// [`Environment::debug_from_lookup`] for debug mode); `routes` builds the caller's services
/// (the Provider) and receives the [`ShutdownHandle`] that ends the server. Controller, stdio
/// and health services are added here, so `routes` must not contain them (duplicate routes
/// panic at start-up). `routes` is called before the handshake line is printed, so Terraform
/// only connects once the services exist. Returns once the server has stopped and the socket
/// is removed.
pub async fn serve<F>(env: Environment, opts: ServeOptions, routes: F) -> Result<(), ServeError>
where
    F: FnOnce(ShutdownHandle) -> Routes,
{
    let shutdown = ShutdownHandle::new();
    // Install signal handling before anything is printed: from then on Ctrl-C may arrive.
    spawn_signal_task(shutdown.clone(), opts.debug)?;
    if !opts.debug {
        spawn_parent_watch(shutdown.clone(), PARENT_POLL_INTERVAL);
    }

    let tls = match env.client_cert_pem.as_deref().filter(|_| !opts.debug) {
        None => None,
        Some(pem) => {
            let client_certs = tls::parse_client_certs(pem)?;
            let identity = tls::ServerIdentity::generate()?;
            let config = tls::server_config(&identity, client_certs)?;
            Some((identity, tokio_rustls::TlsAcceptor::from(config)))
        }
    };

    let mut bound = listen::bind(&env).await.map_err(ServeError::Listen)?;

    let routes = routes(shutdown.clone())
        .add_service(
            GrpcControllerServer::new(Controller {
                shutdown: shutdown.clone(),
            })
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(
            GrpcStdioServer::new(Stdio {
                shutdown: shutdown.clone(),
            })
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
        );
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE_NAME, tonic_health::ServingStatus::Serving)
        .await;
    let routes = routes.add_service(
        health_service
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
    );

    if opts.debug {
        print_debug_instructions(&opts, bound.network, &bound.address)
            .map_err(ServeError::Stdout)?;
    } else {
        let line = HandshakeLine {
            protocol_version: env.protocol_version,
            network: bound.network,
            address: bound.address.clone(),
            server_cert_der: tls.as_ref().map(|(id, _)| id.cert_der().to_vec()),
        };
        write_stdout(&format!("{line}\n")).map_err(ServeError::Stdout)?;
    }
    tracing::info!(
        name = %opts.name,
        version = %opts.version,
        network = %bound.network,
        address = %bound.address,
        tls = tls.is_some(),
        debug = opts.debug,
        "provider listening"
    );

    let (tx, rx) = mpsc::channel(16);
    let acceptor = tls.map(|(_, acceptor)| acceptor);
    let accept_task = tokio::spawn(listen::accept_loop(
        bound.listener,
        acceptor,
        tx,
        shutdown.clone(),
    ));

    let server = tonic::transport::Server::builder()
        .add_routes(routes)
        .serve_with_incoming_shutdown(ReceiverStream::new(rx), shutdown.wait());
    let drain_timeout = opts.drain_timeout;
    let drain_deadline = async {
        shutdown.wait().await;
        tokio::time::sleep(drain_timeout).await;
    };
    let result = tokio::select! {
        r = server => r.map_err(ServeError::Transport),
        () = drain_deadline => {
            tracing::warn!("in-flight requests did not finish in time; exiting anyway");
            Ok(())
        }
    };
    accept_task.abort();
    bound.cleanup.run();
    tracing::info!("provider stopped");
    result
}

/// Writes to stdout in one go and flushes.
fn write_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Quotes a string for a POSIX shell (single quotes).
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn print_debug_instructions(
    opts: &ServeOptions,
    network: Network,
    address: &str,
) -> io::Result<()> {
    let json = reattach_json(&opts.provider_address, std::process::id(), network, address);
    write_stdout(&format!(
        "{name} {version} is running in debug mode (pid {pid}), listening on {network} {address}.\n\
         \n\
         To have Terraform use this process instead of starting the provider itself, set this\n\
         environment variable in the shell where you run Terraform:\n\
         \n\
         \x20   export TF_REATTACH_PROVIDERS={quoted}\n\
         \n\
         Press Ctrl-C to stop the provider.\n",
        name = opts.name,
        version = opts.version,
        pid = std::process::id(),
        quoted = shell_quote(&json),
    ))
}

/// Stops the server once the parent process (Terraform) is gone.
///
/// A Terraform killed with SIGKILL never sends `Shutdown`, and its plugin processes are
/// re-parented (to init or a subreaper). Polling the parent pid (a safe std API, no
/// `prctl`) every `interval` notices that within one interval; the server then drains and
/// exits like after `Shutdown`, so no orphan lingers.
#[cfg(unix)]
fn spawn_parent_watch(shutdown: ShutdownHandle, interval: Duration) {
    let parent = std::os::unix::process::parent_id();
    if parent <= 1 {
        // Already orphaned (or started by init itself): nothing to watch.
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = shutdown.wait() => return,
            }
            let now = std::os::unix::process::parent_id();
            if now != parent {
                tracing::warn!(
                    parent,
                    now,
                    "Terraform (the parent process) is gone; stopping"
                );
                shutdown.shutdown();
                return;
            }
        }
    });
}

/// No parent-pid API outside unix: rely on `Shutdown` and the closed connections.
#[cfg(not(unix))]
fn spawn_parent_watch(_shutdown: ShutdownHandle, _interval: Duration) {}

/// Listens for SIGINT / SIGTERM for the life of the process.
#[cfg(unix)]
fn spawn_signal_task(shutdown: ShutdownHandle, debug: bool) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt()).map_err(ServeError::Signal)?;
    let mut sigterm = signal(SignalKind::terminate()).map_err(ServeError::Signal)?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = sigint.recv() => {
                    if debug {
                        tracing::info!("interrupted; stopping");
                        shutdown.shutdown();
                    } else {
                        // Terraform forwards Ctrl-C to the whole process group; it cancels
                        // work through StopProvider and ends us with Shutdown.
                        tracing::debug!("ignoring SIGINT (Terraform manages this process)");
                    }
                }
                Some(()) = sigterm.recv() => {
                    tracing::info!("terminated; stopping");
                    shutdown.shutdown();
                }
                else => return,
            }
        }
    });
    Ok(())
}

/// Listens for Ctrl-C for the life of the process.
#[cfg(not(unix))]
fn spawn_signal_task(shutdown: ShutdownHandle, debug: bool) -> Result<(), ServeError> {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if debug {
                shutdown.shutdown();
                return;
            }
        }
    });
    Ok(())
}

/// `plugin.GRPCController`: `Shutdown` replies, then the server stops.
struct Controller {
    shutdown: ShutdownHandle,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("shutdown requested by the client");
        // The reply still goes out: the server drains in-flight requests before closing.
        self.shutdown.shutdown();
        Ok(Response::new(Empty {}))
    }
}

/// `plugin.GRPCStdio`: we never write to stdout/stderr outside logging, so the stream stays
/// empty; it ends at shutdown (or when the client goes away). Answering instead of returning
/// `UNIMPLEMENTED` spares every Terraform run a "stdio service not available" warning.
struct Stdio {
    shutdown: ShutdownHandle,
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<StdioData>>, Status> {
        let (tx, rx) = mpsc::channel::<Result<StdioData, Status>>(1);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = shutdown.wait() => {}
                () = tx.closed() => {}
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote(r#"{"a":"b"}"#), r#"'{"a":"b"}'"#);
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[tokio::test]
    async fn shutdown_handle() {
        let h = ShutdownHandle::new();
        assert!(!h.is_shutdown());
        let h2 = h.clone();
        let waiter = tokio::spawn(async move { h2.wait().await });
        h.shutdown();
        h.shutdown();
        assert!(h.is_shutdown());
        assert!(waiter.await.is_ok());
        // Already shut down: resolves at once.
        h.wait().await;
    }
}
