//! The JSON form of Terraform values, as cty writes it: raw state (`RawState.json`) and
//! `DynamicValue.json`.
//!
//! | Terraform          | JSON                                                           |
//! |--------------------|----------------------------------------------------------------|
//! | null (any type)    | `null`                                                         |
//! | unknown            | not expressible: an encode error                               |
//! | string             | string                                                         |
//! | bool               | `true` / `false`                                               |
//! | number             | number, with all its digits (infinities are an encode error)   |
//! | list, set, tuple   | array (tuple length checked)                                   |
//! | map, object        | object (object attributes sorted)                              |
//! | known dynamic      | `{"value": <value>, "type": <type JSON>}`                      |
//!
//! Like cty, decoding converts between primitives where the text is unambiguous: a string
//! holding a decimal number decodes as a number, `"true"`/`"false"` as a bool, and a number or
//! bool as a string.
//!
//! [`decode`] is strict about object attributes (all must be present, no others allowed);
//! [`decode_lenient`] is for state written by an older schema: missing attributes become
//! null at any depth and unknown ones are dropped.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::error::{mismatch, type_kind, value_kind};
use super::{CodecError, Number, Type, Value};

/// How object attributes that do not match the type are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Missing and extra attributes are errors.
    Strict,
    /// Missing attributes become null, extra ones are ignored.
    Lenient,
}

/// Decodes JSON `bytes` as a value of type `ty`. Empty input decodes to [`Value::Null`].
/// Every attribute of an object type must be present, and no others.
pub fn decode(ty: &Type, bytes: &[u8]) -> Result<Value, CodecError> {
    decode_bytes(ty, bytes, Mode::Strict)
}

/// Decodes JSON `bytes` as a value of type `ty`, tolerating a schema change: object
/// attributes missing from the JSON become [`Value::Null`] (at any depth, blocks included)
/// and JSON keys the type does not have are ignored. Empty input decodes to [`Value::Null`].
pub fn decode_lenient(ty: &Type, bytes: &[u8]) -> Result<Value, CodecError> {
    decode_bytes(ty, bytes, Mode::Lenient)
}

/// Decodes a parsed JSON value as a value of type `ty`, strictly (see [`decode`]).
pub fn decode_value(ty: &Type, json: &Json) -> Result<Value, CodecError> {
    from_json(ty, json, Mode::Strict)
}

/// Decodes a parsed JSON value as a value of type `ty`, leniently (see [`decode_lenient`]).
pub fn decode_value_lenient(ty: &Type, json: &Json) -> Result<Value, CodecError> {
    from_json(ty, json, Mode::Lenient)
}

/// Encodes `v` as JSON bytes for type `ty` (see [`encode_value`]).
pub fn encode(ty: &Type, v: &Value) -> Result<Vec<u8>, CodecError> {
    let json = encode_value(ty, v)?;
    serde_json::to_vec(&json).map_err(|e| CodecError::new(format!("JSON write failed: {e}")))
}

/// Encodes `v` as a JSON value for type `ty`.
///
/// Unknown values and infinite numbers cannot be expressed in JSON and are errors. The
/// rules for objects and dynamic positions are those of
/// [`msgpack::encode`](super::msgpack::encode): every attribute must be present; at a dynamic
/// position a known value must be a [`Value::Dynamic`], except that a bare string, bool or
/// number is written with its evident type; a [`Value::Dynamic`] of exactly the expected
/// type is accepted at a static position; lists and sets are interchangeable.
pub fn encode_value(ty: &Type, v: &Value) -> Result<Json, CodecError> {
    to_json(ty, v)
}

fn decode_bytes(ty: &Type, bytes: &[u8], mode: Mode) -> Result<Value, CodecError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let json: Json =
        serde_json::from_slice(bytes).map_err(|e| CodecError::new(format!("invalid JSON: {e}")))?;
    from_json(ty, &json, mode)
}

/// The JSON kind of a value, for messages.
fn json_kind(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn unexpected(expected: &str, got: &Json) -> CodecError {
    CodecError::new(format!("expected {expected}, got {}", json_kind(got)))
}

fn from_json(ty: &Type, j: &Json, mode: Mode) -> Result<Value, CodecError> {
    if j.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        Type::String => match j {
            Json::String(s) => Ok(Value::String(s.clone())),
            Json::Number(n) => Ok(Value::String(n.to_string())),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(unexpected("string", other)),
        },
        Type::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "true" => Ok(Value::Bool(true)),
            Json::String(s) if s == "false" => Ok(Value::Bool(false)),
            other => Err(unexpected("bool", other)),
        },
        Type::Number => {
            let text = match j {
                Json::Number(n) => n.to_string(),
                Json::String(s) => s.clone(),
                other => return Err(unexpected("number", other)),
            };
            Number::parse(&text)
                .map(Value::Number)
                .ok_or_else(|| CodecError::new(format!("invalid number {text:?}")))
        }
        Type::List(elem) => elements(elem, j, mode, "list").map(Value::List),
        Type::Set(elem) => elements(elem, j, mode, "set").map(Value::Set),
        Type::Tuple(elems) => {
            let Json::Array(items) = j else {
                return Err(unexpected("array for a tuple", j));
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
                .map(|(i, (t, x))| from_json(t, x, mode).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()?;
            Ok(Value::List(out))
        }
        Type::Map(elem) => {
            let Json::Object(entries) = j else {
                return Err(unexpected("object for a map", j));
            };
            let out = entries
                .iter()
                .map(|(k, x)| {
                    Ok((
                        k.clone(),
                        from_json(elem, x, mode).map_err(|e| e.at_key(k))?,
                    ))
                })
                .collect::<Result<_, CodecError>>()?;
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let Json::Object(entries) = j else {
                return Err(unexpected("object", j));
            };
            if mode == Mode::Strict
                && let Some(extra) = entries.keys().find(|k| !attrs.contains_key(*k))
            {
                return Err(CodecError::new(format!("unsupported attribute {extra:?}")));
            }
            let mut out = BTreeMap::new();
            for (name, aty) in attrs {
                let val = match (entries.get(name), mode) {
                    (Some(x), _) => from_json(aty, x, mode).map_err(|e| e.at_attr(name))?,
                    (None, Mode::Lenient) => Value::Null,
                    (None, Mode::Strict) => {
                        return Err(CodecError::new(format!("missing attribute {name:?}")));
                    }
                };
                out.insert(name.clone(), val);
            }
            Ok(Value::Map(out))
        }
        Type::Dynamic => {
            let Json::Object(entries) = j else {
                return Err(unexpected(
                    "{\"value\", \"type\"} object for a dynamic value",
                    j,
                ));
            };
            if mode == Mode::Strict
                && let Some(extra) = entries.keys().find(|k| *k != "value" && *k != "type")
            {
                return Err(CodecError::new(format!(
                    "invalid key {extra:?} in a dynamic value"
                )));
            }
            let Some(type_json) = entries.get("type") else {
                return Err(CodecError::new("missing \"type\" in a dynamic value"));
            };
            let concrete = Type::from_json_value(type_json)
                .map_err(|e| CodecError::new(format!("dynamic value: {e}")))?;
            let inner = match (entries.get("value"), mode) {
                (Some(x), _) => from_json(&concrete, x, mode)?,
                (None, Mode::Lenient) => Value::Null,
                (None, Mode::Strict) => {
                    return Err(CodecError::new("missing \"value\" in a dynamic value"));
                }
            };
            Ok(Value::Dynamic(concrete, Box::new(inner)))
        }
    }
}

/// The elements of a list or set.
fn elements(elem: &Type, j: &Json, mode: Mode, what: &str) -> Result<Vec<Value>, CodecError> {
    let Json::Array(items) = j else {
        return Err(unexpected(&format!("array for a {what}"), j));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, x)| from_json(elem, x, mode).map_err(|e| e.at_index(i)))
        .collect()
}

fn to_json(ty: &Type, v: &Value) -> Result<Json, CodecError> {
    match v {
        Value::Null => return Ok(Json::Null),
        Value::Unknown => {
            return Err(CodecError::new(
                "unknown values cannot be expressed in JSON",
            ));
        }
        _ => {}
    }
    match (ty, v) {
        (Type::Dynamic, Value::Dynamic(concrete, inner)) => dynamic_object(concrete, inner),
        (Type::Dynamic, Value::String(_)) => dynamic_object(&Type::String, v),
        (Type::Dynamic, Value::Bool(_)) => dynamic_object(&Type::Bool, v),
        (Type::Dynamic, Value::Number(_)) => dynamic_object(&Type::Number, v),
        (Type::Dynamic, other) => Err(CodecError::new(format!(
            "cannot encode a {} at a dynamic position without its type (wrap it in Value::Dynamic)",
            value_kind(other)
        ))),
        (_, Value::Dynamic(concrete, inner)) if concrete == ty => to_json(ty, inner),
        (_, Value::Dynamic(concrete, _)) => Err(CodecError::new(format!(
            "expected {} value, got a dynamic value of type {concrete}",
            type_kind(ty)
        ))),
        (Type::String, Value::String(s)) => Ok(Json::String(s.clone())),
        (Type::Bool, Value::Bool(b)) => Ok(Json::Bool(*b)),
        (Type::Number, Value::Number(n)) => number_to_json(n).map(Json::Number),
        (Type::List(elem) | Type::Set(elem), Value::List(items) | Value::Set(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| to_json(elem, x).map_err(|e| e.at_index(i)))
            .collect::<Result<_, _>>()
            .map(Json::Array),
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
                .map(|(i, (t, x))| to_json(t, x).map_err(|e| e.at_index(i)))
                .collect::<Result<_, _>>()
                .map(Json::Array)
        }
        (Type::Map(elem), Value::Map(m)) => m
            .iter()
            .map(|(k, x)| Ok((k.clone(), to_json(elem, x).map_err(|e| e.at_key(k))?)))
            .collect::<Result<_, CodecError>>()
            .map(Json::Object),
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
                    Ok((name.clone(), to_json(aty, x).map_err(|e| e.at_attr(name))?))
                })
                .collect::<Result<_, _>>()
                .map(Json::Object)
        }
        _ => Err(mismatch(ty, v)),
    }
}

/// The `{"value": ..., "type": ...}` object of a known value at a dynamic position.
fn dynamic_object(concrete: &Type, inner: &Value) -> Result<Json, CodecError> {
    let mut out = serde_json::Map::new();
    out.insert("value".to_owned(), to_json(concrete, inner)?);
    out.insert("type".to_owned(), concrete.to_json_value());
    Ok(Json::Object(out))
}

fn number_to_json(n: &Number) -> Result<serde_json::Number, CodecError> {
    match n {
        Number::Int(i) => Ok((*i).into()),
        Number::UInt(u) => Ok((*u).into()),
        Number::Float(f) => serde_json::Number::from_f64(*f)
            .ok_or_else(|| CodecError::new(format!("{n} cannot be expressed in JSON"))),
        Number::Big(s) => match Number::parse(s) {
            Some(Number::Big(text)) => text
                .parse()
                .map_err(|_| CodecError::new(format!("invalid number {s:?}"))),
            Some(compact) => number_to_json(&compact),
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

    fn dynamic(t: Type, v: Value) -> Value {
        Value::Dynamic(t, Box::new(v))
    }

    /// Decodes `text`, checks the value, re-encodes and checks the text is identical.
    fn both_ways(ty: &Type, text: &str, v: &Value) {
        assert_eq!(&decode(ty, text.as_bytes()).unwrap(), v);
        assert_eq!(String::from_utf8(encode(ty, v).unwrap()).unwrap(), text);
    }

    fn err(r: Result<impl std::fmt::Debug, CodecError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn null_and_empty() {
        assert_eq!(decode(&Type::String, b"").unwrap(), Value::Null);
        for ty in [
            Type::String,
            Type::Dynamic,
            Type::object([("a", Type::Number)]),
            Type::set(Type::Bool),
        ] {
            both_ways(&ty, "null", &Value::Null);
        }
    }

    #[test]
    fn primitives() {
        both_ways(&Type::String, r#""héllo""#, &Value::from("héllo"));
        both_ways(&Type::Bool, "true", &Value::Bool(true));
        both_ways(&Type::Number, "42", &Value::from(42));
        both_ways(&Type::Number, "-7", &Value::from(-7));
        both_ways(&Type::Number, "0.5", &Value::Number(Number::Float(0.5)));
        both_ways(
            &Type::Number,
            "18446744073709551615",
            &Value::Number(Number::UInt(u64::MAX)),
        );
        assert!(matches!(
            decode(&Type::Number, b"1.0").unwrap(),
            Value::Number(Number::Int(1))
        ));
        assert_eq!(err(decode(&Type::Bool, b"1")), "expected bool, got number");
        assert_eq!(
            err(decode(&Type::Number, b"[]")),
            "expected number, got array"
        );
    }

    #[test]
    fn primitive_conversions_like_cty() {
        assert_eq!(
            decode(&Type::Number, br#""12.5""#).unwrap(),
            Value::Number(Number::Float(12.5))
        );
        assert_eq!(
            decode(&Type::Bool, br#""false""#).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(decode(&Type::String, b"12").unwrap(), Value::from("12"));
        assert_eq!(decode(&Type::String, b"true").unwrap(), Value::from("true"));
        assert_eq!(
            err(decode(&Type::Number, br#""twelve""#)),
            "invalid number \"twelve\""
        );
        assert_eq!(
            err(decode(&Type::Bool, br#""yes""#)),
            "expected bool, got string"
        );
    }

    #[test]
    fn big_numbers_keep_their_digits() {
        // serde_json (arbitrary_precision) keeps every digit but spells exponents `e+N`/`e-N`.
        for (input, text) in [
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            (
                "-123456789012345678901234567890",
                "-123456789012345678901234567890",
            ),
            (
                "0.1000000000000000000000000001",
                "0.1000000000000000000000000001",
            ),
            ("1e400", "1e+400"),
            ("-2.5E-400", "-2.5e-400"),
        ] {
            let v = decode(&Type::Number, input.as_bytes()).unwrap();
            assert!(
                matches!(&v, Value::Number(Number::Big(s)) if s == text),
                "{input}: {v:?}"
            );
            assert_eq!(
                String::from_utf8(encode(&Type::Number, &v).unwrap()).unwrap(),
                text
            );
        }
        // Inside a structure too.
        let ty = Type::object([("n", Type::list(Type::Number))]);
        both_ways(&ty, r#"{"n":[123456789012345678901234567890,1]}"#, &{
            let big = Value::Number(Number::Big("123456789012345678901234567890".into()));
            obj(vec![("n", Value::List(vec![big, Value::from(1)]))])
        });
    }

    #[test]
    fn unrepresentable_values_are_encode_errors() {
        assert_eq!(
            err(encode(&Type::String, &Value::Unknown)),
            "unknown values cannot be expressed in JSON"
        );
        let ty = Type::object([("a", Type::list(Type::String))]);
        assert_eq!(
            err(encode(
                &ty,
                &obj(vec![("a", Value::List(vec![Value::Unknown]))])
            )),
            "at .a[0]: unknown values cannot be expressed in JSON"
        );
        assert!(
            err(encode(
                &Type::Number,
                &Value::Number(Number::Float(f64::INFINITY))
            ))
            .contains("Infinity")
        );
        assert!(
            err(encode(
                &Type::Number,
                &Value::Number(Number::Float(f64::NAN))
            ))
            .contains("JSON")
        );
        assert!(
            err(encode(
                &Type::Number,
                &Value::Number(Number::Big("x".into()))
            ))
            .contains("invalid number")
        );
    }

    #[test]
    fn hand_built_big_numbers_are_canonicalised() {
        assert_eq!(
            encode(&Type::Number, &Value::Number(Number::Big("7".into()))).unwrap(),
            b"7"
        );
        assert_eq!(
            encode(
                &Type::Number,
                &Value::Number(Number::Big("+00.1e400".into()))
            )
            .unwrap(),
            b"1e+399"
        );
    }

    #[test]
    fn collections() {
        both_ways(
            &Type::list(Type::Number),
            "[1,2,null]",
            &Value::List(vec![Value::from(1), Value::from(2), Value::Null]),
        );
        both_ways(
            &Type::set(Type::String),
            r#"["b","a"]"#,
            &Value::Set(vec![Value::from("b"), Value::from("a")]),
        );
        let t = Type::Tuple(vec![Type::String, Type::Bool]);
        both_ways(
            &t,
            r#"["x",false]"#,
            &Value::List(vec![Value::from("x"), Value::Bool(false)]),
        );
        assert_eq!(
            err(decode(&t, br#"["x"]"#)),
            "expected a tuple of 2 elements, got 1"
        );
        both_ways(
            &Type::map(Type::String),
            r#"{"a":"1","b":null}"#,
            &obj(vec![("a", Value::from("1")), ("b", Value::Null)]),
        );
        assert_eq!(
            err(decode(&Type::map(Type::Number), br#"{"k":"v"}"#)),
            "at [\"k\"]: invalid number \"v\""
        );
    }

    #[test]
    fn objects_are_sorted_and_strict() {
        let ty = Type::object([("b", Type::Number), ("a", Type::String)]);
        let v = obj(vec![("a", Value::from("x")), ("b", Value::Null)]);
        both_ways(&ty, r#"{"a":"x","b":null}"#, &v);
        assert_eq!(decode(&ty, br#"{"b":null,"a":"x"}"#).unwrap(), v);
        assert_eq!(err(decode(&ty, br#"{"a":"x"}"#)), "missing attribute \"b\"");
        assert_eq!(
            err(decode(&ty, br#"{"a":"x","b":1,"c":2}"#)),
            "unsupported attribute \"c\""
        );
        assert_eq!(
            err(encode(&ty, &obj(vec![("a", Value::from("x"))]))),
            "missing attribute \"b\""
        );
        assert_eq!(
            err(decode(
                &Type::object([("s", Type::object([("cn", Type::String)]))]),
                br#"{"s":{"cn":[]}}"#
            )),
            "at .s.cn: expected string, got array"
        );
    }

    #[test]
    fn lenient_decoding_tolerates_schema_changes() {
        let ty = Type::object([
            ("name", Type::String),
            ("added", Type::Number),
            (
                "block",
                Type::list(Type::object([("x", Type::String), ("y", Type::Bool)])),
            ),
            (
                "nested",
                Type::object([("inner", Type::String), ("new", Type::map(Type::String))]),
            ),
            ("new_block", Type::set(Type::object([("z", Type::String)]))),
        ]);
        let old = br#"{
            "name": "n",
            "removed": 1,
            "block": [{"x": "a", "gone": true}, {}],
            "nested": {"inner": "i", "old": [1]}
        }"#;
        let want = obj(vec![
            ("name", Value::from("n")),
            ("added", Value::Null),
            (
                "block",
                Value::List(vec![
                    obj(vec![("x", Value::from("a")), ("y", Value::Null)]),
                    obj(vec![("x", Value::Null), ("y", Value::Null)]),
                ]),
            ),
            (
                "nested",
                obj(vec![("inner", Value::from("i")), ("new", Value::Null)]),
            ),
            ("new_block", Value::Null),
        ]);
        assert_eq!(decode_lenient(&ty, old).unwrap(), want);
        let parsed: Json = serde_json::from_slice(old).unwrap();
        assert_eq!(decode_value_lenient(&ty, &parsed).unwrap(), want);
        assert!(decode(&ty, old).is_err());
        assert!(decode_value(&ty, &parsed).is_err());
        // Type errors are still errors.
        assert_eq!(
            err(decode_lenient(&ty, br#"{"name": []}"#)),
            "at .name: expected string, got array"
        );
    }

    #[test]
    fn dynamic_values() {
        both_ways(
            &Type::Dynamic,
            r#"{"value":"hello","type":"string"}"#,
            &dynamic(Type::String, Value::from("hello")),
        );
        assert_eq!(
            decode(&Type::Dynamic, br#"{"type":"string","value":"hello"}"#).unwrap(),
            dynamic(Type::String, Value::from("hello"))
        );
        both_ways(
            &Type::Dynamic,
            r#"{"value":null,"type":"number"}"#,
            &dynamic(Type::Number, Value::Null),
        );
        let ty = Type::map(Type::Dynamic);
        let v = obj(vec![(
            "k",
            dynamic(Type::list(Type::Bool), Value::List(vec![Value::Bool(true)])),
        )]);
        both_ways(&ty, r#"{"k":{"value":[true],"type":["list","bool"]}}"#, &v);
        // Inference for primitives.
        assert_eq!(
            encode(&Type::Dynamic, &Value::from(3)).unwrap(),
            br#"{"value":3,"type":"number"}"#
        );
        assert!(err(encode(&Type::Dynamic, &Value::List(vec![]))).contains("without its type"));
        // Envelope errors.
        assert_eq!(
            err(decode(&Type::Dynamic, br#"{"value":1}"#)),
            "missing \"type\" in a dynamic value"
        );
        assert_eq!(
            err(decode(&Type::Dynamic, br#"{"type":"number"}"#)),
            "missing \"value\" in a dynamic value"
        );
        assert!(
            err(decode(
                &Type::Dynamic,
                br#"{"type":"number","value":1,"x":2}"#
            ))
            .contains("invalid key")
        );
        assert!(err(decode(&Type::Dynamic, br#""hello""#)).contains("dynamic value"));
        assert_eq!(
            decode_lenient(&Type::Dynamic, br#"{"type":"number","x":2}"#).unwrap(),
            dynamic(Type::Number, Value::Null)
        );
    }

    #[test]
    fn malformed_json() {
        assert!(err(decode(&Type::String, b"\"a\" x")).contains("invalid JSON"));
        assert!(err(decode(&Type::String, b"{")).contains("invalid JSON"));
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        assert!(err(decode(&Type::list(Type::String), deep.as_bytes())).contains("invalid JSON"));
    }
}
