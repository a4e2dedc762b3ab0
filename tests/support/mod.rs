//! Helpers shared by integration tests and benchmarks (`mod support;`).
//!
//! Not every test crate uses every helper.
#![allow(dead_code, unreachable_pub)]

pub mod crl;
pub mod emulator;
pub mod openssl;
pub mod plugin;
pub mod secrets;
pub mod terraform;
