//! The msgpack form of Terraform values (`DynamicValue.msgpack`), as cty writes it.
//!
//! | Terraform              | msgpack                                                      |
//! |------------------------|--------------------------------------------------------------|
//! | null (any type)        | nil                                                          |
//! | unknown (any type)     | any extension on decode (`d4 00 00`, refined-unknown ext 12, ...); always `d4 00 00` on encode |
//! | string                 | str (bin holding UTF-8 accepted on decode)                   |
//! | bool                   | bool                                                         |
//! | number                 | int, uint, float32/float64, or a decimal str                 |
//! | list, set, tuple       | array (tuple length checked)                                 |
//! | map, object            | map with string keys (object attributes all present, sorted) |
//! | known dynamic          | `[type JSON as bin, value encoded for that type]`            |
//!
//! Refinements carried by a refined unknown (ext 12) are not kept: it decodes to plain
//! [`Value::Unknown`].

use std::collections::BTreeMap;

use rmpv::Value as Raw;

use super::error::{mismatch, type_kind, value_kind};
use super::{CodecError, Number, Type, Value};

/// The error [`decode`] returns (the shared [`CodecError`]).
pub type DecodeError = CodecError;

/// The error [`encode`] returns (the shared [`CodecError`]).
pub type EncodeError = CodecError;

/// Maximum msgpack nesting accepted by [`decode`]. rmpv counts strings and binaries as a
/// level too, so this allows roughly this many nested collections.
const MAX_DEPTH: usize = 256;

/// Decodes `bytes` as a value of type `ty`. Empty input decodes to [`Value::Null`]; trailing
/// bytes after the value are an error.
pub fn decode(ty: &Type, bytes: &[u8]) -> Result<Value, DecodeError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rest = bytes;
    let raw = rmpv::decode::read_value_with_max_depth(&mut rest, MAX_DEPTH)
        .map_err(|e| CodecError::new(format!("invalid msgpack: {e}")))?;
    if !rest.is_empty() {
        return Err(CodecError::new(format!(
            "invalid msgpack: {} trailing bytes after the value",
            rest.len()
        )));
    }
    from_raw(ty, raw)
}

/// Encodes `v` as a value of type `ty`.
///
/// Every attribute of an object type must be present in the value's map (use
/// [`Value::Null`] for absent ones); attributes not in the type are an error. At a `dynamic`
/// position a known value must be a [`Value::Dynamic`] recording its type, except that a bare
/// [`Value::String`], [`Value::Bool`] or [`Value::Number`] is accepted as a convenience and
/// written with type `string`, `bool` or `number`. Conversely a [`Value::Dynamic`] at a
/// position of exactly its recorded type is accepted and written as its inner value. Lists
/// and sets are interchangeable on encode: `Value::List` and `Value::Set` both fit list, set
/// and tuple types.
pub fn encode(ty: &Type, v: &Value) -> Result<Vec<u8>, EncodeError> {
    let raw = to_raw(ty, v)?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &raw)
        .map_err(|e| CodecError::new(format!("msgpack write failed: {e}")))?;
    Ok(out)
}

/// The msgpack kind of a raw value, for messages.
fn raw_kind(v: &Raw) -> &'static str {
    match v {
        Raw::Nil => "nil",
        Raw::Boolean(_) => "boolean",
        Raw::Integer(_) => "integer",
        Raw::F32(_) | Raw::F64(_) => "float",
        Raw::String(_) => "string",
        Raw::Binary(_) => "binary",
        Raw::Array(_) => "array",
        Raw::Map(_) => "map",
        Raw::Ext(..) => "extension",
    }
}

fn unexpected(expected: &str, got: &Raw) -> CodecError {
    CodecError::new(format!("expected {expected}, got {}", raw_kind(got)))
}

/// A msgpack str or bin as a Rust string.
fn raw_string(v: Raw, what: &str) -> Result<String, CodecError> {
    match v {
        Raw::String(s) => match s.into_str() {
            Some(s) => Ok(s),
            None => Err(CodecError::new(format!("{what} is not valid UTF-8"))),
        },
        Raw::Binary(b) => {
            String::from_utf8(b).map_err(|_| CodecError::new(format!("{what} is not valid UTF-8")))
        }
        other => Err(unexpected(what, &other)),
    }
}

fn from_raw(ty: &Type, v: Raw) -> Result<Value, CodecError> {
    match v {
        Raw::Nil => return Ok(Value::Null),
        Raw::Ext(..) => return Ok(Value::Unknown),
        _ => {}
    }
    match ty {
        Type::String => raw_string(v, "string").map(Value::String),
        Type::Bool => match v {
            Raw::Boolean(b) => Ok(Value::Bool(b)),
            other => Err(unexpected("bool", &other)),
        },
        Type::Number => number_from_raw(v).map(Value::Number),
        Type::List(elem) => elements(elem, v, "list").map(Value::List),
        Type::Set(elem) => elements(elem, v, "set").map(Value::Set),
        Type::Tuple(elems) => {
            let Raw::Array(items) = v else {
                return Err(unexpected("array for a tuple", &v));
            };
            if items.len() != elems.len() {
                return Err(CodecError::new(format!(
                    "expected a tuple of {} elements, got {}",
                    elems.len(),
                    items.len()
                )));
            }
            let out = elems
                .iter()
                .zip(items)
                .enumerate()
                .map(|(i, (t, x))| from_raw(t, x).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?;
            Ok(Value::List(out))
        }
        Type::Map(elem) => {
            let Raw::Map(entries) = v else {
                return Err(unexpected("map", &v));
            };
            let mut out = BTreeMap::new();
            for (k, x) in entries {
                let key = raw_string(k, "string map key")?;
                let val = from_raw(elem, x).map_err(|e| e.at_key(&key))?;
                if out.contains_key(&key) {
                    return Err(CodecError::new(format!("duplicate map key {key:?}")));
                }
                out.insert(key, val);
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let Raw::Map(entries) = v else {
                return Err(unexpected("map for an object", &v));
            };
            let mut out = BTreeMap::new();
            for (k, x) in entries {
                let name = raw_string(k, "string attribute name")?;
                let Some(aty) = attrs.get(&name) else {
                    return Err(CodecError::new(format!("unsupported attribute {name:?}")));
                };
                let val = from_raw(aty, x).map_err(|e| e.at_attr(&name))?;
                if out.contains_key(&name) {
                    return Err(CodecError::new(format!("duplicate attribute {name:?}")));
                }
                out.insert(name, val);
            }
            if let Some(missing) = attrs.keys().find(|k| !out.contains_key(*k)) {
                return Err(CodecError::new(format!("missing attribute {missing:?}")));
            }
            Ok(Value::Map(out))
        }
        Type::Dynamic => {
            let Raw::Array(pair) = v else {
                return Err(unexpected("[type, value] array for a dynamic value", &v));
            };
            let [type_json, inner] = <[Raw; 2]>::try_from(pair).map_err(|p| {
                CodecError::new(format!(
                    "expected [type, value] array for a dynamic value, got {} elements",
                    p.len()
                ))
            })?;
            let concrete = match type_json {
                Raw::Binary(b) => Type::from_json(&b),
                Raw::String(s) => Type::from_json(s.as_bytes()),
                other => return Err(unexpected("type JSON for a dynamic value", &other)),
            }
            .map_err(|e| CodecError::new(format!("dynamic value: {e}")))?;
            let inner = from_raw(&concrete, inner)?;
            Ok(Value::Dynamic(concrete, Box::new(inner)))
        }
    }
}

/// The elements of a list or set.
fn elements(elem: &Type, v: Raw, what: &str) -> Result<Vec<Value>, CodecError> {
    let Raw::Array(items) = v else {
        return Err(unexpected(&format!("array for a {what}"), &v));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, x)| from_raw(elem, x).map_err(|e| e.at_index(i)))
        .collect()
}

fn float_number(f: f64) -> Result<Number, CodecError> {
    if f.is_nan() {
        return Err(CodecError::new("NaN is not a number"));
    }
    Ok(Number::from_f64(f))
}

fn number_from_raw(v: Raw) -> Result<Number, CodecError> {
    match v {
        Raw::Integer(i) => {
            if let Some(x) = i.as_i64() {
                Ok(Number::Int(x))
            } else if let Some(u) = i.as_u64() {
                Ok(Number::UInt(u))
            } else {
                Err(CodecError::new("integer out of range"))
            }
        }
        Raw::F32(f) => float_number(f64::from(f)),
        Raw::F64(f) => float_number(f),
        Raw::String(s) => {
            let Some(text) = s.as_str() else {
                return Err(CodecError::new("number string is not valid UTF-8"));
            };
            Number::parse(text)
                .ok_or_else(|| CodecError::new(format!("invalid number string {text:?}")))
        }
        other => Err(unexpected("number", &other)),
    }
}

/// The unknown value marker: extension type 0 with a single zero byte (`d4 00 00`).
fn unknown() -> Raw {
    Raw::Ext(0, vec![0])
}

fn to_raw(ty: &Type, v: &Value) -> Result<Raw, CodecError> {
    match v {
        Value::Null => return Ok(Raw::Nil),
        Value::Unknown => return Ok(unknown()),
        _ => {}
    }
    match (ty, v) {
        (Type::Dynamic, Value::Dynamic(concrete, inner)) => dynamic_pair(concrete, inner),
        (Type::Dynamic, Value::String(_)) => dynamic_pair(&Type::String, v),
        (Type::Dynamic, Value::Bool(_)) => dynamic_pair(&Type::Bool, v),
        (Type::Dynamic, Value::Number(_)) => dynamic_pair(&Type::Number, v),
        (Type::Dynamic, other) => Err(CodecError::new(format!(
            "cannot encode a {} at a dynamic position without its type (wrap it in Value::Dynamic)",
            value_kind(other)
        ))),
        (_, Value::Dynamic(concrete, inner)) if concrete == ty => to_raw(ty, inner),
        (_, Value::Dynamic(concrete, _)) => Err(CodecError::new(format!(
            "expected {} value, got a dynamic value of type {concrete}",
            type_kind(ty)
        ))),
        (Type::String, Value::String(s)) => Ok(Raw::from(s.as_str())),
        (Type::Bool, Value::Bool(b)) => Ok(Raw::Boolean(*b)),
        (Type::Number, Value::Number(n)) => number_to_raw(n),
        (Type::List(elem) | Type::Set(elem), Value::List(items) | Value::Set(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| to_raw(elem, x).map_err(|e| e.at_index(i)))
            .collect::<Result<_, _>>()
            .map(Raw::Array),
        (Type::Tuple(elems), Value::List(items) | Value::Set(items)) => {
            if items.len() != elems.len() {
                return Err(CodecError::new(format!(
                    "expected a tuple of {} elements, got {}",
                    elems.len(),
                    items.len()
                )));
            }
            elems
                .iter()
                .zip(items)
                .enumerate()
                .map(|(i, (t, x))| to_raw(t, x).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()
                .map(Raw::Array)
        }
        (Type::Map(elem), Value::Map(m)) => m
            .iter()
            .map(|(k, x)| {
                Ok((
                    Raw::from(k.as_str()),
                    to_raw(elem, x).map_err(|e| e.at_key(k))?,
                ))
            })
            .collect::<Result<_, CodecError>>()
            .map(Raw::Map),
        (Type::Object(attrs), Value::Map(m)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(CodecError::new(format!("unsupported attribute {extra:?}")));
            }
            attrs
                .iter()
                .map(|(name, aty)| {
                    let Some(x) = m.get(name) else {
                        return Err(CodecError::new(format!("missing attribute {name:?}")));
                    };
                    Ok((
                        Raw::from(name.as_str()),
                        to_raw(aty, x).map_err(|e| e.at_attr(name))?,
                    ))
                })
                .collect::<Result<_, _>>()
                .map(Raw::Map)
        }
        _ => Err(mismatch(ty, v)),
    }
}

/// The `[type JSON, value]` pair of a known value at a dynamic position.
fn dynamic_pair(concrete: &Type, inner: &Value) -> Result<Raw, CodecError> {
    Ok(Raw::Array(vec![
        Raw::Binary(concrete.to_json()),
        to_raw(concrete, inner)?,
    ]))
}

fn number_to_raw(n: &Number) -> Result<Raw, CodecError> {
    match n {
        Number::Int(i) => Ok(Raw::from(*i)),
        Number::UInt(u) => Ok(Raw::from(*u)),
        Number::Float(f) if f.is_nan() => Err(CodecError::new("NaN is not a number")),
        Number::Float(f) => Ok(Raw::F64(*f)),
        Number::Big(s) => match Number::parse(s) {
            Some(Number::Big(text)) => Ok(Raw::from(text)),
            Some(compact) => number_to_raw(&compact),
            None => Err(CodecError::new(format!("invalid number {s:?}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    fn num(n: Number) -> Value {
        Value::Number(n)
    }

    fn dynamic(t: Type, v: Value) -> Value {
        Value::Dynamic(t, Box::new(v))
    }

    /// Decodes `bytes`, checks the value, re-encodes and checks the bytes are identical.
    fn both_ways(ty: &Type, bytes: &[u8], v: &Value) {
        assert_eq!(&decode(ty, bytes).unwrap(), v);
        assert_eq!(encode(ty, v).unwrap(), bytes);
    }

    fn err(r: Result<impl std::fmt::Debug, CodecError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn empty_input_is_null() {
        assert_eq!(decode(&Type::String, &[]).unwrap(), Value::Null);
        assert_eq!(
            decode(&Type::object([("a", Type::Number)]), &[]).unwrap(),
            Value::Null
        );
    }

    #[test]
    fn nil_is_null_for_every_type() {
        for ty in [
            Type::String,
            Type::Number,
            Type::Bool,
            Type::Dynamic,
            Type::list(Type::String),
            Type::set(Type::Number),
            Type::map(Type::Bool),
            Type::object([("a", Type::String)]),
            Type::Tuple(vec![Type::String]),
        ] {
            both_ways(&ty, &[0xc0], &Value::Null);
        }
    }

    #[test]
    fn unknown_encodes_as_fixext1_zero() {
        for ty in [
            Type::String,
            Type::Dynamic,
            Type::list(Type::String),
            Type::object([("a", Type::Bool)]),
        ] {
            assert_eq!(encode(&ty, &Value::Unknown).unwrap(), [0xd4, 0x00, 0x00]);
            assert_eq!(decode(&ty, &[0xd4, 0x00, 0x00]).unwrap(), Value::Unknown);
        }
    }

    #[test]
    fn any_extension_decodes_as_unknown() {
        // Refined unknown: ext 12 whose payload is {1: true} (ext 8 form: c7 len type).
        assert_eq!(
            decode(&Type::String, &[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3]).unwrap(),
            Value::Unknown
        );
        // {1: true, 2: "ab"}: not null, string prefix "ab".
        let prefix = [0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc3, 0x02, 0xa2, b'a', b'b'];
        assert_eq!(decode(&Type::String, &prefix).unwrap(), Value::Unknown);
        // {3: 1, 4: 10} number bounds, {5: 0, 6: 3} length bounds, in a 4-byte fixext.
        assert_eq!(
            decode(&Type::Number, &[0xd6, 0x0c, 0x82, 0x03, 0x01, 0x04]).unwrap(),
            Value::Unknown
        );
        let lengths = [0xc7, 0x05, 0x0c, 0x82, 0x05, 0x00, 0x06, 0x03];
        assert_eq!(
            decode(&Type::list(Type::String), &lengths).unwrap(),
            Value::Unknown
        );
        // A refined unknown inside an object.
        let ty = Type::object([("a", Type::String)]);
        let bytes = [0x81, 0xa1, b'a', 0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3];
        assert_eq!(
            decode(&ty, &bytes).unwrap(),
            obj(vec![("a", Value::Unknown)])
        );
        // Other extension types and an empty payload.
        assert_eq!(
            decode(&Type::Bool, &[0xd5, 0x07, 0x01, 0x02]).unwrap(),
            Value::Unknown
        );
        assert_eq!(
            decode(&Type::Bool, &[0xc7, 0x00, 0x00]).unwrap(),
            Value::Unknown
        );
    }

    #[test]
    fn strings() {
        both_ways(&Type::String, b"\xa3abc", &Value::from("abc"));
        both_ways(&Type::String, b"\xa0", &Value::from(""));
        assert_eq!(
            decode(&Type::String, b"\xc4\x03abc").unwrap(),
            Value::from("abc")
        );
        assert!(err(decode(&Type::String, b"\xc4\x02\xff\xfe")).contains("UTF-8"));
        assert!(err(decode(&Type::String, b"\xa2\xff\xfe")).contains("UTF-8"));
        assert_eq!(
            err(decode(&Type::String, &[0x05])),
            "expected string, got integer"
        );
    }

    #[test]
    fn bools() {
        both_ways(&Type::Bool, &[0xc3], &Value::Bool(true));
        both_ways(&Type::Bool, &[0xc2], &Value::Bool(false));
        assert_eq!(
            err(decode(&Type::Bool, b"\xa4true")),
            "expected bool, got string"
        );
    }

    #[test]
    fn integers_use_the_smallest_encoding() {
        let cases: [(i64, &[u8]); 9] = [
            (0, &[0x00]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (-1, &[0xff]),
            (-32, &[0xe0]),
            (200, &[0xcc, 0xc8]),
            (-200, &[0xd1, 0xff, 0x38]),
            (70000, &[0xce, 0x00, 0x01, 0x11, 0x70]),
            (i64::MIN, &[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        ];
        for (i, bytes) in cases {
            both_ways(&Type::Number, bytes, &Value::from(i));
        }
        // Signed codes holding small positives decode too.
        assert_eq!(
            decode(&Type::Number, &[0xd0, 0x05]).unwrap(),
            Value::from(5)
        );
        assert_eq!(
            decode(&Type::Number, &[0xd3, 0, 0, 0, 0, 0, 0, 0, 0x07]).unwrap(),
            Value::from(7)
        );
    }

    #[test]
    fn max_uint() {
        let bytes = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        let v = decode(&Type::Number, &bytes).unwrap();
        assert!(matches!(v, Value::Number(Number::UInt(u64::MAX))));
        both_ways(&Type::Number, &bytes, &num(Number::UInt(u64::MAX)));
    }

    #[test]
    fn floats() {
        let half = [0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0];
        let v = decode(&Type::Number, &half).unwrap();
        assert!(matches!(v, Value::Number(Number::Float(f)) if f == 0.5));
        both_ways(&Type::Number, &half, &num(Number::Float(0.5)));
        // float32 0.5
        assert_eq!(
            decode(&Type::Number, &[0xca, 0x3f, 0x00, 0x00, 0x00]).unwrap(),
            num(Number::Float(0.5))
        );
        // An integral float decodes as an integer.
        let one = [0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(
            decode(&Type::Number, &one).unwrap(),
            Value::Number(Number::Int(1))
        ));
        // Infinities are allowed.
        let inf = [0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0];
        both_ways(&Type::Number, &inf, &num(Number::Float(f64::INFINITY)));
        let neg_inf = [0xcb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0];
        both_ways(
            &Type::Number,
            &neg_inf,
            &num(Number::Float(f64::NEG_INFINITY)),
        );
        // NaN is not.
        assert!(err(decode(&Type::Number, &[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])).contains("NaN"));
        assert!(err(encode(&Type::Number, &num(Number::Float(f64::NAN)))).contains("NaN"));
    }

    #[test]
    fn big_number_strings_keep_their_digits() {
        let text = "123456789012345678901234567890";
        let mut bytes = vec![0xa0 | 30];
        bytes.extend_from_slice(text.as_bytes());
        let v = decode(&Type::Number, &bytes).unwrap();
        assert!(matches!(&v, Value::Number(Number::Big(s)) if s == text));
        assert_eq!(encode(&Type::Number, &v).unwrap(), bytes);

        let frac = "0.1000000000000000000000000001";
        let v = decode(
            &Type::Number,
            &encode(&Type::String, &Value::from(frac)).unwrap(),
        )
        .unwrap();
        assert!(matches!(&v, Value::Number(Number::Big(s)) if s == frac));
        // Small numbers sent as strings become compact.
        assert!(matches!(
            decode(&Type::Number, b"\xa242").unwrap(),
            Value::Number(Number::Int(42))
        ));
        assert_eq!(
            err(decode(&Type::Number, b"\xa3abc")),
            "invalid number string \"abc\""
        );
    }

    #[test]
    fn big_numbers_are_canonicalised_on_encode() {
        // A hand-built Big that fits i64 goes out as an integer.
        assert_eq!(
            encode(&Type::Number, &num(Number::Big("5".into()))).unwrap(),
            [0x05]
        );
        assert!(
            err(encode(&Type::Number, &num(Number::Big("five".into())))).contains("invalid number")
        );
    }

    #[test]
    fn object_with_null_and_unknown_members() {
        let ty = Type::object([
            ("a", Type::String),
            ("b", Type::Number),
            ("c", Type::list(Type::String)),
        ]);
        let bytes = [
            0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xd4, 0x00, 0x00, 0xa1, b'c', 0x92, 0xa1, b'x',
            0xd4, 0x00, 0x00,
        ];
        let v = obj(vec![
            ("a", Value::Null),
            ("b", Value::Unknown),
            ("c", Value::List(vec![Value::from("x"), Value::Unknown])),
        ]);
        both_ways(&ty, &bytes, &v);
    }

    #[test]
    fn object_keys_are_sorted_on_encode_and_any_order_on_decode() {
        let ty = Type::object([("b", Type::Bool), ("a", Type::Bool)]);
        let v = obj(vec![("a", Value::Bool(true)), ("b", Value::Bool(false))]);
        assert_eq!(
            encode(&ty, &v).unwrap(),
            [0x82, 0xa1, b'a', 0xc3, 0xa1, b'b', 0xc2]
        );
        assert_eq!(
            decode(&ty, &[0x82, 0xa1, b'b', 0xc2, 0xa1, b'a', 0xc3]).unwrap(),
            v
        );
    }

    #[test]
    fn object_attribute_errors() {
        let ty = Type::object([("a", Type::String), ("b", Type::String)]);
        assert_eq!(
            err(decode(&ty, &[0x81, 0xa1, b'a', 0xc0])),
            "missing attribute \"b\""
        );
        assert_eq!(
            err(decode(
                &ty,
                &[0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0, 0xa1, b'z', 0xc0]
            )),
            "unsupported attribute \"z\""
        );
        assert!(
            err(decode(&ty, &[0x82, 0xa1, b'a', 0xc0, 0xa1, b'a', 0xc0])).contains("duplicate")
        );
        assert_eq!(
            err(decode(&ty, &[0x81, 0x01, 0xc0])),
            "expected string attribute name, got integer"
        );
        assert_eq!(
            err(encode(&ty, &obj(vec![("a", Value::Null)]))),
            "missing attribute \"b\""
        );
        assert_eq!(
            err(encode(
                &ty,
                &obj(vec![
                    ("a", Value::Null),
                    ("b", Value::Null),
                    ("c", Value::Null)
                ])
            )),
            "unsupported attribute \"c\""
        );
    }

    #[test]
    fn errors_carry_the_path() {
        let ty = Type::object([
            ("subject", Type::object([("common_name", Type::String)])),
            ("tags", Type::map(Type::list(Type::Number))),
        ]);
        let mut bytes = vec![0x82];
        bytes.extend_from_slice(b"\xa7subject\x81\xabcommon_name\x05");
        bytes.extend_from_slice(b"\xa4tags\x80");
        let e = decode(&ty, &bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "at .subject.common_name: expected string, got integer"
        );
        assert_eq!(e.path(), ".subject.common_name");
        assert_eq!(e.message(), "expected string, got integer");

        let v = obj(vec![
            ("subject", obj(vec![("common_name", Value::from("x"))])),
            (
                "tags",
                obj(vec![(
                    "k",
                    Value::List(vec![Value::from(1), Value::from("two")]),
                )]),
            ),
        ]);
        assert_eq!(
            err(encode(&ty, &v)),
            "at .tags[\"k\"][1]: expected number value, got string"
        );
    }

    #[test]
    fn lists_sets_and_tuples() {
        let l = Type::list(Type::Number);
        both_ways(
            &l,
            &[0x92, 0x01, 0x02],
            &Value::List(vec![Value::from(1), Value::from(2)]),
        );
        both_ways(&l, &[0x90], &Value::List(vec![]));
        let s = Type::set(Type::String);
        both_ways(
            &s,
            &[0x92, 0xa1, b'x', 0xa1, b'y'],
            &Value::Set(vec![Value::from("x"), Value::from("y")]),
        );
        // A set decodes in wire order but compares regardless of it.
        assert_eq!(
            decode(&s, &[0x92, 0xa1, b'y', 0xa1, b'x']).unwrap(),
            Value::Set(vec![Value::from("x"), Value::from("y")])
        );
        // Lists and sets are interchangeable on encode.
        assert_eq!(
            encode(&s, &Value::List(vec![Value::from("x")])).unwrap(),
            [0x91, 0xa1, b'x']
        );

        let t = Type::Tuple(vec![Type::String, Type::Number]);
        both_ways(
            &t,
            &[0x92, 0xa1, b'x', 0x01],
            &Value::List(vec![Value::from("x"), Value::from(1)]),
        );
        assert_eq!(
            err(decode(&t, &[0x91, 0xa1, b'x'])),
            "expected a tuple of 2 elements, got 1"
        );
        assert_eq!(
            err(encode(&t, &Value::List(vec![]))),
            "expected a tuple of 2 elements, got 0"
        );
        assert_eq!(
            err(decode(&t, &[0x92, 0x01, 0x01])),
            "at [0]: expected string, got integer"
        );
        assert_eq!(
            err(decode(&l, &[0x80])),
            "expected array for a list, got map"
        );
    }

    #[test]
    fn maps() {
        let ty = Type::map(Type::Number);
        let v = obj(vec![("a", Value::from(1)), ("b", Value::Null)]);
        both_ways(&ty, &[0x82, 0xa1, b'a', 0x01, 0xa1, b'b', 0xc0], &v);
        both_ways(&ty, &[0x80], &Value::Map(BTreeMap::new()));
        // bin keys are accepted
        assert_eq!(
            decode(&ty, &[0x81, 0xc4, 0x01, b'a', 0x01]).unwrap(),
            obj(vec![("a", Value::from(1))])
        );
        assert_eq!(
            err(decode(&ty, &[0x81, 0xc3, 0x01])),
            "expected string map key, got boolean"
        );
        assert!(
            err(decode(&ty, &[0x82, 0xa1, b'a', 0x01, 0xa1, b'a', 0x02]))
                .contains("duplicate map key")
        );
    }

    #[test]
    fn dynamic_pairs() {
        // [bin "\"string\"", "hello"]
        let mut bytes = vec![0x92, 0xc4, 0x08];
        bytes.extend_from_slice(b"\"string\"");
        bytes.extend_from_slice(b"\xa5hello");
        both_ways(
            &Type::Dynamic,
            &bytes,
            &dynamic(Type::String, Value::from("hello")),
        );
        // The type JSON may also come as str.
        let mut str_form = vec![0x92, 0xa8];
        str_form.extend_from_slice(b"\"string\"\xa5hello");
        assert_eq!(
            decode(&Type::Dynamic, &str_form).unwrap(),
            dynamic(Type::String, Value::from("hello"))
        );
        // Null and unknown dynamics are plain nil and ext.
        both_ways(&Type::Dynamic, &[0xc0], &Value::Null);
        both_ways(&Type::Dynamic, &[0xd4, 0, 0], &Value::Unknown);
        // A typed null or unknown inside the pair.
        let mut typed_null = vec![0x92, 0xc4, 0x08];
        typed_null.extend_from_slice(b"\"number\"\xc0");
        both_ways(
            &Type::Dynamic,
            &typed_null,
            &dynamic(Type::Number, Value::Null),
        );
        // A structured value.
        let v = dynamic(
            Type::list(Type::Number),
            Value::List(vec![Value::from(1), Value::Unknown]),
        );
        let bytes = encode(&Type::Dynamic, &v).unwrap();
        let mut want = vec![0x92, 0xc4, 17];
        want.extend_from_slice(br#"["list","number"]"#);
        want.extend_from_slice(&[0x92, 0x01, 0xd4, 0, 0]);
        assert_eq!(bytes, want);
        assert_eq!(decode(&Type::Dynamic, &bytes).unwrap(), v);
    }

    #[test]
    fn dynamic_elements_inside_collections() {
        let ty = Type::list(Type::Dynamic);
        let v = Value::List(vec![
            dynamic(Type::Number, Value::from(5)),
            Value::Null,
            dynamic(Type::Bool, Value::Bool(true)),
        ]);
        let mut want = vec![0x93, 0x92, 0xc4, 0x08];
        want.extend_from_slice(b"\"number\"\x05\xc0\x92\xc4\x06\"bool\"\xc3");
        both_ways(&ty, &want, &v);
        let ty = Type::object([("x", Type::Dynamic)]);
        let v = obj(vec![(
            "x",
            dynamic(Type::map(Type::String), obj(vec![("k", Value::from("v"))])),
        )]);
        assert_eq!(decode(&ty, &encode(&ty, &v).unwrap()).unwrap(), v);
    }

    #[test]
    fn dynamic_primitives_are_inferred_on_encode() {
        assert_eq!(
            encode(&Type::Dynamic, &Value::from("hello")).unwrap(),
            encode(&Type::Dynamic, &dynamic(Type::String, Value::from("hello"))).unwrap()
        );
        assert_eq!(
            encode(&Type::Dynamic, &Value::from(3)).unwrap(),
            encode(&Type::Dynamic, &dynamic(Type::Number, Value::from(3))).unwrap()
        );
        assert_eq!(
            encode(&Type::Dynamic, &Value::Bool(true)).unwrap(),
            encode(&Type::Dynamic, &dynamic(Type::Bool, Value::Bool(true))).unwrap()
        );
        assert!(err(encode(&Type::Dynamic, &Value::List(vec![]))).contains("without its type"));
        assert!(err(encode(&Type::Dynamic, &obj(vec![]))).contains("without its type"));
    }

    #[test]
    fn dynamic_values_at_static_positions() {
        // Accepted when the recorded type is exactly the expected one.
        assert_eq!(
            encode(&Type::String, &dynamic(Type::String, Value::from("x"))).unwrap(),
            b"\xa1x"
        );
        assert_eq!(
            err(encode(
                &Type::String,
                &dynamic(Type::Number, Value::from(1))
            )),
            "expected string value, got a dynamic value of type \"number\""
        );
    }

    #[test]
    fn dynamic_decode_errors() {
        assert!(err(decode(&Type::Dynamic, b"\xa1x")).contains("[type, value] array"));
        assert!(err(decode(&Type::Dynamic, &[0x91, 0xc0])).contains("got 1 elements"));
        assert!(err(decode(&Type::Dynamic, b"\x92\xc4\x05\"foo\"\xc0")).contains("invalid type"));
        assert!(err(decode(&Type::Dynamic, b"\x92\x01\xc0")).contains("type JSON"));
        // The value must match the recorded type.
        assert_eq!(
            err(decode(&Type::Dynamic, b"\x92\xc4\x06\"bool\"\x01")),
            "expected bool, got integer"
        );
    }

    #[test]
    fn malformed_input() {
        assert!(err(decode(&Type::String, &[0xa1, b'x', 0x00])).contains("1 trailing bytes"));
        assert!(err(decode(&Type::String, &[0xa5, b'x'])).contains("invalid msgpack"));
        assert!(err(decode(&Type::list(Type::String), &[0x93, 0xc0])).contains("invalid msgpack"));
        // A huge declared length with no data must fail cleanly, not allocate.
        assert!(
            err(decode(
                &Type::list(Type::String),
                &[0xdd, 0xff, 0xff, 0xff, 0xff]
            ))
            .contains("invalid msgpack")
        );
    }

    #[test]
    fn depth_is_limited() {
        let mut ty = Type::String;
        let mut bytes = vec![0xc0];
        for _ in 0..1000 {
            ty = Type::list(ty);
            bytes.insert(0, 0x91);
        }
        let e = err(decode(&ty, &bytes));
        assert!(e.contains("invalid msgpack"), "{e}");
        // A moderately deep value is fine.
        let mut ty = Type::String;
        let mut v = Value::from("x");
        for _ in 0..100 {
            ty = Type::list(ty);
            v = Value::List(vec![v]);
        }
        assert_eq!(decode(&ty, &encode(&ty, &v).unwrap()).unwrap(), v);
    }

    #[test]
    fn encode_type_mismatches() {
        assert_eq!(
            err(encode(&Type::String, &Value::from(1))),
            "expected string value, got number"
        );
        assert_eq!(
            err(encode(&Type::list(Type::String), &obj(vec![]))),
            "expected list value, got map"
        );
        assert_eq!(
            err(encode(&Type::Object(BTreeMap::new()), &Value::List(vec![]))),
            "expected object value, got list"
        );
    }
}
