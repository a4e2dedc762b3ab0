//! The serializer: writes typed models as a [`Value`].

use std::collections::BTreeMap;

use serde::ser::{self, Serialize};

use super::UNKNOWN_MARKER;
use super::error::{BridgeError, PathStep, Result};
use super::number::{number_from_f64, number_from_i128};
use crate::protocol::value::{Number, Value};

/// The serde serializer producing a [`Value`].
pub(super) struct ValueSerializer;

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = BridgeError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = VariantSer<SeqSer>;
    type SerializeMap = MapSer;
    type SerializeStruct = StructSer;
    type SerializeStructVariant = VariantSer<StructSer>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }

    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(Value::Number(Number::Int(v)))
    }

    fn serialize_i128(self, v: i128) -> Result<Value> {
        Ok(Value::Number(number_from_i128(v)))
    }

    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(Value::Number(Number::Int(i64::from(v))))
    }

    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(Value::Number(Number::from(v)))
    }

    fn serialize_u128(self, v: u128) -> Result<Value> {
        match u64::try_from(v) {
            Ok(u) => Ok(Value::Number(Number::from(u))),
            Err(_) => Ok(Value::Number(Number::Big(v.to_string()))),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<Value> {
        if v.is_nan() {
            return number_from_f64(f64::NAN).map(Value::Number);
        }
        // Through the shortest decimal form of the f32, so 0.1f32 becomes 0.1, not
        // 0.100000001490116.
        match Number::parse(&v.to_string()) {
            Some(n) if v.is_finite() => Ok(Value::Number(n)),
            _ => number_from_f64(f64::from(v)).map(Value::Number),
        }
    }

    fn serialize_f64(self, v: f64) -> Result<Value> {
        number_from_f64(v).map(Value::Number)
    }

    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::String(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::String(v.to_owned()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        match std::str::from_utf8(v) {
            Ok(s) => Ok(Value::String(s.to_owned())),
            Err(_) => Err(BridgeError::new("bytes are not valid UTF-8")),
        }
    }

    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<Value> {
        if name == UNKNOWN_MARKER {
            Ok(Value::Unknown)
        } else {
            Ok(Value::Null)
        }
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::String(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.within(PathStep::Attr(variant.to_owned())))?;
        Ok(Value::Map(BTreeMap::from([(variant.to_owned(), v)])))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<SeqSer> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantSer<SeqSer>> {
        Ok(VariantSer {
            variant,
            inner: SeqSer {
                items: Vec::with_capacity(len),
            },
        })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<MapSer> {
        Ok(MapSer {
            map: BTreeMap::new(),
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<StructSer> {
        Ok(StructSer {
            map: BTreeMap::new(),
        })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<VariantSer<StructSer>> {
        Ok(VariantSer {
            variant,
            inner: StructSer {
                map: BTreeMap::new(),
            },
        })
    }
}

/// Builds a list.
pub(super) struct SeqSer {
    items: Vec<Value>,
}

impl SeqSer {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let i = self.items.len();
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.within(PathStep::Index(i)))?;
        self.items.push(v);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(Value::List(self.items))
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(Value::List(self.items))
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<Value> {
        Ok(Value::List(self.items))
    }
}

/// Builds a map; keys must come out as strings (numbers and bools are written in decimal).
pub(super) struct MapSer {
    map: BTreeMap<String, Value>,
    key: Option<String>,
}

/// A map key as a string.
fn key_string<T: Serialize + ?Sized>(key: &T) -> Result<String> {
    match key.serialize(ValueSerializer)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(BridgeError::new("map keys must be strings")),
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key_string(key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let Some(key) = self.key.take() else {
            return Err(BridgeError::new("map value serialized before its key"));
        };
        let v = match value.serialize(ValueSerializer) {
            Ok(v) => v,
            Err(e) => return Err(e.within(PathStep::Key(key))),
        };
        self.map.insert(key, v);
        Ok(())
    }

    fn end(self) -> Result<Value> {
        Ok(Value::Map(self.map))
    }
}

/// Builds an object with every field the struct serialises.
pub(super) struct StructSer {
    map: BTreeMap<String, Value>,
}

impl StructSer {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        let v = value
            .serialize(ValueSerializer)
            .map_err(|e| e.within(PathStep::Attr(key.to_owned())))?;
        self.map.insert(key.to_owned(), v);
        Ok(())
    }
}

impl ser::SerializeStruct for StructSer {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<Value> {
        Ok(Value::Map(self.map))
    }
}

/// Wraps the content of a tuple or struct variant as `{variant: content}`.
pub(super) struct VariantSer<S> {
    variant: &'static str,
    inner: S,
}

impl<S> VariantSer<S> {
    fn wrap(variant: &'static str, content: Value) -> Value {
        Value::Map(BTreeMap::from([(variant.to_owned(), content)]))
    }
}

impl ser::SerializeTupleVariant for VariantSer<SeqSer> {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let variant = self.variant;
        self.inner
            .push(value)
            .map_err(|e| e.within(PathStep::Attr(variant.to_owned())))
    }

    fn end(self) -> Result<Value> {
        Ok(Self::wrap(self.variant, Value::List(self.inner.items)))
    }
}

impl ser::SerializeStructVariant for VariantSer<StructSer> {
    type Ok = Value;
    type Error = BridgeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let variant = self.variant;
        self.inner
            .field(key, value)
            .map_err(|e| e.within(PathStep::Attr(variant.to_owned())))
    }

    fn end(self) -> Result<Value> {
        Ok(Self::wrap(self.variant, Value::Map(self.inner.map)))
    }
}
