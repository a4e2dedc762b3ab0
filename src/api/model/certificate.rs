//! End-entity certificate operations: Issue End Cert (§2.11), Sign End Csr (§2.12), Get End
//! Cert List (§2.13), Get End Cert (§2.14), Revoke End Cert (§2.15), plus the signed-CSR
//! payload shared with Sign Sub Csr (§2.9) and the `caChain` ambiguity (A13).

use std::fmt;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

use crate::api::lenient::{self, StringOrList};
use crate::api::model::ca::PageQuery;
use crate::api::model::common::{Envelope, EpochMillis, KeyType, NoData, Period, SerialNo};

/// `caChain` as the API sends it (A13): one PEM string in Issue End Cert and Get End Cert,
/// an array of PEM strings in Sign Sub Csr and Sign End Csr. Either form decodes in every
/// response; encoding writes the form held, so the emulator picks the documented one per
/// operation ([`CaChain::Pem`] for issue/get, [`CaChain::List`] for the sign calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaChain {
    /// One string (possibly several concatenated PEM blocks).
    Pem(String),
    /// An array of PEM strings (issuer first, root last).
    List(Vec<String>),
}

impl CaChain {
    /// The entries as sent: the single string as one entry (none if empty), or the array.
    pub fn entries(&self) -> Vec<String> {
        match self {
            CaChain::Pem(s) if s.is_empty() => Vec::new(),
            CaChain::Pem(s) => vec![s.clone()],
            CaChain::List(v) => v.clone(),
        }
    }

    /// Every PEM block of every entry, in order, each one `-----BEGIN …-----` through
    /// `-----END …-----` (see [`split_pem_blocks`]).
    pub fn pem_blocks(&self) -> Vec<String> {
        self.entries()
            .iter()
            .flat_map(|e| split_pem_blocks(e))
            .collect()
    }

    /// All entries joined with `\n` into one PEM string.
    pub fn concatenated(&self) -> String {
        self.entries().join("\n")
    }
}

impl Serialize for CaChain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CaChain::Pem(p) => s.serialize_str(p),
            CaChain::List(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for CaChain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StringOrList::deserialize(d)? {
            StringOrList::One(s) => CaChain::Pem(s),
            StringOrList::Many(v) => CaChain::List(v),
        })
    }
}

/// Splits PEM text into its blocks (`-----BEGIN X-----` … `-----END X-----`, inclusive),
/// dropping whatever lies between blocks. Text without a complete block gives nothing.
///
/// ```
/// use pca::api::model::split_pem_blocks;
/// let two = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n\
///            -----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n";
/// assert_eq!(split_pem_blocks(two).len(), 2);
/// ```
pub fn split_pem_blocks(text: &str) -> Vec<String> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(b) = rest.find(BEGIN) {
        let from_begin = &rest[b..];
        let Some(e) = from_begin.find(END) else { break };
        let after_end = &from_begin[e + END.len()..];
        let Some(close) = after_end.find("-----") else {
            break;
        };
        let len = e + END.len() + close + "-----".len();
        out.push(from_begin[..len].to_owned());
        rest = &from_begin[len..];
    }
    out
}

// ---------------------------------------------------------------------------------------
// §2.11 Issue End Cert
// ---------------------------------------------------------------------------------------

/// `x509Parameters` of Issue End Cert (§2.11). `commonName` is required (`""` = absent);
/// the other members are omitted when `None`. The last six members are known only from
/// NAVER's 2022 generated client (UNCONFIRMED that the server honours them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct X509EndCertParameters {
    /// Subject CN, 1–64 characters.
    #[serde(default)]
    pub common_name: String,
    /// DNS / e-mail SANs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_name: Option<String>,
    /// IP SANs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
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
    /// Locality, 0–128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// State or province, 0–128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// Street address, 0–128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// Country code (2 letters).
    #[serde(default, alias = "contry", skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// URI SANs (generated client only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Other-name SANs (generated client only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// Postal code (generated client only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Also put the CN in the SANs (generated client only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_cn_as_san: Option<bool>,
    /// Key usages (generated client only; value names UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<Vec<String>>,
    /// Extended key usages (generated client only; value names UNCONFIRMED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_key_usage: Option<Vec<String>>,
}

impl X509EndCertParameters {
    /// Whether no member carries a value (`EMPTY_X509_PARAMETERS`).
    pub fn is_empty(&self) -> bool {
        *self == X509EndCertParameters::default()
    }
}

/// Body of Issue End Cert (§2.11), e.g. `{"x509Parameters":{"commonName":"name000"}}`.
/// `keyType` and `period` are optional in the current docs (A7: the provider always sends
/// both; emulator defaults `RSA2048` and `MAX`). Decoding also accepts the key
/// `X509EndCertParameters` (A4).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueEndCertRequest {
    /// Key algorithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<KeyType>,
    /// Validity, `"1"`–`"3650"` or `"MAX"`, within the CA's validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Subject / SAN settings (required).
    #[serde(default, alias = "X509EndCertParameters")]
    pub x509_parameters: X509EndCertParameters,
}

/// `data` of Issue End Cert (§2.11). `privateKey` is returned only here, never again; its
/// PEM flavour (PKCS#1, SEC1 or PKCS#8) is UNCONFIRMED. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueEndCertData {
    /// The new certificate's private key, PEM (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// The certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// Its serial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<SerialNo>,
    /// CA chain: a string here (A13), but an array is accepted too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_chain: Option<CaChain>,
    /// Issuing CA certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// OCSP responder: opaque (URL or certificate, A14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder: Option<String>,
}

impl fmt::Debug for IssueEndCertData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssueEndCertData")
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "<redacted>"),
            )
            .field("certificate", &self.certificate)
            .field("serial_no", &self.serial_no)
            .field("ca_chain", &self.ca_chain)
            .field("issuer", &self.issuer)
            .field("ocsp_responder", &self.ocsp_responder)
            .finish()
    }
}

/// Response of Issue End Cert (§2.11).
pub type IssueEndCertResponse = Envelope<IssueEndCertData>;

// ---------------------------------------------------------------------------------------
// §2.9 / §2.12 signed CSR payload, §2.12 Sign End Csr
// ---------------------------------------------------------------------------------------

/// `data` of Sign Sub Csr (§2.9) and Sign End Csr (§2.12) (A10: the fields live under
/// `data`). `caChain` is an array here (A13), but a string is accepted too. Observed for a
/// single-tier CA: `certificate` = leaf, `issuer` = root, `caChain` = `[root]`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignCsrData {
    /// The signed certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// The chain, PEM strings, issuer first, root last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_chain: Option<CaChain>,
    /// Issuing CA certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Serial of the new certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<SerialNo>,
    /// OCSP URL (`""` if none, UNCONFIRMED; opaque, A14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder: Option<String>,
}

/// Body of Sign End Csr (§2.12). Only `csrPem` is documented (required; `""` when absent:
/// `EMPTY_CSR`). The rest comes from NAVER's code (A8, UNCONFIRMED that the API honours
/// them) and is omitted when `None`: `period` (the provider sends it when configured),
/// `keyType` (`"RSA"`/`"ECDSA"`, not [`KeyType`]), `keyBits` (`"2048"`, `"256"`, …) and
/// `csrPemDer` (Base64 DER).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignEndCsrRequest {
    /// The CSR, PEM.
    #[serde(default)]
    pub csr_pem: String,
    /// Validity in days (`"1"`–`"3650"` or `"MAX"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Key family as NAVER's issuer sends it: `"RSA"` or `"ECDSA"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// Key size as text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_text"
    )]
    pub key_bits: Option<String>,
    /// The CSR as Base64 DER.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr_pem_der: Option<String>,
}

fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    lenient::opt_string_or_number(d)
}

/// Query of Sign End Csr (§2.12, A8): the generated client's optional `?period=..`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignEndCsrQuery {
    /// Validity in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

impl SignEndCsrQuery {
    /// The query pairs (`period` if set).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        self.period
            .iter()
            .map(|p| ("period", p.as_wire()))
            .collect()
    }
}

/// Response of Sign End Csr (§2.12).
pub type SignEndCsrResponse = Envelope<SignCsrData>;

// ---------------------------------------------------------------------------------------
// §2.13 Get End Cert List, §2.14 Get End Cert, §2.15 Revoke End Cert
// ---------------------------------------------------------------------------------------

/// Query of Get End Cert List (§2.13): undocumented `pageNo` (generated client; A19).
pub type GetEndCertListQuery = PageQuery;

/// `data` of Get End Cert List (§2.13).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetEndCertListData {
    /// Certificates on all pages.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_cnt: Option<i64>,
    /// Serials of this page (`null` → empty).
    #[serde(default, deserialize_with = "lenient::null_default")]
    pub list_certs: Vec<SerialNo>,
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
}

impl GetEndCertListData {
    /// Whether a later page exists (`currentPageNo < totalPageNo`; false when unknown).
    pub fn has_next_page(&self) -> bool {
        matches!((self.current_page_no, self.total_page_no), (Some(c), Some(t)) if c < t)
    }
}

/// Response of Get End Cert List (§2.13).
pub type GetEndCertListResponse = Envelope<GetEndCertListData>;

/// `data` of Get End Cert (§2.14). No revocation status exists in this response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetEndCertData {
    /// Serial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<SerialNo>,
    /// Subject CN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
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
    /// e.g. `RSA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_algorithm: Option<String>,
    /// e.g. `SHA256WITHRSA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_algorithm: Option<String>,
    /// The certificate, PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_pem: Option<String>,
    /// CA chain: a string here (A13), but an array is accepted too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_chain: Option<CaChain>,
    /// OCSP information: opaque (A14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_responder: Option<String>,
}

/// Response of Get End Cert (§2.14).
pub type GetEndCertResponse = Envelope<GetEndCertData>;

/// Response of Revoke End Cert (§2.15): no body is sent, `data` is `null`. The API has no
/// revocation-reason parameter (none in docs or generated client), so there is no reason
/// type; the emulator writes CRL entries without a reason code.
pub type RevokeEndCertResponse = Envelope<NoData>;
