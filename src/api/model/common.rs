//! Shared wire types: the response envelope (§1.5), identifiers (§1.9), `keyType` and
//! `period` (§1.8), and the no-payload marker.

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::api::error::ErrorCode;
use crate::api::lenient::{self, exact, string_enum};

/// Unix epoch milliseconds, the unit of every timestamp of the API (§1.9).
pub type EpochMillis = i64;

/// The `{code, msg, data}` envelope around every response, success or not (§1.5, §1.6.1).
///
/// - `code`: `"SUCCESS"` on success (compared case-insensitively, so `"Success"` counts);
///   otherwise a code of §1.7.2 (see [`Envelope::error_code`]). Kept verbatim.
/// - `msg`: human-readable text, language-dependent; never match on it (A24). Absent → `""`.
/// - `data`: the payload; `null` or absent → `None`. Always serialized (as `null` when
///   `None`), as the spec's examples show.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Envelope<T> {
    /// Result code (§1.7.2).
    pub code: String,
    /// Human-readable message.
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub msg: String,
    /// Operation-specific payload.
    #[serde(default = "none")]
    pub data: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

/// The success code (§1.5).
pub const SUCCESS_CODE: &str = "SUCCESS";
/// The success message (§1.5).
pub const SUCCESS_MSG: &str = "Success";

impl<T> Envelope<T> {
    /// A success envelope `{"code":"SUCCESS","msg":"Success","data":…}`.
    pub fn success(data: Option<T>) -> Self {
        Envelope {
            code: SUCCESS_CODE.to_owned(),
            msg: SUCCESS_MSG.to_owned(),
            data,
        }
    }

    /// An error envelope `{"code":<code>,"msg":<msg>,"data":null}` (§1.6.1).
    pub fn error(code: &ErrorCode, msg: impl Into<String>) -> Self {
        Envelope {
            code: code.as_str().to_owned(),
            msg: msg.into(),
            data: None,
        }
    }

    /// Whether `code` is `SUCCESS`, ignoring ASCII case (`Success` also counts).
    pub fn is_success(&self) -> bool {
        self.code.eq_ignore_ascii_case(SUCCESS_CODE)
    }

    /// `code` decoded as an [`ErrorCode`] (`ErrorCode::Success` on success).
    pub fn error_code(&self) -> ErrorCode {
        ErrorCode::from_wire(&self.code)
    }
}

/// The payload of operations whose `data` is `null` (§1.5: Delete CA, Revoke End Cert, Add /
/// Delete CA User, Create / Delete OCSP, Rotate CRL, Trim CA). Decodes from anything (the
/// content is ignored, so an unexpected payload never fails the call) and encodes as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoData;

impl Serialize for NoData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> Deserialize<'de> for NoData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(NoData)
    }
}

macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The identifier text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_newtype! {
    /// `caTag`: the public CA identifier used in every path (§1.9). Format UNCONFIRMED; the
    /// emulator uses 8 lower-case hex digits, `-`, 8 lower-case hex digits.
    CaTag
}

id_newtype! {
    /// `serialNo`: a certificate serial as colon-separated hex octets, e.g. `3a:1f:…:20`
    /// (§1.9). Sent unescaped in paths (A12).
    SerialNo
}

id_newtype! {
    /// `idNo`: a sub-account ID, 36 characters in UUID form (§1.9, §2.16).
    IdNo
}

impl SerialNo {
    /// Formats serial bytes the emulator's way (§1.9): lower-case hex octets joined by `:`.
    ///
    /// ```
    /// use pca::api::model::SerialNo;
    /// assert_eq!(SerialNo::from_bytes(&[0x3a, 0x1f, 0x00]).as_str(), "3a:1f:00");
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> SerialNo {
        let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        SerialNo(parts.join(":"))
    }

    /// Whether the text is non-empty colon-separated two-digit hex octets (either case).
    pub fn is_well_formed(&self) -> bool {
        !self.0.is_empty()
            && self
                .0
                .split(':')
                .all(|o| o.len() == 2 && o.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// The canonical form for comparisons: lower case.
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// Whether a path segment as received names this serial (A12): the segment is
    /// percent-decoded (`%3A` accepted) and compared ignoring ASCII case.
    ///
    /// ```
    /// use pca::api::model::SerialNo;
    /// assert!(SerialNo::from("3a:1f").matches_segment("3A%3a1F"));
    /// ```
    pub fn matches_segment(&self, segment: &str) -> bool {
        crate::api::uri::percent_decode(segment).eq_ignore_ascii_case(&self.0)
    }
}

string_enum! {
    /// `keyType`: the key algorithm of a CA or certificate (§1.8; `EC256` = P-256,
    /// `EC521` = P-521, curve mapping inferred).
    KeyType, matcher = exact, {
        /// `RSA2048`
        Rsa2048 => "RSA2048",
        /// `RSA4096`
        Rsa4096 => "RSA4096",
        /// `EC256` (NIST P-256)
        Ec256 => "EC256",
        /// `EC521` (NIST P-521)
        Ec521 => "EC521",
    }
}

/// `period`: a validity in days, always a JSON **string** on the wire (§1.8, A23): `"1"` …
/// `"3650"` or `"MAX"` (the largest allowed period; not documented for Sign Sub Csr).
///
/// Decoding is lenient (A23, emulator side): a JSON integer is accepted as days, and any
/// other text is kept in [`Period::Other`] for the emulator to reject with
/// `INVALID_INPUT_PERIOD`. Range checks are left to the caller ([`Period::days_in_range`]).
/// The `Default` is `Other("")`, meaning absent on the wire (`EMPTY_CA_TTL`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Period {
    /// `"MAX"`.
    Max,
    /// A canonical decimal number of days (no sign, no leading zero).
    Days(u32),
    /// Any other text, verbatim (`""` = absent).
    Other(String),
}

impl Period {
    /// The wire text.
    pub fn as_wire(&self) -> String {
        match self {
            Period::Max => "MAX".to_owned(),
            Period::Days(n) => n.to_string(),
            Period::Other(s) => s.clone(),
        }
    }

    /// Decodes wire text: `"MAX"` → `Max`, canonical digits → `Days`, else `Other`.
    pub fn from_wire(s: &str) -> Period {
        if s == "MAX" {
            return Period::Max;
        }
        let canonical = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'));
        match s.parse::<u32>() {
            Ok(n) if canonical => Period::Days(n),
            _ => Period::Other(s.to_owned()),
        }
    }

    /// Whether the field was absent (or empty) on the wire.
    pub fn is_missing(&self) -> bool {
        matches!(self, Period::Other(s) if s.is_empty())
    }

    /// Whether this is `Days(n)` with `1 <= n <= 3650` (§1.8), or `Max` when `allow_max`.
    pub fn days_in_range(&self, allow_max: bool) -> bool {
        match self {
            Period::Max => allow_max,
            Period::Days(n) => (crate::api::limits::PERIOD_MIN_DAYS
                ..=crate::api::limits::PERIOD_MAX_DAYS)
                .contains(n),
            Period::Other(_) => false,
        }
    }
}

impl Default for Period {
    /// `Other("")`: absent on the wire.
    fn default() -> Self {
        Period::Other(String::new())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_wire())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_wire())
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Period::from_wire(&s)),
            Value::Number(n) => Ok(Period::from_wire(&n.to_string())),
            Value::Null => Ok(Period::default()),
            other => Err(serde::de::Error::invalid_type(
                lenient::unexpected(&other),
                &"a period string (\"1\"..\"3650\" or \"MAX\")",
            )),
        }
    }
}
