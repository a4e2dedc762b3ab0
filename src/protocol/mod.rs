//! The Terraform wire: generated tfplugin6 and go-plugin types, the go-plugin handshake and
//! server, and the value encodings. Imports nothing else from the crate and knows nothing of
//! any particular provider.

pub mod proto;
pub mod value;
