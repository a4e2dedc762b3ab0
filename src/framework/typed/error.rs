//! Conversion errors and the path to where they happened.

use std::fmt;

use serde::de::{self};
use serde::ser::{self};

/// One step of the path to the place in a value where a [`BridgeError`] happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute (a struct field): `.name`.
    Attr(String),
    /// A list, tuple or set element: `[2]`.
    Index(usize),
    /// A map element: `["key"]`.
    Key(String),
}

/// A conversion between a typed model and a [`Value`](crate::protocol::value::Value) failed.
///
/// Its `Display` is `path: message` (or just the message at the root), for example
/// `subject.common_name: value is unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BridgeError {
    path: Vec<PathStep>,
    message: String,
}

impl BridgeError {
    /// An error at the root of the value.
    ///
    /// ```
    /// # use pca::framework::typed::BridgeError;
    /// let e = BridgeError::new("bad");
    /// assert_eq!(e.to_string(), "bad");
    /// assert!(e.path().is_empty());
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        BridgeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The path from the root of the value to where the error happened, outermost first.
    pub fn path(&self) -> &[PathStep] {
        &self.path
    }

    /// The message without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path in Terraform notation (`subject.common_name`, `alt_names[2]`, `tags["k"]`);
    /// empty at the root.
    ///
    /// ```
    /// # use pca::framework::typed::{from_value, BridgeError};
    /// # use pca::protocol::value::Value;
    /// let v = Value::List(vec![Value::from("a"), Value::Unknown]);
    /// let e = from_value::<Vec<String>>(&v).unwrap_err();
    /// assert_eq!(e.path_string(), "[1]");
    /// assert_eq!(e.to_string(), "[1]: value is unknown");
    /// ```
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                PathStep::Attr(name) if out.is_empty() => out.push_str(name),
                PathStep::Attr(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                PathStep::Index(i) => out.push_str(&format!("[{i}]")),
                PathStep::Key(k) => out.push_str(&format!("[{k:?}]")),
            }
        }
        out
    }

    /// This error, one step further down: `step` is prepended to the path.
    pub(super) fn within(mut self, step: PathStep) -> Self {
        self.path.insert(0, step);
        self
    }
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path_string(), self.message)
        }
    }
}

impl std::error::Error for BridgeError {}

impl de::Error for BridgeError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        BridgeError::new(msg.to_string())
    }
}

impl ser::Error for BridgeError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        BridgeError::new(msg.to_string())
    }
}

pub(super) type Result<T, E = BridgeError> = std::result::Result<T, E>;
