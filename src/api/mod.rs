//! The Private CA wire contract: pure data and pure functions, shared by the typed HTTP
//! client and the local emulator, which meet only here.
//!
//! Source of truth: `pca-api.md` (the project's API reference); every type names the section
//! it comes from (`§2.11`, `A13`, …).
//!
//! - [`model`]: serde request/response models for all 24 operations and the
//!   `{code, msg, data}` envelope (§1.5), tolerant where the spec records ambiguity (§3);
//! - [`catalogue`]: the service's 70-row error catalogue (§1.7.1): status and exact message
//!   per row;
//! - [`error`]: error bodies (§1.6) and the `code` catalogue (§1.7.2) with the emulator's
//!   recommended HTTP status and message for each code;
//! - [`ops`]: the operation table (name, method, path template, idempotency) and path
//!   building;
//! - [`uri`]: RFC 3986 percent-encoding and the deterministic query-string builder;
//! - [`signing`]: the signature v2 string to sign, HMAC-SHA256 signature and verification
//!   (§1.2–§1.4);
//! - [`limits`]: the documented limits and validation rules (§1.8);
//! - [`profile`]: the certificate-profile members of Issue End Cert (URI and other-name
//!   SANs, key usages), their wire spellings and checks.
//!
//! Rules of this layer: no I/O, no clock, no randomness, no panics; it imports nothing else
//! from the crate.

pub mod catalogue;
pub mod error;
mod lenient;
pub mod limits;
pub mod model;
pub mod ops;
pub mod profile;
pub mod signing;
pub mod uri;

pub use error::{ErrorBody, ErrorCode};
pub use model::Envelope;
pub use ops::{API_PREFIX, Method, Operation};
