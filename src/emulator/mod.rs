//! The local Private CA emulator (`pca-emulator`): a faithful stand-in for the NCP Private
//! CA service, for tests and offline use.
//!
//! - [`router`] builds the whole HTTP service from an [`EmuState`] (tests call it
//!   in-process); [`start`] binds, serves in the background and returns a [`Running`]
//!   handle; [`serve`] is the binary's entry point (ready line, signals).
//! - `/api/v1/…`: all 24 operations of [`api::ops::ALL`](crate::api::ops::ALL), behind the
//!   gateway: injected faults and latency first, then signature v2 authentication
//!   ([`auth`]), then routing with [`api::ops::find`](crate::api::ops::find) to one handler
//!   per operation, named like the client's operations.
//! - `/ext/{caTag}/ocsp` (RFC 6960 responder, GET and POST), `/ext/{caTag}/crl` (DER CRL,
//!   the CRL distribution point) and `/ext/{caTag}/ca` (DER CA certificate, AIA
//!   caIssuers): unauthenticated, like NCP's public endpoints.
//! - State lives in SQLite (module `store`: WAL on disk, or in
//!   memory); the clock and the ID generator are injectable ([`state`]).
//! - Errors: one enum, [`EmuError`], turned into a response in one place ([`error`]).
//! - The emulator's own protective limits (body size, JSON depth, URI and header size, open
//!   connections; not catalogue rows) live in [`limits`], each answered with a clear 4xx
//!   (or a 503 for the connection cap).
//!
//! Layering: this module imports only `crate::emulator` and `crate::api`, never the client.
//! The X.509 work (keys, certificates, CSRs, CRLs, OCSP) is the [`pki`] engine's.

pub mod auth;
pub mod config;
pub mod error;
mod handlers;
pub mod limits;
pub mod pki;
pub mod state;
mod store;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Command, Config};
pub use error::EmuError;
pub use handlers::MAX_BODY_BYTES;
pub use state::{Clock, EmuState, IdGenerator, ManualClock, RandomIds, SystemClock};
pub use store::DB_FILE;

use crate::api::ops::Operation;

/// Whether the emulator has a handler for an operation (the contract test walks
/// [`api::ops::ALL`](crate::api::ops::ALL) with it).
pub fn serves(op: &Operation) -> bool {
    handlers::handler(op).is_some()
}

async fn no_route() -> Response {
    (axum::http::StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// The complete HTTP service over a state: `/api/v1` behind the gateway (faults, latency,
/// authentication) and the public `/ext` endpoints.
pub fn router(state: EmuState) -> Router {
    let api = Router::new()
        .route("/api/v1", any(handlers::dispatch))
        .route("/api/v1/{*rest}", any(handlers::dispatch))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), auth::gateway));
    let ext = Router::new()
        .route(
            "/ext/{caTag}/ocsp",
            get(handlers::ocsp::ocsp_get_empty).post(handlers::ocsp::ocsp_post),
        )
        .route(
            "/ext/{caTag}/ocsp/{*request}",
            get(handlers::ocsp::ocsp_get),
        )
        .route("/ext/{caTag}/crl", get(handlers::ocsp::crl_der))
        .route("/ext/{caTag}/ca", get(handlers::ocsp::ca_cert_der));
    api.merge(ext)
        .fallback(no_route)
        .layer(middleware::from_fn(limits::guard))
        .with_state(state)
}

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// The configuration is inconsistent.
    Config(String),
    /// The listen address could not be bound.
    Bind(io::Error),
    /// The store could not be opened.
    Store(EmuError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Config(m) => write!(f, "invalid configuration: {m}"),
            StartError::Bind(e) => write!(f, "cannot listen: {e}"),
            StartError::Store(e) => write!(f, "cannot open the store: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A running emulator (see [`start`]).
#[derive(Debug)]
pub struct Running {
    /// The base URL, e.g. `http://127.0.0.1:8700` (no trailing `/`).
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    /// The shared state (clock, faults, configuration).
    pub state: EmuState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl Running {
    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.map_err(io::Error::other)?
    }
}

/// Binds `config.listen`, opens the store and serves in a background task, with the
/// system clock and OS-seeded IDs.
pub async fn start(config: Config) -> Result<Running, StartError> {
    start_with(
        config,
        Arc::new(SystemClock),
        Arc::new(RandomIds::from_os()),
    )
    .await
}

/// As [`start`], with a given clock and ID generator (tests).
pub async fn start_with(
    config: Config,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
) -> Result<Running, StartError> {
    config.validate().map_err(StartError::Config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(StartError::Bind)?;
    let addr = listener.local_addr().map_err(StartError::Bind)?;
    let base_url = format!("http://{addr}");
    let state =
        tokio::task::spawn_blocking(move || EmuState::open_with(&config, &base_url, clock, ids))
            .await
            .map_err(|e| StartError::Store(EmuError::internal(e)))?
            .map_err(StartError::Store)?;
    let app = router(state.clone()).into_make_service_with_connect_info::<limits::Slot>();
    let listener = limits::CountingListener::new(listener, state.config().max_connections);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running {
        base_url: format!("http://{addr}"),
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}

/// Runs the emulator until SIGINT or SIGTERM: prints the credentials in use on stderr and
/// exactly one line `pca-emulator listening on <base URL>` on stdout when ready.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let default_creds = config.access_key == config::DEFAULT_ACCESS_KEY
        && config.secret_key == config::DEFAULT_SECRET_KEY;
    let running = start(config).await?;
    let cfg = running.state.config();
    if default_creds {
        eprintln!(
            "pca-emulator: default (fake) credentials: access key {} / secret key {}",
            cfg.access_key, cfg.secret_key
        );
    } else {
        eprintln!(
            "pca-emulator: access key {} (secret key as configured, not shown)",
            cfg.access_key
        );
    }
    for a in running.state.sub_accounts() {
        eprintln!(
            "pca-emulator: sub account {} (id {}; secret key not shown)",
            a.access_key, a.id_no
        );
    }
    if cfg.clock_offset_secs != 0 {
        eprintln!(
            "pca-emulator: clock shifted by {} s (--clock-offset)",
            cfg.clock_offset_secs
        );
    }
    match running.state.store_path() {
        Some(p) => eprintln!("pca-emulator: data in {}", p.display()),
        None => eprintln!("pca-emulator: data in memory (use --data-dir to persist)"),
    }
    {
        use std::io::Write as _;
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "pca-emulator listening on {}", running.base_url);
        let _ = out.flush();
    }
    wait_for_signal().await;
    eprintln!("pca-emulator: shutting down");
    running.shutdown().await.map_err(StartError::Bind)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
