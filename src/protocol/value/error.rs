//! The error shared by the value codecs, carrying the path to the offending value.

use std::fmt;

use super::{Type, Value};

/// A value that could not be decoded from, or encoded to, a wire form.
///
/// The path uses Terraform's notation: `.name` for an object attribute, `[3]` for a list,
/// set or tuple element (sets by position on the wire) and `["key"]` for a map element. It
/// is empty for the value itself. [`Display`](fmt::Display) renders
/// `at .subject.common_name: expected string, got integer`, or only the message when the
/// path is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    path: String,
    message: String,
}

impl CodecError {
    /// An error about the value at the root of the path being built.
    pub(crate) fn new(message: impl Into<String>) -> CodecError {
        CodecError {
            path: String::new(),
            message: message.into(),
        }
    }

    /// The path to the offending value (empty for the top-level value).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the path with an object attribute step.
    pub(crate) fn at_attr(mut self, name: &str) -> CodecError {
        self.path.insert_str(0, &format!(".{name}"));
        self
    }

    /// Prefixes the path with a list, set or tuple element step.
    pub(crate) fn at_index(mut self, index: usize) -> CodecError {
        self.path.insert_str(0, &format!("[{index}]"));
        self
    }

    /// Prefixes the path with a map element step.
    pub(crate) fn at_key(mut self, key: &str) -> CodecError {
        self.path.insert_str(0, &format!("[{key:?}]"));
        self
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}

/// The short name of a type's kind, for messages (`string`, `list`, `object`, ...).
pub(crate) fn type_kind(ty: &Type) -> &'static str {
    match ty {
        Type::String => "string",
        Type::Number => "number",
        Type::Bool => "bool",
        Type::Dynamic => "dynamic",
        Type::List(_) => "list",
        Type::Set(_) => "set",
        Type::Map(_) => "map",
        Type::Object(_) => "object",
        Type::Tuple(_) => "tuple",
    }
}

/// The short name of a value's variant, for messages.
pub(crate) fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Dynamic(..) => "dynamic value",
    }
}

/// The encode error for a value that does not fit the type.
pub(crate) fn mismatch(ty: &Type, v: &Value) -> CodecError {
    CodecError::new(format!(
        "expected {} value, got {}",
        type_kind(ty),
        value_kind(v)
    ))
}
