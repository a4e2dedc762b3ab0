//! The service's own error catalogue: the 70 rows of the Private CA overview's "Response
//! status codes" table (spec §1.7.1, verbatim in the seed), each with its HTTP status and
//! exact English message (line breaks of rows 58 and 60 included).
//!
//! The overview's "Code" column is `-` on every row, so the `code` a real body carries is
//! UNCONFIRMED; [`Row::code`] is the name from NAVER's `ResponseCode` enum (§1.7.2) the
//! emulator sends with the row. Clients decide from the status and the message
//! ([`Row::from_message`]), never from the code alone.

use crate::api::error::ErrorCode;

/// One row of the catalogue (§1.7.1); the discriminant is the row number (1–70).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    /// Row 1: `Invalid request.`
    InvalidRequest = 1,
    /// Row 2: `ncloudInstanceNo is missing.`
    NcloudInstanceNoMissing = 2,
    /// Row 3: `tenant id is missing.`
    TenantIdMissing = 3,
    /// Row 4: `idNo is missing.`
    IdNoMissing = 4,
    /// Row 5: `alias is missing.`
    AliasMissing = 5,
    /// Row 6: `common name is missing.`
    CommonNameMissing = 6,
    /// Row 7: `x509Parameters are missing.`
    X509ParametersMissing = 7,
    /// Row 8: `csr is missing.`
    CsrMissing = 8,
    /// Row 9: `cert is missing.`
    CertMissing = 9,
    /// Row 10: `status is missing.`
    StatusMissing = 10,
    /// Row 11: `caId is missing.`
    CaIdMissing = 11,
    /// Row 12: `serial no is missing.`
    SerialNoMissing = 12,
    /// Row 13: `token is missing.`
    TokenMissing = 13,
    /// Row 14: `ca type is missing.`
    CaTypeMissing = 14,
    /// Row 15: `key bits are missing.`
    KeyBitsMissing = 15,
    /// Row 16: `The request body is missing.`
    RequestBodyMissing = 16,
    /// Row 17: `caTag is missing.`
    CaTagMissing = 17,
    /// Row 18: `caId or caTag is missing.`
    CaIdOrCaTagMissing = 18,
    /// Row 19: `chain is missing.`
    ChainMissing = 19,
    /// Row 20: `expiry is missing.`
    ExpiryMissing = 20,
    /// Row 21: `ocsp_servers are missing.`
    OcspServersMissing = 21,
    /// Row 22: `Invalid input.`
    InvalidInput = 22,
    /// Row 23: `Invalid certificate value.`
    InvalidCertificateValue = 23,
    /// Row 24: `Invalid status value.`
    InvalidStatusValue = 24,
    /// Row 25: `Invalid period value.`
    InvalidPeriodValue = 25,
    /// Row 26: `Invalid page no value.`
    InvalidPageNoValue = 26,
    /// Row 27: `Invalid serial no value.`
    InvalidSerialNoValue = 27,
    /// Row 28: `ca alias exceeded the allowed length.`
    AliasTooLong = 28,
    /// Row 29: `memo exceeded the allowed length.`
    MemoTooLong = 29,
    /// Row 30: `common name exceeded the allowed length.`
    CommonNameTooLong = 30,
    /// Row 31: `organization exceeded the allowed length.`
    OrganizationTooLong = 31,
    /// Row 32: `organization unit exceeded the allowed length.`
    OrganizationUnitTooLong = 32,
    /// Row 33: `state province exceeded the allowed length.`
    StateProvinceTooLong = 33,
    /// Row 34: `locality exceeded the allowed length.`
    LocalityTooLong = 34,
    /// Row 35: `street address exceeded the allowed length.`
    StreetAddressTooLong = 35,
    /// Row 36: `Unsupported keyBits.`
    UnsupportedKeyBits = 36,
    /// Row 37: `Invalid keyType.`
    InvalidKeyTypeCsr = 37,
    /// Row 38: `Invalid caId.`
    InvalidCaId = 38,
    /// Row 39: `Invalid csr.`
    InvalidCsr = 39,
    /// Row 40: `Invalid tenant id.`
    InvalidTenantId = 40,
    /// Row 41: `Invalid id no.`
    InvalidIdNo = 41,
    /// Row 42: `Invalid user.`
    InvalidUser = 42,
    /// Row 43: `Invalid key type.`
    InvalidKeyType = 43,
    /// Row 44: `Invalid ip.`
    InvalidIp = 44,
    /// Row 45: `Invalid uir.`
    InvalidUri = 45,
    /// Row 46: `Invalid other.`
    InvalidOther = 46,
    /// Row 47: `Certificate validation failed: The CA chain is invalid.`
    InvalidCaChain = 47,
    /// Row 48: `The CA certificate can't be revoked.`
    CaCertificateNotRevocable = 48,
    /// Row 49: `CSR's keyBits and the request body's keyBits don't match.`
    KeyBitsMismatch = 49,
    /// Row 50: `CSR's keyType and the request body's keyType don't match.`
    KeyTypeMismatch = 50,
    /// Row 51: `Invalid status.`
    InvalidStatus = 51,
    /// Row 52: `Invalid castore.`
    InvalidCastore = 52,
    /// Row 53: `Invalid ca status.`
    InvalidCaStatus = 53,
    /// Row 54: `Invalid issuer ca status.`
    InvalidIssuerCaStatus = 54,
    /// Row 55: `Invalid ca.`
    InvalidCa = 55,
    /// Row 56: `Invalid ca type.`
    InvalidCaType = 56,
    /// Row 57: `Invalid cert.`
    InvalidCert = 57,
    /// Row 58: `The maximum number of issuances has been exceeded. / Certificate issuance can't exceed 30,000. / If you need additional issuance, contact the customer center.`
    IssuanceLimit = 58,
    /// Row 59: `The CA validity period can't be exceeded.`
    CaValidityExceeded = 59,
    /// Row 60: `The maximum number of CAs that can be created has been exceeded. / Up to 10 root/intermediate CAs can be created.`
    CaLimit = 60,
    /// Row 61: `This castore already exists.`
    CastoreExists = 61,
    /// Row 62: `This alias already exists.`
    AliasExists = 62,
    /// Row 63: `This policy already exists.`
    PolicyExists = 63,
    /// Row 64: `Expired cert.`
    ExpiredCert = 64,
    /// Row 65: `The castore doesn't exist.`
    CastoreNotFound = 65,
    /// Row 66: `The policy doesn't exist.`
    PolicyNotFound = 66,
    /// Row 67: `The crl configuration doesn't exist.`
    CrlConfigNotFound = 67,
    /// Row 68: `The CA doesn't exist.`
    CaNotFound = 68,
    /// Row 69: `The certificate doesn't exist.`
    CertificateNotFound = 69,
    /// Row 70: `We apologize for the inconvenience. This is temporarily not available. If this error persists, please contact our customer center`
    ServiceError = 70,
}

impl Row {
    /// Every row, in the catalogue's order.
    pub const ALL: [Row; 70] = [
        Row::InvalidRequest,
        Row::NcloudInstanceNoMissing,
        Row::TenantIdMissing,
        Row::IdNoMissing,
        Row::AliasMissing,
        Row::CommonNameMissing,
        Row::X509ParametersMissing,
        Row::CsrMissing,
        Row::CertMissing,
        Row::StatusMissing,
        Row::CaIdMissing,
        Row::SerialNoMissing,
        Row::TokenMissing,
        Row::CaTypeMissing,
        Row::KeyBitsMissing,
        Row::RequestBodyMissing,
        Row::CaTagMissing,
        Row::CaIdOrCaTagMissing,
        Row::ChainMissing,
        Row::ExpiryMissing,
        Row::OcspServersMissing,
        Row::InvalidInput,
        Row::InvalidCertificateValue,
        Row::InvalidStatusValue,
        Row::InvalidPeriodValue,
        Row::InvalidPageNoValue,
        Row::InvalidSerialNoValue,
        Row::AliasTooLong,
        Row::MemoTooLong,
        Row::CommonNameTooLong,
        Row::OrganizationTooLong,
        Row::OrganizationUnitTooLong,
        Row::StateProvinceTooLong,
        Row::LocalityTooLong,
        Row::StreetAddressTooLong,
        Row::UnsupportedKeyBits,
        Row::InvalidKeyTypeCsr,
        Row::InvalidCaId,
        Row::InvalidCsr,
        Row::InvalidTenantId,
        Row::InvalidIdNo,
        Row::InvalidUser,
        Row::InvalidKeyType,
        Row::InvalidIp,
        Row::InvalidUri,
        Row::InvalidOther,
        Row::InvalidCaChain,
        Row::CaCertificateNotRevocable,
        Row::KeyBitsMismatch,
        Row::KeyTypeMismatch,
        Row::InvalidStatus,
        Row::InvalidCastore,
        Row::InvalidCaStatus,
        Row::InvalidIssuerCaStatus,
        Row::InvalidCa,
        Row::InvalidCaType,
        Row::InvalidCert,
        Row::IssuanceLimit,
        Row::CaValidityExceeded,
        Row::CaLimit,
        Row::CastoreExists,
        Row::AliasExists,
        Row::PolicyExists,
        Row::ExpiredCert,
        Row::CastoreNotFound,
        Row::PolicyNotFound,
        Row::CrlConfigNotFound,
        Row::CaNotFound,
        Row::CertificateNotFound,
        Row::ServiceError,
    ];

    /// The row number (1–70).
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// The row with this number.
    pub fn from_number(number: u8) -> Option<Row> {
        Row::ALL.get(usize::from(number).checked_sub(1)?).copied()
    }

    /// The HTTP status: 400 for every row except the last (500).
    pub const fn http_status(self) -> u16 {
        match self {
            Row::ServiceError => 500,
            _ => 400,
        }
    }

    /// The exact English message (`\n` where the source cell breaks the line).
    pub const fn message(self) -> &'static str {
        match self {
            Row::InvalidRequest => "Invalid request.",
            Row::NcloudInstanceNoMissing => "ncloudInstanceNo is missing.",
            Row::TenantIdMissing => "tenant id is missing.",
            Row::IdNoMissing => "idNo is missing.",
            Row::AliasMissing => "alias is missing.",
            Row::CommonNameMissing => "common name is missing.",
            Row::X509ParametersMissing => "x509Parameters are missing.",
            Row::CsrMissing => "csr is missing.",
            Row::CertMissing => "cert is missing.",
            Row::StatusMissing => "status is missing.",
            Row::CaIdMissing => "caId is missing.",
            Row::SerialNoMissing => "serial no is missing.",
            Row::TokenMissing => "token is missing.",
            Row::CaTypeMissing => "ca type is missing.",
            Row::KeyBitsMissing => "key bits are missing.",
            Row::RequestBodyMissing => "The request body is missing.",
            Row::CaTagMissing => "caTag is missing.",
            Row::CaIdOrCaTagMissing => "caId or caTag is missing.",
            Row::ChainMissing => "chain is missing.",
            Row::ExpiryMissing => "expiry is missing.",
            Row::OcspServersMissing => "ocsp_servers are missing.",
            Row::InvalidInput => "Invalid input.",
            Row::InvalidCertificateValue => "Invalid certificate value.",
            Row::InvalidStatusValue => "Invalid status value.",
            Row::InvalidPeriodValue => "Invalid period value.",
            Row::InvalidPageNoValue => "Invalid page no value.",
            Row::InvalidSerialNoValue => "Invalid serial no value.",
            Row::AliasTooLong => "ca alias exceeded the allowed length.",
            Row::MemoTooLong => "memo exceeded the allowed length.",
            Row::CommonNameTooLong => "common name exceeded the allowed length.",
            Row::OrganizationTooLong => "organization exceeded the allowed length.",
            Row::OrganizationUnitTooLong => "organization unit exceeded the allowed length.",
            Row::StateProvinceTooLong => "state province exceeded the allowed length.",
            Row::LocalityTooLong => "locality exceeded the allowed length.",
            Row::StreetAddressTooLong => "street address exceeded the allowed length.",
            Row::UnsupportedKeyBits => "Unsupported keyBits.",
            Row::InvalidKeyTypeCsr => "Invalid keyType.",
            Row::InvalidCaId => "Invalid caId.",
            Row::InvalidCsr => "Invalid csr.",
            Row::InvalidTenantId => "Invalid tenant id.",
            Row::InvalidIdNo => "Invalid id no.",
            Row::InvalidUser => "Invalid user.",
            Row::InvalidKeyType => "Invalid key type.",
            Row::InvalidIp => "Invalid ip.",
            Row::InvalidUri => "Invalid uir.",
            Row::InvalidOther => "Invalid other.",
            Row::InvalidCaChain => "Certificate validation failed: The CA chain is invalid.",
            Row::CaCertificateNotRevocable => "The CA certificate can't be revoked.",
            Row::KeyBitsMismatch => "CSR's keyBits and the request body's keyBits don't match.",
            Row::KeyTypeMismatch => "CSR's keyType and the request body's keyType don't match.",
            Row::InvalidStatus => "Invalid status.",
            Row::InvalidCastore => "Invalid castore.",
            Row::InvalidCaStatus => "Invalid ca status.",
            Row::InvalidIssuerCaStatus => "Invalid issuer ca status.",
            Row::InvalidCa => "Invalid ca.",
            Row::InvalidCaType => "Invalid ca type.",
            Row::InvalidCert => "Invalid cert.",
            Row::IssuanceLimit => {
                "The maximum number of issuances has been exceeded.\nCertificate issuance can't exceed 30,000.\nIf you need additional issuance, contact the customer center."
            }
            Row::CaValidityExceeded => "The CA validity period can't be exceeded.",
            Row::CaLimit => {
                "The maximum number of CAs that can be created has been exceeded.\nUp to 10 root/intermediate CAs can be created."
            }
            Row::CastoreExists => "This castore already exists.",
            Row::AliasExists => "This alias already exists.",
            Row::PolicyExists => "This policy already exists.",
            Row::ExpiredCert => "Expired cert.",
            Row::CastoreNotFound => "The castore doesn't exist.",
            Row::PolicyNotFound => "The policy doesn't exist.",
            Row::CrlConfigNotFound => "The crl configuration doesn't exist.",
            Row::CaNotFound => "The CA doesn't exist.",
            Row::CertificateNotFound => "The certificate doesn't exist.",
            Row::ServiceError => {
                "We apologize for the inconvenience. This is temporarily not available. If this error persists, please contact our customer center"
            }
        }
    }

    /// The `code` the emulator sends with this row: a name from §1.7.2 (a recommendation;
    /// the overview documents none).
    pub fn code(self) -> ErrorCode {
        match self {
            Row::InvalidRequest => ErrorCode::InvalidRequest,
            Row::NcloudInstanceNoMissing => ErrorCode::EmptyNcloudInstanceNo,
            Row::TenantIdMissing => ErrorCode::EmptyTenantId,
            Row::IdNoMissing => ErrorCode::EmptyIdNo,
            Row::AliasMissing => ErrorCode::EmptyCaAlias,
            Row::CommonNameMissing => ErrorCode::EmptyCommonName,
            Row::X509ParametersMissing => ErrorCode::EmptyX509Parameters,
            Row::CsrMissing => ErrorCode::EmptyCsr,
            Row::CertMissing => ErrorCode::EmptyCert,
            Row::StatusMissing => ErrorCode::EmptyStatus,
            Row::CaIdMissing => ErrorCode::EmptyCaId,
            Row::SerialNoMissing => ErrorCode::EmptySerialNo,
            Row::TokenMissing => ErrorCode::EmptyAccessToken,
            Row::CaTypeMissing => ErrorCode::EmptyCaType,
            Row::KeyBitsMissing => ErrorCode::InvalidInput,
            Row::RequestBodyMissing => ErrorCode::InvalidRequest,
            Row::CaTagMissing => ErrorCode::InvalidPath,
            Row::CaIdOrCaTagMissing => ErrorCode::InvalidPath,
            Row::ChainMissing => ErrorCode::InvalidInputCaChain,
            Row::ExpiryMissing => ErrorCode::InvalidInput,
            Row::OcspServersMissing => ErrorCode::InvalidInput,
            Row::InvalidInput => ErrorCode::InvalidInput,
            Row::InvalidCertificateValue => ErrorCode::InvalidInputCert,
            Row::InvalidStatusValue => ErrorCode::InvalidInputStatus,
            Row::InvalidPeriodValue => ErrorCode::InvalidInputPeriod,
            Row::InvalidPageNoValue => ErrorCode::InvalidInputPageNumber,
            Row::InvalidSerialNoValue => ErrorCode::InvalidInputSerialNo,
            Row::AliasTooLong => ErrorCode::ExceedCaAlias,
            Row::MemoTooLong => ErrorCode::InvalidInput,
            Row::CommonNameTooLong => ErrorCode::ExceedCommonName,
            Row::OrganizationTooLong => ErrorCode::InvalidInput,
            Row::OrganizationUnitTooLong => ErrorCode::InvalidInput,
            Row::StateProvinceTooLong => ErrorCode::InvalidInput,
            Row::LocalityTooLong => ErrorCode::InvalidInput,
            Row::StreetAddressTooLong => ErrorCode::InvalidInput,
            Row::UnsupportedKeyBits => ErrorCode::InvalidInput,
            Row::InvalidKeyTypeCsr => ErrorCode::InvalidX509KeyType,
            Row::InvalidCaId => ErrorCode::InvalidInput,
            Row::InvalidCsr => ErrorCode::InvalidInput,
            Row::InvalidTenantId => ErrorCode::InvaildTenantId,
            Row::InvalidIdNo => ErrorCode::InvaildIdNo,
            Row::InvalidUser => ErrorCode::InvalidUser,
            Row::InvalidKeyType => ErrorCode::InvalidX509KeyType,
            Row::InvalidIp => ErrorCode::InvalidX509Ip,
            Row::InvalidUri => ErrorCode::InvalidX509Uri,
            Row::InvalidOther => ErrorCode::InvalidX509Other,
            Row::InvalidCaChain => ErrorCode::InvalidInputCaChain,
            Row::CaCertificateNotRevocable => ErrorCode::InvalidAction,
            Row::KeyBitsMismatch => ErrorCode::InvalidInput,
            Row::KeyTypeMismatch => ErrorCode::InvalidInput,
            Row::InvalidStatus => ErrorCode::InvalidStatus,
            Row::InvalidCastore => ErrorCode::InvalidCastore,
            Row::InvalidCaStatus => ErrorCode::InvalidCaStatus,
            Row::InvalidIssuerCaStatus => ErrorCode::InvalidIssuerCa,
            Row::InvalidCa => ErrorCode::InvalidCa,
            Row::InvalidCaType => ErrorCode::InvalidInput,
            Row::InvalidCert => ErrorCode::InvalidCert,
            Row::IssuanceLimit => ErrorCode::ExceedSigningCount,
            Row::CaValidityExceeded => ErrorCode::ExceedExpiryDate,
            Row::CaLimit => ErrorCode::InvalidRequest,
            Row::CastoreExists => ErrorCode::AlreadyExistCastore,
            Row::AliasExists => ErrorCode::AlreadyExistAlias,
            Row::PolicyExists => ErrorCode::AlreadyExistPolicy,
            Row::ExpiredCert => ErrorCode::InvalidCert,
            Row::CastoreNotFound => ErrorCode::NotExistCastore,
            Row::PolicyNotFound => ErrorCode::NotExistPolicy,
            Row::CrlConfigNotFound => ErrorCode::NotFound,
            Row::CaNotFound => ErrorCode::NotFound,
            Row::CertificateNotFound => ErrorCode::NotFound,
            Row::ServiceError => ErrorCode::InternalServerError,
        }
    }

    /// The row whose message this is (compared after trimming surrounding blanks, and with
    /// any run of white space, line breaks included, counting as one space).
    pub fn from_message(message: &str) -> Option<Row> {
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let wanted = norm(message);
        Row::ALL
            .into_iter()
            .find(|row| norm(row.message()) == wanted)
    }

    /// The row the emulator answers for an error code when no more specific row was chosen;
    /// `None` for codes the catalogue has no row for (permissions, gateway-like codes).
    pub fn for_code(code: &ErrorCode) -> Option<Row> {
        use ErrorCode as C;
        Some(match code {
            C::InvalidRequest => Row::InvalidRequest,
            C::EmptyNcloudInstanceNo => Row::NcloudInstanceNoMissing,
            C::EmptyTenantId => Row::TenantIdMissing,
            C::EmptyIdNo => Row::IdNoMissing,
            C::EmptyCaAlias => Row::AliasMissing,
            C::EmptyCommonName => Row::CommonNameMissing,
            C::EmptyX509Parameters => Row::X509ParametersMissing,
            C::EmptyCsr => Row::CsrMissing,
            C::EmptyCert => Row::CertMissing,
            C::EmptyStatus => Row::StatusMissing,
            C::EmptyCaId | C::EmptyIssuerId => Row::CaIdMissing,
            C::EmptySerialNo => Row::SerialNoMissing,
            C::EmptyAuthToken | C::EmptyAccessToken => Row::TokenMissing,
            C::EmptyCaType => Row::CaTypeMissing,
            C::EmptyKeyType => Row::InvalidKeyType,
            C::EmptyCaTtl | C::InvalidInputPeriod | C::InvalidX509Ttl => Row::InvalidPeriodValue,
            C::InvalidInput
            | C::InvalidPath
            | C::InvalidX509KeyUsage
            | C::InvalidX509ExtendedKeyUsage
            | C::InvaildAccessToken
            | C::InvaildAccessTokenTtl
            | C::InvaildPolicyName
            | C::UnprocessableEntity => Row::InvalidInput,
            C::InvalidInputCert => Row::InvalidCertificateValue,
            C::InvalidInputCaChain => Row::InvalidCaChain,
            C::InvalidInputStatus => Row::InvalidStatusValue,
            C::InvalidInputPageNumber => Row::InvalidPageNoValue,
            C::InvalidInputSerialNo => Row::InvalidSerialNoValue,
            C::InvaildTenantId => Row::InvalidTenantId,
            C::InvaildIdNo => Row::InvalidIdNo,
            C::InvalidUser => Row::InvalidUser,
            C::InvalidX509KeyType => Row::InvalidKeyType,
            C::InvalidX509Ip => Row::InvalidIp,
            C::InvalidX509Uri => Row::InvalidUri,
            C::InvalidX509Other => Row::InvalidOther,
            C::InvalidStatus | C::InvalidAction => Row::InvalidStatus,
            C::InvalidCastore | C::InvalidCastoreStatus => Row::InvalidCastore,
            C::InvalidCaStatus => Row::InvalidCaStatus,
            C::InvalidIssuerCa => Row::InvalidIssuerCaStatus,
            C::InvalidCa => Row::InvalidCa,
            C::InvalidCert => Row::InvalidCert,
            C::ExceedExpiryDate => Row::CaValidityExceeded,
            C::ExceedCaAlias => Row::AliasTooLong,
            C::ExceedCommonName => Row::CommonNameTooLong,
            C::ExceedSigningCount => Row::IssuanceLimit,
            C::AlreadyExistAlias => Row::AliasExists,
            C::AlreadyExistCastore => Row::CastoreExists,
            C::AlreadyExistPolicy => Row::PolicyExists,
            C::NotExistCastore => Row::CastoreNotFound,
            C::NotExistPolicy => Row::PolicyNotFound,
            C::NotFound | C::NotExistIssuerCa => Row::CaNotFound,
            C::InternalServerError
            | C::FailRequest
            | C::FailCore
            | C::FailUpdateCa
            | C::FailSendMail
            | C::FailCreatePolicy
            | C::FailBlocCreateInstance
            | C::FailBlocReturnInstance => Row::ServiceError,
            C::Success
            | C::Unauthorized
            | C::Forbidden
            | C::NotAuthorizedRequest
            | C::NotAuthorizedAction
            | C::AlreadyExistNcloudInstanceNo
            | C::Unknown(_) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seventy_numbered_rows_with_distinct_messages() {
        let mut seen = std::collections::HashSet::new();
        for (i, row) in Row::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(row.number()), i + 1);
            assert_eq!(Row::from_number(row.number()), Some(row));
            assert!(seen.insert(row.message()), "{row:?}");
            assert_eq!(Row::from_message(row.message()), Some(row));
            assert_eq!(row.http_status(), if i == 69 { 500 } else { 400 });
        }
        assert_eq!(Row::from_number(0), None);
        assert_eq!(Row::from_number(71), None);
    }

    #[test]
    fn messages_match_the_seed_exactly() {
        assert_eq!(Row::InvalidUri.message(), "Invalid uir.");
        assert_eq!(
            Row::IssuanceLimit.message(),
            "The maximum number of issuances has been exceeded.\nCertificate issuance can't exceed 30,000.\nIf you need additional issuance, contact the customer center."
        );
        assert_eq!(
            Row::CaLimit.message(),
            "The maximum number of CAs that can be created has been exceeded.\nUp to 10 root/intermediate CAs can be created."
        );
        assert_eq!(Row::CaNotFound.message(), "The CA doesn't exist.");
        assert_eq!(
            Row::from_message("  The certificate doesn't exist. "),
            Some(Row::CertificateNotFound)
        );
        assert_eq!(Row::from_message("The CA does not exist."), None);
    }

    #[test]
    fn every_code_with_a_row_keeps_a_catalogue_status() {
        for code in ErrorCode::KNOWN {
            if let Some(row) = Row::for_code(code) {
                assert!(matches!(row.http_status(), 400 | 500), "{code}");
            }
        }
        assert_eq!(Row::for_code(&ErrorCode::NotFound), Some(Row::CaNotFound));
        assert_eq!(Row::for_code(&ErrorCode::Unauthorized), None);
    }
}
