//! The Terraform wire: generated tfplugin6 and go-plugin types, the go-plugin handshake and
//! server, and the value encodings. Imports nothing else from the crate and knows nothing of
//! any particular provider.
//!
//! go-plugin side: [`handshake`] (environment, version negotiation, handshake line),
//! [`tls`] (AutoMTLS), [`server`] (the gRPC server, side services, lifecycle; entry points
//! [`run`] and [`serve`]) and [`log`] (hclog JSON logging on stderr).

pub mod handshake;
mod listen;
pub mod log;
pub mod proto;
pub mod server;
pub mod tls;
pub mod value;

pub use server::{MAX_MESSAGE_SIZE, ServeError, ServeOptions, ShutdownHandle, run, serve};
