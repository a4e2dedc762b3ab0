//! CA operations: Create CA (§2.1), Get CA List (§2.2), Get CA (§2.3), Update CA (§2.4),
//! Delete CA (§2.5), Get CA Chain (§2.6), Get Sub CSR (§2.8), Sign Sub Csr (§2.9) and
//! Activate Sub CA (§2.10), with the CA record of §1.9.1–§1.9.3.

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::api::lenient::{self, exact, string_enum};
use crate::api::model::certificate::SignCsrData;
use crate::api::model::common::{CaTag, Envelope, EpochMillis, KeyType, NoData, Period, SerialNo};

string_enum! {
    /// `caType` (§2.1, §1.9.1).
    CaType, matcher = exact, {
        /// `PRIVATE_ROOT`: a root CA.
        PrivateRoot => "PRIVATE_ROOT",
        /// `PRIVATE_SUB`: an intermediate CA.
        PrivateSub => "PRIVATE_SUB",
    }
}

string_enum! {
    /// CA `status` (§1.9.1, §1.10). Update CA accepts `ACTIVE`, `DEACTIVATED`, `DESTROYING`.
    CaStatus, matcher = exact, {
        /// `ACTIVE`: usable.
        Active => "ACTIVE",
        /// `PENDING`: an intermediate awaiting its signed certificate (Activate Sub CA).
        Pending => "PENDING",
        /// `DEACTIVATED`: disabled.
        Deactivated => "DEACTIVATED",
        /// `DESTROYING`: deletion scheduled (72 h), or ready for Delete CA.
        Destroying => "DESTROYING",
    }
}

// ---------------------------------------------------------------------------------------
// CA record (§1.9)
// ---------------------------------------------------------------------------------------

/// `urlInfo` of a CA (§1.9.1): OCSP responder, CRL distribution and CA-certificate (AIA
/// issuer) URLs. Each list also accepts `null` (→ empty) or a single string (→ one item).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlInfo {
    /// OCSP responder URLs (`[]` until Create OCSP, §2.19).
    #[serde(default, deserialize_with = "lenient::string_list")]
    pub ocsp: Vec<String>,
    /// CRL distribution point URLs.
    #[serde(default, deserialize_with = "lenient::string_list")]
    pub crl: Vec<String>,
    /// CA-certificate (AIA `caIssuers`) URLs.
    #[serde(default, deserialize_with = "lenient::string_list")]
    pub ca: Vec<String>,
}

/// `caInfo` (§1.9.1). Every field is optional: list items in the docs are partial, and the
/// current and old editions disagree on several fields. Dates and counts accept a number, a
/// numeric string or null (A15). `None` fields are omitted when encoding, except
/// `destroyDate`, which is written as `null` (the spec's example and emulator rule, A15).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaInfo {
    /// Numeric CA id.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_id: Option<i64>,
    /// CA tag, the path identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_tag: Option<CaTag>,
    /// CA name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Memo (may be empty or absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Root or intermediate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_type: Option<CaType>,
    /// Lifecycle status (§1.10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CaStatus>,
    /// Certificates signed by this CA.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub signing_count: Option<i64>,
    /// Registration time (ms).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub rgst_date: Option<EpochMillis>,
    /// Last status change (ms; documented as String in current pages, A15).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_update_date: Option<EpochMillis>,
    /// Scheduled or actual deletion time (ms), set when `DESTROYING`; `null` otherwise.
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub destroy_date: Option<EpochMillis>,
    /// NCP resource name (format UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nrn: Option<String>,
    /// Distribution URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_info: Option<UrlInfo>,
}

/// `caCertInfo` (§1.9.2): the CA's own certificate. Absent or `null` for an intermediate
/// still awaiting signing (UNCONFIRMED). All fields optional; dates and ids lenient (A15).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaCertInfo {
    /// Id of the CA certificate record.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub ca_cert_id: Option<i64>,
    /// Serial of the CA certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<SerialNo>,
    /// Subject CN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// Subject C.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Subject ST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// Subject L.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Subject O.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Subject OU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_unit: Option<String>,
    /// Issuing CA name (DN string or alias: UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// Validity start (ms).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_before_date: Option<EpochMillis>,
    /// Validity end (ms).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_after_date: Option<EpochMillis>,
    /// e.g. `RSA` (emulator: `RSA` / `EC`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_algorithm: Option<String>,
    /// e.g. `SHA256WITHRSA` (value set UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
    /// The CA certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_pem: Option<String>,
    /// The issuer chain, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_pem: Option<String>,
}

/// A CA record `{caInfo, caCertInfo}` (§1.9.3): the `data` of Create CA, Get CA and
/// Activate Sub CA, and the items of Get CA List. Both members are always written (as
/// `null` when `None`; the list example shows `"caCertInfo": null` for a pending CA).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaRecord {
    /// CA metadata.
    #[serde(default)]
    pub ca_info: Option<CaInfo>,
    /// CA certificate.
    #[serde(default)]
    pub ca_cert_info: Option<CaCertInfo>,
}

// ---------------------------------------------------------------------------------------
// §2.1 Create CA
// ---------------------------------------------------------------------------------------

/// Query of Create CA (§2.1): `?caType=..[&issuerTag=..]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCaQuery {
    /// Required; `Unknown("")` when absent (`EMPTY_CA_TYPE`).
    #[serde(default)]
    pub ca_type: CaType,
    /// Parent CA for a `PRIVATE_SUB` signed by NCP at once; omit for a root or a sub CA to
    /// be signed directly (A18: never `issuerId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_tag: Option<CaTag>,
}

impl CreateCaQuery {
    /// The query pairs in wire order (`caType`, then `issuerTag` if any), for
    /// [`query_string`](crate::api::uri::query_string).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![("caType", self.ca_type.as_str().to_owned())];
        if let Some(t) = &self.issuer_tag {
            v.push(("issuerTag", t.as_str().to_owned()));
        }
        v
    }
}

/// `x509Parameters` of Create CA (§2.1): subject and SANs of the CA certificate.
///
/// Decoding accepts the field-table typos `contry` (A2) and `organicationUnit` (A3) as
/// aliases; encoding always writes the correct names. Optional members are omitted when
/// `None`. `commonName` is required (`""` = absent, `EMPTY_COMMON_NAME`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct X509CaParameters {
    /// Subject CN, 1–64 characters.
    #[serde(default)]
    pub common_name: String,
    /// DNS / e-mail SANs (several: comma-separated, UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_name: Option<String>,
    /// IP SANs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Country code (send 2 letters, A5).
    #[serde(default, alias = "contry", skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Locality, 0–128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// State or province, 0–128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// Organization, 0–64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Organizational unit, 0–128.
    #[serde(
        default,
        alias = "organicationUnit",
        skip_serializing_if = "Option::is_none"
    )]
    pub organization_unit: Option<String>,
}

impl X509CaParameters {
    /// Whether no member carries a value (the object was absent or `{}`:
    /// `EMPTY_X509_PARAMETERS`).
    pub fn is_empty(&self) -> bool {
        *self == X509CaParameters::default()
    }
}

/// Body of Create CA (§2.1). Required members are plain types: an absent `alias` decodes as
/// `""`, `keyType` as `Unknown("")`, `period` as `Other("")`, `x509Parameters` as all-empty,
/// so the emulator can answer the matching `EMPTY_*` code instead of a parse error.
/// Decoding also accepts `X509CaParameters` as the parameters key (A4, NAVER's 2022 client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCaRequest {
    /// 3–15 characters, `^[A-Za-z][A-Za-z0-9_-]{2,14}$`.
    #[serde(default)]
    pub alias: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Key algorithm.
    #[serde(default)]
    pub key_type: KeyType,
    /// Validity: `"1"`–`"3650"` or `"MAX"`.
    #[serde(default)]
    pub period: Period,
    /// Subject / SAN settings.
    #[serde(default, alias = "X509CaParameters")]
    pub x509_parameters: X509CaParameters,
}

/// Response of Create CA (§2.1): the new CA record.
pub type CreateCaResponse = Envelope<CaRecord>;

// ---------------------------------------------------------------------------------------
// §2.2 Get CA List, §2.3 Get CA
// ---------------------------------------------------------------------------------------

/// Query of Get CA List (§2.2) and Get End Cert List (§2.13): `?pageNo=..`, 1-based.
/// Optional in the current docs; the client always sends it (A19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    /// Page number, from 1; absent ⇒ 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_no: Option<u32>,
}

impl PageQuery {
    /// Page `n`.
    pub fn page(n: u32) -> PageQuery {
        PageQuery { page_no: Some(n) }
    }

    /// The query pairs (`pageNo` if set).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        self.page_no
            .map(|n| ("pageNo", n.to_string()))
            .into_iter()
            .collect()
    }
}

/// Query of Get CA List (§2.2).
pub type GetCaListQuery = PageQuery;

/// `data` of Get CA List (§2.2). Paging: continue while `currentPageNo < totalPageNo`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetCaListData {
    /// CAs on all pages.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_cnt: Option<i64>,
    /// Number of pages.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_page_no: Option<i64>,
    /// Page returned.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub current_page_no: Option<i64>,
    /// The CAs of this page (`null` → empty).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub ca_info_list: Vec<CaRecord>,
}

impl GetCaListData {
    /// Whether a later page exists (`currentPageNo < totalPageNo`; false when unknown).
    pub fn has_next_page(&self) -> bool {
        matches!((self.current_page_no, self.total_page_no), (Some(c), Some(t)) if c < t)
    }
}

/// Response of Get CA List (§2.2).
pub type GetCaListResponse = Envelope<GetCaListData>;

/// Response of Get CA (§2.3): one CA record (A11: `caTag`, `rgstDate`, `status` live in
/// `data.caInfo`).
pub type GetCaResponse = Envelope<CaRecord>;

// ---------------------------------------------------------------------------------------
// §2.4 Update CA
// ---------------------------------------------------------------------------------------

/// Body of Update CA (§2.4), e.g. `{"status":"DESTROYING"}`. `status` is required
/// (`Unknown("")` when absent: `EMPTY_STATUS`); `memo` is undocumented (generated client
/// and permission `updateCAMemo` only, A17) and omitted when `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCaRequest {
    /// `ACTIVE`, `DEACTIVATED` or `DESTROYING`.
    #[serde(default)]
    pub status: CaStatus,
    /// New memo (UNCONFIRMED that the API honours it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// The record shape of Update CA's `data` (current docs): `{caInfo, caCertInfo}` plus the
/// stray top-level `destroyDate` those pages list (A11, A17). This is what the emulator
/// returns (with `destroyDate` omitted when `None`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCaRecord {
    /// CA metadata.
    #[serde(default)]
    pub ca_info: Option<CaInfo>,
    /// CA certificate.
    #[serde(default)]
    pub ca_cert_info: Option<CaCertInfo>,
    /// Deletion time at top level (current docs only).
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub destroy_date: Option<EpochMillis>,
}

/// `data` of Update CA (§2.4, A17), which comes in two shapes: the record
/// `{caInfo, caCertInfo}` (current docs, emulator) or the bare `caInfo` object (old page,
/// NAVER's generated client). Decoding picks [`UpdateCaData::Record`] when the object has a
/// `caInfo` or `caCertInfo` key, else [`UpdateCaData::Bare`]; encoding writes the shape held.
// A decoded-once response value; boxing would only complicate matching.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateCaData {
    /// `{caInfo, caCertInfo[, destroyDate]}`.
    Record(UpdateCaRecord),
    /// The bare `caInfo` object.
    Bare(CaInfo),
}

impl UpdateCaData {
    /// The updated `caInfo`, whichever the shape.
    pub fn ca_info(&self) -> Option<&CaInfo> {
        match self {
            UpdateCaData::Record(r) => r.ca_info.as_ref(),
            UpdateCaData::Bare(i) => Some(i),
        }
    }

    /// The CA certificate, only present in the record shape.
    pub fn ca_cert_info(&self) -> Option<&CaCertInfo> {
        match self {
            UpdateCaData::Record(r) => r.ca_cert_info.as_ref(),
            UpdateCaData::Bare(_) => None,
        }
    }

    /// `destroyDate`: from `caInfo`, else the stray top-level one.
    pub fn destroy_date(&self) -> Option<EpochMillis> {
        match self {
            UpdateCaData::Record(r) => r
                .ca_info
                .as_ref()
                .and_then(|i| i.destroy_date)
                .or(r.destroy_date),
            UpdateCaData::Bare(i) => i.destroy_date,
        }
    }
}

impl From<CaRecord> for UpdateCaData {
    fn from(r: CaRecord) -> Self {
        UpdateCaData::Record(UpdateCaRecord {
            ca_info: r.ca_info,
            ca_cert_info: r.ca_cert_info,
            destroy_date: None,
        })
    }
}

impl Serialize for UpdateCaData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            UpdateCaData::Record(r) => r.serialize(s),
            UpdateCaData::Bare(i) => i.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for UpdateCaData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let Value::Object(map) = &v else {
            return Err(D::Error::invalid_type(
                lenient::unexpected(&v),
                &"a CA record or a caInfo object",
            ));
        };
        if map.contains_key("caInfo") || map.contains_key("caCertInfo") {
            serde_json::from_value(v)
                .map(UpdateCaData::Record)
                .map_err(D::Error::custom)
        } else {
            serde_json::from_value(v)
                .map(UpdateCaData::Bare)
                .map_err(D::Error::custom)
        }
    }
}

/// Response of Update CA (§2.4).
pub type UpdateCaResponse = Envelope<UpdateCaData>;

// ---------------------------------------------------------------------------------------
// §2.5 Delete CA, §2.6 Get CA Chain
// ---------------------------------------------------------------------------------------

/// Response of Delete CA (§2.5): `data` is `null`.
pub type DeleteCaResponse = Envelope<NoData>;

/// Response of Get CA Chain (§2.6): `data` is the chain as one PEM string (CA first, then
/// its parents up to the root in the emulator; order UNCONFIRMED).
pub type GetCaChainResponse = Envelope<String>;

// ---------------------------------------------------------------------------------------
// §2.8 Get Sub CSR, §2.9 Sign Sub Csr, §2.10 Activate Sub CA
// ---------------------------------------------------------------------------------------

/// `data` of Get Sub CSR (§2.8).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSubCsrData {
    /// PKCS#10 CSR, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr_pem: Option<String>,
}

/// Response of Get Sub CSR (§2.8).
pub type GetSubCsrResponse = Envelope<GetSubCsrData>;

/// Body of Sign Sub Csr (§2.9), sent to the **parent** CA. Both members required (`""` /
/// `Other("")` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignSubCsrRequest {
    /// Validity in days, `"1"`–`"3650"` (no `MAX` documented).
    #[serde(default)]
    pub period: Period,
    /// The intermediate's CSR, PEM.
    #[serde(default)]
    pub csr_pem: String,
    /// The CSR key's family, `"RSA"` or `"ECDSA"` (A8: sent as on Sign End Csr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// The CSR key's size as text: RSA modulus bits or EC curve bits (A8).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::api::lenient::opt_string_or_number"
    )]
    pub key_bits: Option<String>,
}

/// Response of Sign Sub Csr (§2.9); `caChain` is an array here (A13).
pub type SignSubCsrResponse = Envelope<SignCsrData>;

/// Body of Activate Sub CA (§2.10). Both members required (`""` when absent:
/// `EMPTY_CERT` / `INVALID_INPUT_CA_CHAIN`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivateSubCaRequest {
    /// The intermediate's signed certificate, PEM.
    #[serde(default)]
    pub cert_pem: String,
    /// The signer's chain, PEM blocks concatenated in one string.
    #[serde(default)]
    pub ca_chain_pem: String,
}

/// Response of Activate Sub CA (§2.10): the CA record, now `ACTIVE`.
pub type ActivateSubCaResponse = Envelope<CaRecord>;
