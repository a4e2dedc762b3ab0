//! CA users (sub accounts holding rights on a CA): Add CA User (§2.16), Get CA User List
//! (§2.17), Delete CA User (§2.18).

use std::fmt;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::api::lenient;
use crate::api::model::common::{Envelope, IdNo, NoData};

/// Body of Add CA User (§2.16): the sub-account ID (required; `""` when absent:
/// `EMPTY_ID_NO`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddCaUserRequest {
    /// Sub-account ID (36-character UUID form).
    #[serde(default)]
    pub id_no: IdNo,
}

/// Response of Add CA User (§2.16): `data` is `null` (presumed).
pub type AddCaUserResponse = Envelope<NoData>;

/// `mbrNo`, the NCP member number of a sub account (§1.9, A16): a number in the docs, a
/// string in NAVER's generated client. Either decodes (the digits are kept exactly, as
/// text); encoding writes a JSON integer when the text is a canonical unsigned integer that
/// fits 64 bits (the emulator's form), else a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MbrNo(pub String);

impl MbrNo {
    /// The member number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The member number as an integer, when it is one.
    pub fn as_u64(&self) -> Option<u64> {
        canonical_u64(&self.0)
    }
}

fn canonical_u64(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

impl From<u64> for MbrNo {
    fn from(n: u64) -> Self {
        MbrNo(n.to_string())
    }
}

impl From<&str> for MbrNo {
    fn from(s: &str) -> Self {
        MbrNo(s.to_owned())
    }
}

impl fmt::Display for MbrNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MbrNo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_u64() {
            Some(n) => s.serialize_u64(n),
            None => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for MbrNo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(MbrNo(s)),
            Value::Number(n) => Ok(MbrNo(n.to_string())),
            other => Err(D::Error::invalid_type(
                lenient::unexpected(&other),
                &"a member number (integer or string)",
            )),
        }
    }
}

/// One item of Get CA User List's `data` (§2.17). Decoding accepts the example's typo
/// `mdrNo` for `mbrNo` (A16).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaUser {
    /// Sub-account login ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_id: Option<String>,
    /// NCP member number.
    #[serde(default, alias = "mdrNo", skip_serializing_if = "Option::is_none")]
    pub mbr_no: Option<MbrNo>,
    /// Sub-account ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_no: Option<IdNo>,
}

/// Response of Get CA User List (§2.17): `data` is an array of users (no paging; `null`
/// decodes as `None`).
pub type GetCaUserListResponse = Envelope<Vec<CaUser>>;

/// Response of Delete CA User (§2.18): `data` is `null`.
pub type DeleteCaUserResponse = Envelope<NoData>;
