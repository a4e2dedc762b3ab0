//! Documented limits and validation rules (spec §1.8), as constants and pure checks, so the
//! provider (plan-time validation) and the emulator (request validation) apply the same
//! numbers.

/// Maximum number of CAs per account (§1.8; raisable through support).
pub const MAX_CAS_PER_ACCOUNT: usize = 10;
/// Maximum number of certificates one CA may issue (§1.8; `EXCEED_SIGNING_COUNT`).
pub const MAX_CERTS_PER_CA: u64 = 30_000;
/// Shortest `alias` (§1.8).
pub const ALIAS_MIN_LEN: usize = 3;
/// Longest `alias` (§1.8; `EXCEED_CA_ALIAS`).
pub const ALIAS_MAX_LEN: usize = 15;
/// Longest `x509Parameters.commonName` (§1.8; `EXCEED_COMMON_NAME`). It must be non-empty.
pub const COMMON_NAME_MAX_LEN: usize = 64;
/// Longest `organization` (§1.8).
pub const ORGANIZATION_MAX_LEN: usize = 64;
/// Longest `organizationUnit`, `locality`, `stateProvince` and `streetAddress` (§1.8).
pub const LONG_FIELD_MAX_LEN: usize = 128;
/// Longest `memo` (description), in characters: the service's limit is UNCONFIRMED (§1.8;
/// row 29 `memo exceeded the allowed length.` exists); this project documents 1,000 and the
/// emulator and the provider both apply it.
pub const MEMO_MAX_LEN: usize = 1000;
/// The CSR key families Sign End Csr / Sign Sub Csr take in `keyType` (A8: what NAVER's
/// cert-manager issuer sends), with the `keyBits` each supports: RSA modulus sizes and EC
/// curve sizes (P-256, P-384, P-521). Any other key is `Unsupported keyBits.` (row 36) when
/// the request names it (the supported set beyond `RSA2048/RSA4096/EC256/EC521` is
/// UNCONFIRMED; this is the project's documented choice).
pub const CSR_KEY_TYPES: [(&str, &[u32]); 2] =
    [("RSA", &[2048, 3072, 4096]), ("ECDSA", &[256, 384, 521])];

/// Whether `keyType` + `keyBits` name a supported CSR key ([`CSR_KEY_TYPES`]); the family
/// is matched case-insensitively.
///
/// ```
/// use pca::api::limits::csr_key_supported;
/// assert!(csr_key_supported("ECDSA", 256));
/// assert!(!csr_key_supported("RSA", 1024));
/// assert!(!csr_key_supported("Ed25519", 256));
/// ```
pub fn csr_key_supported(key_type: &str, bits: u32) -> bool {
    CSR_KEY_TYPES
        .iter()
        .any(|(t, sizes)| t.eq_ignore_ascii_case(key_type) && sizes.contains(&bits))
}

/// Smallest `period` in days (§1.8).
pub const PERIOD_MIN_DAYS: u32 = 1;
/// Largest `period` in days (§1.8); `MAX` means the largest allowed period.
pub const PERIOD_MAX_DAYS: u32 = 3650;
/// Smallest CRL `expiry` in days (§2.22).
pub const CRL_EXPIRY_MIN_DAYS: u32 = 3;
/// The CRL `expiry` in effect when none was configured (§2.21, §2.22, A27).
pub const CRL_EXPIRY_DEFAULT: &str = "3";
/// Delay between `DESTROYING` and automatic deletion: 72 hours, in milliseconds (§1.10).
pub const DESTROY_GRACE_MS: i64 = 72 * 60 * 60 * 1000;
/// The message for exceeding [`MAX_CAS_PER_ACCOUNT`]: catalogue row 60 (§1.7.1).
pub const MAX_CAS_EXCEEDED_MESSAGE: &str = crate::api::catalogue::Row::CaLimit.message();

/// Whether `alias` matches `^[A-Za-z][A-Za-z0-9_-]{2,14}$` (§1.8).
///
/// ```
/// use pca::api::limits::is_valid_alias;
/// assert!(is_valid_alias("corp-root"));
/// assert!(!is_valid_alias("1root"));
/// assert!(!is_valid_alias("ab"));
/// ```
pub fn is_valid_alias(alias: &str) -> bool {
    let b = alias.as_bytes();
    (ALIAS_MIN_LEN..=ALIAS_MAX_LEN).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// Whether a text field fits a maximum length counted in characters (§1.8 lengths).
pub fn fits(value: &str, max_chars: usize) -> bool {
    value.chars().count() <= max_chars
}

/// Splits a multi-value SAN field (`altName`, `ip`) on commas, trimming blanks and dropping
/// empty items (§1.8: the separator is UNCONFIRMED; comma is the recommendation).
///
/// ```
/// assert_eq!(pca::api::limits::split_san_list(" a.example.com, b.example.com,,"),
///            vec!["a.example.com", "b.example.com"]);
/// ```
pub fn split_san_list(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The OCSP responder path NCP hands out for a CA, `/ext/{caTag}/ocsp` (§1.1, §2.19):
/// outside `/api/v1`, appended to the site host.
pub fn ocsp_responder_path(ca_tag: &str) -> String {
    format!("/ext/{}/ocsp", crate::api::uri::encode_path_segment(ca_tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for ok in ["abc", "CA002", "a_b-c", "Z23456789012345"] {
            assert!(is_valid_alias(ok), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "_abc",
            "-abc",
            "a b",
            "a.bc",
            "a234567890123456",
            "한국어",
        ] {
            assert!(!is_valid_alias(bad), "{bad}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        assert!(fits(&"한".repeat(64), COMMON_NAME_MAX_LEN));
        assert!(!fits(&"a".repeat(65), COMMON_NAME_MAX_LEN));
    }

    #[test]
    fn ocsp_path() {
        assert_eq!(
            ocsp_responder_path("1a2b3c4d-5e6f7a8b"),
            "/ext/1a2b3c4d-5e6f7a8b/ocsp"
        );
    }
}
