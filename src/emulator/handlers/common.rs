//! What several handlers share: status names, engine-error mapping, the cached issuer of a
//! CA, the URLs written into certificates, the CA record of responses, and the validation
//! rules of spec §1.8 (lengths, alias, country, SANs, key types, periods).
//!
//! Depends on `crate::emulator` and `crate::api` only.

use std::sync::Arc;

use crate::api::ErrorCode;
use crate::api::catalogue::Row;
use crate::api::limits::{self, COMMON_NAME_MAX_LEN, LONG_FIELD_MAX_LEN, ORGANIZATION_MAX_LEN};
use crate::api::model::{
    CaCertInfo, CaInfo, CaRecord, CaStatus, CaTag, CaType, KeyType, Period, SerialNo, UrlInfo,
    X509CaParameters, X509EndCertParameters,
};
use crate::api::profile::{self, ExtendedKeyUsage, KeyUsage};
use crate::emulator::error::EmuError;
use crate::emulator::pki::{self, PkiError, Sans};
use crate::emulator::state::{CachedIssuer, EmuState};
use crate::emulator::store::CaRow;

/// One day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;
/// The account number written into NRNs (fake).
const ACCOUNT_NO: &str = "1000000";

/// `ACTIVE`.
pub(crate) const ACTIVE: &str = "ACTIVE";
/// `PENDING`.
pub(crate) const PENDING: &str = "PENDING";
/// `DEACTIVATED`.
pub(crate) const DEACTIVATED: &str = "DEACTIVATED";
/// `DESTROYING`.
pub(crate) const DESTROYING: &str = "DESTROYING";
/// `PRIVATE_SUB`.
pub(crate) const PRIVATE_SUB: &str = "PRIVATE_SUB";

/// Maps an engine error to the API error its kind calls for (internal failures are 500).
pub(crate) fn pki_err(e: PkiError) -> EmuError {
    match e {
        PkiError::Internal(m) => EmuError::internal(format_args!("PKI engine: {m}")),
        other => EmuError::detail(other.api_code(), other.to_string()),
    }
}

/// As [`pki_err`] but with a fixed code for caller mistakes (e.g. `INVALID_INPUT_CERT`).
pub(crate) fn pki_err_as(code: ErrorCode) -> impl Fn(PkiError) -> EmuError {
    move |e| match e {
        PkiError::Internal(m) => EmuError::internal(format_args!("PKI engine: {m}")),
        other => EmuError::detail(code.clone(), other.to_string()),
    }
}

/// As [`pki_err`] but answering a fixed catalogue row for caller mistakes (e.g. row 39,
/// `Invalid csr.`).
pub(crate) fn pki_err_as_row(row: Row) -> impl Fn(PkiError) -> EmuError {
    move |e| match e {
        PkiError::Internal(m) => EmuError::internal(format_args!("PKI engine: {m}")),
        other => EmuError::row(row, other.to_string()),
    }
}

/// The CA's signing material, parsed once per certificate and cached. `INVALID_CA_STATUS`
/// when the CA has no certificate yet.
pub(crate) fn issuer_of(state: &EmuState, ca: &CaRow) -> Result<Arc<CachedIssuer>, EmuError> {
    let (Some(cert_pem), Some(serial)) = (&ca.cert_pem, &ca.cert_serial) else {
        return Err(EmuError::ca_status("the CA has no certificate yet"));
    };
    state.issuer(&ca.ca_tag, serial, || {
        Ok(CachedIssuer {
            cert_pem: cert_pem.clone(),
            key: pki::CaKey::from_pem(&ca.key_pem).map_err(|e| {
                EmuError::internal(format_args!("stored key of {}: {e}", ca.ca_tag))
            })?,
        })
    })
}

/// `{base}/ext/{caTag}/crl`: the CRL distribution point.
pub(crate) fn crl_url(state: &EmuState, tag: &str) -> String {
    format!("{}/ext/{tag}/crl", state.base_url())
}

/// `{base}/ext/{caTag}/ca`: the CA certificate (AIA caIssuers).
pub(crate) fn ca_url(state: &EmuState, tag: &str) -> String {
    format!("{}/ext/{tag}/ca", state.base_url())
}

/// The URLs a CA writes into the certificates it signs: CRL DP and caIssuers always, OCSP
/// once configured (Create OCSP).
pub(crate) fn urls_of(state: &EmuState, ca: &CaRow) -> pki::Urls {
    pki::Urls {
        crl: Some(crl_url(state, &ca.ca_tag)),
        ocsp: ca.ocsp_url.clone(),
        ca_issuers: Some(ca_url(state, &ca.ca_tag)),
    }
}

/// The chain of a signed CA (CA first, root last) as separate PEM blocks.
pub(crate) fn chain_blocks(ca: &CaRow) -> Vec<String> {
    ca.chain_pem
        .as_deref()
        .map(crate::api::model::split_pem_blocks)
        .unwrap_or_default()
        .into_iter()
        .map(|b| format!("{b}\n"))
        .collect()
}

/// `{caInfo, caCertInfo}` of a CA (§1.9.3); `caCertInfo` is `null` while `PENDING`.
pub(crate) fn ca_record(state: &EmuState, ca: &CaRow) -> Result<CaRecord, EmuError> {
    let info = CaInfo {
        ca_id: Some(ca.ca_id),
        ca_tag: Some(CaTag(ca.ca_tag.clone())),
        alias: Some(ca.alias.clone()),
        memo: Some(ca.memo.clone().unwrap_or_default()),
        ca_type: Some(CaType::from_wire(&ca.ca_type)),
        status: Some(CaStatus::from_wire(&ca.status)),
        signing_count: Some(ca.signing_count),
        rgst_date: Some(ca.rgst_date),
        status_update_date: Some(ca.status_update_date),
        destroy_date: ca.destroy_date,
        nrn: Some(format!("nrn:PUB:PrivateCA::{ACCOUNT_NO}:CA/{}", ca.ca_tag)),
        url_info: Some(UrlInfo {
            ocsp: ca.ocsp_url.iter().cloned().collect(),
            crl: vec![crl_url(state, &ca.ca_tag)],
            ca: vec![ca_url(state, &ca.ca_tag)],
        }),
    };
    let cert_info = match &ca.cert_pem {
        None => None,
        Some(pem) => {
            let i = pki::cert_info(pem).map_err(|e| {
                EmuError::internal(format_args!("stored certificate of {}: {e}", ca.ca_tag))
            })?;
            Some(CaCertInfo {
                ca_cert_id: Some(ca.ca_id),
                serial_no: Some(SerialNo(i.serial)),
                common_name: i.subject.common_name,
                country: i.subject.country,
                state_province: i.subject.state_province,
                locality: i.subject.locality,
                organization: i.subject.organization,
                organization_unit: i.subject.organizational_unit,
                issuer_name: Some(i.issuer_cn.unwrap_or(i.issuer_dn)),
                not_before_date: Some(i.not_before_ms),
                not_after_date: Some(i.not_after_ms),
                public_key_algorithm: Some(i.public_key_algorithm),
                signature_algorithm: Some(i.signature_algorithm),
                cert_pem: Some(pem.clone()),
                chain_pem: ca.chain_pem.clone(),
            })
        }
    };
    Ok(CaRecord {
        ca_info: Some(info),
        ca_cert_info: cert_info,
    })
}

/// Requires the CA to be `ACTIVE` (signing operations, §1.10).
pub(crate) fn require_active(ca: &CaRow) -> Result<(), EmuError> {
    if ca.status == ACTIVE {
        Ok(())
    } else {
        Err(EmuError::ca_status(format!(
            "the CA is {}, signing needs ACTIVE",
            ca.status
        )))
    }
}

/// Requires room for one more signature (`EXCEED_SIGNING_COUNT`, §1.8).
pub(crate) fn require_signing_room(state: &EmuState, ca: &CaRow) -> Result<(), EmuError> {
    let max = i64::try_from(state.config().max_certs_per_ca).unwrap_or(i64::MAX);
    if ca.signing_count >= max {
        Err(EmuError::detail(
            ErrorCode::ExceedSigningCount,
            format!(
                "the CA has signed {} certificates (limit {max})",
                ca.signing_count
            ),
        ))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Validation (§1.8)
// ---------------------------------------------------------------------------------------

fn invalid(detail: impl Into<String>) -> EmuError {
    EmuError::detail(ErrorCode::InvalidInput, detail)
}

/// A length row (28–35) when `value` is longer than `max` characters.
pub(crate) fn check_len(row: Row, value: Option<&String>, max: usize) -> Result<(), EmuError> {
    match value {
        Some(v) if !limits::fits(v, max) => {
            Err(EmuError::row(row, format!("longer than {max} characters")))
        }
        _ => Ok(()),
    }
}

/// Checks the optional `keyType` / `keyBits` of a sign request against the CSR's key (A8,
/// rows 15, 36, 37, 49, 50). A request naming neither is not checked (the documented body
/// is `csrPem` alone) unless `required` (`--require-key-params`).
pub(crate) fn check_csr_key(
    csr: &pki::CsrInfo,
    key_type: Option<&str>,
    key_bits: Option<&str>,
    required: bool,
) -> Result<(), EmuError> {
    let kt = key_type.map(str::trim).filter(|s| !s.is_empty());
    let kb = key_bits.map(str::trim).filter(|s| !s.is_empty());
    if required && kt.is_none() {
        return Err(match kb {
            None => EmuError::row(Row::KeyBitsMissing, "no keyType and keyBits"),
            Some(_) => EmuError::row(Row::InvalidKeyTypeCsr, "keyBits without keyType"),
        });
    }
    let bits_text = match (kt, kb) {
        (None, None) => return Ok(()),
        (Some(_), None) => {
            return Err(EmuError::row(
                Row::KeyBitsMissing,
                "keyType without keyBits",
            ));
        }
        (_, Some(b)) => b,
    };
    if let Some(t) = kt
        && !limits::CSR_KEY_TYPES
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(t))
    {
        return Err(EmuError::row(
            Row::InvalidKeyTypeCsr,
            format!("keyType {t:?} is not RSA or ECDSA"),
        ));
    }
    let supported = |bits: u32| match kt {
        Some(t) => limits::csr_key_supported(t, bits),
        None => limits::CSR_KEY_TYPES.iter().any(|(_, s)| s.contains(&bits)),
    };
    let bits = bits_text
        .parse::<u32>()
        .ok()
        .filter(|b| supported(*b))
        .ok_or_else(|| {
            EmuError::row(
                Row::UnsupportedKeyBits,
                format!("keyBits {bits_text:?} is not supported for keyType {kt:?}"),
            )
        })?;
    let Some((csr_type, csr_bits)) = csr.key_params else {
        return Err(match kt {
            Some(_) => EmuError::row(
                Row::KeyTypeMismatch,
                "the CSR's key is neither RSA nor ECDSA",
            ),
            None => EmuError::row(
                Row::UnsupportedKeyBits,
                "the CSR's key is neither RSA nor ECDSA",
            ),
        });
    };
    if let Some(t) = kt
        && !csr_type.eq_ignore_ascii_case(t)
    {
        return Err(EmuError::row(
            Row::KeyTypeMismatch,
            format!("the CSR's key is {csr_type}, the body says {t}"),
        ));
    }
    if csr_bits != bits {
        return Err(EmuError::row(
            Row::KeyBitsMismatch,
            format!("the CSR's key has {csr_bits} bits, the body says {bits}"),
        ));
    }
    Ok(())
}

fn check_country(value: Option<&String>) -> Result<(), EmuError> {
    match value.map(String::as_str) {
        None | Some("") => Ok(()),
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(()),
        Some(c) => Err(invalid(format!(
            "country {c:?} is not an ISO 3166-1 alpha-2 code"
        ))),
    }
}

fn check_common_name(cn: &str) -> Result<(), EmuError> {
    if cn.trim().is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyCommonName));
    }
    if !limits::fits(cn, COMMON_NAME_MAX_LEN) {
        return Err(EmuError::detail(
            ErrorCode::ExceedCommonName,
            format!("commonName is longer than {COMMON_NAME_MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// Parses `altName` / `ip` (`INVALID_X509_IP` for a bad address, `INVALID_INPUT` for a bad
/// name).
fn sans_of(alt_name: Option<&str>, ip: Option<&str>) -> Result<Sans, EmuError> {
    Sans::parse(alt_name, ip).map_err(pki_err)
}

/// Checks Create CA's `x509Parameters` (§2.1); returns the SANs.
pub(crate) fn validate_ca_params(p: &X509CaParameters) -> Result<Sans, EmuError> {
    if p.is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyX509Parameters));
    }
    check_common_name(&p.common_name)?;
    check_len(
        Row::OrganizationTooLong,
        p.organization.as_ref(),
        ORGANIZATION_MAX_LEN,
    )?;
    check_len(
        Row::OrganizationUnitTooLong,
        p.organization_unit.as_ref(),
        LONG_FIELD_MAX_LEN,
    )?;
    check_len(
        Row::LocalityTooLong,
        p.locality.as_ref(),
        LONG_FIELD_MAX_LEN,
    )?;
    check_len(
        Row::StateProvinceTooLong,
        p.state_province.as_ref(),
        LONG_FIELD_MAX_LEN,
    )?;
    check_country(p.country.as_ref())?;
    sans_of(p.alt_name.as_deref(), p.ip.as_deref())
}

/// The usages of Issue End Cert's `keyUsage` / `extendedKeyUsage` (undocumented; value
/// names UNCONFIRMED, any spelling of a known name is accepted, see
/// [`crate::api::profile`]); extended key usages may also be dotted OIDs. Unknown names →
/// `INVALID_X509_KEY_USAGE` / `INVALID_X509_EXTENDED_KEY_USAGE`.
fn usages_of(p: &X509EndCertParameters) -> Result<pki::Usages, EmuError> {
    let mut usages = pki::Usages::default();
    if let Some(list) = &p.key_usage {
        let mut out = Vec::new();
        for ku in list {
            let k = KeyUsage::from_wire(ku).ok_or_else(|| {
                EmuError::detail(
                    ErrorCode::InvalidX509KeyUsage,
                    format!("unknown key usage {ku:?}"),
                )
            })?;
            if !out.contains(&k) {
                out.push(k);
            }
        }
        usages.key_usages = Some(out);
    }
    if let Some(list) = &p.extended_key_usage {
        let (mut named, mut oids) = (Vec::new(), Vec::new());
        for eku in list {
            if let Some(e) = ExtendedKeyUsage::from_wire(eku) {
                if !named.contains(&e) {
                    named.push(e);
                }
            } else if let Some(arcs) = profile::oid_arcs(eku.trim()) {
                if !oids.contains(&arcs) {
                    oids.push(arcs);
                }
            } else {
                return Err(EmuError::detail(
                    ErrorCode::InvalidX509ExtendedKeyUsage,
                    format!("unknown extended key usage {eku:?}"),
                ));
            }
        }
        usages.extended_key_usages = Some((named, oids));
    }
    Ok(usages)
}

/// Checks Issue End Cert's `x509Parameters` (§2.11); returns the SANs and usages to write.
///
/// `uri` items must be absolute URIs, and SPIFFE IDs when their scheme is `spiffe`
/// ([`profile::uri_problem`]; else row 45, `Invalid uir.`); `other` items must be
/// `{OID};UTF8:{value}` ([`profile::parse_other_names`]; else row 46, `Invalid other.`);
/// usages: see [`usages_of`]. `postalCode` is checked like the other 128-character fields.
/// `useCnAsSan` adds the common name as a DNS name when it looks like one.
pub(crate) fn validate_end_params(
    p: &X509EndCertParameters,
) -> Result<(Sans, pki::Usages), EmuError> {
    if p.is_empty() {
        return Err(EmuError::api(ErrorCode::EmptyX509Parameters));
    }
    check_common_name(&p.common_name)?;
    check_len(
        Row::OrganizationTooLong,
        p.organization.as_ref(),
        ORGANIZATION_MAX_LEN,
    )?;
    for (row, value) in [
        (Row::OrganizationUnitTooLong, &p.organization_unit),
        (Row::LocalityTooLong, &p.locality),
        (Row::StateProvinceTooLong, &p.state_province),
        (Row::StreetAddressTooLong, &p.street_address),
        // No row names postalCode: a catch-all `Invalid input.`.
        (Row::InvalidInput, &p.postal_code),
    ] {
        check_len(row, value.as_ref(), LONG_FIELD_MAX_LEN)?;
    }
    check_country(p.country.as_ref())?;
    let usages = usages_of(p)?;
    let other = profile::parse_other_names(p.other.as_deref().unwrap_or(""))
        .map_err(|why| EmuError::detail(ErrorCode::InvalidX509Other, why))?;
    let mut sans = sans_of(p.alt_name.as_deref(), p.ip.as_deref())?;
    for item in limits::split_san_list(p.uri.as_deref().unwrap_or("")) {
        if let Some(why) = profile::uri_problem(item) {
            return Err(EmuError::detail(ErrorCode::InvalidX509Uri, why));
        }
        sans.uris.push(item.to_owned());
    }
    sans.other_names = other;
    let cn = p.common_name.trim();
    if p.use_cn_as_san == Some(true)
        && !cn.is_empty()
        && cn.bytes().all(|b| b.is_ascii_graphic())
        && !sans.dns.iter().any(|d| d.eq_ignore_ascii_case(cn))
    {
        if cn.contains('@') {
            sans.emails.push(cn.to_owned());
        } else if let Ok(ip) = cn.parse() {
            sans.ips.push(ip);
        } else {
            sans.dns.push(cn.to_owned());
        }
    }
    Ok((sans, usages))
}

/// Validates a `keyType` (`INVALID_X509_KEY_TYPE` for an unknown one).
pub(crate) fn key_type(kt: &KeyType) -> Result<KeyType, EmuError> {
    if kt.is_known() {
        Ok(kt.clone())
    } else {
        Err(EmuError::detail(
            ErrorCode::InvalidX509KeyType,
            format!(
                "keyType {:?} is not RSA2048, RSA4096, EC256 or EC521",
                kt.as_str()
            ),
        ))
    }
}

/// Resolves a `period` into days (§1.8): `MAX` (when allowed) is 3650 days, which the
/// engine caps at the issuer's `notAfter`; explicit days must be 1–3650 (else
/// `INVALID_INPUT_PERIOD`) and must end by `issuer_not_after` (else `EXCEED_EXPIRY_DATE`).
pub(crate) fn period_days(
    period: &Period,
    allow_max: bool,
    issuer_not_after: Option<i64>,
    now_ms: i64,
) -> Result<u32, EmuError> {
    if !period.days_in_range(allow_max) {
        return Err(EmuError::detail(
            ErrorCode::InvalidInputPeriod,
            format!("period {:?} is not 1-3650 days or MAX", period.as_wire()),
        ));
    }
    let days = match period {
        Period::Days(d) => *d,
        _ => limits::PERIOD_MAX_DAYS,
    };
    if let (Period::Days(d), Some(limit)) = (period, issuer_not_after) {
        let start = now_ms - now_ms.rem_euclid(1000);
        if start + i64::from(*d) * DAY_MS > limit {
            return Err(EmuError::detail(
                ErrorCode::ExceedExpiryDate,
                format!("{d} days exceed the issuing CA's validity"),
            ));
        }
    }
    if let Some(limit) = issuer_not_after
        && limit <= now_ms
    {
        return Err(EmuError::detail(
            ErrorCode::ExceedExpiryDate,
            "the issuing CA's certificate has expired",
        ));
    }
    Ok(days)
}

/// Canonical serial text of a path segment (`INVALID_INPUT_SERIAL_NO` when malformed).
pub(crate) fn serial_param(segment: &str) -> Result<String, EmuError> {
    let text = segment.trim();
    if text.is_empty() {
        return Err(EmuError::api(ErrorCode::EmptySerialNo));
    }
    pki::canonical_serial(text).map_err(|_| {
        EmuError::detail(
            ErrorCode::InvalidInputSerialNo,
            format!("serial {text:?} is not colon-separated hex"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let now = 1_000_000_000_000;
        let na = now + 10 * DAY_MS;
        assert_eq!(period_days(&Period::Max, true, None, now).unwrap(), 3650);
        assert_eq!(
            period_days(&Period::Max, true, Some(na), now).unwrap(),
            3650
        );
        assert_eq!(
            period_days(&Period::Days(10), true, Some(na), now).unwrap(),
            10
        );
        let e = |p: &Period, max, lim| period_days(p, max, lim, now).unwrap_err().code().unwrap();
        assert_eq!(
            e(&Period::Days(11), true, Some(na)),
            ErrorCode::ExceedExpiryDate
        );
        assert_eq!(e(&Period::Max, false, None), ErrorCode::InvalidInputPeriod);
        assert_eq!(
            e(&Period::Days(0), true, None),
            ErrorCode::InvalidInputPeriod
        );
        assert_eq!(
            e(&Period::Days(3651), true, None),
            ErrorCode::InvalidInputPeriod
        );
        assert_eq!(
            e(&Period::Other("x".into()), true, None),
            ErrorCode::InvalidInputPeriod
        );
        assert_eq!(
            e(&Period::Max, true, Some(now)),
            ErrorCode::ExceedExpiryDate
        );
    }

    #[test]
    fn end_params() {
        let mut p = X509EndCertParameters {
            common_name: "svc.example.com".into(),
            use_cn_as_san: Some(true),
            key_usage: Some(vec!["digitalSignature".into(), "KEY_ENCIPHERMENT".into()]),
            extended_key_usage: Some(vec!["serverAuth".into(), "1.2.3.4".into()]),
            uri: Some("spiffe://x/y".into()),
            ..Default::default()
        };
        let (s, u) = validate_end_params(&p).unwrap();
        assert_eq!(s.dns, ["svc.example.com"]);
        assert_eq!(s.uris, ["spiffe://x/y"]);
        assert_eq!(
            u.key_usages,
            Some(vec![KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment])
        );
        assert_eq!(
            u.extended_key_usages,
            Some((vec![ExtendedKeyUsage::ServerAuth], vec![vec![1, 2, 3, 4]]))
        );
        p.other = Some("1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example".into());
        let (s, _) = validate_end_params(&p).unwrap();
        assert_eq!(s.other_names[0].value, "alice@corp.example");
        p.other = None;
        p.uri = Some("spiffe://x:1/y".into());
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509Uri)
        );
        p.uri = Some("spiffe://x/y".into());
        p.key_usage = Some(vec!["flying".into()]);
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509KeyUsage)
        );
        p.key_usage = None;
        p.extended_key_usage = Some(vec!["nope".into()]);
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509ExtendedKeyUsage)
        );
        p.extended_key_usage = None;
        p.uri = Some("not a uri".into());
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509Uri)
        );
        p.uri = None;
        p.ip = Some("300.1.1.1".into());
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509Ip)
        );
        p.ip = None;
        p.other = Some("x".into());
        assert_eq!(
            validate_end_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidX509Other)
        );
    }

    #[test]
    fn ca_params() {
        let mut p = X509CaParameters::default();
        assert_eq!(
            validate_ca_params(&p).unwrap_err().code(),
            Some(ErrorCode::EmptyX509Parameters)
        );
        p.country = Some("KR".into());
        assert_eq!(
            validate_ca_params(&p).unwrap_err().code(),
            Some(ErrorCode::EmptyCommonName)
        );
        p.common_name = "x".repeat(65);
        assert_eq!(
            validate_ca_params(&p).unwrap_err().code(),
            Some(ErrorCode::ExceedCommonName)
        );
        p.common_name = "ok".into();
        p.organization = Some("o".repeat(65));
        assert_eq!(
            validate_ca_params(&p).unwrap_err().catalogue_row(),
            Some(Row::OrganizationTooLong)
        );
        p.organization = None;
        p.country = Some("KOR".into());
        assert_eq!(
            validate_ca_params(&p).unwrap_err().code(),
            Some(ErrorCode::InvalidInput)
        );
        p.country = Some("kr".into());
        assert!(validate_ca_params(&p).is_ok());
    }

    #[test]
    fn serials() {
        assert_eq!(serial_param("0A:1b").unwrap(), "0a:1b");
        assert_eq!(
            serial_param("zz").unwrap_err().code(),
            Some(ErrorCode::InvalidInputSerialNo)
        );
    }
}
