//! `Val<T>`: a Terraform value in one of its three states, and its serde side of the bridge.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, EnumAccess, Unexpected, VariantAccess, Visitor};
use serde::ser::Serialize;
use serde::{Deserialize, Deserializer, Serializer};

use super::error::Result;
use super::{UNKNOWN_MARKER, UNKNOWN_MESSAGE, VAL_MARKER};

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
pub(super) enum ValTag {
    Null,
    Unknown,
    Known,
}

impl ValTag {
    pub(super) fn index(&self) -> u32 {
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
