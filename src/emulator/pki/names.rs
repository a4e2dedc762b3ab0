//! Subjects and subject alternative names: the API's `x509Parameters` forms, rcgen's
//! builders, and what x509-parser reads back.

use std::net::IpAddr;

use rcgen::string::{BmpString, Ia5String, PrintableString, TeletexString, UniversalString};
use rcgen::{DistinguishedName, DnType, DnValue, OtherNameValue, SanType};
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::extensions::GeneralName;
use x509_parser::x509::X509Name;

use super::PkiError;
use crate::api::limits::split_san_list;
use crate::api::model::{X509CaParameters, X509EndCertParameters};
use crate::api::profile::{OtherName, oid_arcs, parse_other_names};

/// OID (dotted) of `commonName`.
const OID_CN: &str = "2.5.4.3";
/// OID (dotted) of `countryName`.
const OID_C: &str = "2.5.4.6";
/// OID (dotted) of `localityName`.
const OID_L: &str = "2.5.4.7";
/// OID (dotted) of `stateOrProvinceName`.
const OID_ST: &str = "2.5.4.8";
/// OID (dotted) of `streetAddress`.
const OID_STREET: &str = "2.5.4.9";
/// OID (dotted) of `postalCode`.
const OID_POSTAL: &str = "2.5.4.17";
/// OID (dotted) of `organizationName`.
const OID_O: &str = "2.5.4.10";
/// OID (dotted) of `organizationalUnitName`.
const OID_OU: &str = "2.5.4.11";
/// OID arcs of `streetAddress`.
const ARCS_STREET: [u64; 4] = [2, 5, 4, 9];
/// OID arcs of `postalCode`.
const ARCS_POSTAL: [u64; 4] = [2, 5, 4, 17];

/// A certificate subject as the API describes it (`x509Parameters`, §2.1, §2.11).
///
/// Absent and empty (`Some("")`) fields are left out of the DN. Built DNs use this order:
/// `C, ST, L, street, postalCode, O, OU, CN`; `C` is a PrintableString when it can be, every other
/// attribute a UTF8String.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// `CN` (`commonName`; required by the API, 1–64 characters).
    pub common_name: Option<String>,
    /// `C` (`country`).
    pub country: Option<String>,
    /// `ST` (`stateProvince`).
    pub state_province: Option<String>,
    /// `L` (`locality`).
    pub locality: Option<String>,
    /// `street` (`streetAddress`, end certificates only in the API).
    pub street_address: Option<String>,
    /// `postalCode` (`postalCode`, end certificates only, generated client only).
    pub postal_code: Option<String>,
    /// `O` (`organization`).
    pub organization: Option<String>,
    /// `OU` (`organizationUnit`).
    pub organizational_unit: Option<String>,
}

impl Subject {
    /// A subject with only a common name.
    pub fn with_common_name(cn: impl Into<String>) -> Subject {
        Subject {
            common_name: Some(cn.into()),
            ..Subject::default()
        }
    }

    /// The subject of Create CA's `x509Parameters` (§2.1).
    pub fn from_ca_parameters(p: &X509CaParameters) -> Subject {
        Subject {
            common_name: Some(p.common_name.clone()),
            country: p.country.clone(),
            state_province: p.state_province.clone(),
            locality: p.locality.clone(),
            street_address: None,
            postal_code: None,
            organization: p.organization.clone(),
            organizational_unit: p.organization_unit.clone(),
        }
    }

    /// The subject of Issue End Cert's `x509Parameters` (§2.11).
    pub fn from_end_cert_parameters(p: &X509EndCertParameters) -> Subject {
        Subject {
            common_name: Some(p.common_name.clone()),
            country: p.country.clone(),
            state_province: p.state_province.clone(),
            locality: p.locality.clone(),
            street_address: p.street_address.clone(),
            postal_code: p.postal_code.clone(),
            organization: p.organization.clone(),
            organizational_unit: p.organization_unit.clone(),
        }
    }

    /// The rcgen DN in the documented order.
    pub(crate) fn to_dn(&self) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        let present =
            |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_owned);
        if let Some(c) = present(&self.country) {
            match PrintableString::try_from(c.as_str()) {
                Ok(p) => dn.push(DnType::CountryName, DnValue::PrintableString(p)),
                Err(_) => dn.push(DnType::CountryName, c),
            }
        }
        if let Some(v) = present(&self.state_province) {
            dn.push(DnType::StateOrProvinceName, v);
        }
        if let Some(v) = present(&self.locality) {
            dn.push(DnType::LocalityName, v);
        }
        if let Some(v) = present(&self.street_address) {
            dn.push(DnType::CustomDnType(ARCS_STREET.to_vec()), v);
        }
        if let Some(v) = present(&self.postal_code) {
            dn.push(DnType::CustomDnType(ARCS_POSTAL.to_vec()), v);
        }
        if let Some(v) = present(&self.organization) {
            dn.push(DnType::OrganizationName, v);
        }
        if let Some(v) = present(&self.organizational_unit) {
            dn.push(DnType::OrganizationalUnitName, v);
        }
        if let Some(v) = present(&self.common_name) {
            dn.push(DnType::CommonName, v);
        }
        dn
    }

    /// The well-known attributes of a parsed name (first value of each; attributes that are
    /// not strings are skipped).
    pub(crate) fn from_x509_name(name: &X509Name<'_>) -> Subject {
        let mut s = Subject::default();
        for attr in name.iter_attributes() {
            let Some(value) = attr_text(attr) else {
                continue;
            };
            let slot = match attr.attr_type().to_id_string().as_str() {
                OID_CN => &mut s.common_name,
                OID_C => &mut s.country,
                OID_ST => &mut s.state_province,
                OID_L => &mut s.locality,
                OID_STREET => &mut s.street_address,
                OID_POSTAL => &mut s.postal_code,
                OID_O => &mut s.organization,
                OID_OU => &mut s.organizational_unit,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        s
    }
}

/// The text of a name attribute of any of the string types.
fn attr_text(attr: &x509_parser::x509::AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(s) = attr.as_str() {
        return Some(s.to_owned());
    }
    let value = attr.attr_value();
    let data = value.data;
    match value.tag() {
        Tag::T61String => Some(data.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        Tag::UniversalString => data
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

/// Rebuilds a parsed name as an rcgen DN, attribute by attribute, keeping each value's
/// string type, so the DER rcgen writes equals the original for single-valued RDNs with
/// distinct attribute types. Multi-valued RDNs, repeated attribute types and non-string
/// values cannot be represented → [`PkiError::Unsupported`].
pub(crate) fn dn_from_x509(name: &X509Name<'_>, what: &str) -> Result<DistinguishedName, PkiError> {
    let unsupported = |why: &str| PkiError::Unsupported(format!("{what}: {why}"));
    let mut dn = DistinguishedName::new();
    for rdn in name.iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(unsupported("multi-valued or empty RDN"));
        };
        let arcs: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| unsupported("attribute type OID too large"))?
            .collect();
        // yasna asserts a well-formed OID when writing: at least two arcs, a valid first pair.
        let well_formed = match arcs.as_slice() {
            [a, b, ..] => *a < 2 && *b < 40 || *a == 2,
            _ => false,
        };
        if !well_formed {
            return Err(unsupported("malformed attribute type OID"));
        }
        let ty = DnType::from_oid(&arcs);
        if dn.get(&ty).is_some() {
            return Err(unsupported("repeated attribute type"));
        }
        let value = attr.attr_value();
        let data = value.data;
        let text =
            || std::str::from_utf8(data).map_err(|_| unsupported("attribute value is not UTF-8"));
        let bad = |_| unsupported("attribute value does not fit its string type");
        let dn_value = match value.tag() {
            Tag::Utf8String => DnValue::Utf8String(text()?.to_owned()),
            Tag::PrintableString => {
                DnValue::PrintableString(PrintableString::try_from(text()?).map_err(bad)?)
            }
            Tag::Ia5String => DnValue::Ia5String(Ia5String::try_from(text()?).map_err(bad)?),
            Tag::T61String => {
                DnValue::TeletexString(TeletexString::try_from(text()?).map_err(bad)?)
            }
            Tag::BmpString => {
                DnValue::BmpString(BmpString::from_utf16be(data.to_vec()).map_err(bad)?)
            }
            Tag::UniversalString => {
                DnValue::UniversalString(UniversalString::from_utf32be(data.to_vec()).map_err(bad)?)
            }
            _ => return Err(unsupported("attribute value is not a string")),
        };
        dn.push(ty, dn_value);
    }
    Ok(dn)
}

/// An RFC 4514-style rendering of a name (`CN=Corp Root CA, O=Corp, C=KR`), most significant
/// RDN last as x509-parser prints it.
pub(crate) fn dn_string(name: &X509Name<'_>) -> String {
    name.to_string()
}

/// Subject alternative names.
///
/// The API carries them as two comma-separated strings (§1.8, recommendation: split on `,`
/// and trim): `altName` holds DNS names and e-mail addresses (an item with `@` is an e-mail;
/// an item that parses as an IP address is treated as an IP SAN), `ip` holds IP addresses.
/// URIs and other names come only from CSRs or the `uri` / `other` fields of Issue End Cert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sans {
    /// `dNSName` entries (wildcards such as `*.example.com` allowed).
    pub dns: Vec<String>,
    /// `rfc822Name` entries.
    pub emails: Vec<String>,
    /// `iPAddress` entries.
    pub ips: Vec<IpAddr>,
    /// `uniformResourceIdentifier` entries.
    pub uris: Vec<String>,
    /// `otherName` entries with a UTF8String value.
    pub other_names: Vec<OtherName>,
}

impl Sans {
    /// Parses the API's `altName` and `ip` strings (either may be absent or empty).
    ///
    /// Errors: [`PkiError::BadIp`] for an `ip` item that is not an address,
    /// [`PkiError::BadInput`] for a name that is not printable ASCII or contains spaces.
    pub fn parse(alt_name: Option<&str>, ip: Option<&str>) -> Result<Sans, PkiError> {
        let mut sans = Sans::default();
        for item in split_san_list(alt_name.unwrap_or("")) {
            if let Ok(addr) = item.parse::<IpAddr>() {
                sans.ips.push(addr);
                continue;
            }
            check_ia5_name(item)?;
            if item.contains('@') {
                sans.emails.push(item.to_owned());
            } else {
                sans.dns.push(item.to_owned());
            }
        }
        for item in split_san_list(ip.unwrap_or("")) {
            let addr = item
                .parse::<IpAddr>()
                .map_err(|_| PkiError::BadIp(item.to_owned()))?;
            sans.ips.push(addr);
        }
        Ok(sans)
    }

    /// The SANs of Create CA's `x509Parameters` (`altName`, `ip`).
    pub fn from_ca_parameters(p: &X509CaParameters) -> Result<Sans, PkiError> {
        Sans::parse(p.alt_name.as_deref(), p.ip.as_deref())
    }

    /// The SANs of Issue End Cert's `x509Parameters` (`altName`, `ip`, and the
    /// comma-separated `uri` and `other`).
    pub fn from_end_cert_parameters(p: &X509EndCertParameters) -> Result<Sans, PkiError> {
        let mut sans = Sans::parse(p.alt_name.as_deref(), p.ip.as_deref())?;
        for item in split_san_list(p.uri.as_deref().unwrap_or("")) {
            check_ia5_name(item)?;
            sans.uris.push(item.to_owned());
        }
        sans.other_names =
            parse_other_names(p.other.as_deref().unwrap_or("")).map_err(PkiError::BadInput)?;
        Ok(sans)
    }

    /// Whether there is no SAN at all.
    pub fn is_empty(&self) -> bool {
        self.dns.is_empty()
            && self.emails.is_empty()
            && self.ips.is_empty()
            && self.uris.is_empty()
            && self.other_names.is_empty()
    }

    /// rcgen's SAN list, in the order DNS, e-mail, IP, URI, other name.
    pub(crate) fn to_rcgen(&self) -> Result<Vec<SanType>, PkiError> {
        let ia5 = |s: &String| {
            check_ia5_name(s)?;
            Ia5String::try_from(s.as_str()).map_err(|_| PkiError::BadInput(format!("SAN {s:?}")))
        };
        let mut out = Vec::new();
        for d in &self.dns {
            out.push(SanType::DnsName(ia5(d)?));
        }
        for e in &self.emails {
            out.push(SanType::Rfc822Name(ia5(e)?));
        }
        for ip in &self.ips {
            out.push(SanType::IpAddress(*ip));
        }
        for u in &self.uris {
            out.push(SanType::URI(ia5(u)?));
        }
        for o in &self.other_names {
            let arcs = oid_arcs(&o.oid)
                .ok_or_else(|| PkiError::BadInput(format!("other-name OID {:?}", o.oid)))?;
            out.push(SanType::OtherName((
                arcs,
                OtherNameValue::Utf8String(o.value.clone()),
            )));
        }
        Ok(out)
    }

    /// Collects parsed general names; types other than DNS, e-mail, IP, URI and other
    /// names with a UTF8String value → [`PkiError::Unsupported`].
    pub(crate) fn from_general_names(names: &[GeneralName<'_>]) -> Result<Sans, PkiError> {
        let mut sans = Sans::default();
        for n in names {
            match n {
                GeneralName::DNSName(s) => sans.dns.push((*s).to_owned()),
                GeneralName::RFC822Name(s) => sans.emails.push((*s).to_owned()),
                GeneralName::URI(s) => sans.uris.push((*s).to_owned()),
                GeneralName::OtherName(oid, value) => {
                    let Some(text) = other_name_utf8(value) else {
                        return Err(PkiError::Unsupported(
                            "otherName whose value is not a UTF8String".into(),
                        ));
                    };
                    sans.other_names.push(OtherName {
                        oid: oid.to_id_string(),
                        value: text,
                    });
                }
                GeneralName::IPAddress(b) => match b.len() {
                    4 => sans.ips.push(IpAddr::from([b[0], b[1], b[2], b[3]])),
                    16 => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(b);
                        sans.ips.push(IpAddr::from(a));
                    }
                    n => {
                        return Err(PkiError::BadInput(format!(
                            "IP SAN of {n} bytes (address ranges are for name constraints)"
                        )));
                    }
                },
                other => {
                    return Err(PkiError::Unsupported(format!(
                        "subject alternative name type {}",
                        general_name_kind(other)
                    )));
                }
            }
        }
        Ok(sans)
    }
}

/// The text of an otherName value (`[0] EXPLICIT UTF8String`), `None` for other types.
pub(crate) fn other_name_utf8(explicit: &[u8]) -> Option<String> {
    use x509_parser::der_parser::asn1_rs::{Any, FromDer};
    let (_, outer) = Any::from_der(explicit).ok()?;
    if outer.tag() != Tag(0) {
        return None;
    }
    let (_, inner) = Any::from_der(outer.data).ok()?;
    if inner.tag() != Tag::Utf8String {
        return None;
    }
    std::str::from_utf8(inner.data).ok().map(str::to_owned)
}

/// A SAN that must be a non-empty printable-ASCII token without spaces.
fn check_ia5_name(s: &str) -> Result<(), PkiError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PkiError::BadInput(format!(
            "subject alternative name {s:?} is not printable ASCII without spaces"
        )));
    }
    Ok(())
}

/// The ASN.1 choice name of a general name, for messages.
fn general_name_kind(n: &GeneralName<'_>) -> &'static str {
    match n {
        GeneralName::OtherName(..) => "otherName",
        GeneralName::RFC822Name(_) => "rfc822Name",
        GeneralName::DNSName(_) => "dNSName",
        GeneralName::X400Address(_) => "x400Address",
        GeneralName::DirectoryName(_) => "directoryName",
        GeneralName::EDIPartyName(_) => "ediPartyName",
        GeneralName::URI(_) => "uniformResourceIdentifier",
        GeneralName::IPAddress(_) => "iPAddress",
        GeneralName::RegisteredID(_) => "registeredID",
        GeneralName::Invalid(..) => "invalid",
    }
}
