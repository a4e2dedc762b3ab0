//! Placeholder: the handshake benchmark lands with its own commit.
fn main() {}
