//! Keys and CSRs made in the provider's memory (rcgen over aws-lc-rs), shared by
//! `pca_key_pair` and the ephemeral `pca_end_cert`. RSA generation runs off the async
//! runtime (RSA-4096 takes long enough to stall it). Nothing here logs.

use crate::resources::end_cert::EndSubjectFlat;
use rcgen::{CertificateParams, DnType, KeyPair, SanType};

/// A fresh key and a CSR for it.
pub struct KeyAndCsr {
    /// PKCS#8 PEM.
    pub private_key_pem: String,
    /// SubjectPublicKeyInfo PEM.
    pub public_key_pem: String,
    /// PKCS#10 PEM.
    pub csr_pem: String,
}

/// What the CSR asks for.
#[derive(Debug, Clone, Default)]
pub struct CsrRequest {
    /// The subject.
    pub subject: EndSubjectFlat,
    /// DNS names and e-mail addresses.
    pub alt_names: Vec<String>,
    /// IP addresses.
    pub ip_addresses: Vec<String>,
}

fn generate(key_type: &str) -> Result<KeyPair, String> {
    let r = match key_type {
        "RSA2048" => KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048),
        "RSA4096" => KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_4096),
        "EC256" => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
        "EC521" => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512),
        other => return Err(format!("unsupported key type {other:?}")),
    };
    r.map_err(|e| format!("key generation failed: {e}"))
}

fn build(key_type: &str, req: &CsrRequest) -> Result<KeyAndCsr, String> {
    let key = generate(key_type)?;
    let mut params = CertificateParams::default();
    let s = &req.subject;
    let dn = &mut params.distinguished_name;
    // `DistinguishedName::new` holds a CN of "rcgen self signed cert" by default in some
    // versions; start from an empty one.
    *dn = rcgen::DistinguishedName::new();
    for (ty, v) in [
        (DnType::CountryName, &s.country),
        (DnType::StateOrProvinceName, &s.state_province),
        (DnType::LocalityName, &s.locality),
        (DnType::CustomDnType(vec![2, 5, 4, 9]), &s.street_address),
        (DnType::OrganizationName, &s.organization),
        (DnType::OrganizationalUnitName, &s.organizational_unit),
        (DnType::CommonName, &s.common_name),
    ] {
        if let Some(v) = v.known().filter(|v| !v.is_empty()) {
            dn.push(ty, v.as_str());
        }
    }
    for name in &req.alt_names {
        let ia5 = name
            .as_str()
            .try_into()
            .map_err(|_| format!("{name:?} is not an ASCII name"))?;
        params.subject_alt_names.push(if name.contains('@') {
            SanType::Rfc822Name(ia5)
        } else {
            SanType::DnsName(ia5)
        });
    }
    for ip in &req.ip_addresses {
        let addr = ip
            .parse()
            .map_err(|_| format!("{ip:?} is not an IP address"))?;
        params.subject_alt_names.push(SanType::IpAddress(addr));
    }
    let csr = params
        .serialize_request(&key)
        .and_then(|c| c.pem())
        .map_err(|e| format!("the CSR could not be built: {e}"))?;
    Ok(KeyAndCsr {
        private_key_pem: key.serialize_pem(),
        public_key_pem: key.public_key_pem(),
        csr_pem: csr,
    })
}

/// Generates a key of `key_type` (`RSA2048`, `RSA4096`, `EC256`, `EC521`) and a CSR for it,
/// on a blocking thread.
pub async fn key_and_csr(key_type: &str, req: CsrRequest) -> Result<KeyAndCsr, String> {
    let kt = key_type.to_owned();
    tokio::task::spawn_blocking(move || build(&kt, &req))
        .await
        .map_err(|e| format!("key generation was interrupted: {e}"))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::typed::Val;

    #[test]
    fn ec_key_and_csr_carry_the_request() {
        let req = CsrRequest {
            subject: EndSubjectFlat {
                common_name: Val::Known("k.example".into()),
                organization: Val::Known("Org".into()),
                street_address: Val::Known("1 Main St".into()),
                ..EndSubjectFlat::default()
            },
            alt_names: vec!["k.example".into(), "ops@k.example".into()],
            ip_addresses: vec!["192.0.2.1".into()],
        };
        let out = build("EC256", &req).expect("builds");
        assert!(
            out.private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        assert!(out.public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        use crate::framework::function::Function as _;
        let parsed = crate::functions::parse_csr::ParseCsr
            .call(&[crate::framework::Value::String(out.csr_pem.clone())])
            .expect("parses");
        let get = |k: &str| format!("{:?}", parsed.get(k));
        assert!(get("subject").contains("k.example") && get("subject").contains("1 Main St"));
        assert!(get("dns_names").contains("k.example"));
        assert!(get("email_addresses").contains("ops@k.example"));
        assert!(get("ip_addresses").contains("192.0.2.1"));
        assert_eq!(
            parsed.get("key_type").and_then(|v| v.as_str()),
            Some("EC256")
        );
        assert_eq!(
            parsed.get("signature_valid").and_then(|v| v.as_bool()),
            Some(true)
        );
        assert_eq!(
            parsed
                .get("public_key_pem")
                .and_then(|v| v.as_str())
                .map(str::trim),
            Some(out.public_key_pem.trim())
        );
        assert!(build("DSA", &req).is_err());
    }

    #[test]
    fn every_key_type_generates() {
        let req = CsrRequest {
            subject: EndSubjectFlat {
                common_name: Val::Known("k".into()),
                ..EndSubjectFlat::default()
            },
            ..CsrRequest::default()
        };
        // RSA4096 is slow in debug builds; its path is the same as RSA2048's.
        for kt in ["RSA2048", "EC256", "EC521"] {
            assert!(build(kt, &req).is_ok(), "{kt}");
        }
    }
}
