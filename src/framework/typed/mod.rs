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

mod de;
mod error;
mod number;
#[cfg(test)]
mod partly_unknown_tests;
mod ser;
#[cfg(test)]
mod tests;
mod val;

pub use error::{BridgeError, PathStep};
pub use val::Val;

use de::ValueDeserializer;
use error::Result;
use ser::ValueSerializer;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::protocol::value::Value;

/// Newtype-struct name by which `Val<T>`'s `Deserialize` announces itself to the bridge.
const VAL_MARKER: &str = "$pca::framework::typed::Val";

/// The message of the error for an unknown value where the model cannot hold one.
const UNKNOWN_MESSAGE: &str = "value is unknown";
/// Unit-struct name by which `Val::Unknown`'s `Serialize` asks the bridge for an unknown.
const UNKNOWN_MARKER: &str = "$pca::framework::typed::Unknown";

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
