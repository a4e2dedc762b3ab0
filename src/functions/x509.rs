//! What the functions read out of certificates and CSRs: names, SANs, key algorithm, usages,
//! fingerprints, with the result types Terraform sees. Pure: no I/O, no provider data.

use crate::framework::Type;
use crate::framework::function::FunctionError;
use crate::resources::common::{colon_hex, rfc3339};
use serde::Serialize;
use x509_parser::der_parser::oid::Oid;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::pem::Pem;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{SubjectPublicKeyInfo, X509Name};

/// The `subject`/`issuer` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Name {
    /// CN
    pub common_name: Option<String>,
    /// O
    pub organization: Option<String>,
    /// OU
    pub organizational_unit: Option<String>,
    /// C
    pub country: Option<String>,
    /// ST
    pub state_province: Option<String>,
    /// L
    pub locality: Option<String>,
    /// street
    pub street_address: Option<String>,
    /// postalCode
    pub postal_code: Option<String>,
    /// serialNumber (of the subject, not of the certificate)
    pub serial_number: Option<String>,
    /// The whole name, RFC 4514 style (`CN=a, O=b`).
    pub dn: String,
}

/// The type of [`Name`].
pub fn name_type() -> Type {
    Type::object(
        [
            "common_name",
            "organization",
            "organizational_unit",
            "country",
            "state_province",
            "locality",
            "street_address",
            "postal_code",
            "serial_number",
            "dn",
        ]
        .map(|k| (k, Type::String)),
    )
}

/// One `otherName` SAN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OtherName {
    /// The type OID, dotted.
    pub oid: String,
    /// The value: the text of a string value, otherwise its DER as hex.
    pub value: String,
}

/// Subject alternative names, by kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sans {
    /// DNS names.
    pub dns_names: Vec<String>,
    /// IP addresses (IPv4 dotted, IPv6 RFC 5952).
    pub ip_addresses: Vec<String>,
    /// RFC 822 names.
    pub email_addresses: Vec<String>,
    /// URIs.
    pub uri_sans: Vec<String>,
    /// otherName entries.
    pub other_names: Vec<OtherName>,
}

/// The attribute types of [`Sans`].
pub fn sans_types() -> Vec<(&'static str, Type)> {
    vec![
        ("dns_names", Type::list(Type::String)),
        ("ip_addresses", Type::list(Type::String)),
        ("email_addresses", Type::list(Type::String)),
        ("uri_sans", Type::list(Type::String)),
        (
            "other_names",
            Type::list(Type::object([
                ("oid", Type::String),
                ("value", Type::String),
            ])),
        ),
    ]
}

/// The key: algorithm family, this provider's key type name, and the public key PEM.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Key {
    /// `RSA`, `ECDSA`, `ED25519` or the algorithm OID.
    pub key_algorithm: String,
    /// `RSA2048`, `RSA4096`, `EC256`, `EC384`, `EC521`, `ED25519`, or null.
    pub key_type: Option<String>,
    /// The SubjectPublicKeyInfo, PEM.
    pub public_key_pem: String,
}

/// The attribute types of [`Key`].
pub fn key_types() -> Vec<(&'static str, Type)> {
    vec![
        ("key_algorithm", Type::String),
        ("key_type", Type::String),
        ("public_key_pem", Type::String),
    ]
}

/// The DER of every PEM block labelled one of `labels`, in order. Errors name argument
/// `arg` and say what was expected.
pub fn pem_blocks(
    text: &str,
    labels: &[&str],
    what: &str,
    arg: usize,
) -> Result<Vec<Vec<u8>>, FunctionError> {
    let mut out = Vec::new();
    for block in Pem::iter_from_buffer(text.as_bytes()) {
        match block {
            Ok(p) if labels.contains(&p.label.as_str()) => out.push(p.contents),
            Ok(p) => {
                return Err(FunctionError::argument(
                    arg,
                    format!(
                        "Expected {what} (-----BEGIN {}-----), found a {} block",
                        labels.first().copied().unwrap_or_default(),
                        p.label
                    ),
                ));
            }
            Err(e) if out.is_empty() => {
                return Err(FunctionError::argument(
                    arg,
                    format!("Not a PEM {what}: {e}"),
                ));
            }
            // Trailing text after the last block.
            Err(_) => break,
        }
    }
    if out.is_empty() {
        return Err(FunctionError::argument(
            arg,
            format!(
                "Not a PEM {what}: no -----BEGIN {}----- block found",
                labels.first().copied().unwrap_or_default()
            ),
        ));
    }
    Ok(out)
}

/// Parses one certificate's DER, naming argument `arg` on failure.
pub fn parse_cert(der: &[u8], arg: usize) -> Result<X509Certificate<'_>, FunctionError> {
    match X509Certificate::from_der(der) {
        Ok((_, c)) => Ok(c),
        Err(e) => Err(FunctionError::argument(
            arg,
            format!("The PEM block is not a valid X.509 certificate: {e}"),
        )),
    }
}

fn first(it: impl Iterator<Item = String>) -> Option<String> {
    let all: Vec<String> = it.collect();
    if all.is_empty() {
        None
    } else {
        Some(all.join(", "))
    }
}

/// The text of every attribute of `oid` in `name`.
fn texts<'a>(name: &'a X509Name<'a>, oid: &'a Oid<'a>) -> impl Iterator<Item = String> + 'a {
    name.iter_by_oid(oid)
        .filter_map(|a| a.as_str().ok().map(str::to_owned))
}

/// Reads a distinguished name.
pub fn name(n: &X509Name<'_>) -> Name {
    use x509_parser::oid_registry as o;
    let street = Oid::from(&[2, 5, 4, 9]).ok();
    let postal = Oid::from(&[2, 5, 4, 17]).ok();
    let serial = Oid::from(&[2, 5, 4, 5]).ok();
    let by = |oid: &Option<Oid<'static>>| oid.as_ref().and_then(|o| first(texts(n, o)));
    Name {
        common_name: first(texts(n, &o::OID_X509_COMMON_NAME)),
        organization: first(texts(n, &o::OID_X509_ORGANIZATION_NAME)),
        organizational_unit: first(texts(n, &o::OID_X509_ORGANIZATIONAL_UNIT)),
        country: first(texts(n, &o::OID_X509_COUNTRY_NAME)),
        state_province: first(texts(n, &o::OID_X509_STATE_OR_PROVINCE_NAME)),
        locality: first(texts(n, &o::OID_X509_LOCALITY_NAME)),
        street_address: by(&street),
        postal_code: by(&postal),
        serial_number: by(&serial),
        dn: n.to_string(),
    }
}

/// A DER TLV's header: (tag, content). Only what otherName values need.
fn tlv(der: &[u8]) -> Option<(u8, &[u8])> {
    let tag = *der.first()?;
    let first_len = *der.get(1)?;
    let (len, start) = if first_len < 0x80 {
        (usize::from(first_len), 2)
    } else {
        let n = usize::from(first_len & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*der.get(2 + i)?);
        }
        (len, 2 + n)
    };
    Some((tag, der.get(start..start.checked_add(len)?)?))
}

fn other_name_value(explicit: &[u8]) -> String {
    // [0] EXPLICIT { value }: strings show as text, anything else as the hex of its DER.
    let inner = tlv(explicit)
        .filter(|(tag, _)| *tag == 0xa0)
        .map(|(_, c)| c)
        .unwrap_or(explicit);
    match tlv(inner) {
        // UTF8String, PrintableString, IA5String, VisibleString
        Some((0x0c | 0x13 | 0x16 | 0x1a, text)) => String::from_utf8_lossy(text).into_owned(),
        _ => inner.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Collects the SANs of a general name list.
pub fn sans<'a>(names: impl IntoIterator<Item = &'a GeneralName<'a>>) -> Sans {
    let mut s = Sans::default();
    for g in names {
        match g {
            GeneralName::DNSName(d) => s.dns_names.push((*d).to_owned()),
            GeneralName::IPAddress(ip) => s.ip_addresses.push(ip_text(ip)),
            GeneralName::RFC822Name(e) => s.email_addresses.push((*e).to_owned()),
            GeneralName::URI(u) => s.uri_sans.push((*u).to_owned()),
            GeneralName::OtherName(oid, v) => s.other_names.push(OtherName {
                oid: oid.to_id_string(),
                value: other_name_value(v),
            }),
            _ => {}
        }
    }
    s
}

/// Reads the public key.
pub fn key(spki: &SubjectPublicKeyInfo<'_>) -> Key {
    let alg = spki.algorithm.algorithm.to_id_string();
    let (family, key_type) = match alg.as_str() {
        "1.2.840.113549.1.1.1" => {
            let bits = match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => Some(rsa.key_size()),
                _ => None,
            };
            ("RSA".to_owned(), bits.map(|b| format!("RSA{b}")))
        }
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            let t = match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => Some("EC256"),
                Some("1.3.132.0.34") => Some("EC384"),
                Some("1.3.132.0.35") => Some("EC521"),
                _ => None,
            };
            ("ECDSA".to_owned(), t.map(str::to_owned))
        }
        "1.3.101.112" => ("ED25519".to_owned(), Some("ED25519".to_owned())),
        other => (other.to_owned(), None),
    };
    Key {
        key_algorithm: family,
        key_type,
        public_key_pem: pem_encode("PUBLIC KEY", spki.raw),
    }
}

/// PEM with 64-column lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Key usage names as the `tls` provider spells them.
pub fn key_usages(ku: &x509_parser::extensions::KeyUsage) -> Vec<String> {
    [
        (ku.digital_signature(), "digital_signature"),
        (ku.non_repudiation(), "content_commitment"),
        (ku.key_encipherment(), "key_encipherment"),
        (ku.data_encipherment(), "data_encipherment"),
        (ku.key_agreement(), "key_agreement"),
        (ku.key_cert_sign(), "cert_signing"),
        (ku.crl_sign(), "crl_signing"),
        (ku.encipher_only(), "encipher_only"),
        (ku.decipher_only(), "decipher_only"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_owned())
    .collect()
}

/// Extended key usage names as the `tls` provider spells them; other OIDs dotted.
pub fn extended_key_usages(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<String> {
    let mut out: Vec<String> = [
        (eku.any, "any_extended"),
        (eku.server_auth, "server_auth"),
        (eku.client_auth, "client_auth"),
        (eku.code_signing, "code_signing"),
        (eku.email_protection, "email_protection"),
        (eku.time_stamping, "time_stamping"),
        (eku.ocsp_signing, "ocsp_signing"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_owned())
    .collect();
    out.extend(eku.other.iter().map(|o| o.to_id_string()));
    out
}

/// Everything `parse_certificate` returns.
#[derive(Debug, Clone, Serialize)]
pub struct CertInfo {
    /// Subject.
    pub subject: Name,
    /// Issuer.
    pub issuer: Name,
    /// Serial, lower-case colon hex.
    pub serial_number: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// SANs.
    #[serde(flatten)]
    pub sans: Sans,
    /// Basic constraints CA flag.
    pub is_ca: bool,
    /// Key.
    #[serde(flatten)]
    pub key: Key,
    /// Key usages.
    pub key_usages: Vec<String>,
    /// Extended key usages.
    pub extended_key_usages: Vec<String>,
    /// SHA-256 of the DER, lower-case colon hex.
    pub sha256_fingerprint: String,
    /// Subject key identifier, colon hex.
    pub subject_key_id: Option<String>,
    /// Authority key identifier, colon hex.
    pub authority_key_id: Option<String>,
    /// Whether the issuer and subject names are the same.
    pub is_self_issued: bool,
}

/// The type of [`CertInfo`].
pub fn cert_info_type() -> Type {
    let mut attrs: Vec<(&str, Type)> = vec![
        ("subject", name_type()),
        ("issuer", name_type()),
        ("serial_number", Type::String),
        ("not_before", Type::String),
        ("not_after", Type::String),
        ("is_ca", Type::Bool),
        ("key_usages", Type::list(Type::String)),
        ("extended_key_usages", Type::list(Type::String)),
        ("sha256_fingerprint", Type::String),
        ("subject_key_id", Type::String),
        ("authority_key_id", Type::String),
        ("is_self_issued", Type::Bool),
    ];
    attrs.extend(sans_types());
    attrs.extend(key_types());
    Type::object(attrs)
}

/// Hex of every byte, colon-separated, lower case (leading zeros kept).
fn hex_colons(b: &[u8]) -> String {
    b.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Reads a certificate.
pub fn cert_info(der: &[u8], c: &X509Certificate<'_>) -> CertInfo {
    let mut info = CertInfo {
        subject: name(c.subject()),
        issuer: name(c.issuer()),
        serial_number: colon_hex(c.raw_serial()),
        not_before: rfc3339(c.validity().not_before.timestamp().saturating_mul(1000)),
        not_after: rfc3339(c.validity().not_after.timestamp().saturating_mul(1000)),
        sans: Sans::default(),
        is_ca: false,
        key: key(c.public_key()),
        key_usages: Vec::new(),
        extended_key_usages: Vec::new(),
        sha256_fingerprint: hex_colons(
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der).as_ref(),
        ),
        subject_key_id: None,
        authority_key_id: None,
        is_self_issued: c.subject().as_raw() == c.issuer().as_raw(),
    };
    for ext in c.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => info.sans = sans(&san.general_names),
            ParsedExtension::BasicConstraints(bc) => info.is_ca = bc.ca,
            ParsedExtension::KeyUsage(ku) => info.key_usages = key_usages(ku),
            ParsedExtension::ExtendedKeyUsage(eku) => {
                info.extended_key_usages = extended_key_usages(eku);
            }
            ParsedExtension::SubjectKeyIdentifier(k) => info.subject_key_id = Some(hex_colons(k.0)),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                info.authority_key_id = a.key_identifier.as_ref().map(|k| hex_colons(k.0));
            }
            _ => {}
        }
    }
    info
}
