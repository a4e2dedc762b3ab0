//! Three-state typed values and a serde bridge between typed Rust models and [`Value`].
//!
//! A Terraform attribute is either null, unknown (not known until apply) or known. [`Val<T>`]
//! carries exactly these three states; a model struct mirrors a schema block with one field
//! per attribute:
//!
//! ```
//! use pca::framework::typed::{from_value, to_value, Val};
//! use pca::protocol::value::Value;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Model {
//!     name: Val<String>,
//!     port: Val<u16>,
//!     note: Option<String>,
//! }
//!
//! let v = Value::Map(
//!     [("name".to_owned(), Value::from("web")), ("port".to_owned(), Value::Unknown)].into(),
//! );
//! let m: Model = from_value(&v)?;
//! // "note" is absent from the value, so it reads as null.
//! assert_eq!(m, Model { name: Val::Known("web".into()), port: Val::Unknown, note: None });
//!
//! // Serialising writes every field, so the object conforms to the schema's object type.
//! let back = to_value(&m)?;
//! assert_eq!(back.get("note"), Some(&Value::Null));
//! assert_eq!(back.get("port"), Some(&Value::Unknown));
//! # Ok::<(), pca::framework::typed::BridgeError>(())
//! ```
//!
//! # Mapping
//!
//! | Rust                                   | [`Value`]                                     |
//! |----------------------------------------|-----------------------------------------------|
//! | struct (by field name, after `rename`) | [`Value::Map`] (object)                       |
//! | `Val<T>`                               | `Null` / `Unknown` / the value of `T`         |
//! | `Option<T>`                            | `Null` / the value of `T`                     |
//! | `Vec<T>`, tuples, sets                 | [`Value::List`] (input also accepts `Set`)    |
//! | `BTreeMap<String, T>`, `HashMap`       | [`Value::Map`]                                |
//! | `String`, `char`                       | [`Value::String`]                             |
//! | `bool`                                 | [`Value::Bool`]                               |
//! | integers, `f32`, `f64`                 | [`Value::Number`] (integers range-checked)    |
//! | unit enum variants                     | [`Value::String`] (the variant name)          |
//! | other enum variants                    | single-entry map `{variant: content}`         |
//! | newtype structs                        | the inner value (transparent)                 |
//!
//! On input, [`Value::Dynamic`] reads as the value inside it. Object attributes missing from a
//! [`Value::Map`] read as null (so `Val` and `Option` fields become null, and other fields
//! fail with "value is null"); attributes the struct does not name are ignored. Because every
//! field is visited, `#[serde(default)]` does not apply to absent attributes, and
//! `#[serde(alias)]` / `#[serde(deny_unknown_fields)]` are not supported.
//!
//! On output, a struct becomes an object with every serialised field (null for `None` and
//! `Val::Null`; avoid `skip_serializing_if` on models that mirror a schema). The serializer
//! does not know the schema: every sequence becomes a [`Value::List`], so a Terraform set or
//! tuple attribute needs the caller to convert against the schema type.
//!
//! # Unknown values
//!
//! An unknown can only be read into or written from a [`Val<T>`]; reading one into any other
//! type (including `Option<T>`) fails with "value is unknown". Serde has no notion of
//! unknowns, so `Val` talks to the bridge through two private markers:
//!
//! - **Deserialising**: `Val<T>` asks for a newtype struct with a private marker name. The
//!   bridge deserializer recognises the name and answers with an *enum* whose variant index is
//!   0 (null), 1 (unknown) or 2 (known, with the value of `T` as newtype content). Other
//!   deserializers ignore the name and call `visit_newtype_struct`, which `Val` reads as an
//!   `Option<T>` (null or known), so `Val` also works with, say, `serde_json`.
//! - **Serialising**: `Val::Unknown` is written as a unit struct with a private marker name,
//!   which the bridge serializer turns into [`Value::Unknown`]; other serializers see an
//!   ordinary unit struct (JSON `null`). `Val::Null` is written as `none` and `Val::Known(t)`
//!   as `t` itself.
//!
//! Unknowns do not survive serde's buffering paths (`#[serde(flatten)]`, untagged and
//! internally tagged enums): those go through `deserialize_any`, which rejects unknowns.
//!
//! # Errors
//!
//! A [`BridgeError`] records where in the value it happened, in Terraform's notation:
//! `subject.common_name: value is unknown`, `alt_names[2]: ...`, `tags["env"]: ...`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, U32Deserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::ser::{self, Serialize};
use serde::{Deserialize, Deserializer, Serializer};

use crate::protocol::value::{Number, Value};

/// Newtype-struct name by which `Val<T>`'s `Deserialize` announces itself to the bridge.
const VAL_MARKER: &str = "$pca::framework::typed::Val";

/// The message of the error for an unknown value where the model cannot hold one.
const UNKNOWN_MESSAGE: &str = "value is unknown";
/// Unit-struct name by which `Val::Unknown`'s `Serialize` asks the bridge for an unknown.
const UNKNOWN_MARKER: &str = "$pca::framework::typed::Unknown";

// ---------------------------------------------------------------------------------------------
// Val<T>
// ---------------------------------------------------------------------------------------------

/// A Terraform value of Rust type `T` in one of its three states.
///
/// ```
/// use pca::framework::typed::Val;
///
/// let v: Val<u32> = Val::Known(3);
/// assert!(v.is_known());
/// assert_eq!(v.known(), Some(&3));
/// assert_eq!(Val::<u32>::default(), Val::Null);
/// assert_eq!(Val::from(Some(4)), Val::Known(4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Val<T> {
    /// The value is null.
    #[default]
    Null,
    /// The value is not known until apply.
    Unknown,
    /// The value is known.
    Known(T),
}

impl<T> Val<T> {
    /// True for [`Val::Null`].
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert!(Val::<i64>::Null.is_null());
    /// assert!(!Val::Known(1).is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// True for [`Val::Unknown`].
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert!(Val::<i64>::Unknown.is_unknown());
    /// assert!(!Val::<i64>::Null.is_unknown());
    /// ```
    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// True for [`Val::Known`].
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert!(Val::Known("a").is_known());
    /// assert!(!Val::<&str>::Unknown.is_known());
    /// ```
    pub fn is_known(&self) -> bool {
        matches!(self, Val::Known(_))
    }

    /// Borrows the content: `Val<T>` to `Val<&T>`.
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// let v = Val::Known(String::from("x"));
    /// assert_eq!(v.as_ref().map(String::len), Val::Known(1));
    /// ```
    pub fn as_ref(&self) -> Val<&T> {
        match self {
            Val::Null => Val::Null,
            Val::Unknown => Val::Unknown,
            Val::Known(t) => Val::Known(t),
        }
    }

    /// The known value, or `None` when null or unknown.
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert_eq!(Val::Known(2).known(), Some(&2));
    /// assert_eq!(Val::<i32>::Unknown.known(), None);
    /// ```
    pub fn known(&self) -> Option<&T> {
        match self {
            Val::Known(t) => Some(t),
            Val::Null | Val::Unknown => None,
        }
    }

    /// The known value by value, or `None` when null or unknown.
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert_eq!(Val::Known(2).into_option(), Some(2));
    /// assert_eq!(Val::<i32>::Null.into_option(), None);
    /// ```
    pub fn into_option(self) -> Option<T> {
        match self {
            Val::Known(t) => Some(t),
            Val::Null | Val::Unknown => None,
        }
    }

    /// Maps a known value with `f`; null and unknown stay as they are.
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert_eq!(Val::Known(2).map(|n| n * 10), Val::Known(20));
    /// assert_eq!(Val::<i32>::Unknown.map(|n| n * 10), Val::Unknown);
    /// ```
    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Val<U> {
        match self {
            Val::Null => Val::Null,
            Val::Unknown => Val::Unknown,
            Val::Known(t) => Val::Known(f(t)),
        }
    }

    /// The known value, or `default` when null or unknown.
    ///
    /// ```
    /// # use pca::framework::typed::Val;
    /// assert_eq!(Val::Known(2).unwrap_or(7), 2);
    /// assert_eq!(Val::Null.unwrap_or(7), 7);
    /// assert_eq!(Val::Unknown.unwrap_or(7), 7);
    /// ```
    pub fn unwrap_or(self, default: T) -> T {
        match self {
            Val::Known(t) => t,
            Val::Null | Val::Unknown => default,
        }
    }
}

impl<T> From<T> for Val<T> {
    /// A known value.
    fn from(t: T) -> Self {
        Val::Known(t)
    }
}

impl<T> From<Option<T>> for Val<T> {
    /// `Some` is known, `None` is null.
    fn from(o: Option<T>) -> Self {
        match o {
            Some(t) => Val::Known(t),
            None => Val::Null,
        }
    }
}

impl<T: Serialize> Serialize for Val<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null => serializer.serialize_none(),
            Val::Unknown => serializer.serialize_unit_struct(UNKNOWN_MARKER),
            Val::Known(t) => t.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(VAL_MARKER, ValVisitor(PhantomData))
    }
}

/// Visitor for `Val<T>`: the bridge answers with [`ValTag`] enums, other formats with
/// `visit_newtype_struct` (or, for formats that forward to `deserialize_any`, unit/none).
struct ValVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ValVisitor<T> {
    type Value = Val<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, null or unknown")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (tag, variant) = data.variant::<ValTag>()?;
        match tag {
            ValTag::Null => variant.unit_variant().map(|()| Val::Null),
            ValTag::Unknown => variant.unit_variant().map(|()| Val::Unknown),
            // A value that is only partly known (a list with one unknown element, say) and
            // that `T` cannot hold reads as wholly unknown: "not known yet" is the truth
            // about it, and validators and plan hooks then leave it alone.
            ValTag::Known => match variant.newtype_variant::<T>() {
                Ok(t) => Ok(Val::Known(t)),
                Err(e) if e.to_string().ends_with(UNKNOWN_MESSAGE) => Ok(Val::Unknown),
                Err(e) => Err(e),
            },
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Option::<T>::deserialize(d).map(Val::from)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::deserialize(d).map(Val::Known)
    }
}

/// The state the bridge reports for a `Val`, as an enum variant index.
enum ValTag {
    Null,
    Unknown,
    Known,
}

impl ValTag {
    fn index(&self) -> u32 {
        match self {
            ValTag::Null => 0,
            ValTag::Unknown => 1,
            ValTag::Known => 2,
        }
    }
}

impl<'de> Deserialize<'de> for ValTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagVisitor;
        impl Visitor<'_> for TagVisitor {
            type Value = ValTag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value state index 0, 1 or 2")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ValTag, E> {
                match v {
                    0 => Ok(ValTag::Null),
                    1 => Ok(ValTag::Unknown),
                    2 => Ok(ValTag::Known),
                    _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
                }
            }
        }
        deserializer.deserialize_identifier(TagVisitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and paths
// ---------------------------------------------------------------------------------------------

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

/// A conversion between a typed model and a [`Value`] failed.
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
    fn within(mut self, step: PathStep) -> Self {
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

type Result<T, E = BridgeError> = std::result::Result<T, E>;

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/// Reads a typed model from a [`Value`].
///
/// ```
/// use pca::framework::typed::{from_value, Val};
/// use pca::protocol::value::{Number, Value};
///
/// let n: Val<u8> = from_value(&Value::Number(Number::Int(42)))?;
/// assert_eq!(n, Val::Known(42));
/// let u: Val<u8> = from_value(&Value::Unknown)?;
/// assert_eq!(u, Val::Unknown);
///
/// let err = from_value::<u8>(&Value::Number(Number::Int(300))).unwrap_err();
/// assert_eq!(err.to_string(), "value 300 out of range for u8");
/// # Ok::<(), pca::framework::typed::BridgeError>(())
/// ```
pub fn from_value<T: DeserializeOwned>(v: &Value) -> Result<T> {
    T::deserialize(ValueDeserializer { v })
}

/// Writes a typed model as a [`Value`].
///
/// ```
/// use pca::framework::typed::{to_value, Val};
/// use pca::protocol::value::Value;
///
/// assert_eq!(to_value(&Val::Known(true))?, Value::Bool(true));
/// assert_eq!(to_value(&Val::<bool>::Unknown)?, Value::Unknown);
/// assert_eq!(to_value(&Option::<bool>::None)?, Value::Null);
/// # Ok::<(), pca::framework::typed::BridgeError>(())
/// ```
pub fn to_value<T: Serialize + ?Sized>(t: &T) -> Result<Value> {
    t.serialize(ValueSerializer)
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// Why a number is not usable as an integer.
enum IntError {
    NotInteger,
    TooLarge,
}

/// The number as `(negative, magnitude)` when it is an integer whose magnitude fits `u128`.
fn integer_parts(n: &Number) -> Result<(bool, u128), IntError> {
    match n {
        Number::Int(i) => Ok((*i < 0, u128::from(i.unsigned_abs()))),
        Number::UInt(u) => Ok((false, u128::from(*u))),
        Number::Float(f) => {
            if f.is_nan() || (f.is_finite() && f.fract() != 0.0) {
                Err(IntError::NotInteger)
            } else if f.is_infinite() || f.abs() >= 2f64.powi(128) {
                Err(IntError::TooLarge)
            } else {
                // Integral and below 2^128: the conversion is exact.
                Ok((*f < 0.0, f.abs() as u128))
            }
        }
        Number::Big(s) => decimal_integer_parts(s),
    }
}

/// Parses a decimal string (`-12`, `4.20e1`, `1e400`) as an integer `(negative, magnitude)`.
fn decimal_integer_parts(s: &str) -> Result<(bool, u128), IntError> {
    let t = s.trim();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(p) => {
            let exp_text = &rest[p + 1..];
            match exp_text.parse::<i64>() {
                Ok(e) => (&rest[..p], e),
                // An exponent too large for i64 (with digits only): huge or tiny.
                Err(_) if !exp_text.is_empty() => {
                    let digits = exp_text.trim_start_matches(['-', '+']);
                    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        let zero = rest[..p].bytes().all(|b| b == b'0' || b == b'.');
                        return if zero {
                            Ok((false, 0))
                        } else if exp_text.starts_with('-') {
                            Err(IntError::NotInteger)
                        } else {
                            Err(IntError::TooLarge)
                        };
                    }
                    return Err(IntError::NotInteger);
                }
                Err(_) => return Err(IntError::NotInteger),
            }
        }
        None => (rest, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(p) => (&mant[..p], &mant[p + 1..]),
        None => (mant, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(IntError::NotInteger);
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Ok((false, 0));
    }
    let trailing = (digits.len() - significant.len()) as i64;
    let exp = exp
        .saturating_sub(frac.len() as i64)
        .saturating_add(trailing);
    if exp < 0 {
        return Err(IntError::NotInteger);
    }
    if (significant.len() as i64)
        .checked_add(exp)
        .is_none_or(|n| n > 39)
    {
        return Err(IntError::TooLarge);
    }
    let mut mag: u128 = 0;
    for b in significant.bytes() {
        mag = mag
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(b - b'0')))
            .ok_or(IntError::TooLarge)?;
    }
    for _ in 0..exp {
        mag = mag.checked_mul(10).ok_or(IntError::TooLarge)?;
    }
    Ok((neg, mag))
}

/// Converts a number to the integer type `I` (named `ty` in errors), refusing non-integers
/// and values out of range.
fn number_to_int<I>(n: &Number, ty: &str) -> Result<I>
where
    I: TryFrom<i128> + TryFrom<u128>,
{
    let out_of_range = || BridgeError::new(format!("value {} out of range for {ty}", show(n)));
    let (neg, mag) = integer_parts(n).map_err(|e| match e {
        IntError::NotInteger => {
            BridgeError::new(format!("value {} is not an integer ({ty})", show(n)))
        }
        IntError::TooLarge => out_of_range(),
    })?;
    if neg && mag != 0 {
        let signed = 0i128.checked_sub_unsigned(mag).ok_or_else(out_of_range)?;
        I::try_from(signed).map_err(|_| out_of_range())
    } else {
        I::try_from(mag).map_err(|_| out_of_range())
    }
}

/// A number for error messages: finite floats in their shortest form (`1e300`, not 301
/// digits), everything else as [`Number`]'s `Display`.
fn show(n: &Number) -> String {
    match n {
        Number::Float(f) if f.is_finite() => format!("{f:?}"),
        other => other.to_string(),
    }
}

/// A number from an `i128`, compact when it fits 64 bits.
fn number_from_i128(i: i128) -> Number {
    if let Ok(i) = i64::try_from(i) {
        Number::Int(i)
    } else if let Ok(u) = u64::try_from(i) {
        Number::UInt(u)
    } else {
        Number::Big(i.to_string())
    }
}

/// A number from an `f64`; NaN has no Terraform representation.
fn number_from_f64(f: f64) -> Result<Number> {
    if f.is_nan() {
        Err(BridgeError::new("NaN is not a valid number"))
    } else {
        Ok(Number::from_f64(f))
    }
}

// ---------------------------------------------------------------------------------------------
// Deserializer
// ---------------------------------------------------------------------------------------------

/// A null to hand out for object attributes missing from a map.
static NULL: Value = Value::Null;

/// The serde deserializer over a borrowed [`Value`].
struct ValueDeserializer<'de> {
    v: &'de Value,
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
    v: &'de Value,
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
    v: &'de Value,
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
    v: &'de Value,
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

// ---------------------------------------------------------------------------------------------
// Serializer
// ---------------------------------------------------------------------------------------------

/// The serde serializer producing a [`Value`].
struct ValueSerializer;

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
struct SeqSer {
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
struct MapSer {
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
struct StructSer {
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
struct VariantSer<S> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};
    use std::collections::HashMap;

    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Subject {
        common_name: Val<String>,
        country: Val<String>,
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Model {
        id: Val<String>,
        alias: Val<String>,
        validity_days: Val<i64>,
        max_retries: Val<u32>,
        deletion_protection: Val<bool>,
        alt_names: Val<Vec<String>>,
        subject: Val<Subject>,
        tags: Val<BTreeMap<String, String>>,
        opt: Option<String>,
    }

    fn s(x: &str) -> Value {
        Value::String(x.to_owned())
    }

    fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    fn obj(attrs: &[(&str, Value)]) -> Value {
        Value::Map(
            attrs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn full_model() -> Model {
        Model {
            id: Val::Known("ca-1".into()),
            alias: Val::Known("root".into()),
            validity_days: Val::Known(365),
            max_retries: Val::Known(3),
            deletion_protection: Val::Known(true),
            alt_names: Val::Known(vec!["a.example".into(), "b.example".into()]),
            subject: Val::Known(Subject {
                common_name: Val::Known("Example CA".into()),
                country: Val::Known("KR".into()),
            }),
            tags: Val::Known(BTreeMap::from([("env".to_owned(), "prod".to_owned())])),
            opt: Some("x".into()),
        }
    }

    fn full_value() -> Value {
        obj(&[
            ("id", s("ca-1")),
            ("alias", s("root")),
            ("validity_days", int(365)),
            ("max_retries", int(3)),
            ("deletion_protection", Value::Bool(true)),
            (
                "alt_names",
                Value::List(vec![s("a.example"), s("b.example")]),
            ),
            (
                "subject",
                obj(&[("common_name", s("Example CA")), ("country", s("KR"))]),
            ),
            ("tags", obj(&[("env", s("prod"))])),
            ("opt", s("x")),
        ])
    }

    fn round_trip(m: &Model, v: &Value) {
        assert_eq!(&to_value(m).unwrap(), v, "serialising {m:?}");
        assert_eq!(&from_value::<Model>(v).unwrap(), m, "deserialising {v:?}");
    }

    #[test]
    fn all_known_round_trip() {
        round_trip(&full_model(), &full_value());
    }

    #[test]
    fn all_null_round_trip() {
        let m = Model {
            id: Val::Null,
            alias: Val::Null,
            validity_days: Val::Null,
            max_retries: Val::Null,
            deletion_protection: Val::Null,
            alt_names: Val::Null,
            subject: Val::Null,
            tags: Val::Null,
            opt: None,
        };
        let v = obj(&[
            ("id", Value::Null),
            ("alias", Value::Null),
            ("validity_days", Value::Null),
            ("max_retries", Value::Null),
            ("deletion_protection", Value::Null),
            ("alt_names", Value::Null),
            ("subject", Value::Null),
            ("tags", Value::Null),
            ("opt", Value::Null),
        ]);
        round_trip(&m, &v);
        // An empty object reads the same: every missing attribute is null.
        assert_eq!(
            from_value::<Model>(&Value::Map(BTreeMap::new())).unwrap(),
            m
        );
    }

    #[test]
    fn all_unknown_round_trip() {
        let m = Model {
            id: Val::Unknown,
            alias: Val::Unknown,
            validity_days: Val::Unknown,
            max_retries: Val::Unknown,
            deletion_protection: Val::Unknown,
            alt_names: Val::Unknown,
            subject: Val::Unknown,
            tags: Val::Unknown,
            opt: None,
        };
        let v = obj(&[
            ("id", Value::Unknown),
            ("alias", Value::Unknown),
            ("validity_days", Value::Unknown),
            ("max_retries", Value::Unknown),
            ("deletion_protection", Value::Unknown),
            ("alt_names", Value::Unknown),
            ("subject", Value::Unknown),
            ("tags", Value::Unknown),
            ("opt", Value::Null),
        ]);
        round_trip(&m, &v);
    }

    #[test]
    fn mixed_states_at_every_level() {
        let mut m = full_model();
        m.id = Val::Unknown;
        m.alias = Val::Null;
        m.alt_names = Val::Known(vec![]);
        m.subject = Val::Known(Subject {
            common_name: Val::Unknown,
            country: Val::Null,
        });
        m.tags = Val::Known(BTreeMap::new());
        m.opt = None;
        let v = obj(&[
            ("id", Value::Unknown),
            ("alias", Value::Null),
            ("validity_days", int(365)),
            ("max_retries", int(3)),
            ("deletion_protection", Value::Bool(true)),
            ("alt_names", Value::List(vec![])),
            (
                "subject",
                obj(&[("common_name", Value::Unknown), ("country", Value::Null)]),
            ),
            ("tags", Value::Map(BTreeMap::new())),
            ("opt", Value::Null),
        ]);
        round_trip(&m, &v);
    }

    #[test]
    fn unknown_elements_need_val_elements() {
        let v = Value::List(vec![s("a"), Value::Unknown, Value::Null]);
        let got: Vec<Val<String>> = from_value(&v).unwrap();
        assert_eq!(got, vec![Val::Known("a".into()), Val::Unknown, Val::Null]);
        assert_eq!(to_value(&got).unwrap(), v);

        let tags = obj(&[("a", Value::Unknown), ("b", s("x"))]);
        let got: BTreeMap<String, Val<String>> = from_value(&tags).unwrap();
        assert_eq!(got["a"], Val::Unknown);
        assert_eq!(to_value(&got).unwrap(), tags);
    }

    #[test]
    fn missing_attributes_are_null_and_extra_ones_ignored() {
        let v = obj(&[
            ("id", s("ca-1")),
            (
                "subject",
                obj(&[("common_name", s("CN")), ("extra", Value::Unknown)]),
            ),
            ("not_in_model", Value::Unknown),
        ]);
        let m: Model = from_value(&v).unwrap();
        assert_eq!(m.id, Val::Known("ca-1".into()));
        assert_eq!(m.alias, Val::Null);
        assert_eq!(m.opt, None);
        assert_eq!(
            m.subject,
            Val::Known(Subject {
                common_name: Val::Known("CN".into()),
                country: Val::Null
            })
        );
        // Serialising writes every field of the model, and only those.
        let back = to_value(&m).unwrap();
        let keys: Vec<&str> = back.as_map().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "alias",
                "alt_names",
                "deletion_protection",
                "id",
                "max_retries",
                "opt",
                "subject",
                "tags",
                "validity_days"
            ]
        );
        assert_eq!(
            back.get("subject").and_then(|s| s.get("country")),
            Some(&Value::Null)
        );
    }

    #[test]
    fn out_of_range_integers() {
        let mut v = full_value();
        if let Value::Map(m) = &mut v {
            m.insert("max_retries".into(), int(-1));
        }
        let e = from_value::<Model>(&v).unwrap_err();
        assert_eq!(e.to_string(), "max_retries: value -1 out of range for u32");
        assert_eq!(e.path(), [PathStep::Attr("max_retries".into())]);
        assert_eq!(e.message(), "value -1 out of range for u32");

        let e = from_value::<u8>(&int(300)).unwrap_err();
        assert_eq!(e.to_string(), "value 300 out of range for u8");
        let e = from_value::<i8>(&int(-129)).unwrap_err();
        assert_eq!(e.to_string(), "value -129 out of range for i8");
        assert_eq!(from_value::<i8>(&int(-128)).unwrap(), -128);
        let e = from_value::<i64>(&Value::Number(Number::UInt(u64::MAX))).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("value {} out of range for i64", u64::MAX)
        );
        assert_eq!(
            from_value::<u64>(&Value::Number(Number::UInt(u64::MAX))).unwrap(),
            u64::MAX
        );
        let e = from_value::<u32>(&Value::Number(Number::Big("1e400".into()))).unwrap_err();
        assert_eq!(e.to_string(), "value 1e400 out of range for u32");
        let huge = "123456789012345678901234567890";
        let e = from_value::<i64>(&Value::Number(Number::Big(huge.into()))).unwrap_err();
        assert_eq!(e.to_string(), format!("value {huge} out of range for i64"));
        assert_eq!(
            from_value::<i128>(&Value::Number(Number::Big(format!("-{huge}")))).unwrap(),
            -123_456_789_012_345_678_901_234_567_890_i128
        );
        assert_eq!(
            from_value::<i128>(&Value::Number(Number::Big(i128::MIN.to_string()))).unwrap(),
            i128::MIN
        );
        assert_eq!(
            from_value::<u128>(&Value::Number(Number::Big(u128::MAX.to_string()))).unwrap(),
            u128::MAX
        );
    }

    #[test]
    fn big_numbers_that_fit() {
        let big = |t: &str| Value::Number(Number::Big(t.into()));
        assert_eq!(from_value::<i64>(&big("42")).unwrap(), 42);
        assert_eq!(from_value::<i64>(&big("-42")).unwrap(), -42);
        assert_eq!(from_value::<i64>(&big("4.2e1")).unwrap(), 42);
        assert_eq!(from_value::<i64>(&big("4200e-2")).unwrap(), 42);
        assert_eq!(from_value::<u8>(&big("0.000")).unwrap(), 0);
        assert_eq!(from_value::<i64>(&big("-0")).unwrap(), 0);
        assert_eq!(
            from_value::<i64>(&big(&i64::MIN.to_string())).unwrap(),
            i64::MIN
        );
        assert_eq!(
            from_value::<Val<i64>>(&big("9007199254740993")).unwrap(),
            Val::Known(9_007_199_254_740_993)
        );
        let m: Model = from_value(&obj(&[("validity_days", big("36500"))])).unwrap();
        assert_eq!(m.validity_days, Val::Known(36_500));
    }

    #[test]
    fn floats_into_integers_only_when_integral() {
        let num = |n: Number| Value::Number(n);
        assert_eq!(from_value::<i64>(&num(Number::Float(2.0))).unwrap(), 2);
        assert_eq!(from_value::<i32>(&num(Number::Float(-7.0))).unwrap(), -7);
        let e = from_value::<i64>(&num(Number::Float(2.5))).unwrap_err();
        assert_eq!(e.to_string(), "value 2.5 is not an integer (i64)");
        let e = from_value::<u32>(&num(Number::Big("0.5".into()))).unwrap_err();
        assert_eq!(e.to_string(), "value 0.5 is not an integer (u32)");
        let e = from_value::<u32>(&num(Number::Big("1e-400".into()))).unwrap_err();
        assert_eq!(e.to_string(), "value 1e-400 is not an integer (u32)");
        let e = from_value::<i64>(&num(Number::Float(f64::INFINITY))).unwrap_err();
        assert_eq!(e.to_string(), "value Infinity out of range for i64");
        let e = from_value::<u64>(&num(Number::Float(1e30))).unwrap_err();
        assert!(e.to_string().ends_with("out of range for u64"), "{e}");
        let mut v = full_value();
        if let Value::Map(m) = &mut v {
            m.insert("validity_days".into(), num(Number::Float(1.5)));
        }
        let e = from_value::<Model>(&v).unwrap_err();
        assert_eq!(
            e.to_string(),
            "validity_days: value 1.5 is not an integer (i64)"
        );
    }

    #[test]
    fn floats() {
        assert_eq!(from_value::<f64>(&int(3)).unwrap(), 3.0);
        assert_eq!(
            from_value::<f64>(&Value::Number(Number::Float(0.25))).unwrap(),
            0.25
        );
        assert_eq!(
            from_value::<f32>(&Value::Number(Number::Float(0.5))).unwrap(),
            0.5
        );
        let e = from_value::<f32>(&Value::Number(Number::Float(1e300))).unwrap_err();
        assert_eq!(e.to_string(), "value 1e300 out of range for f32");
        assert_eq!(
            to_value(&0.25f64).unwrap(),
            Value::Number(Number::Float(0.25))
        );
        assert_eq!(to_value(&2.0f64).unwrap(), int(2));
        assert_eq!(
            to_value(&0.1f32).unwrap(),
            Value::Number(Number::Float(0.1))
        );
        assert_eq!(
            to_value(&f32::INFINITY).unwrap(),
            Value::Number(Number::Float(f64::INFINITY))
        );
        assert!(to_value(&f64::NAN).is_err());
    }

    #[test]
    fn integers_serialise_compactly() {
        assert_eq!(to_value(&200u8).unwrap(), int(200));
        assert_eq!(to_value(&-5i16).unwrap(), int(-5));
        assert_eq!(
            to_value(&u64::MAX).unwrap(),
            Value::Number(Number::UInt(u64::MAX))
        );
        assert_eq!(to_value(&7u64).unwrap(), int(7));
        assert_eq!(
            to_value(&i128::MIN).unwrap(),
            Value::Number(Number::Big(i128::MIN.to_string()))
        );
        assert_eq!(
            to_value(&u128::from(u64::MAX)).unwrap(),
            Value::Number(Number::UInt(u64::MAX))
        );
        // And back.
        let v = to_value(&i128::MIN).unwrap();
        assert_eq!(from_value::<i128>(&v).unwrap(), i128::MIN);
    }

    #[test]
    fn unknown_into_plain_types_is_an_error_with_a_path() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct PlainSubject {
            common_name: String,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Plain {
            subject: PlainSubject,
            alt_names: Vec<String>,
            opt: Option<String>,
            tags: BTreeMap<String, u8>,
        }
        let good = || {
            BTreeMap::from([
                ("subject".to_owned(), obj(&[("common_name", s("CN"))])),
                (
                    "alt_names".to_owned(),
                    Value::List(vec![s("a"), s("b"), s("c")]),
                ),
                ("opt".to_owned(), Value::Null),
                ("tags".to_owned(), obj(&[("env", int(1))])),
            ])
        };
        assert!(from_value::<Plain>(&Value::Map(good())).is_ok());

        let with = |k: &str, v: Value| {
            let mut m = good();
            m.insert(k.to_owned(), v);
            from_value::<Plain>(&Value::Map(m)).unwrap_err().to_string()
        };
        assert_eq!(
            with("subject", obj(&[("common_name", Value::Unknown)])),
            "subject.common_name: value is unknown"
        );
        assert_eq!(
            with("subject", obj(&[("common_name", Value::Null)])),
            "subject.common_name: value is null"
        );
        assert_eq!(
            with("subject", obj(&[])),
            "subject.common_name: value is null"
        );
        assert_eq!(
            with(
                "alt_names",
                Value::List(vec![s("a"), s("b"), Value::Unknown])
            ),
            "alt_names[2]: value is unknown"
        );
        assert_eq!(
            with("alt_names", Value::Unknown),
            "alt_names: value is unknown"
        );
        assert_eq!(with("opt", Value::Unknown), "opt: value is unknown");
        assert_eq!(
            with("tags", obj(&[("env", int(256))])),
            "tags[\"env\"]: value 256 out of range for u8"
        );
        assert_eq!(
            with("subject", obj(&[("common_name", int(1))])),
            "subject.common_name: invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            with("alt_names", s("a")),
            "alt_names: invalid type: string \"a\", expected a sequence"
        );

        assert_eq!(
            from_value::<String>(&Value::Unknown)
                .unwrap_err()
                .to_string(),
            "value is unknown"
        );
        assert_eq!(
            from_value::<Option<String>>(&Value::Unknown)
                .unwrap_err()
                .to_string(),
            "value is unknown"
        );
        assert_eq!(from_value::<Option<String>>(&Value::Null).unwrap(), None);
    }

    #[test]
    fn nested_paths_through_val() {
        let mut v = full_value();
        if let Value::Map(m) = &mut v {
            m.insert(
                "alt_names".into(),
                Value::List(vec![s("a"), s("b"), Value::Unknown]),
            );
        }
        // A partly unknown value that the model cannot hold reads as unknown ...
        let m = from_value::<Model>(&v).unwrap();
        assert_eq!(m.alt_names, Val::Unknown);
        // ... while a plain (non-`Val`) field reports where the unknown was.
        let e = from_value::<Vec<String>>(&Value::List(vec![s("a"), s("b"), Value::Unknown]))
            .unwrap_err();
        assert_eq!(e.to_string(), "[2]: value is unknown");
        assert_eq!(e.path(), [PathStep::Index(2)]);
    }

    #[test]
    fn dynamic_reads_as_its_content() {
        use crate::protocol::value::Type;
        let v = Value::Dynamic(Type::String, Box::new(s("x")));
        assert_eq!(from_value::<String>(&v).unwrap(), "x");
        assert_eq!(
            from_value::<Val<String>>(&v).unwrap(),
            Val::Known("x".into())
        );
        let list = Value::Dynamic(
            Type::list(Type::Number),
            Box::new(Value::List(vec![
                int(1),
                Value::Dynamic(Type::Number, Box::new(int(2))),
            ])),
        );
        assert_eq!(from_value::<Vec<u8>>(&list).unwrap(), vec![1, 2]);
        let m: Model = from_value(&obj(&[("id", v)])).unwrap();
        assert_eq!(m.id, Val::Known("x".into()));
    }

    #[test]
    fn sets_read_as_sequences() {
        let v = Value::Set(vec![s("b"), s("a")]);
        assert_eq!(from_value::<Vec<String>>(&v).unwrap(), ["b", "a"]);
        let set: std::collections::BTreeSet<String> = from_value(&v).unwrap();
        assert_eq!(to_value(&set).unwrap(), Value::List(vec![s("a"), s("b")]));
    }

    #[test]
    fn enums_renames_newtypes_and_hash_maps() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        enum KeyAlg {
            Rsa2048,
            EcP256,
        }
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Days(u32);
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        enum Shape {
            Point,
            Circle(f64),
            Rect { w: u8, h: u8 },
            Pair(u8, u8),
        }
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct M {
            #[serde(rename = "key_algorithm")]
            alg: Val<KeyAlg>,
            days: Days,
            labels: HashMap<String, Val<bool>>,
            shapes: Vec<Shape>,
            pair: (String, u8),
        }
        let m = M {
            alg: Val::Known(KeyAlg::EcP256),
            days: Days(30),
            labels: HashMap::from([
                ("a".to_owned(), Val::Unknown),
                ("b".to_owned(), Val::Known(true)),
            ]),
            shapes: vec![
                Shape::Point,
                Shape::Circle(0.5),
                Shape::Rect { w: 1, h: 2 },
                Shape::Pair(3, 4),
            ],
            pair: ("p".into(), 9),
        };
        let v = obj(&[
            ("key_algorithm", s("EC_P256")),
            ("days", int(30)),
            (
                "labels",
                obj(&[("a", Value::Unknown), ("b", Value::Bool(true))]),
            ),
            (
                "shapes",
                Value::List(vec![
                    s("Point"),
                    obj(&[("Circle", Value::Number(Number::Float(0.5)))]),
                    obj(&[("Rect", obj(&[("w", int(1)), ("h", int(2))]))]),
                    obj(&[("Pair", Value::List(vec![int(3), int(4)]))]),
                ]),
            ),
            ("pair", Value::List(vec![s("p"), int(9)])),
        ]);
        assert_eq!(to_value(&m).unwrap(), v);
        assert_eq!(from_value::<M>(&v).unwrap(), m);

        let e = from_value::<KeyAlg>(&s("DSA")).unwrap_err();
        assert!(e.to_string().starts_with("unknown variant `DSA`"), "{e}");
        let e = from_value::<Vec<Shape>>(&Value::List(vec![obj(&[(
            "Rect",
            obj(&[("w", int(1)), ("h", int(999))]),
        )])]))
        .unwrap_err();
        assert_eq!(e.to_string(), "[0].Rect.h: value 999 out of range for u8");
        let e = from_value::<(String, u8)>(&Value::List(vec![s("p"), int(1), int(2)])).unwrap_err();
        assert_eq!(e.to_string(), "too many elements: expected 2, found 3");
        let e = from_value::<(String, u8)>(&Value::List(vec![s("p")])).unwrap_err();
        assert!(e.to_string().starts_with("invalid length 1"), "{e}");
    }

    #[test]
    fn serialisation_errors_carry_paths() {
        #[derive(Serialize)]
        struct Inner {
            x: f64,
        }
        #[derive(Serialize)]
        struct Outer {
            items: Vec<Inner>,
        }
        let e = to_value(&Outer {
            items: vec![Inner { x: 1.0 }, Inner { x: f64::NAN }],
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "items[1].x: NaN is not a valid number");
        let e = to_value(&BTreeMap::from([((1u8, 2u8), 1u8)])).unwrap_err();
        assert_eq!(e.to_string(), "map keys must be strings");
        let v = to_value(&BTreeMap::from([(1u8, true)])).unwrap();
        assert_eq!(v, obj(&[("1", Value::Bool(true))]));
    }

    #[test]
    fn val_helpers() {
        let v: Val<String> = "x".to_owned().into();
        assert_eq!(v.as_ref(), Val::Known(&"x".to_owned()));
        assert_eq!(Val::<String>::Unknown.as_ref(), Val::Unknown);
        assert_eq!(Val::<u8>::from(None), Val::Null);
        assert_eq!(Val::Known(1).map(|n| n + 1).into_option(), Some(2));
        assert_eq!(Val::<u8>::Unknown.into_option(), None);
        assert_eq!(Val::<u8>::default(), Val::Null);
    }

    #[test]
    fn val_with_other_formats() {
        assert_eq!(serde_json::from_str::<Val<i32>>("null").unwrap(), Val::Null);
        assert_eq!(
            serde_json::from_str::<Val<i32>>("5").unwrap(),
            Val::Known(5)
        );
        assert_eq!(serde_json::to_string(&Val::Known(5)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&Val::<i32>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Val::<i32>::Unknown).unwrap(), "null");
    }

    #[test]
    fn ignored_and_any() {
        // deserialize_any: serde_json::Value from a bridge value.
        let v = obj(&[(
            "a",
            Value::List(vec![int(1), Value::Bool(false), Value::Null]),
        )]);
        let j: serde_json::Value = from_value(&v).unwrap();
        assert_eq!(j.to_string(), r#"{"a":[1,false,null]}"#);
        assert_eq!(
            from_value::<serde_json::Value>(&Value::Unknown)
                .unwrap_err()
                .to_string(),
            "value is unknown"
        );
    }
}

#[cfg(test)]
mod partly_unknown_tests {
    use super::*;
    use crate::protocol::value::Number;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug, PartialEq)]
    struct M {
        tags: Val<Vec<String>>,
        n: Val<i64>,
    }

    #[test]
    fn partly_unknown_collection_reads_as_unknown() {
        let v = Value::Map(BTreeMap::from([
            (
                "tags".to_owned(),
                Value::List(vec!["a".into(), Value::Unknown]),
            ),
            ("n".to_owned(), Value::Number(Number::from(1))),
        ]));
        let m: M = from_value(&v).expect("decodes");
        assert_eq!(
            m,
            M {
                tags: Val::Unknown,
                n: Val::Known(1)
            }
        );
    }

    #[test]
    fn huge_exponent_is_an_error_not_a_panic() {
        let v = Value::Number(Number::Big("1e9223372036854775807".into()));
        assert!(from_value::<i64>(&v).is_err());
    }
}
