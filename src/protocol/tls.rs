//! go-plugin AutoMTLS, server side.
//!
//! When Terraform sets `PLUGIN_CLIENT_CERT`, the provider must serve TLS and only accept a client
//! presenting exactly that certificate. Terraform's certificate is a self-signed ECDSA P-521 /
//! SHA-512 certificate with `CA:TRUE`: stock webpki client verification rejects it (a CA used as
//! an end entity) and the `ring` crypto provider cannot verify P-521 at all. So this module:
//!
//! * generates a fresh server certificate per process (P-256, DNS SAN `localhost`, EKU
//!   serverAuth) whose DER goes into the handshake line ([`ServerIdentity`]);
//! * pins the client certificate with [`PinnedClientCert`], a [`ClientCertVerifier`] that
//!   requires a certificate, byte-compares it with the one from the environment, and checks the
//!   TLS 1.2 / 1.3 handshake signature with the aws-lc-rs provider (which supports P-521);
//! * builds the rustls [`ServerConfig`] with ALPN `h2` (grpc-go refuses servers without it).

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// Errors while setting up TLS (all happen at start-up).
#[derive(Debug)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` holds no parseable PEM certificate.
    BadClientCert(String),
    /// Generating the server certificate failed.
    CertGen(rcgen::Error),
    /// rustls refused the configuration.
    Rustls(rustls::Error),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::BadClientCert(e) => write!(f, "PLUGIN_CLIENT_CERT is not usable: {e}"),
            TlsError::CertGen(e) => write!(f, "cannot generate the server certificate: {e}"),
            TlsError::Rustls(e) => write!(f, "cannot configure TLS: {e}"),
        }
    }
}

impl std::error::Error for TlsError {}

/// The crypto provider used for everything TLS: aws-lc-rs (needed for P-521).
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A freshly generated, self-signed server certificate and its key.
pub struct ServerIdentity {
    cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

impl fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the private key.
        f.debug_struct("ServerIdentity")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

impl ServerIdentity {
    /// Generates a P-256 key and a self-signed certificate for DNS name `localhost` with
    /// extended key usage serverAuth (what a Go TLS client dialling `localhost` accepts when the
    /// certificate itself is its only root).
    pub fn generate() -> Result<Self, TlsError> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(TlsError::CertGen)?;
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .map_err(TlsError::CertGen)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Terraform provider plugin");
        params.is_ca = rcgen::IsCa::ExplicitNoCa;
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyAgreement,
        ];
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.self_signed(&key).map_err(TlsError::CertGen)?;
        Ok(Self {
            cert_der: cert.der().clone(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }

    /// DER of the certificate (base64-encoded into the handshake line).
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }
}

/// Parses every certificate in a PEM text (as found in `PLUGIN_CLIENT_CERT`).
pub fn parse_client_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadClientCert(e.to_string()))?;
    if certs.is_empty() {
        return Err(TlsError::BadClientCert(
            "no CERTIFICATE block found".to_owned(),
        ));
    }
    Ok(certs)
}

/// A [`ClientCertVerifier`] that accepts exactly the pinned certificate(s).
///
/// The chain is not path-validated: the client certificate is self-signed and was handed to us
/// out of band by the parent process, so byte equality is the authentication. The handshake
/// signature (proof that the peer holds the matching private key) is verified normally.
#[derive(Debug)]
pub struct PinnedClientCert {
    pinned: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
}

impl PinnedClientCert {
    /// Pins `certs`; signatures are checked with `provider`'s algorithms.
    pub fn new(certs: Vec<CertificateDer<'static>>, provider: Arc<CryptoProvider>) -> Self {
        Self {
            pinned: certs,
            provider,
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // An empty hint list makes clients send whatever certificate they have.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|p| p.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Builds the server TLS configuration: our identity, the pinned client certificate(s), TLS 1.2
/// and 1.3, ALPN `h2`.
pub fn server_config(
    identity: &ServerIdentity,
    client_certs: Vec<CertificateDer<'static>>,
) -> Result<Arc<ServerConfig>, TlsError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientCert::new(client_certs, provider.clone()));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(TlsError::Rustls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
        )
        .map_err(TlsError::Rustls)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_parsing() {
        assert!(parse_client_certs("garbage").is_err());
        let id = ServerIdentity::generate().map_err(|e| e.to_string());
        let Ok(id) = id else {
            panic!("generate failed: {id:?}");
        };
        let pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                id.cert_der().as_ref()
            )
        );
        let certs = parse_client_certs(&pem).map_err(|e| e.to_string());
        assert_eq!(certs, Ok(vec![id.cert_der().clone()]));
        assert!(server_config(&id, vec![id.cert_der().clone()]).is_ok());
    }

    #[test]
    fn verifier_pins_bytes() {
        let v = PinnedClientCert::new(vec![CertificateDer::from(vec![1, 2, 3])], crypto_provider());
        let now = UnixTime::now();
        assert!(
            v.verify_client_cert(&CertificateDer::from(vec![1, 2, 3]), &[], now)
                .is_ok()
        );
        assert!(
            v.verify_client_cert(&CertificateDer::from(vec![1, 2, 4]), &[], now)
                .is_err()
        );
        assert!(v.client_auth_mandatory());
        assert!(
            v.supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }
}
