//! Terraform values: the cty-like [`Type`] and [`Value`] model, and their encodings.
//!
//! - [`msgpack`]: the `DynamicValue.msgpack` wire form (unknowns, refined unknowns, dynamic
//!   values wrapped with their type, numbers without precision loss);
//! - [`json`]: the JSON form used by raw state (`RawState.json`) and by `DynamicValue.json`;
//! - [`Type::to_json`] / [`Type::from_json`]: the cty type JSON carried in schemas.
//!
//! This module knows nothing about any particular provider.

pub mod json;
pub mod msgpack;
mod number;
mod types;

pub use number::Number;
pub use types::{Type, TypeError};

use std::collections::BTreeMap;

/// A Terraform value. Values carry no type of their own: they are interpreted against a
/// [`Type`] (the schema). The only exception is [`Value::Dynamic`], a known value whose
/// static type is `dynamic` and which therefore records its concrete type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null of any type.
    Null,
    /// A value not known until apply (any msgpack extension on the wire).
    Unknown,
    /// A boolean.
    Bool(bool),
    /// A number, kept exactly as Terraform sent it.
    Number(Number),
    /// A string.
    String(String),
    /// A list or tuple: elements in order.
    List(Vec<Value>),
    /// A set: elements in the order they arrived (order carries no meaning).
    Set(Vec<Value>),
    /// A map or object: string keys in sorted order.
    Map(BTreeMap<String, Value>),
    /// A known value at a `dynamic` position, with its concrete type.
    Dynamic(Type, Box<Value>),
}

impl Value {
    /// True for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for [`Value::Unknown`] (not looking inside collections).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// The attribute map of an object value, if this is one.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The attribute named `name` of an object value (`None` when not an object or absent).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(name))
    }

    /// The string inside, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool inside, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number inside, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}
