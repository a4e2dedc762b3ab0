//! Terraform msgpack codec (in progress).
