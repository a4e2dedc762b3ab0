//! Revocation distribution: Get CA CRL (§2.7), Create OCSP (§2.19), Delete OCSP (§2.20),
//! Get CRL Config (§2.21), Update CRL Config (§2.22), Rotate CRL (§2.23), Trim CA (§2.24).

use serde::{Deserialize, Serialize};

use crate::api::lenient;
use crate::api::limits::CRL_EXPIRY_DEFAULT;
use crate::api::model::common::{Envelope, NoData};

/// Response of Get CA CRL (§2.7, A25): `data` is the current CRL as one PEM string
/// (`-----BEGIN X509 CRL-----…`).
pub type GetCaCrlResponse = Envelope<String>;

/// Body of Create OCSP (§2.19), e.g.
/// `{"ocsp_servers":"https://pca.apigw.ntruss.com/ext/{caTag}/ocsp"}`. Note the
/// **snake_case** key. Required (`""` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreateOcspRequest {
    /// The OCSP responder URL.
    #[serde(default, rename = "ocsp_servers")]
    pub ocsp_servers: String,
}

/// Response of Create OCSP (§2.19): `data` is `null`.
pub type CreateOcspResponse = Envelope<NoData>;

/// Response of Delete OCSP (§2.20): no body is sent, `data` is `null`.
pub type DeleteOcspResponse = Envelope<NoData>;

/// CRL settings (§2.21, §2.22): the `data` of Get CRL Config and Update CRL Config.
/// `expiry` is a string of days (A23), a JSON number is accepted too.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CrlConfig {
    /// CRL renewal interval in days, e.g. `"3"`.
    #[serde(
        default,
        deserialize_with = "lenient::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiry: Option<String>,
}

impl CrlConfig {
    /// The interval in effect: `expiry`, or [`CRL_EXPIRY_DEFAULT`] (`"3"`) when never
    /// configured (A27: `data: null` or no `expiry`). Pass `data.as_ref()`.
    pub fn effective_expiry(config: Option<&CrlConfig>) -> &str {
        config
            .and_then(|c| c.expiry.as_deref())
            .filter(|s| !s.is_empty())
            .unwrap_or(CRL_EXPIRY_DEFAULT)
    }
}

/// Response of Get CRL Config (§2.21): `data` may be `null` when never configured (A27).
pub type GetCrlConfigResponse = Envelope<CrlConfig>;

/// Body of Update CRL Config (§2.22), e.g. `{"expiry":"5"}`: days, minimum 3, at most the
/// CA's remaining validity. Always encoded as a string; decoding accepts a number (A23).
/// Required (`""` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateCrlConfigRequest {
    /// Days, as a decimal string.
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub expiry: String,
}

impl UpdateCrlConfigRequest {
    /// `expiry` as whole days, when it is a plain decimal number.
    pub fn expiry_days(&self) -> Option<u32> {
        let t = self.expiry.trim();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    }
}

/// Response of Update CRL Config (§2.22): `data` echoes `{"expiry":…}`.
pub type UpdateCrlConfigResponse = Envelope<CrlConfig>;

/// Response of Rotate CRL (§2.23): no body is sent, `data` is `null`.
pub type RotateCrlResponse = Envelope<NoData>;

/// Response of Trim CA (§2.24): no body is sent, `data` is `null`.
pub type TrimCaResponse = Envelope<NoData>;
