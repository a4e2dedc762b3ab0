//! `terraform-provider-pca`: a Terraform provider for NAVER Cloud Platform Private CA.
//!
//! Layers (see `ARCHITECTURE.md`): [`protocol`] is the Terraform wire, [`framework`] the
//! provider-author API; [`provider`] is the `pca` provider itself. [`api`] is the Private CA
//! wire contract (pure data), shared by [`client`] and the emulator.

pub mod actions;
pub mod api;
pub mod client;
pub mod data_sources;
pub mod emulator;
pub mod ephemeral;
pub mod framework;
pub mod functions;
pub mod list;
pub mod protocol;
pub mod provider;
pub mod resources;
