//! The Private CA client layer: knows the PCA API, nothing of Terraform. For now it holds the
//! connection settings (site → host, endpoint override, credential chain); the signed REST
//! client builds on them.

pub mod settings;

pub use settings::{Credentials, Endpoint, Site};
