//! The certificate-profile members of Issue End Cert's `x509Parameters` (§2.11): URI SANs
//! (`uri`), other-name SANs (`other`), key usages (`keyUsage`) and extended key usages
//! (`extendedKeyUsage`). Pure functions shared by the client side (to build and check the
//! values) and the emulator (to check and honour them).
//!
//! Confirmed by the catalogue: `uri` and `other` exist and are validated (rows 45
//! `Invalid uir.` and 46 `Invalid other.`). The value names of `keyUsage` and
//! `extendedKeyUsage` are UNCONFIRMED. [`KeyUsage::wire`] and [`ExtendedKeyUsage::wire`]
//! spell them the way Go's `crypto/x509` constants do without their prefix
//! (`DigitalSignature`, `ServerAuth`, `OCSPSigning`): the `other` syntax,
//! `{OID};UTF8:{value}`, is the one HashiCorp Vault's PKI engine uses for its other-name
//! SANs, and Vault's role usages are spelled that way (and matched ignoring case), so a
//! service passing these members through to such an engine understands those names. The
//! emulator accepts any spelling that reduces to the same letters (`digitalSignature`,
//! `DIGITAL_SIGNATURE`).

/// A key usage bit (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyUsage {
    /// `digitalSignature` (bit 0).
    DigitalSignature,
    /// `nonRepudiation` / `contentCommitment` (bit 1).
    ContentCommitment,
    /// `keyEncipherment` (bit 2).
    KeyEncipherment,
    /// `dataEncipherment` (bit 3).
    DataEncipherment,
    /// `keyAgreement` (bit 4).
    KeyAgreement,
    /// `keyCertSign` (bit 5): CA certificates only.
    KeyCertSign,
    /// `cRLSign` (bit 6): CA certificates only.
    CrlSign,
    /// `encipherOnly` (bit 7, with `keyAgreement`).
    EncipherOnly,
    /// `decipherOnly` (bit 8, with `keyAgreement`).
    DecipherOnly,
}

impl KeyUsage {
    /// Every key usage, in bit order.
    pub const ALL: [KeyUsage; 9] = [
        KeyUsage::DigitalSignature,
        KeyUsage::ContentCommitment,
        KeyUsage::KeyEncipherment,
        KeyUsage::DataEncipherment,
        KeyUsage::KeyAgreement,
        KeyUsage::KeyCertSign,
        KeyUsage::CrlSign,
        KeyUsage::EncipherOnly,
        KeyUsage::DecipherOnly,
    ];

    /// The name sent in `keyUsage` (see the module docs for the choice).
    pub fn wire(self) -> &'static str {
        match self {
            KeyUsage::DigitalSignature => "DigitalSignature",
            KeyUsage::ContentCommitment => "ContentCommitment",
            KeyUsage::KeyEncipherment => "KeyEncipherment",
            KeyUsage::DataEncipherment => "DataEncipherment",
            KeyUsage::KeyAgreement => "KeyAgreement",
            KeyUsage::KeyCertSign => "CertSign",
            KeyUsage::CrlSign => "CRLSign",
            KeyUsage::EncipherOnly => "EncipherOnly",
            KeyUsage::DecipherOnly => "DecipherOnly",
        }
    }

    /// Reads a `keyUsage` value in any common spelling (`DigitalSignature`,
    /// `digital_signature`, `nonRepudiation`, `keyCertSign`, …).
    pub fn from_wire(name: &str) -> Option<KeyUsage> {
        Some(match letters(name).as_str() {
            "digitalsignature" => KeyUsage::DigitalSignature,
            "contentcommitment" | "nonrepudiation" => KeyUsage::ContentCommitment,
            "keyencipherment" => KeyUsage::KeyEncipherment,
            "dataencipherment" => KeyUsage::DataEncipherment,
            "keyagreement" => KeyUsage::KeyAgreement,
            "certsign" | "keycertsign" | "certsigning" => KeyUsage::KeyCertSign,
            "crlsign" | "crlsigning" => KeyUsage::CrlSign,
            "encipheronly" => KeyUsage::EncipherOnly,
            "decipheronly" => KeyUsage::DecipherOnly,
            _ => return None,
        })
    }
}

/// An extended key usage purpose (RFC 5280 §4.2.1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExtendedKeyUsage {
    /// `id-kp-serverAuth` (1.3.6.1.5.5.7.3.1).
    ServerAuth,
    /// `id-kp-clientAuth` (1.3.6.1.5.5.7.3.2).
    ClientAuth,
    /// `id-kp-codeSigning` (1.3.6.1.5.5.7.3.3).
    CodeSigning,
    /// `id-kp-emailProtection` (1.3.6.1.5.5.7.3.4).
    EmailProtection,
    /// `id-kp-timeStamping` (1.3.6.1.5.5.7.3.8).
    TimeStamping,
    /// `id-kp-OCSPSigning` (1.3.6.1.5.5.7.3.9).
    OcspSigning,
    /// `anyExtendedKeyUsage` (2.5.29.37.0).
    Any,
}

impl ExtendedKeyUsage {
    /// Every named purpose.
    pub const ALL: [ExtendedKeyUsage; 7] = [
        ExtendedKeyUsage::ServerAuth,
        ExtendedKeyUsage::ClientAuth,
        ExtendedKeyUsage::CodeSigning,
        ExtendedKeyUsage::EmailProtection,
        ExtendedKeyUsage::TimeStamping,
        ExtendedKeyUsage::OcspSigning,
        ExtendedKeyUsage::Any,
    ];

    /// The name sent in `extendedKeyUsage` (see the module docs for the choice).
    pub fn wire(self) -> &'static str {
        match self {
            ExtendedKeyUsage::ServerAuth => "ServerAuth",
            ExtendedKeyUsage::ClientAuth => "ClientAuth",
            ExtendedKeyUsage::CodeSigning => "CodeSigning",
            ExtendedKeyUsage::EmailProtection => "EmailProtection",
            ExtendedKeyUsage::TimeStamping => "TimeStamping",
            ExtendedKeyUsage::OcspSigning => "OCSPSigning",
            ExtendedKeyUsage::Any => "Any",
        }
    }

    /// The purpose's dotted OID.
    pub fn oid(self) -> &'static str {
        match self {
            ExtendedKeyUsage::ServerAuth => "1.3.6.1.5.5.7.3.1",
            ExtendedKeyUsage::ClientAuth => "1.3.6.1.5.5.7.3.2",
            ExtendedKeyUsage::CodeSigning => "1.3.6.1.5.5.7.3.3",
            ExtendedKeyUsage::EmailProtection => "1.3.6.1.5.5.7.3.4",
            ExtendedKeyUsage::TimeStamping => "1.3.6.1.5.5.7.3.8",
            ExtendedKeyUsage::OcspSigning => "1.3.6.1.5.5.7.3.9",
            ExtendedKeyUsage::Any => "2.5.29.37.0",
        }
    }

    /// Reads an `extendedKeyUsage` value in any common spelling (`ServerAuth`,
    /// `server_auth`, `OCSPSigning`, `anyExtendedKeyUsage`, …) or as its dotted OID.
    pub fn from_wire(name: &str) -> Option<ExtendedKeyUsage> {
        if let Some(e) = ExtendedKeyUsage::ALL
            .into_iter()
            .find(|e| e.oid() == name.trim())
        {
            return Some(e);
        }
        Some(match letters(name).as_str() {
            "serverauth" => ExtendedKeyUsage::ServerAuth,
            "clientauth" => ExtendedKeyUsage::ClientAuth,
            "codesigning" => ExtendedKeyUsage::CodeSigning,
            "emailprotection" => ExtendedKeyUsage::EmailProtection,
            "timestamping" => ExtendedKeyUsage::TimeStamping,
            "ocspsigning" => ExtendedKeyUsage::OcspSigning,
            "any" | "anyextended" | "anyextendedkeyusage" => ExtendedKeyUsage::Any,
            _ => return None,
        })
    }
}

/// Lower-case ASCII letters and digits of a name (`Digital_Signature` → `digitalsignature`).
fn letters(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `s` is a dotted object identifier a certificate can carry: at least two arcs of
/// decimal digits without leading zeros, the first 0–2 and, under 0 or 1, the second 0–39.
///
/// ```
/// use pca::api::profile::is_dotted_oid;
/// assert!(is_dotted_oid("1.3.6.1.4.1.311.20.2.3"));
/// assert!(!is_dotted_oid("1.3.") && !is_dotted_oid("3.1") && !is_dotted_oid("1.40"));
/// ```
pub fn is_dotted_oid(s: &str) -> bool {
    let arcs: Vec<&str> = s.split('.').collect();
    let digits = |a: &&str| {
        !a.is_empty()
            && a.len() <= 19
            && a.bytes().all(|b| b.is_ascii_digit())
            && (a.len() == 1 || !a.starts_with('0'))
    };
    if arcs.len() < 2 || !arcs.iter().all(digits) {
        return false;
    }
    match (arcs[0], arcs[1].parse::<u64>()) {
        ("0" | "1", Ok(second)) => second < 40,
        ("2", Ok(_)) => true,
        _ => false,
    }
}

/// The arcs of a dotted OID (`None` unless [`is_dotted_oid`]).
pub fn oid_arcs(s: &str) -> Option<Vec<u64>> {
    if !is_dotted_oid(s) {
        return None;
    }
    s.split('.').map(|a| a.parse().ok()).collect()
}

/// An other-name SAN with a UTF-8 string value (`otherName` of RFC 5280 §4.2.1.6), e.g.
/// the Microsoft UPN `1.3.6.1.4.1.311.20.2.3` = `alice@corp.example`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OtherName {
    /// The type OID, dotted.
    pub oid: String,
    /// The UTF-8 value.
    pub value: String,
}

impl OtherName {
    /// The `other` item for this name: `{OID};UTF8:{value}`.
    pub fn to_wire(&self) -> String {
        format!("{};UTF8:{}", self.oid, self.value)
    }

    /// What is wrong with this name as an `other` item, if anything: the OID must be
    /// dotted, the value non-empty, without commas (the list separator) and without
    /// leading or trailing spaces (the list is trimmed).
    pub fn problem(&self) -> Option<String> {
        if !is_dotted_oid(&self.oid) {
            return Some(format!(
                "the OID {:?} is not a dotted object identifier such as 1.3.6.1.4.1.311.20.2.3",
                self.oid
            ));
        }
        if self.value.is_empty() {
            return Some("the value is empty".into());
        }
        if self.value.contains(',') {
            return Some(format!(
                "the value {:?} contains a comma, which the API uses to separate other names",
                self.value
            ));
        }
        if self.value.trim() != self.value || self.value.chars().any(char::is_control) {
            return Some(format!(
                "the value {:?} has leading or trailing spaces or control characters",
                self.value
            ));
        }
        None
    }
}

/// The `other` member for a list of names (comma-separated), `None` when empty.
pub fn other_names_to_wire(names: &[OtherName]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    Some(
        names
            .iter()
            .map(OtherName::to_wire)
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Parses the `other` member: comma-separated `{OID};UTF8:{value}` items (`UTF8` in any
/// case, `UTF-8` accepted). The error says which item is wrong and why.
///
/// ```
/// use pca::api::profile::parse_other_names;
/// let n = parse_other_names("1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example").unwrap();
/// assert_eq!(n[0].value, "alice@corp.example");
/// assert!(parse_other_names("upn;UTF8:alice").is_err());
/// ```
pub fn parse_other_names(s: &str) -> Result<Vec<OtherName>, String> {
    let mut out = Vec::new();
    for item in crate::api::limits::split_san_list(s) {
        let Some((oid, typed)) = item.split_once(';') else {
            return Err(format!("{item:?} is not {{OID}};UTF8:{{value}}"));
        };
        let Some((ty, value)) = typed.split_once(':') else {
            return Err(format!("{item:?} is not {{OID}};UTF8:{{value}}"));
        };
        if !matches!(letters(ty).as_str(), "utf8") {
            return Err(format!(
                "{item:?}: only UTF8 values are supported, not {ty:?}"
            ));
        }
        let name = OtherName {
            oid: oid.trim().to_owned(),
            value: value.to_owned(),
        };
        if let Some(p) = name.problem() {
            return Err(format!("{item:?}: {p}"));
        }
        out.push(name);
    }
    Ok(out)
}

/// The longest SPIFFE ID (SPIFFE-ID specification §2.3: 2048 bytes).
pub const SPIFFE_ID_MAX_LEN: usize = 2048;

/// What is wrong with `uri` as a URI SAN, if anything.
///
/// Every URI must be absolute (RFC 3986 §4.3: a scheme, `:`, something after it), printable
/// ASCII without spaces (an IA5String), and without commas (the API's list separator).
/// A `spiffe:` URI must also be a SPIFFE ID: `spiffe://` in lower case, a trust domain of
/// lower-case letters, digits, `.`, `-` and `_` (no port, no user info), then an optional
/// path of `/`-separated segments of letters, digits, `.`, `-` and `_` (none empty, `.` or
/// `..`, no trailing `/`), no query and no fragment, at most 2048 bytes.
///
/// ```
/// use pca::api::profile::uri_problem;
/// assert_eq!(uri_problem("spiffe://corp.example/ns/prod/sa/api"), None);
/// assert_eq!(uri_problem("urn:uuid:7f9c2ba4-e88f-11e9-81b4-2a2ae2dbcce4"), None);
/// assert!(uri_problem("spiffe://corp.example:8443/api").is_some());
/// assert!(uri_problem("/relative/path").is_some());
/// ```
pub fn uri_problem(uri: &str) -> Option<String> {
    if uri.is_empty() {
        return Some("the URI is empty".into());
    }
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Some(format!(
            "{uri:?} must be printable ASCII without spaces (percent-encode other characters)"
        ));
    }
    if uri.contains(',') {
        return Some(format!(
            "{uri:?} contains a comma, which the API uses to separate URIs (percent-encode it as %2C)"
        ));
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Some(format!(
            "{uri:?} is not an absolute URI: a scheme such as spiffe:// or https:// is required"
        ));
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok || rest.is_empty() {
        return Some(format!(
            "{uri:?} is not an absolute URI: a scheme such as spiffe:// or https:// is required"
        ));
    }
    if scheme.eq_ignore_ascii_case("spiffe") {
        return spiffe_problem(uri).map(|p| format!("{uri:?} is not a valid SPIFFE ID: {p}"));
    }
    None
}

/// The SPIFFE ID rules of [`uri_problem`].
fn spiffe_problem(uri: &str) -> Option<&'static str> {
    if uri.len() > SPIFFE_ID_MAX_LEN {
        return Some("it is longer than 2048 bytes");
    }
    let Some(rest) = uri.strip_prefix("spiffe://") else {
        return Some("it must start with spiffe:// in lower case");
    };
    if rest.contains('?') {
        return Some("it must not have a query");
    }
    if rest.contains('#') {
        return Some("it must not have a fragment");
    }
    let (domain, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if domain.is_empty() {
        return Some("the trust domain is missing");
    }
    if domain.contains('@') {
        return Some("it must not have user info");
    }
    if domain.contains(':') {
        return Some("the trust domain must not have a port");
    }
    if !domain
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b".-_".contains(&b))
    {
        return Some("the trust domain may hold only lower-case letters, digits, '.', '-' and '_'");
    }
    if path.is_empty() {
        return None;
    }
    for segment in path[1..].split('/') {
        if segment.is_empty() {
            return Some("the path has an empty segment or a trailing '/'");
        }
        if segment == "." || segment == ".." {
            return Some("the path must not have '.' or '..' segments");
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_".contains(&b))
        {
            return Some("path segments may hold only letters, digits, '.', '-' and '_'");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_names_round_trip() {
        for k in KeyUsage::ALL {
            assert_eq!(KeyUsage::from_wire(k.wire()), Some(k));
        }
        for e in ExtendedKeyUsage::ALL {
            assert_eq!(ExtendedKeyUsage::from_wire(e.wire()), Some(e));
            assert_eq!(ExtendedKeyUsage::from_wire(e.oid()), Some(e));
        }
        assert_eq!(
            KeyUsage::from_wire("nonRepudiation"),
            Some(KeyUsage::ContentCommitment)
        );
        assert_eq!(
            ExtendedKeyUsage::from_wire("client_auth"),
            Some(ExtendedKeyUsage::ClientAuth)
        );
        assert_eq!(KeyUsage::from_wire("flying"), None);
        assert_eq!(ExtendedKeyUsage::from_wire("1.2.3.4"), None);
    }

    #[test]
    fn other_names_round_trip() {
        let names = vec![
            OtherName {
                oid: "1.3.6.1.4.1.311.20.2.3".into(),
                value: "alice@corp.example".into(),
            },
            OtherName {
                oid: "1.2.3.4".into(),
                value: "x;y:z".into(),
            },
        ];
        let wire = other_names_to_wire(&names).unwrap();
        assert_eq!(
            wire,
            "1.3.6.1.4.1.311.20.2.3;UTF8:alice@corp.example,1.2.3.4;UTF8:x;y:z"
        );
        assert_eq!(parse_other_names(&wire).unwrap(), names);
        assert_eq!(parse_other_names("").unwrap(), vec![]);
        for bad in [
            "1.2.3.4",
            "1.2.3.4;UTF8",
            "1.2.3.4;INT:5",
            "upn;UTF8:a",
            "1.2.3.4;UTF8:",
            "01.2;UTF8:a",
        ] {
            assert!(parse_other_names(bad).is_err(), "{bad}");
        }
        assert!(parse_other_names("1.2.3.4;utf-8:a").is_ok());
    }

    #[test]
    fn uris_and_spiffe_ids() {
        for ok in [
            "spiffe://corp.example",
            "spiffe://corp.example/ns/prod/sa/api",
            "spiffe://trust_domain-1.example/a.b/C_d-e",
            "https://corp.example/x?y=1#z",
            "urn:uuid:7f9c2ba4-e88f-11e9-81b4-2a2ae2dbcce4",
        ] {
            assert_eq!(uri_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "no-scheme",
            "/path",
            "1http://x",
            "https:",
            "https://a b",
            "https://a,b",
            "SPIFFE://corp.example/x",
            "spiffe://",
            "spiffe:///path",
            "spiffe://Corp.example/x",
            "spiffe://corp.example:8443/x",
            "spiffe://user@corp.example/x",
            "spiffe://corp.example/x?y",
            "spiffe://corp.example/x#y",
            "spiffe://corp.example/",
            "spiffe://corp.example//x",
            "spiffe://corp.example/./x",
            "spiffe://corp.example/a/..",
            "spiffe://corp.example/a%20b",
        ] {
            assert!(uri_problem(bad).is_some(), "{bad}");
        }
        let long = format!("spiffe://corp.example/{}", "a".repeat(2100));
        assert!(uri_problem(&long).is_some());
    }

    #[test]
    fn oids() {
        assert_eq!(oid_arcs("2.5.29.37.0"), Some(vec![2, 5, 29, 37, 0]));
        assert_eq!(oid_arcs("1"), None);
        assert!(!is_dotted_oid("1.2.x"));
    }
}
