//! Tolerant serde helpers for the ambiguities of spec §3 (A13, A15, A16, A23).
//!
//! This crate enables serde_json's `arbitrary_precision`: a JSON number reaching
//! `deserialize_any` (which untagged enums and hand-written visitors use) arrives as a
//! one-entry map, not as `visit_i64`. So every helper that may meet a number first decodes a
//! [`serde_json::Value`] (whose own visitor understands that map) and interprets it; helpers
//! that only meet strings and arrays use plain visitors.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

/// Reads a number, numeric string or null as integer milliseconds / counts (A15).
///
/// - integer → itself; float (`1.721105212E12`) → truncated toward zero;
/// - string → trimmed and parsed the same way; `""` → `None`;
/// - null or absent → `None`;
/// - a non-numeric string (e.g. a formatted date) or an out-of-range number → `None`, so
///   that one odd field never fails a whole response;
/// - booleans, arrays and objects → error.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n
            .as_i64()
            .or_else(|| n.as_f64().and_then(float_to_i64))
            .or_else(|| n.to_string().parse::<f64>().ok().and_then(float_to_i64))),
        Value::String(s) => Ok(str_to_i64(&s)),
        other => Err(de::Error::invalid_type(
            unexpected(&other),
            &"a number, a numeric string or null",
        )),
    }
}

/// Parses a trimmed decimal integer or float string; `None` when it is neither.
pub(crate) fn str_to_i64(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<i64>()
        .ok()
        .or_else(|| t.parse::<f64>().ok().and_then(float_to_i64))
}

fn float_to_i64(f: f64) -> Option<i64> {
    // i64::MAX is not exactly representable; stay strictly inside the range.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_finite() && f.trunc() < LIMIT && f.trunc() >= -LIMIT {
        #[allow(clippy::cast_possible_truncation)]
        Some(f.trunc() as i64)
    } else {
        None
    }
}

/// Reads a string or a number as its text (A23 lenient side: `"5"` or `5`). Null or absent
/// → `""`; a number keeps its exact digits (thanks to `arbitrary_precision`).
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string_or_number(d)?.unwrap_or_default())
}

/// As [`string_or_number`], but null or absent → `None`.
pub(crate) fn opt_string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(de::Error::invalid_type(
            unexpected(&other),
            &"a string, a number or null",
        )),
    }
}

/// Reads `null` (or absence, with `#[serde(default)]`) as `T::default()`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string or an array of strings, as it was on the wire (A13).
#[derive(Debug)]
pub(crate) enum StringOrList {
    /// A single JSON string.
    One(String),
    /// A JSON array of strings (null elements dropped).
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StringOrList, E> {
                Ok(StringOrList::One(s.to_owned()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<StringOrList, E> {
                Ok(StringOrList::One(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringOrList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<Option<String>>()? {
                    if let Some(s) = item {
                        out.push(s);
                    }
                }
                Ok(StringOrList::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads a list of strings that may also arrive as a single string or null: null → `[]`,
/// `"x"` → `["x"]`, `""` → `[]`.
pub(crate) fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<StringOrList>::deserialize(d)? {
        None => Vec::new(),
        Some(StringOrList::One(s)) if s.is_empty() => Vec::new(),
        Some(StringOrList::One(s)) => vec![s],
        Some(StringOrList::Many(v)) => v,
    })
}

/// The serde `Unexpected` for a JSON value, for error messages.
pub(crate) fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// Declares a wire enum of string values with an `Unknown(String)` fallback, plus `as_str`,
/// `from_wire`, `Display`, `From<&str>`, serde impls and a `Default` (= `Unknown("")`,
/// meaning "absent on the wire").
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, matcher = $matcher:path, {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this model does not know, kept verbatim (the API may add values).
            /// `Unknown("")` stands for a field that was absent on the wire.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in spec order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s,
                }
            }

            /// Decodes a wire string; never fails (unknown values become `Unknown`).
            pub fn from_wire(s: &str) -> Self {
                $( if $matcher(s, $wire) { return $name::$variant; } )+
                $name::Unknown(s.to_owned())
            }

            /// Whether this is one of the documented values.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }

            /// Whether the field was absent (or empty) on the wire.
            pub fn is_missing(&self) -> bool {
                matches!(self, $name::Unknown(s) if s.is_empty())
            }
        }

        impl Default for $name {
            /// `Unknown("")`: the field was absent on the wire.
            fn default() -> Self {
                $name::Unknown(String::new())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::from_wire(s)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok($name::from_wire(&s))
            }
        }
    };
}

pub(crate) use string_enum;

/// Exact string comparison, the default matcher for [`string_enum!`].
pub(crate) fn exact(a: &str, b: &str) -> bool {
    a == b
}

/// ASCII case-insensitive comparison (used for `SUCCESS`/`Success`).
pub(crate) fn ignore_ascii_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}
