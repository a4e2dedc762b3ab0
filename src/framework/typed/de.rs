//! The deserializer: reads typed models out of a [`Value`].

use std::collections::BTreeMap;

use serde::Deserializer;
use serde::de::value::{BorrowedStrDeserializer, U32Deserializer};
use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess, Unexpected, VariantAccess,
    Visitor,
};

use super::error::{BridgeError, PathStep, Result};
use super::number::{number_to_int, show};
use super::val::ValTag;
use super::{UNKNOWN_MESSAGE, VAL_MARKER};
use crate::protocol::value::{Number, Value};

/// A null to hand out for object attributes missing from a map.
static NULL: Value = Value::Null;

/// The serde deserializer over a borrowed [`Value`].
pub(super) struct ValueDeserializer<'de> {
    pub(super) v: &'de Value,
}

/// What serde should be told it found, for type-mismatch errors.
fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Other("null"),
        Value::Unknown => Unexpected::Other("unknown value"),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(Number::Int(i)) => Unexpected::Signed(*i),
        Value::Number(Number::UInt(u)) => Unexpected::Unsigned(*u),
        Value::Number(Number::Float(f)) => Unexpected::Float(*f),
        Value::Number(Number::Big(_)) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::List(_) => Unexpected::Other("list"),
        Value::Set(_) => Unexpected::Other("set"),
        Value::Map(_) => Unexpected::Other("map or object"),
        Value::Dynamic(_, inner) => unexpected(inner),
    }
}

/// The value with any [`Value::Dynamic`] wrappers removed.
fn undynamic(mut v: &Value) -> &Value {
    while let Value::Dynamic(_, inner) = v {
        v = inner;
    }
    v
}

fn unknown_error() -> BridgeError {
    BridgeError::new(UNKNOWN_MESSAGE)
}

fn null_error() -> BridgeError {
    BridgeError::new("value is null")
}

impl<'de> ValueDeserializer<'de> {
    /// The value without `Dynamic` wrappers, refusing null and unknown.
    fn known(&self) -> Result<&'de Value> {
        match undynamic(self.v) {
            Value::Null => Err(null_error()),
            Value::Unknown => Err(unknown_error()),
            v => Ok(v),
        }
    }

    /// The number inside, or a type error naming what `exp` expected.
    fn number(&self, exp: &dyn Expected) -> Result<&'de Number> {
        match self.known()? {
            Value::Number(n) => Ok(n),
            other => Err(de::Error::invalid_type(unexpected(other), exp)),
        }
    }

    fn integer<I: TryFrom<i128> + TryFrom<u128>>(&self, ty: &str, exp: &dyn Expected) -> Result<I> {
        number_to_int(self.number(exp)?, ty)
    }
}

macro_rules! deserialize_integer {
    ($($method:ident => $visit:ident : $ty:ty),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
                let n: $ty = self.integer(stringify!($ty), &visitor)?;
                visitor.$visit(n)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'de> {
    type Error = BridgeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match undynamic(self.v) {
            Value::Null => visitor.visit_unit(),
            Value::Unknown => Err(unknown_error()),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(Number::Int(i)) => visitor.visit_i64(*i),
            Value::Number(Number::UInt(u)) => visitor.visit_u64(*u),
            Value::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Value::Number(n @ Number::Big(_)) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (None, Some(u)) => visitor.visit_u64(u),
                (None, None) => visitor.visit_f64(n.as_f64()),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(items) | Value::Set(items) => visit_seq(items, visitor, false),
            Value::Map(m) => visit_map(m, visitor),
            // `undynamic` removed every wrapper.
            Value::Dynamic(..) => Err(BridgeError::new("nested dynamic value")),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    deserialize_integer! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let n = self.number(&visitor)?;
        let f = n.as_f64();
        let g = f as f32;
        if f.is_finite() && g.is_infinite() {
            return Err(BridgeError::new(format!(
                "value {} out of range for f32",
                show(n)
            )));
        }
        visitor.visit_f32(g)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let n = self.number(&visitor)?;
        visitor.visit_f64(n.as_f64())
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::String(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => visitor.visit_char(c),
                    _ => Err(de::Error::invalid_value(Unexpected::Str(s), &visitor)),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match undynamic(self.v) {
            Value::Null => visitor.visit_none(),
            Value::Unknown => Err(unknown_error()),
            v => visitor.visit_some(ValueDeserializer { v }),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match undynamic(self.v) {
            Value::Null => visitor.visit_unit(),
            Value::Unknown => Err(unknown_error()),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == VAL_MARKER {
            let v = undynamic(self.v);
            let tag = match v {
                Value::Null => ValTag::Null,
                Value::Unknown => ValTag::Unknown,
                _ => ValTag::Known,
            };
            visitor.visit_enum(ValEnum { tag, v })
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::List(items) | Value::Set(items) => visit_seq(items, visitor, false),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::List(items) | Value::Set(items) => visit_seq(items, visitor, true),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.known()? {
            Value::Map(m) => visit_map(m, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.known()? {
            Value::Map(m) => visitor.visit_map(StructAccess::new(m, fields)),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.known()? {
            Value::String(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Value::Map(m) if m.len() == 1 => match m.iter().next() {
                Some((variant, v)) => visitor
                    .visit_enum(VariantContent { variant, v })
                    .map_err(|e| e.within(PathStep::Attr(variant.clone()))),
                None => Err(BridgeError::new("empty map for an enum")),
            },
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

/// Visits list or set elements as a sequence; with `exact`, leftover elements are an error.
fn visit_seq<'de, V: Visitor<'de>>(
    items: &'de [Value],
    visitor: V,
    exact: bool,
) -> Result<V::Value> {
    let mut access = SeqDe {
        items: items.iter().enumerate(),
    };
    let out = visitor.visit_seq(&mut access)?;
    let left = access.items.len();
    if exact && left > 0 {
        let expected = items.len() - left;
        return Err(BridgeError::new(format!(
            "too many elements: expected {expected}, found {}",
            items.len()
        )));
    }
    Ok(out)
}

/// Visits a map's entries, keyed by string.
fn visit_map<'de, V: Visitor<'de>>(
    m: &'de BTreeMap<String, Value>,
    visitor: V,
) -> Result<V::Value> {
    visitor.visit_map(MapDe {
        entries: m.iter(),
        value: None,
    })
}

struct SeqDe<'de> {
    items: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for SeqDe<'de> {
    type Error = BridgeError;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        match self.items.next() {
            None => Ok(None),
            Some((i, v)) => seed
                .deserialize(ValueDeserializer { v })
                .map(Some)
                .map_err(|e| e.within(PathStep::Index(i))),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'de> {
    entries: std::collections::btree_map::Iter<'de, String, Value>,
    value: Option<(&'de String, &'de Value)>,
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = BridgeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some((k, v));
                seed.deserialize(BorrowedStrDeserializer::<BridgeError>::new(k))
                    .map(Some)
                    .map_err(|e| e.within(PathStep::Key(k.clone())))
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        match self.value.take() {
            Some((k, v)) => seed
                .deserialize(ValueDeserializer { v })
                .map_err(|e| e.within(PathStep::Key(k.clone()))),
            None => Err(BridgeError::new("map value requested before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Map access for a struct: visits exactly the struct's fields, with absent attributes as
/// null, and never the attributes the struct does not name.
struct StructAccess<'de> {
    map: &'de BTreeMap<String, Value>,
    fields: std::slice::Iter<'static, &'static str>,
    current: Option<&'static str>,
}

impl<'de> StructAccess<'de> {
    fn new(map: &'de BTreeMap<String, Value>, fields: &'static [&'static str]) -> Self {
        StructAccess {
            map,
            fields: fields.iter(),
            current: None,
        }
    }
}

impl<'de> MapAccess<'de> for StructAccess<'de> {
    type Error = BridgeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.fields.next() {
            None => Ok(None),
            Some(name) => {
                self.current = Some(name);
                seed.deserialize(BorrowedStrDeserializer::<BridgeError>::new(name))
                    .map(Some)
                    .map_err(|e| e.within(PathStep::Attr((*name).to_owned())))
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        match self.current.take() {
            Some(name) => {
                let v = self.map.get(name).unwrap_or(&NULL);
                seed.deserialize(ValueDeserializer { v })
                    .map_err(|e| e.within(PathStep::Attr(name.to_owned())))
            }
            None => Err(BridgeError::new(
                "attribute value requested before its name",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// The enum the bridge hands `Val`'s visitor: variant index = [`ValTag`].
struct ValEnum<'de> {
    tag: ValTag,
    pub(super) v: &'de Value,
}

impl<'de> EnumAccess<'de> for ValEnum<'de> {
    type Error = BridgeError;
    type Variant = ValVariant<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant)> {
        let tag = seed.deserialize(U32Deserializer::<BridgeError>::new(self.tag.index()))?;
        Ok((tag, ValVariant { v: self.v }))
    }
}

struct ValVariant<'de> {
    pub(super) v: &'de Value,
}

impl<'de> VariantAccess<'de> for ValVariant<'de> {
    type Error = BridgeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value> {
        seed.deserialize(ValueDeserializer { v: self.v })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(BridgeError::new(
            "internal error: tuple variant of a value state",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(BridgeError::new(
            "internal error: struct variant of a value state",
        ))
    }
}

/// An externally tagged enum variant with content: `{variant: v}`.
struct VariantContent<'de> {
    variant: &'de str,
    pub(super) v: &'de Value,
}

impl<'de> EnumAccess<'de> for VariantContent<'de> {
    type Error = BridgeError;
    type Variant = ValueDeserializer<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant)> {
        let variant =
            seed.deserialize(BorrowedStrDeserializer::<BridgeError>::new(self.variant))?;
        Ok((variant, ValueDeserializer { v: self.v }))
    }
}

impl<'de> VariantAccess<'de> for ValueDeserializer<'de> {
    type Error = BridgeError;

    fn unit_variant(self) -> Result<()> {
        match undynamic(self.v) {
            Value::Null => Ok(()),
            Value::Unknown => Err(unknown_error()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_struct("", fields, visitor)
    }
}
