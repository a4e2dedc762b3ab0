//! `terraform-provider-pca`: a Terraform provider for NAVER Cloud Platform Private CA.
//!
//! Layers (see `ARCHITECTURE.md`): [`protocol`] is the Terraform wire, [`framework`] the
//! provider-author API; [`provider`] is the `pca` provider itself.

pub mod client;
pub mod data_sources;
pub mod framework;
pub mod protocol;
pub mod provider;
