//! Certificate issuance: self-signed roots, sub-CA CSRs, sub CAs, end-entity certificates.
//!
//! The extension profile of each kind is the table in the `pki` module docs.
//!
//! Validity: `notBefore` = `now_ms` truncated to the second; `notAfter` = `notBefore` +
//! `days`, capped at the issuer's `notAfter` (the API's "cannot exceed the CA's validity";
//! handlers that prefer to reject with `EXCEED_EXPIRY_DATE` compare first with
//! [`cert_info`](super::cert_info)). `days` must be at least 1.

use der::Encode;
use der::asn1::Ia5String as DerIa5String;
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, CustomExtension,
    ExtendedKeyUsagePurpose, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber,
    SubjectPublicKeyInfo as RcgenSpki,
};
use x509_cert::ext::pkix::AccessDescription;
use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;
use x509_cert::ext::pkix::name::GeneralName as DerGeneralName;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;

use super::PkiError;
use super::csr::read_csr;
use super::error::{der_err, rcgen_err};
use super::key::CaKey;
use super::names::{Sans, Subject, dn_from_x509};
use super::pem::{self, LABEL_CERTIFICATE};
use super::serial::{format_serial, parse_serial};
use super::time::{DAY_MS, floor_to_second, to_datetime};
use super::verify::{basic_constraints, key_matches, parse_cert};
use crate::api::profile::{ExtendedKeyUsage, KeyUsage};

/// A CA able to sign: its certificate (one PEM block) and its key.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    /// The CA's own certificate, PEM (one `CERTIFICATE` block).
    pub cert_pem: &'a str,
    /// The CA's private key; must match `cert_pem` (else [`PkiError::KeyMismatch`]).
    pub key: &'a CaKey,
}

/// URLs embedded in certificates a CA issues (`caInfo.urlInfo`, §1.9.1). `None` or `""`
/// leaves the extension out; each must be printable ASCII without spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Urls {
    /// CRL distribution point (`cRLDistributionPoints`), e.g. `…/ext/{caTag}/crl`.
    pub crl: Option<String>,
    /// OCSP responder (AIA `id-ad-ocsp`), e.g. `…/ext/{caTag}/ocsp`; set once Create OCSP ran.
    pub ocsp: Option<String>,
    /// Issuing CA certificate (AIA `id-ad-caIssuers`), e.g. `…/ext/{caTag}/ca`.
    pub ca_issuers: Option<String>,
}

/// A freshly signed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// PEM (`-----BEGIN CERTIFICATE-----`, `\n` line ends, trailing `\n`).
    pub pem: String,
    /// DER.
    pub der: Vec<u8>,
    /// Serial, canonical colon hex (lower case, see [`new_serial`](super::new_serial)).
    pub serial: String,
    /// `notBefore`, epoch ms (whole seconds).
    pub not_before_ms: i64,
    /// `notAfter`, epoch ms (whole seconds).
    pub not_after_ms: i64,
}

/// The usages Issue End Cert asked for (`keyUsage`, `extendedKeyUsage`, §2.11); `None`
/// keeps the end-entity profile's defaults (digitalSignature[, keyEncipherment];
/// serverAuth, clientAuth).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usages {
    /// Key usage bits; `Some(empty)` leaves the extension out.
    pub key_usages: Option<Vec<KeyUsage>>,
    /// Extended key usages: named purposes, then other OIDs (arcs); `Some` of two empty
    /// lists leaves the extension out.
    pub extended_key_usages: Option<(Vec<ExtendedKeyUsage>, Vec<Vec<u64>>)>,
}

fn rcgen_key_usage(k: KeyUsage) -> KeyUsagePurpose {
    match k {
        KeyUsage::DigitalSignature => KeyUsagePurpose::DigitalSignature,
        KeyUsage::ContentCommitment => KeyUsagePurpose::ContentCommitment,
        KeyUsage::KeyEncipherment => KeyUsagePurpose::KeyEncipherment,
        KeyUsage::DataEncipherment => KeyUsagePurpose::DataEncipherment,
        KeyUsage::KeyAgreement => KeyUsagePurpose::KeyAgreement,
        KeyUsage::KeyCertSign => KeyUsagePurpose::KeyCertSign,
        KeyUsage::CrlSign => KeyUsagePurpose::CrlSign,
        KeyUsage::EncipherOnly => KeyUsagePurpose::EncipherOnly,
        KeyUsage::DecipherOnly => KeyUsagePurpose::DecipherOnly,
    }
}

fn rcgen_eku(e: ExtendedKeyUsage) -> ExtendedKeyUsagePurpose {
    match e {
        ExtendedKeyUsage::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsage::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsage::CodeSigning => ExtendedKeyUsagePurpose::CodeSigning,
        ExtendedKeyUsage::EmailProtection => ExtendedKeyUsagePurpose::EmailProtection,
        ExtendedKeyUsage::TimeStamping => ExtendedKeyUsagePurpose::TimeStamping,
        ExtendedKeyUsage::OcspSigning => ExtendedKeyUsagePurpose::OcspSigning,
        ExtendedKeyUsage::Any => ExtendedKeyUsagePurpose::Any,
    }
}

/// What kind of certificate a profile builds.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Root,
    SubCa(BasicConstraints),
    End { rsa: bool },
}

/// An [`Issuer`] read and checked, ready to sign with rcgen.
pub(crate) struct LoadedIssuer<'k> {
    /// rcgen's view (DN, key identifier, key usages, key).
    pub(crate) rc: rcgen::Issuer<'static, &'k KeyPair>,
    /// The CA key.
    pub(crate) key: &'k CaKey,
    /// The CA certificate, DER.
    pub(crate) cert_der: Vec<u8>,
    /// DER of the CA's subject name (the issuer name of what it signs).
    pub(crate) subject_raw: Vec<u8>,
    /// The CA's `notAfter`, epoch ms.
    pub(crate) not_after_ms: i64,
    /// The CA's `pathLenConstraint`.
    pub(crate) path_len: Option<u32>,
    /// The CA's public key bits (for OCSP key hashes).
    pub(crate) key_bits: Vec<u8>,
}

/// Reads an [`Issuer`]: one certificate, matching key, `CA:TRUE`.
pub(crate) fn load_issuer<'k>(issuer: &Issuer<'k>) -> Result<LoadedIssuer<'k>, PkiError> {
    let cert_der = pem::single_block(issuer.cert_pem, &[LABEL_CERTIFICATE])?;
    let cert = parse_cert(&cert_der)?;
    if !key_matches(issuer.key, &cert)? {
        return Err(PkiError::KeyMismatch);
    }
    let (ca, path_len) = basic_constraints(&cert)?;
    if !ca {
        return Err(PkiError::BadCert(
            "the issuer certificate is not a CA".into(),
        ));
    }
    if let Ok(Some(ku)) = cert.key_usage()
        && !ku.value.key_cert_sign()
    {
        return Err(PkiError::BadCert(
            "the issuer certificate's keyUsage lacks keyCertSign".into(),
        ));
    }
    let mut params = CertificateParams::default();
    params.distinguished_name = dn_from_x509(cert.subject(), "issuer subject")?;
    params.key_identifier_method = match subject_key_id(&cert) {
        Some(ski) => KeyIdMethod::PreSpecified(ski),
        None => KeyIdMethod::Sha256,
    };
    params.key_usages = match cert.key_usage() {
        Ok(Some(ku)) => {
            let k = ku.value;
            [
                (k.digital_signature(), KeyUsagePurpose::DigitalSignature),
                (k.key_cert_sign(), KeyUsagePurpose::KeyCertSign),
                (k.crl_sign(), KeyUsagePurpose::CrlSign),
            ]
            .into_iter()
            .filter_map(|(on, p)| on.then_some(p))
            .collect()
        }
        Ok(None) => Vec::new(),
        Err(e) => return Err(PkiError::BadCert(format!("malformed keyUsage ({e})"))),
    };
    Ok(LoadedIssuer {
        key: issuer.key,
        subject_raw: cert.subject().as_raw().to_vec(),
        not_after_ms: cert.validity().not_after.timestamp().saturating_mul(1000),
        path_len,
        key_bits: cert.public_key().subject_public_key.data.to_vec(),
        rc: rcgen::Issuer::new(params, &issuer.key.pair),
        cert_der,
    })
}

/// The `subjectKeyIdentifier` of a certificate, if any.
pub(crate) fn subject_key_id(cert: &X509Certificate<'_>) -> Option<Vec<u8>> {
    cert.iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        })
}

/// `(notBefore, notAfter)` in ms for a `days` validity from `now_ms`, capped at `cap_ms`.
fn validity(now_ms: i64, days: u32, cap_ms: Option<i64>) -> Result<(i64, i64), PkiError> {
    if days == 0 {
        return Err(PkiError::BadInput(
            "the validity period must be at least 1 day".into(),
        ));
    }
    let nb = floor_to_second(now_ms);
    let na = i64::from(days)
        .checked_mul(DAY_MS)
        .and_then(|d| nb.checked_add(d))
        .ok_or_else(|| PkiError::BadInput("validity period out of range".into()))?;
    match cap_ms {
        Some(cap) if cap <= nb => Err(PkiError::IssuerExpired),
        Some(cap) => Ok((nb, na.min(floor_to_second(cap)))),
        None => Ok((nb, na)),
    }
}

/// A URL for a certificate extension: `None` for absent/empty, error when not IA5-safe.
fn url(u: &Option<String>) -> Result<Option<&str>, PkiError> {
    match u.as_deref() {
        None | Some("") => Ok(None),
        Some(s) if s.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(s)),
        Some(s) => Err(PkiError::BadInput(format!(
            "URL {s:?} is not printable ASCII without spaces"
        ))),
    }
}

/// A CA's subject names everything it signs, so it may not be empty.
fn require_subject(subject: &Subject) -> Result<(), PkiError> {
    if subject.to_dn().iter().next().is_none() {
        return Err(PkiError::BadInput("a CA needs a non-empty subject".into()));
    }
    Ok(())
}

/// The AIA extension (RFC 5280 §4.2.2.1) for the OCSP and caIssuers URLs, if any.
fn aia_extension(urls: &Urls) -> Result<Option<CustomExtension>, PkiError> {
    use const_oid::db::rfc5280::{ID_AD_CA_ISSUERS, ID_AD_OCSP};
    let mut descriptions = Vec::new();
    for (method, u) in [
        (ID_AD_OCSP, &urls.ocsp),
        (ID_AD_CA_ISSUERS, &urls.ca_issuers),
    ] {
        if let Some(s) = url(u)? {
            let ia5 = DerIa5String::new(s)
                .map_err(|_| PkiError::BadInput(format!("URL {s:?} is not IA5")))?;
            descriptions.push(AccessDescription {
                access_method: method,
                access_location: DerGeneralName::UniformResourceIdentifier(ia5),
            });
        }
    }
    if descriptions.is_empty() {
        return Ok(None);
    }
    let der = AuthorityInfoAccessSyntax(descriptions)
        .to_der()
        .map_err(der_err("encoding authorityInfoAccess"))?;
    Ok(Some(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        der,
    )))
}

/// Everything the profile needs besides the keys.
struct Request<'u> {
    kind: Kind,
    dn: rcgen::DistinguishedName,
    sans: Vec<rcgen::SanType>,
    serial: &'u str,
    not_before_ms: i64,
    not_after_ms: i64,
    urls: Option<&'u Urls>,
    usages: Option<&'u Usages>,
}

/// The certificate parameters of the profile (see the module table).
fn params(req: Request<'_>) -> Result<CertificateParams, PkiError> {
    let serial = parse_serial(req.serial)?;
    let mut p = CertificateParams::default();
    p.not_before = to_datetime(req.not_before_ms)?;
    p.not_after = to_datetime(req.not_after_ms)?;
    p.serial_number = Some(SerialNumber::from_slice(&serial));
    p.distinguished_name = req.dn;
    p.subject_alt_names = req.sans;
    p.use_authority_key_identifier_extension = true;
    p.key_identifier_method = KeyIdMethod::Sha256;
    let ca_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    match req.kind {
        Kind::Root => {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p.key_usages = ca_usages;
        }
        Kind::SubCa(bc) => {
            p.is_ca = IsCa::Ca(bc);
            p.key_usages = ca_usages;
        }
        Kind::End { rsa } => {
            p.is_ca = IsCa::ExplicitNoCa;
            p.key_usages = if rsa {
                vec![
                    KeyUsagePurpose::DigitalSignature,
                    KeyUsagePurpose::KeyEncipherment,
                ]
            } else {
                vec![KeyUsagePurpose::DigitalSignature]
            };
            p.extended_key_usages = vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ];
            if let Some(asked) = req.usages {
                if let Some(ku) = &asked.key_usages {
                    p.key_usages = ku.iter().copied().map(rcgen_key_usage).collect();
                }
                if let Some((named, oids)) = &asked.extended_key_usages {
                    p.extended_key_usages = named.iter().copied().map(rcgen_eku).collect();
                    p.extended_key_usages
                        .extend(oids.iter().cloned().map(ExtendedKeyUsagePurpose::Other));
                }
            }
        }
    }
    if let Some(urls) = req.urls {
        if let Some(crl) = url(&urls.crl)? {
            p.crl_distribution_points = vec![CrlDistributionPoint {
                uris: vec![crl.to_owned()],
            }];
        }
        if let Some(ext) = aia_extension(urls)? {
            p.custom_extensions.push(ext);
        }
    }
    Ok(p)
}

/// Wraps a signed certificate, re-reading it to report exactly what it holds and checking
/// that its issuer name is the issuer's subject byte for byte.
fn finish(der: Vec<u8>, expected_issuer: Option<&[u8]>) -> Result<Issued, PkiError> {
    let cert = parse_cert(&der)
        .map_err(|e| PkiError::Internal(format!("cannot re-read the new certificate: {e}")))?;
    if let Some(issuer) = expected_issuer
        && cert.issuer().as_raw() != issuer
    {
        return Err(PkiError::Unsupported(
            "the issuer's subject name cannot be reproduced exactly".into(),
        ));
    }
    let serial = format_serial(cert.raw_serial());
    let not_before_ms = cert.validity().not_before.timestamp().saturating_mul(1000);
    let not_after_ms = cert.validity().not_after.timestamp().saturating_mul(1000);
    Ok(Issued {
        pem: pem::encode(LABEL_CERTIFICATE, &der),
        der,
        serial,
        not_before_ms,
        not_after_ms,
    })
}

/// A self-signed root CA certificate for `key` (Create CA, `PRIVATE_ROOT`, §2.1).
///
/// `serial`: colon hex, normally from [`new_serial`](super::new_serial). `days`: ≥ 1.
pub fn self_signed_root(
    key: &CaKey,
    subject: &Subject,
    sans: &Sans,
    days: u32,
    serial: &str,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    require_subject(subject)?;
    let (not_before_ms, not_after_ms) = validity(now_ms, days, None)?;
    let p = params(Request {
        kind: Kind::Root,
        dn: subject.to_dn(),
        sans: sans.to_rcgen()?,
        serial,
        not_before_ms,
        not_after_ms,
        urls: None,
        usages: None,
    })?;
    let cert = p
        .self_signed(&key.pair)
        .map_err(rcgen_err("signing the root"))?;
    finish(cert.der().to_vec(), None)
}

/// The CSR of a sub CA awaiting direct signing (Get Sub CSR, §2.8): subject and SANs from
/// Create CA's `x509Parameters`, signed by the CA key, requesting `CA:TRUE` and
/// keyCertSign/cRLSign/digitalSignature. Returns PEM (`-----BEGIN CERTIFICATE REQUEST-----`).
pub fn sub_ca_csr(key: &CaKey, subject: &Subject, sans: &Sans) -> Result<String, PkiError> {
    require_subject(subject)?;
    let mut p = CertificateParams::default();
    p.distinguished_name = subject.to_dn();
    p.subject_alt_names = sans.to_rcgen()?;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let csr = p
        .serialize_request(&key.pair)
        .map_err(rcgen_err("building the CSR"))?;
    Ok(pem::encode(pem::LABEL_CSR, csr.der()))
}

/// Signs a sub-CA CSR (Sign Sub Csr §2.9, and Create CA `PRIVATE_SUB` with `issuerTag`,
/// where the caller passes [`sub_ca_csr`]'s output).
///
/// The CSR's signature is verified; its subject and SANs are kept; extensions follow the
/// sub-CA profile (the CSR's requested extensions are ignored). An issuer with
/// `pathLenConstraint` 0 cannot sign CAs → [`PkiError::BadCert`].
pub fn sign_sub_ca(
    issuer: &Issuer<'_>,
    csr_pem: &str,
    days: u32,
    serial: &str,
    urls: &Urls,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    let loaded = load_issuer(issuer)?;
    let bc = match loaded.path_len {
        None => BasicConstraints::Unconstrained,
        Some(0) => {
            return Err(PkiError::BadCert(
                "the issuer's pathLenConstraint is 0: it cannot sign CA certificates".into(),
            ));
        }
        Some(n) => BasicConstraints::Constrained(u8::try_from(n - 1).unwrap_or(u8::MAX)),
    };
    sign_csr(
        &loaded,
        csr_pem,
        Kind::SubCa(bc),
        days,
        serial,
        urls,
        now_ms,
    )
}

/// Signs an end-entity CSR (Sign End Csr, §2.12): the CSR's signature is verified (RSA
/// 2048–8192, ECDSA P-256/P-384/P-521, Ed25519); its subject (byte for byte, string types
/// included) and SANs are kept; extensions follow the end-entity profile whatever the CSR
/// requests.
///
/// Subjects with a multi-valued RDN or a repeated attribute type (two `OU`s) cannot be
/// reproduced and are refused with [`PkiError::Unsupported`], as are SAN types other than
/// DNS, e-mail, IP and URI.
pub fn sign_end_csr(
    issuer: &Issuer<'_>,
    csr_pem: &str,
    days: u32,
    serial: &str,
    urls: &Urls,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    let loaded = load_issuer(issuer)?;
    sign_csr(
        &loaded,
        csr_pem,
        Kind::End { rsa: false },
        days,
        serial,
        urls,
        now_ms,
    )
}

/// Shared CSR signing; `Kind::End`'s `rsa` is recomputed from the CSR key.
fn sign_csr(
    loaded: &LoadedIssuer<'_>,
    csr_pem: &str,
    kind: Kind,
    days: u32,
    serial: &str,
    urls: &Urls,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    let csr = read_csr(csr_pem)?;
    if matches!(kind, Kind::SubCa(_)) && csr.dn.iter().next().is_none() {
        return Err(PkiError::BadCsr(
            "a CA CSR needs a non-empty subject".into(),
        ));
    }
    let kind = match kind {
        Kind::End { .. } => Kind::End { rsa: csr.is_rsa },
        k => k,
    };
    let spki = RcgenSpki::from_der(&csr.info.spki_der)
        .map_err(|_| PkiError::Unsupported("the CSR's public key algorithm".into()))?;
    let (not_before_ms, not_after_ms) = validity(now_ms, days, Some(loaded.not_after_ms))?;
    let p = params(Request {
        kind,
        dn: csr.dn,
        sans: csr.info.sans.to_rcgen()?,
        serial,
        not_before_ms,
        not_after_ms,
        urls: Some(urls),
        usages: None,
    })?;
    let cert = p
        .signed_by(&spki, &loaded.rc)
        .map_err(rcgen_err("signing"))?;
    finish(cert.der().to_vec(), Some(&loaded.subject_raw))
}

/// Issues an end-entity certificate for a key the CA generated (Issue End Cert, §2.11) with
/// the profile's default usages. `key` is the fresh end-entity key (return its
/// [`CaKey::to_traditional_pem`] as `privateKey`).
#[allow(clippy::too_many_arguments)]
pub fn issue_end_cert(
    issuer: &Issuer<'_>,
    key: &CaKey,
    subject: &Subject,
    sans: &Sans,
    days: u32,
    serial: &str,
    urls: &Urls,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    issue_end_cert_with(
        issuer,
        key,
        subject,
        sans,
        &Usages::default(),
        days,
        serial,
        urls,
        now_ms,
    )
}

/// [`issue_end_cert`] with the usages the request asked for (`keyUsage`,
/// `extendedKeyUsage`); [`Usages::default`] keeps the profile's.
#[allow(clippy::too_many_arguments)]
pub fn issue_end_cert_with(
    issuer: &Issuer<'_>,
    key: &CaKey,
    subject: &Subject,
    sans: &Sans,
    usages: &Usages,
    days: u32,
    serial: &str,
    urls: &Urls,
    now_ms: i64,
) -> Result<Issued, PkiError> {
    let loaded = load_issuer(issuer)?;
    if subject.to_dn().iter().next().is_none() && sans.is_empty() {
        return Err(PkiError::BadInput(
            "a certificate needs a subject or a subject alternative name".into(),
        ));
    }
    let (not_before_ms, not_after_ms) = validity(now_ms, days, Some(loaded.not_after_ms))?;
    let p = params(Request {
        kind: Kind::End { rsa: key.is_rsa() },
        dn: subject.to_dn(),
        sans: sans.to_rcgen()?,
        serial,
        not_before_ms,
        not_after_ms,
        urls: Some(urls),
        usages: Some(usages),
    })?;
    let cert = p
        .signed_by(&key.pair, &loaded.rc)
        .map_err(rcgen_err("signing"))?;
    finish(cert.der().to_vec(), Some(&loaded.subject_raw))
}
