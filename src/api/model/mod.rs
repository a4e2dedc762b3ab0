//! Serde models of every request and response of the 24 operations (spec §2), and the
//! `{code, msg, data}` envelope (§1.5).
//!
//! # Naming scheme
//!
//! | name | what |
//! |------|------|
//! | `<Operation>Request` | JSON body of the operations that send one (9 of them) |
//! | `<Operation>Query` | query parameters (Create CA, Get CA List, Get End Cert List, Sign End Csr), with `to_pairs()` in wire order for [`query_string`](crate::api::uri::query_string) |
//! | `<Operation>Response` | type alias `Envelope<payload>`: the whole response body, for all 24 operations |
//! | `<Operation>Data` | an operation-specific `data` payload |
//!
//! Shared payloads keep a domain name: [`CaRecord`] (`{caInfo, caCertInfo}` of Create CA,
//! Get CA, Activate Sub CA and the Get CA List items), [`SignCsrData`] (Sign Sub Csr, Sign End
//! Csr), [`CrlConfig`] (Get / Update CRL Config), [`CaUser`] (Get CA User List items),
//! `String` (Get CA Chain, Get CA CRL) and [`NoData`] (`data: null`).
//!
//! # Wire conventions
//!
//! - Keys are camelCase as in the spec (the one exception: `ocsp_servers`, §2.19).
//! - **Requests** encode exactly what the spec's examples show: required members always,
//!   optional members only when `Some`. Required members are plain types that decode from an
//!   absent key as their empty value (`""`, `Unknown("")`, [`Period::Other("")`](Period),
//!   empty `x509Parameters`) so the emulator can answer the right `EMPTY_*` code (§1.7.2).
//! - **Responses** are tolerant: every member is optional (docs disagree between editions,
//!   and list examples are partial), unknown keys are ignored, and the ambiguities of §3 have
//!   the readings documented on each type (A13 `caChain`, A15 dates, A16 `mbrNo`, A17 Update
//!   CA shapes, A23 string-or-number). `None` members are omitted when encoding, except where
//!   the spec shows an explicit `null` (`data`, `caInfo.destroyDate`, `caCertInfo`).
//! - Enumerations (`caType`, `status`, `keyType`) keep unknown values in `Unknown(String)`.

mod ca;
mod certificate;
mod common;
mod ocsp;
mod user;

pub use ca::*;
pub use certificate::*;
pub use common::*;
pub use ocsp::*;
pub use user::*;
