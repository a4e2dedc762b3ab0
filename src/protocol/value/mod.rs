//! Terraform values: the cty-like [`Type`] and [`Value`] model, and their encodings.
//!
//! - [`msgpack`]: the `DynamicValue.msgpack` wire form (unknowns, refined unknowns, dynamic
//!   values wrapped with their type, numbers without precision loss);
//! - [`json`]: the JSON form used by raw state (`RawState.json`) and by `DynamicValue.json`;
//! - [`Type::to_json`] / [`Type::from_json`]: the cty type JSON carried in schemas.
//!
//! Both codecs are schema-driven (they take the expected [`Type`]) and report failures as a
//! [`CodecError`] that carries the path to the offending value.
//!
//! This module knows nothing about any particular provider.

mod error;
pub mod json;
pub mod msgpack;
mod number;
#[cfg(test)]
mod proptests;
mod types;

pub use error::CodecError;
pub use number::Number;
pub use types::{Type, TypeError};

use std::collections::BTreeMap;

/// A Terraform value. Values carry no type of their own: they are interpreted against a
/// [`Type`] (the schema). The only exception is [`Value::Dynamic`], a known value whose
/// static type is `dynamic` and which therefore records its concrete type.
///
/// Equality is semantic: sets compare as multisets (element order ignored), numbers compare
/// numerically (`Int(1) == Float(1.0)`), dynamic values compare type and value, and
/// everything else compares structurally (a `List` never equals a `Set`).
#[derive(Debug, Clone)]
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

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Unknown, Value::Unknown) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => multiset_eq(a, b),
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a == b,
            _ => false,
        }
    }
}

/// True when `b` is a permutation of `a` under [`Value`]'s equality. Greedy matching is
/// enough because that equality is an equivalence: equal elements are interchangeable.
fn multiset_eq(a: &[Value], b: &[Value]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    'next: for x in a {
        for (y, taken) in b.iter().zip(used.iter_mut()) {
            if !*taken && x == y {
                *taken = true;
                continue 'next;
            }
        }
        return false;
    }
    true
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

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: Vec<Value>) -> Value {
        Value::Set(v)
    }

    #[test]
    fn sets_ignore_order() {
        let a = set(vec![Value::from("a"), Value::from("b"), Value::from("a")]);
        let b = set(vec![Value::from("a"), Value::from("a"), Value::from("b")]);
        assert_eq!(a, b);
    }

    #[test]
    fn sets_are_multisets() {
        let a = set(vec![Value::from("a"), Value::from("a"), Value::from("b")]);
        let b = set(vec![Value::from("a"), Value::from("b"), Value::from("b")]);
        assert_ne!(a, b);
        assert_ne!(
            set(vec![Value::from("a")]),
            set(vec![Value::from("a"), Value::from("a")])
        );
    }

    #[test]
    fn nested_sets_use_semantic_equality() {
        let a = set(vec![
            set(vec![Value::Number(Number::Float(1.0)), Value::from(2)]),
            Value::Null,
        ]);
        let b = set(vec![Value::Null, set(vec![Value::from(2), Value::from(1)])]);
        assert_eq!(a, b);
    }

    #[test]
    fn numbers_compare_numerically() {
        assert_eq!(Value::from(1), Value::Number(Number::Float(1.0)));
        assert_eq!(
            Value::Number(Number::Big("1e400".into())),
            Value::Number(Number::Big("10e399".into()))
        );
        assert_eq!(
            Value::Number(Number::UInt(u64::MAX)),
            Value::Number(Number::Big(u64::MAX.to_string()))
        );
        assert_ne!(Value::from(1), Value::from(2));
    }

    #[test]
    fn lists_keep_order_and_kinds_differ() {
        let l = |v| Value::List(v);
        assert_ne!(
            l(vec![Value::from(1), Value::from(2)]),
            l(vec![Value::from(2), Value::from(1)])
        );
        assert_ne!(Value::List(vec![]), Value::Set(vec![]));
        assert_ne!(Value::Null, Value::Unknown);
        assert_ne!(Value::Map(BTreeMap::new()), Value::List(vec![]));
    }

    #[test]
    fn dynamic_compares_type_and_value() {
        let d = |t, v| Value::Dynamic(t, Box::new(v));
        assert_eq!(
            d(Type::Number, Value::from(1)),
            d(Type::Number, Value::Number(Number::Float(1.0)))
        );
        assert_ne!(d(Type::String, Value::Null), d(Type::Number, Value::Null));
        assert_ne!(d(Type::String, Value::from("x")), Value::from("x"));
    }

    #[test]
    fn maps_compare_values_semantically() {
        let a: BTreeMap<String, Value> =
            [("k".to_owned(), set(vec![Value::from(1), Value::from(2)]))]
                .into_iter()
                .collect();
        let b: BTreeMap<String, Value> =
            [("k".to_owned(), set(vec![Value::from(2), Value::from(1)]))]
                .into_iter()
                .collect();
        assert_eq!(Value::Map(a), Value::Map(b));
    }
}
