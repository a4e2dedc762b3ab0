//! Terraform JSON value codec (in progress).
