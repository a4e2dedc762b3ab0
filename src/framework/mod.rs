//! The provider-author API: schemas, typed values, diagnostics with attribute paths, the plan
//! engine, resource and data source traits, and the adapter that serves them over
//! [`crate::protocol`]. Knows the Terraform wire but nothing of any particular API.

pub use crate::protocol::value::{Number, Type, Value, msgpack};

pub mod action;
pub mod diag;
pub mod docs;
pub mod ephemeral;
pub mod function;
pub mod identity;
pub mod list;
pub mod path;
pub mod plan;
pub mod provider;
pub mod resource;
pub mod schema;
pub mod server;
pub mod typed;
pub mod validate;
pub mod write_only;

mod convert;
#[cfg(test)]
mod tests;
