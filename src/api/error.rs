//! Error bodies (spec §1.6) and the error-code catalogue (§1.7).
//!
//! Three body shapes exist:
//!
//! - the PCA envelope with a non-`SUCCESS` code (§1.6.1), e.g.
//!   `{"code":"EMPTY_CA_ALIAS","msg":"alias is missing.","data":null}` — an
//!   [`Envelope`]; the emulator builds it with [`Envelope::error`] from an [`ErrorCode`],
//!   using [`ErrorCode::http_status`] and [`ErrorCode::default_message`];
//! - the API Gateway shape (§1.6.2), `{"error":{"errorCode":"200","message":…,"details":…}}`
//!   — [`GatewayErrorBody`], with the known gateway errors in [`GatewayError`];
//! - the NCP "standardized API" shape (§1.6.3), `{"error":{"errorCode","message","detail",
//!   "fieldErrors"}}` — [`StandardErrorBody`], for tolerance only.
//!
//! [`ErrorBody::parse`] tries them in the order §1.6.1 recommends, falling back to the raw
//! text. Match on HTTP status and `code`, never on message text (A24).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::lenient::{self, ignore_ascii_case, string_enum};
use crate::api::model::Envelope;

string_enum! {
    /// The `code` values of the envelope (§1.7.2, NAVER's `ResponseCode` enum), spellings
    /// kept as they are (`INVALID_INPUT_PAGENUMBBER`, `INVAILD_*`). Matching is ASCII
    /// case-insensitive, so `Success` decodes as [`ErrorCode::Success`].
    ///
    /// For the emulator, [`ErrorCode::http_status`] gives the recommended HTTP status and
    /// [`ErrorCode::default_message`] an English message.
    ErrorCode, matcher = ignore_ascii_case, {
        /// `SUCCESS` (the one non-error value).
        Success => "SUCCESS",
        /// `INVALID_REQUEST`: malformed request.
        InvalidRequest => "INVALID_REQUEST",
        /// `UNAUTHORIZED`.
        Unauthorized => "UNAUTHORIZED",
        /// `FORBIDDEN`.
        Forbidden => "FORBIDDEN",
        /// `NOT_AUTHORIZED_REQUEST`: caller lacks CA permission.
        NotAuthorizedRequest => "NOT_AUTHORIZED_REQUEST",
        /// `NOT_AUTHORIZED_ACTION`: caller lacks CA permission.
        NotAuthorizedAction => "NOT_AUTHORIZED_ACTION",
        /// `NOT_FOUND`: unknown caTag / serialNo / idNo.
        NotFound => "NOT_FOUND",
        /// `INVALID_STATUS`.
        InvalidStatus => "INVALID_STATUS",
        /// `INVALID_CA_STATUS`: not allowed in the CA's current status.
        InvalidCaStatus => "INVALID_CA_STATUS",
        /// `INVALID_CASTORE_STATUS`.
        InvalidCastoreStatus => "INVALID_CASTORE_STATUS",
        /// `UNPROCESSABLE_ENTITY`.
        UnprocessableEntity => "UNPROCESSABLE_ENTITY",
        /// `INTERNAL_SERVER_ERROR`.
        InternalServerError => "INTERNAL_SERVER_ERROR",
        /// `FAIL_REQUEST`.
        FailRequest => "FAIL_REQUEST",
        /// `FAIL_CORE`.
        FailCore => "FAIL_CORE",
        /// `FAIL_UPDATE_CA`.
        FailUpdateCa => "FAIL_UPDATE_CA",
        /// `FAIL_SEND_MAIL`.
        FailSendMail => "FAIL_SEND_MAIL",
        /// `FAIL_CREATE_POLICY`.
        FailCreatePolicy => "FAIL_CREATE_POLICY",
        /// `FAIL_BLOC_CREATE_INSTANCE`.
        FailBlocCreateInstance => "FAIL_BLOC_CREATE_INSTANCE",
        /// `FAIL_BLOC_RETURN_INSTANCE`.
        FailBlocReturnInstance => "FAIL_BLOC_RETURN_INSTANCE",
        /// `EMPTY_NCLOUD_INSTANCE_NO`: "ncloudInstanceNo is missing."
        EmptyNcloudInstanceNo => "EMPTY_NCLOUD_INSTANCE_NO",
        /// `EMPTY_AUTH_TOKEN`.
        EmptyAuthToken => "EMPTY_AUTH_TOKEN",
        /// `EMPTY_ACCESS_TOKEN`.
        EmptyAccessToken => "EMPTY_ACCESS_TOKEN",
        /// `EMPTY_TENANT_ID`: "tenant id is missing."
        EmptyTenantId => "EMPTY_TENANT_ID",
        /// `EMPTY_ID_NO`: "idNo is missing."
        EmptyIdNo => "EMPTY_ID_NO",
        /// `EMPTY_CA_ALIAS`: "alias is missing."
        EmptyCaAlias => "EMPTY_CA_ALIAS",
        /// `EMPTY_KEY_TYPE`: keyType missing.
        EmptyKeyType => "EMPTY_KEY_TYPE",
        /// `EMPTY_CA_TTL`: period missing.
        EmptyCaTtl => "EMPTY_CA_TTL",
        /// `EMPTY_COMMON_NAME`: "common name is missing."
        EmptyCommonName => "EMPTY_COMMON_NAME",
        /// `EMPTY_X509_PARAMETERS`: "x509Parameters are missing."
        EmptyX509Parameters => "EMPTY_X509_PARAMETERS",
        /// `EMPTY_CSR`: "csr is missing."
        EmptyCsr => "EMPTY_CSR",
        /// `EMPTY_CERT`: "cert is missing."
        EmptyCert => "EMPTY_CERT",
        /// `EMPTY_STATUS`: "status is missing."
        EmptyStatus => "EMPTY_STATUS",
        /// `EMPTY_CA_ID`: "caId is missing."
        EmptyCaId => "EMPTY_CA_ID",
        /// `EMPTY_ISSUER_ID`: issuer missing.
        EmptyIssuerId => "EMPTY_ISSUER_ID",
        /// `EMPTY_SERIAL_NO`: serialNo missing.
        EmptySerialNo => "EMPTY_SERIAL_NO",
        /// `EMPTY_CA_TYPE`: caType missing.
        EmptyCaType => "EMPTY_CA_TYPE",
        /// `INVALID_INPUT`.
        InvalidInput => "INVALID_INPUT",
        /// `INVALID_PATH`.
        InvalidPath => "INVALID_PATH",
        /// `INVALID_INPUT_CERT`: certPem not a valid certificate (Activate Sub CA).
        InvalidInputCert => "INVALID_INPUT_CERT",
        /// `INVALID_INPUT_CA_CHAIN`: caChainPem invalid or not chaining (Activate Sub CA).
        InvalidInputCaChain => "INVALID_INPUT_CA_CHAIN",
        /// `INVALID_INPUT_STATUS`: status not an allowed value.
        InvalidInputStatus => "INVALID_INPUT_STATUS",
        /// `INVALID_INPUT_PERIOD`: period out of range or beyond the issuer's validity.
        InvalidInputPeriod => "INVALID_INPUT_PERIOD",
        /// `INVALID_INPUT_PAGENUMBBER` (sic): bad pageNo.
        InvalidInputPageNumber => "INVALID_INPUT_PAGENUMBBER",
        /// `INVALID_INPUT_SERIAL_NO`: malformed serial.
        InvalidInputSerialNo => "INVALID_INPUT_SERIAL_NO",
        /// `INVAILD_TENANT_ID` (sic).
        InvaildTenantId => "INVAILD_TENANT_ID",
        /// `INVAILD_ID_NO` (sic).
        InvaildIdNo => "INVAILD_ID_NO",
        /// `INVAILD_ACCESS_TOKEN` (sic).
        InvaildAccessToken => "INVAILD_ACCESS_TOKEN",
        /// `INVAILD_ACCESS_TOKEN_TTL` (sic).
        InvaildAccessTokenTtl => "INVAILD_ACCESS_TOKEN_TTL",
        /// `INVAILD_POLICY_NAME` (sic).
        InvaildPolicyName => "INVAILD_POLICY_NAME",
        /// `INVALID_USER`: idNo is not a valid sub account.
        InvalidUser => "INVALID_USER",
        /// `INVALID_X509_KEY_TYPE`: keyType not RSA2048/RSA4096/EC256/EC521.
        InvalidX509KeyType => "INVALID_X509_KEY_TYPE",
        /// `INVALID_X509_TTL`: validity invalid.
        InvalidX509Ttl => "INVALID_X509_TTL",
        /// `INVALID_X509_IP`: bad IP SAN.
        InvalidX509Ip => "INVALID_X509_IP",
        /// `INVALID_X509_URI`: bad URI SAN.
        InvalidX509Uri => "INVALID_X509_URI",
        /// `INVALID_X509_OTHER`: bad other-name SAN.
        InvalidX509Other => "INVALID_X509_OTHER",
        /// `INVALID_X509_KEY_USAGE`.
        InvalidX509KeyUsage => "INVALID_X509_KEY_USAGE",
        /// `INVALID_X509_EXTENDED_KEY_USAGE`.
        InvalidX509ExtendedKeyUsage => "INVALID_X509_EXTENDED_KEY_USAGE",
        /// `INVALID_CASTORE`.
        InvalidCastore => "INVALID_CASTORE",
        /// `INVALID_CA`.
        InvalidCa => "INVALID_CA",
        /// `INVALID_ISSUER_CA`.
        InvalidIssuerCa => "INVALID_ISSUER_CA",
        /// `INVALID_ACTION`.
        InvalidAction => "INVALID_ACTION",
        /// `INVALID_CERT`.
        InvalidCert => "INVALID_CERT",
        /// `EXCEED_EXPIRY_DATE`: validity beyond the issuing CA's notAfter.
        ExceedExpiryDate => "EXCEED_EXPIRY_DATE",
        /// `EXCEED_CA_ALIAS`: alias longer than 15.
        ExceedCaAlias => "EXCEED_CA_ALIAS",
        /// `EXCEED_COMMON_NAME`: commonName longer than 64.
        ExceedCommonName => "EXCEED_COMMON_NAME",
        /// `EXCEED_SIGNING_COUNT`: CA already issued 30,000 certificates.
        ExceedSigningCount => "EXCEED_SIGNING_COUNT",
        /// `ALREADY_EXIST_ALIAS`: alias used by another CA of the account.
        AlreadyExistAlias => "ALREADY_EXIST_ALIAS",
        /// `ALREADY_EXIST_CASTORE`.
        AlreadyExistCastore => "ALREADY_EXIST_CASTORE",
        /// `ALREADY_EXIST_POLICY`.
        AlreadyExistPolicy => "ALREADY_EXIST_POLICY",
        /// `ALREADY_EXIST_NCLOUD_INSTANCE_NO`.
        AlreadyExistNcloudInstanceNo => "ALREADY_EXIST_NCLOUD_INSTANCE_NO",
        /// `NOT_EXIST_CASTORE`.
        NotExistCastore => "NOT_EXIST_CASTORE",
        /// `NOT_EXIST_POLICY`.
        NotExistPolicy => "NOT_EXIST_POLICY",
        /// `NOT_EXIST_ISSUER_CA`: issuerTag does not resolve.
        NotExistIssuerCa => "NOT_EXIST_ISSUER_CA",
    }
}

impl ErrorCode {
    /// The HTTP status the emulator answers with when no catalogue row applies (§1.7.2
    /// "emulator status" column; the real mapping is UNCONFIRMED; the catalogue has no 404,
    /// so the not-found codes are 400). Where the spec offers two (`400/401`, `400/409`), the first
    /// is used. `Success` → 200; `Unknown` → 400.
    pub fn http_status(&self) -> u16 {
        use ErrorCode::*;
        match self {
            Success => 200,
            Unauthorized => 401,
            Forbidden | NotAuthorizedRequest | NotAuthorizedAction => 403,
            UnprocessableEntity => 422,
            InternalServerError
            | FailRequest
            | FailCore
            | FailUpdateCa
            | FailSendMail
            | FailCreatePolicy
            | FailBlocCreateInstance
            | FailBlocReturnInstance => 500,
            _ => 400,
        }
    }

    /// An English message for the emulator's `msg`. The `EMPTY_*` texts and
    /// `Invalid request.` are the documented ones (§1.7.1; `csr`/`cert`/`status`/`caId`
    /// wording from the ko/ja editions, `serialNo is missing.` presumed); the rest are
    /// recommendations.
    pub fn default_message(&self) -> &'static str {
        use ErrorCode::*;
        match self {
            Success => "Success",
            InvalidRequest => "Invalid request.",
            Unauthorized => "Unauthorized.",
            Forbidden => "Forbidden.",
            NotAuthorizedRequest | NotAuthorizedAction => "You do not have permission on this CA.",
            NotFound => "The requested resource was not found.",
            InvalidStatus | InvalidCaStatus | InvalidCastoreStatus => {
                "The operation is not allowed in the CA's current status."
            }
            UnprocessableEntity => "Unprocessable entity.",
            InternalServerError
            | FailRequest
            | FailCore
            | FailUpdateCa
            | FailSendMail
            | FailCreatePolicy
            | FailBlocCreateInstance
            | FailBlocReturnInstance => "An internal error occurred.",
            EmptyNcloudInstanceNo => "ncloudInstanceNo is missing.",
            EmptyAuthToken => "auth token is missing.",
            EmptyAccessToken => "access token is missing.",
            EmptyTenantId => "tenant id is missing.",
            EmptyIdNo => "idNo is missing.",
            EmptyCaAlias => "alias is missing.",
            EmptyKeyType => "keyType is missing.",
            EmptyCaTtl => "period is missing.",
            EmptyCommonName => "common name is missing.",
            EmptyX509Parameters => "x509Parameters are missing.",
            EmptyCsr => "csr is missing.",
            EmptyCert => "cert is missing.",
            EmptyStatus => "status is missing.",
            EmptyCaId => "caId is missing.",
            EmptyIssuerId => "issuer is missing.",
            EmptySerialNo => "serialNo is missing.",
            EmptyCaType => "caType is missing.",
            InvalidInput => "Invalid input.",
            InvalidPath => "Invalid path.",
            InvalidInputCert => "The certificate is not valid.",
            InvalidInputCaChain => "The CA chain is not valid.",
            InvalidInputStatus => "The status is not valid.",
            InvalidInputPeriod => "The period is not valid.",
            InvalidInputPageNumber => "The page number is not valid.",
            InvalidInputSerialNo => "The serial number is not valid.",
            InvaildTenantId => "The tenant id is not valid.",
            InvaildIdNo => "The idNo is not valid.",
            InvaildAccessToken => "The access token is not valid.",
            InvaildAccessTokenTtl => "The access token TTL is not valid.",
            InvaildPolicyName => "The policy name is not valid.",
            InvalidUser => "The user is not a valid sub account.",
            InvalidX509KeyType => "The key type is not valid.",
            InvalidX509Ttl => "The validity is not valid.",
            InvalidX509Ip => "The IP address is not valid.",
            InvalidX509Uri => "Invalid uir.",
            InvalidX509Other => "Invalid other.",
            InvalidX509KeyUsage => "The key usage is not valid.",
            InvalidX509ExtendedKeyUsage => "The extended key usage is not valid.",
            InvalidCastore => "The CA store is not valid.",
            InvalidCa => "The CA is not valid.",
            InvalidIssuerCa => "The issuer CA is not valid.",
            InvalidAction => "The action is not valid.",
            InvalidCert => "The certificate is not valid.",
            ExceedExpiryDate => "The period exceeds the issuing CA's expiry date.",
            ExceedCaAlias => "The alias is too long.",
            ExceedCommonName => "The common name is too long.",
            ExceedSigningCount => "The CA has reached its maximum number of certificates.",
            AlreadyExistAlias => "The alias already exists.",
            AlreadyExistCastore => "The CA store already exists.",
            AlreadyExistPolicy => "The policy already exists.",
            AlreadyExistNcloudInstanceNo => "The ncloudInstanceNo already exists.",
            NotExistCastore => "The CA store does not exist.",
            NotExistPolicy => "The policy does not exist.",
            NotExistIssuerCa => "The issuer CA does not exist.",
            Unknown(_) => "Error.",
        }
    }

    /// An error envelope for this code with [`ErrorCode::default_message`].
    pub fn envelope<T>(&self) -> Envelope<T> {
        Envelope::error(self, self.default_message())
    }
}

// ---------------------------------------------------------------------------------------
// Gateway and standard shapes
// ---------------------------------------------------------------------------------------

/// The inner object of the gateway error body (§1.6.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayErrorDetail {
    /// Gateway code as a string, e.g. `"200"` (a JSON number is accepted too).
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub error_code: String,
    /// e.g. `"Authentication Failed"`.
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub message: String,
    /// e.g. `"Invalid authentication information."`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The API Gateway error body (§1.6.2), used for authentication, signature, timestamp and
/// permission failures before the request reaches PCA:
/// `{"error":{"errorCode":"200","message":"Authentication Failed","details":"…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GatewayErrorBody {
    /// The error.
    pub error: GatewayErrorDetail,
}

/// A known gateway error (§1.6.2): HTTP status, `errorCode` and `message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GatewayError {
    /// HTTP status.
    pub http_status: u16,
    /// `errorCode`.
    pub error_code: &'static str,
    /// `message`.
    pub message: &'static str,
}

impl GatewayError {
    /// 400 / `100` / `Bad Request Exception`: protocol or UTF-8 encoding problem.
    pub const BAD_REQUEST: GatewayError = GatewayError {
        http_status: 400,
        error_code: "100",
        message: "Bad Request Exception",
    };
    /// 401 / `200` / `Authentication Failed`: missing or invalid authentication (bad
    /// signature, unknown key, stale timestamp, missing headers).
    pub const AUTHENTICATION_FAILED: GatewayError = GatewayError {
        http_status: 401,
        error_code: "200",
        message: "Authentication Failed",
    };
    /// 401 / `210` / `Permission Denied`: the key lacks permission for the resource.
    pub const PERMISSION_DENIED: GatewayError = GatewayError {
        http_status: 401,
        error_code: "210",
        message: "Permission Denied",
    };
    /// 404 / `300` / `Not Found Exception`: no API at this path (the gateway's own answer).
    pub const NOT_FOUND: GatewayError = GatewayError {
        http_status: 404,
        error_code: "300",
        message: "Not Found Exception",
    };
    /// 403 / `230` / `Forbidden`.
    pub const FORBIDDEN: GatewayError = GatewayError {
        http_status: 403,
        error_code: "230",
        message: "Forbidden",
    };

    /// The body for this error, with optional `details`.
    pub fn body(&self, details: Option<&str>) -> GatewayErrorBody {
        GatewayErrorBody {
            error: GatewayErrorDetail {
                error_code: self.error_code.to_owned(),
                message: self.message.to_owned(),
                details: details.map(str::to_owned),
            },
        }
    }
}

/// One `fieldErrors` item of the standard error shape (§1.6.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldError {
    /// Field name.
    #[serde(default)]
    pub field: String,
    /// What is wrong with it.
    #[serde(default)]
    pub message: String,
}

/// The inner object of the standard error shape (§1.6.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StandardErrorDetail {
    /// Error code.
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub error_code: String,
    /// Message.
    #[serde(default, deserialize_with = "lenient::string_or_number")]
    pub message: String,
    /// Detail text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field errors.
    #[serde(
        default,
        deserialize_with = "lenient::null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub field_errors: Vec<FieldError>,
}

/// The NCP "standardized API" error body (§1.6.3); nothing indicates PCA uses it, it is
/// parsed only for tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StandardErrorBody {
    /// The error.
    pub error: StandardErrorDetail,
}

/// A non-success response body, classified (§1.6.1 client recommendation).
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorBody {
    /// The PCA envelope `{code, msg, data}` (`data` kept as raw JSON).
    Pca(Envelope<Value>),
    /// The API Gateway shape.
    Gateway(GatewayErrorBody),
    /// The NCP standard shape.
    Standard(StandardErrorBody),
    /// Anything else: the body as text (lossy UTF-8).
    Raw(String),
}

impl ErrorBody {
    /// Classifies a response body: a JSON object with a string `code`, or with a string `msg`
    /// and no `error` member (the code then reads as `""`, or a number's text) →
    /// [`ErrorBody::Pca`];
    /// an object with an `error` object → [`ErrorBody::Standard`] when that object has
    /// `detail` or `fieldErrors` but no `details`, else [`ErrorBody::Gateway`]; anything
    /// else → [`ErrorBody::Raw`]. Never fails.
    pub fn parse(body: &[u8]) -> ErrorBody {
        let raw = || ErrorBody::Raw(String::from_utf8_lossy(body).into_owned());
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return raw();
        };
        if map.get("code").is_some_and(Value::is_string) {
            return serde_json::from_value(Value::Object(map))
                .map_or_else(|_| raw(), ErrorBody::Pca);
        }
        // The overview's catalogue documents a status and a message, no code (its column is
        // `-`): a body with a string `msg` and no `error` object is the service's, whatever
        // its `code` (absent, null, a number).
        if map.get("msg").is_some_and(Value::is_string) && !map.contains_key("error") {
            let mut map = map;
            let code = match map.get("code") {
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            map.insert("code".to_owned(), Value::String(code));
            return serde_json::from_value(Value::Object(map))
                .map_or_else(|_| raw(), ErrorBody::Pca);
        }
        let Some(Value::Object(inner)) = map.get("error") else {
            return raw();
        };
        let standard = (inner.contains_key("detail") || inner.contains_key("fieldErrors"))
            && !inner.contains_key("details");
        let value = Value::Object(map.clone());
        if standard {
            serde_json::from_value(value).map_or_else(|_| raw(), ErrorBody::Standard)
        } else {
            serde_json::from_value(value).map_or_else(|_| raw(), ErrorBody::Gateway)
        }
    }

    /// The error code: the envelope `code` or the gateway / standard `errorCode`.
    pub fn code(&self) -> Option<&str> {
        match self {
            ErrorBody::Pca(e) => Some(&e.code),
            ErrorBody::Gateway(g) => Some(&g.error.error_code),
            ErrorBody::Standard(s) => Some(&s.error.error_code),
            ErrorBody::Raw(_) => None,
        }
    }

    /// The human-readable message (for display only): `msg`, or `message` plus
    /// `details`/`detail` when present, or the raw text.
    pub fn message(&self) -> String {
        fn join(m: &str, d: Option<&str>) -> String {
            match d {
                Some(d) if !d.is_empty() && d != m => format!("{m}: {d}"),
                _ => m.to_owned(),
            }
        }
        match self {
            ErrorBody::Pca(e) => e.msg.clone(),
            ErrorBody::Gateway(g) => join(&g.error.message, g.error.details.as_deref()),
            ErrorBody::Standard(s) => join(&s.error.message, s.error.detail.as_deref()),
            ErrorBody::Raw(t) => t.clone(),
        }
    }

    /// The PCA error code, when the body is the envelope.
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            ErrorBody::Pca(e) => Some(e.error_code()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::KNOWN {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(&ErrorCode::from_wire(code.as_str()), code);
            assert!(code.is_known());
            assert!(!code.default_message().is_empty());
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(&serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!(ErrorCode::KNOWN.len(), 73);
    }

    #[test]
    fn success_is_case_insensitive_and_unknown_is_kept() {
        assert_eq!(ErrorCode::from_wire("Success"), ErrorCode::Success);
        assert_eq!(ErrorCode::from_wire("success"), ErrorCode::Success);
        let u = ErrorCode::from_wire("BRAND_NEW_CODE");
        assert_eq!(u, ErrorCode::Unknown("BRAND_NEW_CODE".to_owned()));
        assert_eq!(u.as_str(), "BRAND_NEW_CODE");
        assert_eq!(u.http_status(), 400);
        assert!(ErrorCode::default().is_missing());
    }

    #[test]
    fn statuses() {
        assert_eq!(ErrorCode::Success.http_status(), 200);
        assert_eq!(ErrorCode::NotFound.http_status(), 400);
        assert_eq!(ErrorCode::NotExistIssuerCa.http_status(), 400);
        assert_eq!(ErrorCode::InvalidCaStatus.http_status(), 400);
        assert_eq!(ErrorCode::NotAuthorizedAction.http_status(), 403);
        assert_eq!(ErrorCode::UnprocessableEntity.http_status(), 422);
        assert_eq!(ErrorCode::FailCore.http_status(), 500);
        assert_eq!(ErrorCode::AlreadyExistAlias.http_status(), 400);
        assert_eq!(
            ErrorCode::EmptyCaAlias.default_message(),
            "alias is missing."
        );
        let e: Envelope<Value> = ErrorCode::EmptyCaAlias.envelope();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code":"EMPTY_CA_ALIAS","msg":"alias is missing.","data":null})
        );
    }

    #[test]
    fn gateway_errors() {
        let b =
            GatewayError::AUTHENTICATION_FAILED.body(Some("Invalid authentication information."));
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            serde_json::json!({"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}})
        );
        assert_eq!(GatewayError::PERMISSION_DENIED.http_status, 401);
        assert_eq!(GatewayError::FORBIDDEN.error_code, "230");
        assert_eq!(GatewayError::BAD_REQUEST.message, "Bad Request Exception");
    }

    #[test]
    fn parse_classifies() {
        let pca = ErrorBody::parse(br#"{"code":"NOT_FOUND","msg":"nope","data":null}"#);
        assert_eq!(pca.code(), Some("NOT_FOUND"));
        assert_eq!(pca.error_code(), Some(ErrorCode::NotFound));
        assert_eq!(pca.message(), "nope");

        let bare = ErrorBody::parse(br#"{"msg":"The CA doesn't exist.","data":null}"#);
        assert_eq!(bare.code(), Some(""));
        assert_eq!(bare.message(), "The CA doesn't exist.");
        let dash = ErrorBody::parse(br#"{"code":"-","msg":"The CA doesn't exist."}"#);
        assert_eq!(dash.code(), Some("-"));

        let gw =
            ErrorBody::parse(br#"{"error":{"errorCode":200,"message":"Authentication Failed"}}"#);
        assert!(matches!(gw, ErrorBody::Gateway(_)));
        assert_eq!(gw.code(), Some("200"));
        assert_eq!(gw.message(), "Authentication Failed");
        assert_eq!(gw.error_code(), None);

        let std = ErrorBody::parse(
            br#"{"error":{"errorCode":"X1","message":"bad","detail":"why","fieldErrors":[{"field":"alias","message":"short"}]}}"#,
        );
        let ErrorBody::Standard(s) = &std else {
            panic!("{std:?}")
        };
        assert_eq!(s.error.field_errors.len(), 1);
        assert_eq!(std.message(), "bad: why");

        for raw in [
            &b"<html>502</html>"[..],
            b"",
            b"[1,2]",
            b"{\"code\":5}",
            b"{\"msg\":5}",
            b"{\"error\":\"x\"}",
        ] {
            assert!(
                matches!(ErrorBody::parse(raw), ErrorBody::Raw(_)),
                "{raw:?}"
            );
        }
    }
}
