//! The local Private CA emulator (`pca-emulator`): a faithful stand-in for the NCP Private CA
//! service. It imports only [`crate::api`] and itself (see `ARCHITECTURE.md`).

pub mod pki;
