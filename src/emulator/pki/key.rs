//! CA and end-entity key pairs: generation, PKCS#8 persistence, key-type detection and the
//! signature algorithm each key signs with.

use std::fmt;

use der::asn1::{AnyRef, ObjectIdentifier};
use rcgen::{KeyPair, PublicKeyData, SigningKey};
use spki::AlgorithmIdentifierOwned;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::PkiError;
use super::error::rcgen_err;
use super::pem::{self, LABEL_PRIVATE_KEY};
use crate::api::model::KeyType;

/// OID text of `rsaEncryption`.
pub(crate) const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// OID text of `id-ecPublicKey`.
pub(crate) const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// OID text of `id-Ed25519`.
pub(crate) const OID_ED25519: &str = "1.3.101.112";
/// OID text of the NIST P-256 curve (`prime256v1`).
pub(crate) const OID_P256: &str = "1.2.840.10045.3.1.7";
/// OID text of the NIST P-384 curve (`secp384r1`).
pub(crate) const OID_P384: &str = "1.3.132.0.34";
/// OID text of the NIST P-521 curve (`secp521r1`).
pub(crate) const OID_P521: &str = "1.3.132.0.35";

/// A private key of one of the API's key types (§1.8 `keyType`): RSA-2048, RSA-4096,
/// EC P-256 (`EC256`) or EC P-521 (`EC521`).
///
/// Used for CA keys and for the end-entity keys Issue End Cert generates. Persist it with
/// [`CaKey::to_pem`] (unencrypted PKCS#8, `-----BEGIN PRIVATE KEY-----`) and load it back with
/// [`CaKey::from_pem`]. `Debug` never prints the key.
///
/// Signature algorithms used when this key signs: RSA → `sha256WithRSAEncryption`,
/// P-256 → `ecdsa-with-SHA256`, P-521 → `ecdsa-with-SHA512`.
pub struct CaKey {
    pub(crate) pair: KeyPair,
    key_type: KeyType,
}

impl fmt::Debug for CaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaKey")
            .field("key_type", &self.key_type.as_str())
            .finish_non_exhaustive()
    }
}

impl CaKey {
    /// Generates a fresh key. CPU-bound: RSA-4096 can take seconds (run it in
    /// `spawn_blocking`). `KeyType::Unknown(_)` → [`PkiError::Unsupported`].
    pub fn generate(kt: KeyType) -> Result<CaKey, PkiError> {
        let gen_err = rcgen_err("key generation");
        let pair = match &kt {
            KeyType::Rsa2048 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                    .map_err(gen_err)?
            }
            KeyType::Rsa4096 => {
                KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_4096)
                    .map_err(gen_err)?
            }
            KeyType::Ec256 => {
                KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(gen_err)?
            }
            KeyType::Ec521 => {
                KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).map_err(gen_err)?
            }
            KeyType::Unknown(s) => {
                return Err(PkiError::Unsupported(format!("key type {s:?}")));
            }
        };
        Ok(CaKey { pair, key_type: kt })
    }

    /// Loads a key saved by [`CaKey::to_pem`]: one unencrypted PKCS#8 `PRIVATE KEY` block of
    /// one of the four supported key types.
    pub fn from_pem(pem_text: &str) -> Result<CaKey, PkiError> {
        let der = pem::single_block(pem_text, &[LABEL_PRIVATE_KEY])?;
        let pair = KeyPair::try_from(der.as_slice())
            .map_err(|_| PkiError::BadPem("not a supported PKCS#8 private key".into()))?;
        let Some(key_type) = key_type_of_spki(&pair.subject_public_key_info())? else {
            return Err(PkiError::Unsupported(
                "key type other than RSA2048, RSA4096, EC256 or EC521".into(),
            ));
        };
        Ok(CaKey { pair, key_type })
    }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, `\n` line ends):
    /// what the emulator persists (Issue End Cert answers [`CaKey::to_traditional_pem`]).
    pub fn to_pem(&self) -> String {
        self.pair.serialize_pem()
    }

    /// The key in the traditional PEM flavour the API's example answer shows for Issue End
    /// Cert's `privateKey` (§2.11: `-----BEGIN RSA PRIVATE KEY-----`): PKCS#1
    /// `RSA PRIVATE KEY` for RSA, SEC1 `EC PRIVATE KEY` (with the curve named) for EC keys.
    /// Taken apart from the PKCS#8 form: its inner key is the PKCS#1 structure as is, and the
    /// SEC1 structure once the curve, which PKCS#8 keeps outside, is put back in.
    pub fn to_traditional_pem(&self) -> Result<String, PkiError> {
        use der::{Any, Decode as _, Encode as _, Tag, TagNumber, Tagged as _};
        let bad = |what: &str| PkiError::BadPem(format!("PKCS#8 key: {what}"));
        let pkcs8 = self.pair.serialize_der();
        // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, ... }
        let info = Vec::<Any>::from_der(&pkcs8).map_err(|_| bad("not a SEQUENCE"))?;
        let (Some(alg), Some(inner)) = (info.get(1), info.get(2)) else {
            return Err(bad("too short"));
        };
        if inner.tag() != Tag::OctetString {
            return Err(bad("no private key OCTET STRING"));
        }
        if self.is_rsa() {
            return Ok(pem::encode("RSA PRIVATE KEY", inner.value()));
        }
        // AlgorithmIdentifier ::= SEQUENCE { id-ecPublicKey, namedCurve OID }
        let alg = Vec::<Any>::from_der(&alg.to_der().map_err(|_| bad("algorithm"))?)
            .map_err(|_| bad("algorithm"))?;
        let curve = alg.get(1).ok_or_else(|| bad("no curve"))?;
        // ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPTIONAL,
        // [1] publicKey OPTIONAL }
        let mut ec = Vec::<Any>::from_der(inner.value()).map_err(|_| bad("ECPrivateKey"))?;
        let has_params = ec.iter().any(|a| {
            a.tag()
                == Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber::N0,
                }
        });
        if !has_params && ec.len() >= 2 {
            let params = Any::new(
                Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber::N0,
                },
                curve.to_der().map_err(|_| bad("curve"))?,
            )
            .map_err(|_| bad("curve"))?;
            ec.insert(2, params);
        }
        let der = ec.to_der().map_err(|_| bad("ECPrivateKey"))?;
        Ok(pem::encode("EC PRIVATE KEY", &der))
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.key_type.clone()
    }

    /// The DER `SubjectPublicKeyInfo` of the public half.
    pub fn spki_der(&self) -> Vec<u8> {
        self.pair.subject_public_key_info()
    }

    /// Whether the key is RSA (its end-entity certificates also get `keyEncipherment`).
    pub(crate) fn is_rsa(&self) -> bool {
        matches!(self.key_type, KeyType::Rsa2048 | KeyType::Rsa4096)
    }

    /// Signs `msg` the X.509 way (PKCS#1 v1.5 or DER-encoded ECDSA).
    pub(crate) fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, PkiError> {
        self.pair.sign(msg).map_err(rcgen_err("signing"))
    }

    /// The `AlgorithmIdentifier` of the signatures [`CaKey::sign`] makes.
    pub(crate) fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        use const_oid::db::rfc5912::{
            ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_512, SHA_256_WITH_RSA_ENCRYPTION,
        };
        let (oid, null_params): (ObjectIdentifier, bool) = match self.key_type {
            KeyType::Ec256 => (ECDSA_WITH_SHA_256, false),
            KeyType::Ec521 => (ECDSA_WITH_SHA_512, false),
            // RSA (and, unreachably, anything else: from_pem/generate admit only the four).
            _ => (SHA_256_WITH_RSA_ENCRYPTION, true),
        };
        AlgorithmIdentifierOwned {
            oid,
            parameters: null_params.then(|| AnyRef::NULL.into()),
        }
    }
}

/// The API key type of a DER `SubjectPublicKeyInfo`: `Some` for RSA-2048/4096, P-256 and
/// P-521, `None` for other (well-formed) keys.
pub(crate) fn key_type_of_spki(spki_der: &[u8]) -> Result<Option<KeyType>, PkiError> {
    let (_, spki) = SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|_| PkiError::BadPem("malformed SubjectPublicKeyInfo".into()))?;
    Ok(key_type_of(&spki))
}

/// The API key type of a parsed `SubjectPublicKeyInfo` (see [`key_type_of_spki`]).
pub(crate) fn key_type_of(spki: &SubjectPublicKeyInfo<'_>) -> Option<KeyType> {
    match spki.algorithm.algorithm.to_id_string().as_str() {
        OID_RSA_ENCRYPTION => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => match rsa.key_size() {
                2048 => Some(KeyType::Rsa2048),
                4096 => Some(KeyType::Rsa4096),
                _ => None,
            },
            _ => None,
        },
        OID_EC_PUBLIC_KEY => match curve_of(spki).as_deref() {
            Some(OID_P256) => Some(KeyType::Ec256),
            Some(OID_P521) => Some(KeyType::Ec521),
            _ => None,
        },
        _ => None,
    }
}

/// The `keyType` and `keyBits` a CSR request names for a key (A8): `RSA` + modulus bits,
/// `ECDSA` + curve bits (P-256, P-384, P-521); `None` for any other key.
pub(crate) fn csr_key_params(spki: &SubjectPublicKeyInfo<'_>) -> Option<(&'static str, u32)> {
    match spki.algorithm.algorithm.to_id_string().as_str() {
        OID_RSA_ENCRYPTION => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => u32::try_from(rsa.key_size()).ok().map(|b| ("RSA", b)),
            _ => None,
        },
        OID_EC_PUBLIC_KEY => match curve_of(spki).as_deref() {
            Some(OID_P256) => Some(("ECDSA", 256)),
            Some(OID_P384) => Some(("ECDSA", 384)),
            Some(OID_P521) => Some(("ECDSA", 521)),
            _ => None,
        },
        _ => None,
    }
}

/// The named-curve OID (dotted text) of an EC `SubjectPublicKeyInfo`.
pub(crate) fn curve_of(spki: &SubjectPublicKeyInfo<'_>) -> Option<String> {
    let params = spki.algorithm.parameters.as_ref()?;
    params.as_oid().ok().map(|o| o.to_id_string())
}

/// The `publicKeyAlgorithm` text of the API (§1.9.2; emulator values `RSA` / `EC`, and
/// `Ed25519` / the OID for anything else).
pub(crate) fn public_key_algorithm_name(spki: &SubjectPublicKeyInfo<'_>) -> String {
    match spki.algorithm.algorithm.to_id_string().as_str() {
        OID_RSA_ENCRYPTION => "RSA".to_owned(),
        OID_EC_PUBLIC_KEY => "EC".to_owned(),
        OID_ED25519 => "Ed25519".to_owned(),
        other => other.to_owned(),
    }
}
