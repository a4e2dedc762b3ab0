//! Reading a CA's current CRL through the API, for tests that check revocations and CRL
//! numbers.

use base64::Engine as _;
use pca::api::model::CaTag;
use pca::client::Client;
use x509_parser::prelude::FromDer as _;

/// The CRL number and the revoked serials (lower-case colon hex) of the CA's current CRL.
pub fn current_crl(rt: &tokio::runtime::Runtime, client: &Client, tag: &str) -> (u64, Vec<String>) {
    let pem = rt
        .block_on(client.get_ca_crl(&CaTag::from(tag)))
        .expect("get CRL");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .expect("base64");
    let (_, crl) =
        x509_parser::revocation_list::CertificateRevocationList::from_der(&der).expect("a CRL");
    let number = crl
        .crl_number()
        .and_then(|n| n.to_string().parse().ok())
        .expect("a CRL number");
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| {
            r.raw_serial()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .collect();
    (number, revoked)
}
