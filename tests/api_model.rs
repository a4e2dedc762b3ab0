//! The API model against the spec (`pca-api.md`): every documented request/response example
//! decodes into its type and re-encodes; the operation table builds every path; queries are
//! deterministic; each ambiguity of spec §3 decodes the way the chosen reading says.

use pca::api::error::{ErrorBody, ErrorCode, GatewayErrorBody};
use pca::api::model::*;
use pca::api::ops::{self, API_PREFIX, Method, Operation};
use pca::api::uri::{query_string, request_uri};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/// Decodes `text` as `T` (both straight from text and through a `Value`, since
/// `arbitrary_precision` takes different paths), re-encodes it, and checks the re-encoded
/// JSON decodes to the same value. Returns the decoded value and its re-encoding.
fn round_trip<T>(text: &str) -> (T, Value)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let decoded: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("decode: {e}\n{text}"));
    let via_value: T =
        serde_json::from_value(serde_json::from_str::<Value>(text).unwrap()).unwrap();
    assert_eq!(decoded, via_value, "text and Value decodings differ");
    let encoded = serde_json::to_value(&decoded).unwrap();
    let again: T = serde_json::from_value(encoded.clone()).unwrap();
    assert_eq!(decoded, again, "re-encoding changed the value: {encoded}");
    let again_text: T = serde_json::from_str(&serde_json::to_string(&decoded).unwrap()).unwrap();
    assert_eq!(decoded, again_text);
    (decoded, encoded)
}

/// As [`round_trip`], and the re-encoding equals the example (modulo key order).
fn exact_round_trip<T>(text: &str) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let (decoded, encoded) = round_trip::<T>(text);
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(encoded, original, "re-encoding differs from the example");
    decoded
}

fn success<T: Serialize>(data: T) -> String {
    json!({"code": "SUCCESS", "msg": "Success", "data": data}).to_string()
}

// ---------------------------------------------------------------------------------------
// spec examples, verbatim (JSON blocks and inline examples, in document order)
// ---------------------------------------------------------------------------------------

/// §1.5 envelope skeleton, with `data: null`.
const ENVELOPE_NULL: &str = r#"{ "code": "SUCCESS", "msg": "Success", "data": null }"#;

/// §1.6.1 service-level error body.
const ERROR_ENVELOPE: &str =
    r#"{ "code": "EMPTY_CA_ALIAS", "msg": "alias is missing.", "data": null }"#;

/// §1.6.2 gateway error body.
const GATEWAY_ERROR: &str = r#"{ "error": { "errorCode": "200", "message": "Authentication Failed", "details": "Invalid authentication information." } }"#;

/// §1.9.3 CA record.
const CA_RECORD: &str = r#"{
  "caInfo": {
    "caId": 1201,
    "caTag": "1a2b3c4d-5e6f7a8b",
    "alias": "corp-root",
    "memo": "internal root",
    "caType": "PRIVATE_ROOT",
    "status": "ACTIVE",
    "signingCount": 0,
    "rgstDate": 1721105212000,
    "statusUpdateDate": 1721105212000,
    "destroyDate": null,
    "nrn": "nrn:PUB:PrivateCA::1234567:CA/1a2b3c4d-5e6f7a8b",
    "urlInfo": {
      "ocsp": [],
      "crl": ["https://pca.apigw.ntruss.com/ext/1a2b3c4d-5e6f7a8b/crl"],
      "ca": ["https://pca.apigw.ntruss.com/ext/1a2b3c4d-5e6f7a8b/ca"]
    }
  },
  "caCertInfo": {
    "caCertId": 3301,
    "serialNo": "5d:0e:77:12:9a:c3:44:01:be:7f:90:12:34:56:78:9a:bc:de:f0:11",
    "commonName": "Corp Root CA",
    "country": "KR",
    "stateProvince": "Gyeonggi-do",
    "locality": "Seongnam",
    "organization": "Corp",
    "organizationUnit": "Security",
    "issuerName": "Corp Root CA",
    "notBeforeDate": 1721105212000,
    "notAfterDate": 2036465242000,
    "publicKeyAlgorithm": "RSA",
    "signatureAlgorithm": "SHA256WITHRSA",
    "certPem": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----",
    "chainPem": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----"
  }
}"#;

/// §2.1 Create CA request body (`POST /api/v1/ca?caType=PRIVATE_ROOT`).
const CREATE_CA_BODY: &str = r#"{
  "alias": "CA002",
  "keyType": "RSA2048",
  "period": "MAX",
  "x509Parameters": {
    "commonName": "name000",
    "country": "KOR",
    "organization": "org000",
    "organizationUnit": "org001",
    "locality": "Pangyo",
    "stateProvince": "Gyeonggi-do"
  }
}"#;

/// §2.2 Get CA List response (partial items, `"...": "..."` elisions included).
const GET_CA_LIST: &str = r#"{
  "code": "SUCCESS",
  "msg": "Success",
  "data": {
    "totalCnt": 2,
    "totalPageNo": 1,
    "currentPageNo": 1,
    "caInfoList": [
      { "caInfo": { "caTag": "1a2b3c4d-5e6f7a8b", "alias": "corp-root", "caType": "PRIVATE_ROOT", "status": "ACTIVE", "...": "..." },
        "caCertInfo": { "commonName": "Corp Root CA", "...": "..." } },
      { "caInfo": { "caTag": "9f8e7d6c-5b4a3921", "alias": "corp-sub", "caType": "PRIVATE_SUB", "status": "PENDING", "...": "..." },
        "caCertInfo": null }
    ]
  }
}"#;

/// §2.4 Update CA example body.
const UPDATE_CA_BODY: &str = r#"{ "status": "DESTROYING" }"#;

/// §2.6 Get CA Chain response.
const GET_CA_CHAIN: &str = r#"{ "code": "SUCCESS", "msg": "Success",
  "data": "-----BEGIN CERTIFICATE-----\n{CA Chain}\n-----END CERTIFICATE-----" }"#;

/// §2.9 Sign Sub Csr response.
const SIGN_SUB_CSR: &str = r#"{
  "code": "SUCCESS", "msg": "Success",
  "data": {
    "certificate": "-----BEGIN CERTIFICATE-----\n{Certificate}\n-----END CERTIFICATE-----",
    "caChain": ["-----BEGIN CERTIFICATE-----\n{Parent CA}\n-----END CERTIFICATE-----"],
    "issuer": "-----BEGIN CERTIFICATE-----\n{Parent CA}\n-----END CERTIFICATE-----",
    "serialNo": "2b:9c:...:10",
    "ocspResponder": ""
  }
}"#;

/// §2.11 Issue End Cert minimal body.
const ISSUE_END_CERT_BODY: &str = r#"{ "x509Parameters": { "commonName": "name000" } }"#;

/// §2.11 Issue End Cert response.
const ISSUE_END_CERT: &str = r#"{
  "code": "SUCCESS", "msg": "Success",
  "data": {
    "privateKey": "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
    "certificate": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----",
    "serialNo": "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20",
    "caChain": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----",
    "issuer": "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----",
    "ocspResponder": "https://pca.apigw.ntruss.com/ext/1a2b3c4d-5e6f7a8b/ocsp"
  }
}"#;

/// §2.13 Get End Cert List response.
const GET_END_CERT_LIST: &str = r#"{ "code": "SUCCESS", "msg": "Success",
  "data": { "totalCnt": 2,
            "listCerts": ["3a:1f:…:10:20", "4b:20:…:21:31"],
            "totalPageNo": 1, "currentPageNo": 1 } }"#;

/// §2.14 Get End Cert response.
const GET_END_CERT: &str = r#"{ "code": "SUCCESS", "msg": "Success",
  "data": { "commonName": "name001", "notAfterDate": 2036465242000,
            "publicKeyAlgorithm": "RSA", "notBeforeDate": 1721105212000,
            "certPem": "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----",
            "caChain": "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----",
            "ocspResponder": "", "signatureAlgorithm": "SHA256WITHRSA",
            "serialNo": "3a:1f:…:10:20" } }"#;

/// §2.17 Get CA User List response.
const GET_CA_USER_LIST: &str = r#"{ "code": "SUCCESS", "msg": "Success",
  "data": [ { "loginId": "USER", "mbrNo": 2761234, "idNo": "6e4c1234-5678-90ab-cdef-1234567a9baa" } ] }"#;

/// §2.19 Create OCSP example body.
const CREATE_OCSP_BODY: &str =
    r#"{ "ocsp_servers": "https://pca.apigw.ntruss.com/ext/1a2b3c4d-5e6f7a8b/ocsp" }"#;

/// §2.22 Update CRL Config example body, and its response `data`.
const UPDATE_CRL_CONFIG_BODY: &str = r#"{ "expiry": "5" }"#;

// ---------------------------------------------------------------------------------------
// every example decodes and re-encodes
// ---------------------------------------------------------------------------------------

#[test]
fn envelope_examples() {
    let e: Envelope<NoData> = exact_round_trip(ENVELOPE_NULL);
    assert!(e.is_success());
    assert_eq!(e.data, None);
    assert_eq!(e.error_code(), ErrorCode::Success);

    let err: Envelope<NoData> = exact_round_trip(ERROR_ENVELOPE);
    assert!(!err.is_success());
    assert_eq!(err.error_code(), ErrorCode::EmptyCaAlias);
    assert_eq!(err.msg, "alias is missing.");
    assert_eq!(
        serde_json::to_value(ErrorCode::EmptyCaAlias.envelope::<NoData>()).unwrap(),
        serde_json::from_str::<Value>(ERROR_ENVELOPE).unwrap(),
        "the emulator's error envelope is the spec's"
    );
    let parsed = ErrorBody::parse(ERROR_ENVELOPE.as_bytes());
    assert_eq!(parsed.error_code(), Some(ErrorCode::EmptyCaAlias));
}

#[test]
fn gateway_error_example() {
    let g: GatewayErrorBody = exact_round_trip(GATEWAY_ERROR);
    assert_eq!(g.error.error_code, "200");
    assert_eq!(
        pca::api::error::GatewayError::AUTHENTICATION_FAILED
            .body(Some("Invalid authentication information.")),
        g
    );
    let parsed = ErrorBody::parse(GATEWAY_ERROR.as_bytes());
    assert_eq!(parsed, ErrorBody::Gateway(g));
    assert_eq!(parsed.code(), Some("200"));
    assert_eq!(
        parsed.message(),
        "Authentication Failed: Invalid authentication information."
    );
}

#[test]
fn ca_record_example() {
    let r: CaRecord = exact_round_trip(CA_RECORD);
    let info = r.ca_info.as_ref().unwrap();
    assert_eq!(info.ca_id, Some(1201));
    assert_eq!(
        info.ca_tag.as_ref().map(CaTag::as_str),
        Some("1a2b3c4d-5e6f7a8b")
    );
    assert_eq!(info.ca_type, Some(CaType::PrivateRoot));
    assert_eq!(info.status, Some(CaStatus::Active));
    assert_eq!(info.signing_count, Some(0));
    assert_eq!(info.rgst_date, Some(1_721_105_212_000));
    assert_eq!(info.destroy_date, None);
    let urls = info.url_info.as_ref().unwrap();
    assert!(urls.ocsp.is_empty());
    assert_eq!(urls.crl.len(), 1);
    let cert = r.ca_cert_info.as_ref().unwrap();
    assert_eq!(cert.ca_cert_id, Some(3301));
    assert!(cert.serial_no.as_ref().unwrap().is_well_formed());
    assert_eq!(cert.not_after_date, Some(2_036_465_242_000));

    // The record is the `data` of Create CA, Get CA and Activate Sub CA.
    let wrapped = success(serde_json::from_str::<Value>(CA_RECORD).unwrap());
    let created: CreateCaResponse = exact_round_trip(&wrapped);
    let got: GetCaResponse = exact_round_trip(&wrapped);
    let activated: ActivateSubCaResponse = exact_round_trip(&wrapped);
    assert_eq!(created.data.as_ref(), Some(&r));
    assert_eq!(got, created);
    assert_eq!(activated, created);
}

#[test]
fn create_ca_request_example() {
    let req: CreateCaRequest = exact_round_trip(CREATE_CA_BODY);
    assert_eq!(req.alias, "CA002");
    assert_eq!(req.key_type, KeyType::Rsa2048);
    assert_eq!(req.period, Period::Max);
    assert_eq!(req.memo, None);
    assert_eq!(req.x509_parameters.common_name, "name000");
    assert_eq!(req.x509_parameters.country.as_deref(), Some("KOR"));
    assert_eq!(req.x509_parameters.alt_name, None);

    // Built by hand (as the client does), it serializes to the example.
    let built = CreateCaRequest {
        alias: "CA002".into(),
        memo: None,
        key_type: KeyType::Rsa2048,
        period: Period::Max,
        x509_parameters: X509CaParameters {
            common_name: "name000".into(),
            country: Some("KOR".into()),
            organization: Some("org000".into()),
            organization_unit: Some("org001".into()),
            locality: Some("Pangyo".into()),
            state_province: Some("Gyeonggi-do".into()),
            ..Default::default()
        },
    };
    assert_eq!(built, req);
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        serde_json::from_str::<Value>(CREATE_CA_BODY).unwrap()
    );

    // Its request line: POST /api/v1/ca?caType=PRIVATE_ROOT (signature vector 2).
    let q = CreateCaQuery {
        ca_type: CaType::PrivateRoot,
        issuer_tag: None,
    };
    assert_eq!(
        request_uri(
            &ops::CREATE_CA.path_for(&[]).unwrap(),
            &query_string(&q.to_pairs())
        ),
        "/api/v1/ca?caType=PRIVATE_ROOT"
    );
}

#[test]
fn get_ca_list_example() {
    let (list, _) = round_trip::<GetCaListResponse>(GET_CA_LIST);
    assert!(list.is_success());
    let data = list.data.unwrap();
    assert_eq!(
        (data.total_cnt, data.total_page_no, data.current_page_no),
        (Some(2), Some(1), Some(1))
    );
    assert!(!data.has_next_page());
    assert_eq!(data.ca_info_list.len(), 2);
    let root = &data.ca_info_list[0];
    assert_eq!(
        root.ca_info.as_ref().unwrap().alias.as_deref(),
        Some("corp-root")
    );
    assert_eq!(
        root.ca_cert_info.as_ref().unwrap().common_name.as_deref(),
        Some("Corp Root CA")
    );
    let sub = &data.ca_info_list[1];
    assert_eq!(
        sub.ca_info.as_ref().unwrap().ca_type,
        Some(CaType::PrivateSub)
    );
    assert_eq!(
        sub.ca_info.as_ref().unwrap().status,
        Some(CaStatus::Pending)
    );
    assert_eq!(sub.ca_cert_info, None);
    // A pending CA's certificate is written back as an explicit null.
    let encoded = serde_json::to_value(sub).unwrap();
    assert_eq!(encoded["caCertInfo"], Value::Null);
}

#[test]
fn update_ca_request_example() {
    let req: UpdateCaRequest = exact_round_trip(UPDATE_CA_BODY);
    assert_eq!(req.status, CaStatus::Destroying);
    assert_eq!(req.memo, None);
    let with_memo = UpdateCaRequest {
        status: CaStatus::Active,
        memo: Some("m".into()),
    };
    assert_eq!(
        serde_json::to_value(&with_memo).unwrap(),
        json!({"status": "ACTIVE", "memo": "m"})
    );
}

#[test]
fn get_ca_chain_example() {
    let r: GetCaChainResponse = exact_round_trip(GET_CA_CHAIN);
    assert!(r.data.unwrap().starts_with("-----BEGIN CERTIFICATE-----\n"));
}

#[test]
fn sign_sub_csr_example() {
    let r: SignSubCsrResponse = exact_round_trip(SIGN_SUB_CSR);
    let d = r.data.unwrap();
    assert_eq!(
        d.ca_chain,
        Some(CaChain::List(vec![
            "-----BEGIN CERTIFICATE-----\n{Parent CA}\n-----END CERTIFICATE-----".into()
        ]))
    );
    assert_eq!(d.ocsp_responder.as_deref(), Some(""));
    assert_eq!(
        d.serial_no.as_ref().map(SerialNo::as_str),
        Some("2b:9c:...:10")
    );
    // Sign End Csr shares the payload.
    let end: SignEndCsrResponse = exact_round_trip(SIGN_SUB_CSR);
    assert_eq!(end.data.as_ref(), Some(&d));
}

#[test]
fn issue_end_cert_examples() {
    let req: IssueEndCertRequest = exact_round_trip(ISSUE_END_CERT_BODY);
    assert_eq!(req.x509_parameters.common_name, "name000");
    assert_eq!((req.key_type.as_ref(), req.period.as_ref()), (None, None));
    let full = IssueEndCertRequest {
        key_type: Some(KeyType::Ec256),
        period: Some(Period::Days(90)),
        x509_parameters: X509EndCertParameters {
            common_name: "svc.example.com".into(),
            alt_name: Some("svc.example.com,api.example.com".into()),
            street_address: Some("1 Main St".into()),
            ..Default::default()
        },
    };
    assert_eq!(
        serde_json::to_value(&full).unwrap(),
        json!({"keyType": "EC256", "period": "90", "x509Parameters": {
            "commonName": "svc.example.com", "altName": "svc.example.com,api.example.com",
            "streetAddress": "1 Main St"}})
    );

    let r: IssueEndCertResponse = exact_round_trip(ISSUE_END_CERT);
    let d = r.data.unwrap();
    assert!(
        d.private_key
            .as_deref()
            .unwrap()
            .contains("RSA PRIVATE KEY")
    );
    assert_eq!(
        d.ca_chain,
        Some(CaChain::Pem(
            "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----".into()
        ))
    );
    let dbg = format!("{d:?}");
    assert!(
        !dbg.contains("MIIE"),
        "Debug must redact the private key: {dbg}"
    );
    assert!(dbg.contains("<redacted>"));
}

#[test]
fn get_end_cert_list_example() {
    let r: GetEndCertListResponse = exact_round_trip(GET_END_CERT_LIST);
    let d = r.data.unwrap();
    assert_eq!(d.total_cnt, Some(2));
    assert_eq!(
        d.list_certs,
        vec![
            SerialNo::from("3a:1f:…:10:20"),
            SerialNo::from("4b:20:…:21:31")
        ]
    );
    assert!(!d.has_next_page());
}

#[test]
fn get_end_cert_example() {
    let r: GetEndCertResponse = exact_round_trip(GET_END_CERT);
    let d = r.data.unwrap();
    assert_eq!(d.common_name.as_deref(), Some("name001"));
    assert_eq!(d.not_before_date, Some(1_721_105_212_000));
    assert_eq!(d.not_after_date, Some(2_036_465_242_000));
    assert!(matches!(d.ca_chain, Some(CaChain::Pem(_))));
}

#[test]
fn get_ca_user_list_example() {
    let r: GetCaUserListResponse = exact_round_trip(GET_CA_USER_LIST);
    let users = r.data.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].login_id.as_deref(), Some("USER"));
    assert_eq!(users[0].mbr_no.as_ref().map(MbrNo::as_str), Some("2761234"));
    assert_eq!(
        users[0].mbr_no.as_ref().and_then(MbrNo::as_u64),
        Some(2_761_234)
    );
    assert_eq!(
        users[0].id_no.as_ref().map(IdNo::as_str),
        Some("6e4c1234-5678-90ab-cdef-1234567a9baa")
    );
}

#[test]
fn create_ocsp_example() {
    let req: CreateOcspRequest = exact_round_trip(CREATE_OCSP_BODY);
    assert_eq!(
        req.ocsp_servers,
        "https://pca.apigw.ntruss.com/ext/1a2b3c4d-5e6f7a8b/ocsp"
    );
    assert_eq!(
        format!(
            "https://pca.apigw.ntruss.com{}",
            pca::api::limits::ocsp_responder_path("1a2b3c4d-5e6f7a8b")
        ),
        req.ocsp_servers
    );
}

#[test]
fn crl_config_examples() {
    let req: UpdateCrlConfigRequest = exact_round_trip(UPDATE_CRL_CONFIG_BODY);
    assert_eq!(req.expiry, "5");
    assert_eq!(req.expiry_days(), Some(5));
    let resp: UpdateCrlConfigResponse = exact_round_trip(&success(json!({"expiry": "5"})));
    assert_eq!(resp.data.unwrap().expiry.as_deref(), Some("5"));
    let got: GetCrlConfigResponse = exact_round_trip(&success(json!({"expiry": "3"})));
    assert_eq!(CrlConfig::effective_expiry(got.data.as_ref()), "3");
}

/// The operations whose examples are described in prose rather than JSON: their documented
/// request bodies and `data` shapes, built from the spec's tables.
#[test]
fn prose_documented_shapes() {
    // §2.7 Get CA CRL: data = PEM string.
    let crl: GetCaCrlResponse = exact_round_trip(&success(
        "-----BEGIN X509 CRL-----\nMIIB...\n-----END X509 CRL-----",
    ));
    assert!(crl.data.unwrap().contains("X509 CRL"));
    // §2.8 Get Sub CSR.
    let csr: GetSubCsrResponse = exact_round_trip(&success(
        json!({"csrPem": "-----BEGIN CERTIFICATE REQUEST-----\nMIIC...\n-----END CERTIFICATE REQUEST-----"}),
    ));
    assert!(
        csr.data
            .unwrap()
            .csr_pem
            .unwrap()
            .contains("CERTIFICATE REQUEST")
    );
    // §2.9 Sign Sub Csr body (doc example period "10").
    let sign_sub: SignSubCsrRequest = exact_round_trip(
        r#"{"period": "10", "csrPem": "-----BEGIN CERTIFICATE REQUEST-----\nX\n-----END CERTIFICATE REQUEST-----"}"#,
    );
    assert_eq!(sign_sub.period, Period::Days(10));
    // §2.10 Activate Sub CA body.
    let act: ActivateSubCaRequest = exact_round_trip(
        r#"{"certPem": "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----", "caChainPem": "-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----"}"#,
    );
    assert!(act.ca_chain_pem.contains('B'));
    // §2.12 Sign End Csr body: documented csrPem, plus NAVER's issuer's extras (A8).
    let sign_end: SignEndCsrRequest = exact_round_trip(
        r#"{"csrPem": "-----BEGIN CERTIFICATE REQUEST-----\nX\n-----END CERTIFICATE REQUEST-----"}"#,
    );
    assert_eq!(sign_end.period, None);
    let extras: SignEndCsrRequest = exact_round_trip(
        r#"{"csrPem": "P", "period": "30", "keyType": "ECDSA", "keyBits": "256"}"#,
    );
    assert_eq!(extras.period, Some(Period::Days(30)));
    assert_eq!(extras.key_bits.as_deref(), Some("256"));
    // §2.16 Add CA User body.
    let add: AddCaUserRequest =
        exact_round_trip(r#"{"idNo": "6e4c1234-5678-90ab-cdef-1234567a9baa"}"#);
    assert_eq!(add.id_no.as_str(), "6e4c1234-5678-90ab-cdef-1234567a9baa");
    // §2.4 Update CA response (record shape, as the emulator returns it).
    let upd: UpdateCaResponse =
        exact_round_trip(&success(serde_json::from_str::<Value>(CA_RECORD).unwrap()));
    assert!(matches!(upd.data, Some(UpdateCaData::Record(_))));
    // `data: null` operations: Delete CA, Revoke, Add/Delete CA User, Create/Delete OCSP,
    // Rotate CRL, Trim CA.
    let _: DeleteCaResponse = exact_round_trip(ENVELOPE_NULL);
    let _: RevokeEndCertResponse = exact_round_trip(ENVELOPE_NULL);
    let _: AddCaUserResponse = exact_round_trip(ENVELOPE_NULL);
    let _: DeleteCaUserResponse = exact_round_trip(ENVELOPE_NULL);
    let _: CreateOcspResponse = exact_round_trip(ENVELOPE_NULL);
    let _: DeleteOcspResponse = exact_round_trip(ENVELOPE_NULL);
    let _: RotateCrlResponse = exact_round_trip(ENVELOPE_NULL);
    let _: TrimCaResponse = exact_round_trip(ENVELOPE_NULL);
}

// ---------------------------------------------------------------------------------------
// operation table: paths and queries
// ---------------------------------------------------------------------------------------

const TAG: &str = "1a2b3c4d-5e6f7a8b";
const SERIAL: &str = "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20";
const ID_NO: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";

#[test]
fn every_operation_builds_its_path() {
    let expect: [(&Operation, Method, &str, bool); 24] = [
        (&ops::CREATE_CA, Method::Post, "/api/v1/ca", false),
        (&ops::GET_CA_LIST, Method::Get, "/api/v1/ca", true),
        (
            &ops::GET_CA,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b",
            true,
        ),
        (
            &ops::UPDATE_CA,
            Method::Put,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b",
            true,
        ),
        (
            &ops::DELETE_CA,
            Method::Delete,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b",
            true,
        ),
        (
            &ops::GET_CA_CHAIN,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/chain",
            true,
        ),
        (
            &ops::GET_CA_CRL,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/crl",
            true,
        ),
        (
            &ops::GET_SUB_CSR,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/sub/csr",
            true,
        ),
        (
            &ops::SIGN_SUB_CSR,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/sub/sign",
            false,
        ),
        (
            &ops::ACTIVATE_SUB_CA,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/activate",
            false,
        ),
        (
            &ops::ISSUE_END_CERT,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert",
            false,
        ),
        (
            &ops::SIGN_END_CSR,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/sign",
            false,
        ),
        (
            &ops::GET_END_CERT_LIST,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert",
            true,
        ),
        (
            &ops::GET_END_CERT,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20",
            true,
        ),
        (
            &ops::REVOKE_END_CERT,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20/revoke",
            false,
        ),
        (
            &ops::ADD_CA_USER,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/users",
            false,
        ),
        (
            &ops::GET_CA_USER_LIST,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/users",
            true,
        ),
        (
            &ops::DELETE_CA_USER,
            Method::Delete,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/users/6e4c1234-5678-90ab-cdef-1234567a9baa",
            true,
        ),
        (
            &ops::CREATE_OCSP,
            Method::Put,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/urls",
            true,
        ),
        (
            &ops::DELETE_OCSP,
            Method::Delete,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/urls",
            true,
        ),
        (
            &ops::GET_CRL_CONFIG,
            Method::Get,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/crl/config",
            true,
        ),
        (
            &ops::UPDATE_CRL_CONFIG,
            Method::Put,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/crl/config",
            true,
        ),
        (
            &ops::ROTATE_CRL,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/crl/rotate",
            false,
        ),
        (
            &ops::TRIM_CA,
            Method::Post,
            "/api/v1/ca/1a2b3c4d-5e6f7a8b/trim",
            false,
        ),
    ];
    for (i, (op, method, path, idempotent)) in expect.iter().enumerate() {
        assert_eq!(ops::ALL[i], *op, "ALL is in spec order");
        assert_eq!(op.method, *method, "{}", op.name);
        assert_eq!(op.idempotent, *idempotent, "{}", op.name);
        let params: Vec<(&str, &str)> = op
            .path_params()
            .into_iter()
            .map(|p| match p {
                "caTag" => ("caTag", TAG),
                "serialNo" => ("serialNo", SERIAL),
                "idNo" => ("idNo", ID_NO),
                other => panic!("unexpected placeholder {other}"),
            })
            .collect();
        assert_eq!(op.path_for(&params).as_deref(), Ok(*path), "{}", op.name);
        assert!(path.starts_with(API_PREFIX));
        assert!(op.full_template().starts_with("/api/v1/ca"));
        // The emulator side finds the same operation and parameters back.
        let (found, got) = ops::find(*method, path).unwrap();
        assert_eq!(found, *op);
        assert_eq!(got.len(), params.len());
    }
    let names: Vec<&str> = ops::ALL.iter().map(|o| o.name).collect();
    assert_eq!(names[0], "Create CA");
    assert_eq!(names[23], "Trim CA");
}

#[test]
fn serial_segments_accept_escaped_colons_on_the_emulator_side() {
    let (op, params) = ops::find(
        Method::Get,
        "/api/v1/ca/1a2b3c4d-5e6f7a8b/cert/3A%3A1F%3a00%3A9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20",
    )
    .unwrap();
    assert_eq!(op, &ops::GET_END_CERT);
    let serial = SerialNo::from(SERIAL);
    assert!(serial.matches_segment(&params[1].1));
    assert!(
        serial.matches_segment("3a%3A1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:AB:cd:ef:10:20")
    );
    assert!(!serial.matches_segment("3a:1f"));
}

#[test]
fn query_strings_are_deterministic() {
    let sub = CreateCaQuery {
        ca_type: CaType::PrivateSub,
        issuer_tag: Some(CaTag::from(TAG)),
    };
    assert_eq!(
        query_string(&sub.to_pairs()),
        "caType=PRIVATE_SUB&issuerTag=1a2b3c4d-5e6f7a8b"
    );
    assert_eq!(
        query_string(&GetCaListQuery::page(1).to_pairs()),
        "pageNo=1"
    );
    assert_eq!(query_string(&GetEndCertListQuery::default().to_pairs()), "");
    assert_eq!(
        query_string(
            &SignEndCsrQuery {
                period: Some(Period::Max)
            }
            .to_pairs()
        ),
        "period=MAX"
    );
    assert_eq!(
        query_string(&[("issuerTag", "a b/c")]),
        "issuerTag=a%20b%2Fc"
    );
    assert_eq!(
        request_uri(
            &ops::GET_CA_LIST.path_for(&[]).unwrap(),
            &query_string(&GetCaListQuery::page(1).to_pairs())
        ),
        "/api/v1/ca?pageNo=1"
    );
    assert_eq!(request_uri("/api/v1/ca/x", ""), "/api/v1/ca/x");
    // Query structs also decode from a URL query (the emulator's axum `Query`) and from pairs.
    let parsed = pca::api::uri::parse_query("caType=PRIVATE_SUB&issuerTag=1a2b3c4d-5e6f7a8b");
    let back = CreateCaQuery {
        ca_type: CaType::from_wire(&parsed[0].1),
        issuer_tag: Some(CaTag::from(parsed[1].1.as_str())),
    };
    assert_eq!(back, sub);
    // Serde shape of the query (what a form/query serializer would see).
    assert_eq!(
        serde_json::to_value(&sub).unwrap(),
        json!({"caType": "PRIVATE_SUB", "issuerTag": "1a2b3c4d-5e6f7a8b"})
    );
}

// ---------------------------------------------------------------------------------------
// ambiguities (spec §3)
// ---------------------------------------------------------------------------------------

fn ca_info(v: Value) -> CaInfo {
    let direct: CaInfo = serde_json::from_str(&v.to_string()).unwrap();
    let via_value: CaInfo = serde_json::from_value(v).unwrap();
    assert_eq!(direct, via_value);
    direct
}

#[test]
fn a15_dates_and_counts_accept_number_numeric_string_or_null() {
    let cases: [(Value, Option<i64>); 12] = [
        (json!(1721105212000_i64), Some(1_721_105_212_000)),
        (json!("1721105212000"), Some(1_721_105_212_000)),
        (json!(" 1721105212000 "), Some(1_721_105_212_000)),
        (json!(1.721105212e12), Some(1_721_105_212_000)),
        (
            serde_json::from_str("1721105212000.0").unwrap(),
            Some(1_721_105_212_000),
        ),
        (
            serde_json::from_str("1.721105212E12").unwrap(),
            Some(1_721_105_212_000),
        ),
        (json!("1.5"), Some(1)),
        (json!(null), None),
        (json!(""), None),
        (json!("2024-07-16 12:00:00"), None),
        (serde_json::from_str("1e400").unwrap(), None),
        (json!(-5), Some(-5)),
    ];
    for (v, expect) in cases {
        let info =
            ca_info(json!({"statusUpdateDate": v, "destroyDate": v, "signingCount": v, "caId": v}));
        assert_eq!(info.status_update_date, expect, "{v}");
        assert_eq!(info.destroy_date, expect, "{v}");
        assert_eq!(info.signing_count, expect, "{v}");
        assert_eq!(info.ca_id, expect, "{v}");
    }
    // Absent → None; the emulator writes integers, and `destroyDate: null` when unset.
    let info = ca_info(json!({}));
    assert_eq!(info.rgst_date, None);
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        json!({"destroyDate": null})
    );
    let info = CaInfo {
        rgst_date: Some(1),
        destroy_date: Some(2),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        json!({"rgstDate": 1, "destroyDate": 2})
    );
    // Wrong JSON types are errors, not silent Nones.
    assert!(serde_json::from_value::<CaInfo>(json!({"rgstDate": true})).is_err());
    assert!(serde_json::from_value::<CaInfo>(json!({"rgstDate": [1]})).is_err());
    // Same rules in certificates and pages.
    let cert: GetEndCertData =
        serde_json::from_value(json!({"notBeforeDate": "1", "notAfterDate": 2})).unwrap();
    assert_eq!(
        (cert.not_before_date, cert.not_after_date),
        (Some(1), Some(2))
    );
    let page: GetCaListData = serde_json::from_value(
        json!({"totalCnt": "12", "totalPageNo": 2.0, "currentPageNo": "1", "caInfoList": null}),
    )
    .unwrap();
    assert_eq!(
        (page.total_cnt, page.total_page_no, page.current_page_no),
        (Some(12), Some(2), Some(1))
    );
    assert!(page.has_next_page());
    assert!(page.ca_info_list.is_empty());
}

#[test]
fn a16_mbr_no_is_number_or_string_and_mdr_no_is_tolerated() {
    let users: Vec<CaUser> = serde_json::from_value(json!([
        {"loginId": "a", "mbrNo": 2761234, "idNo": "i1"},
        {"loginId": "b", "mbrNo": "2761235", "idNo": "i2"},
        {"loginId": "c", "mdrNo": 2761236, "idNo": "i3"},
        {"loginId": "d", "mbrNo": "M-77", "idNo": "i4"},
        {"loginId": "e", "mbrNo": 123456789012345678901234567890_u128, "idNo": "i5"},
        {"loginId": "f", "mbrNo": null},
    ]))
    .unwrap();
    let mbr: Vec<Option<&str>> = users
        .iter()
        .map(|u| u.mbr_no.as_ref().map(MbrNo::as_str))
        .collect();
    assert_eq!(
        mbr,
        [
            Some("2761234"),
            Some("2761235"),
            Some("2761236"),
            Some("M-77"),
            Some("123456789012345678901234567890"),
            None
        ]
    );
    // Encoding: an integer when it is one (the emulator's form), else a string.
    let enc: Vec<Value> = users
        .iter()
        .map(|u| serde_json::to_value(u).unwrap())
        .collect();
    assert_eq!(enc[1]["mbrNo"], json!(2761235));
    assert_eq!(enc[2]["mbrNo"], json!(2761236));
    assert!(enc[2].get("mdrNo").is_none());
    assert_eq!(enc[3]["mbrNo"], json!("M-77"));
    assert_eq!(enc[4]["mbrNo"], json!("123456789012345678901234567890"));
    assert_eq!(
        serde_json::to_value(MbrNo::from("007")).unwrap(),
        json!("007")
    );
    assert_eq!(serde_json::to_value(MbrNo::from(5_u64)).unwrap(), json!(5));
}

#[test]
fn a13_ca_chain_is_string_or_list_everywhere() {
    let list = json!([
        "-----BEGIN CERTIFICATE-----\nI\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nR\n-----END CERTIFICATE-----"
    ]);
    let string = json!(
        "-----BEGIN CERTIFICATE-----\nI\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nR\n-----END CERTIFICATE-----"
    );
    for chain in [&list, &string] {
        let issue: IssueEndCertData = serde_json::from_value(json!({"caChain": chain})).unwrap();
        let get: GetEndCertData = serde_json::from_value(json!({"caChain": chain})).unwrap();
        let sign: SignCsrData = serde_json::from_value(json!({"caChain": chain})).unwrap();
        for c in [issue.ca_chain, get.ca_chain, sign.ca_chain] {
            let c = c.unwrap();
            assert_eq!(c.pem_blocks().len(), 2, "{chain}");
            assert!(c.pem_blocks()[1].contains("\nR\n"));
            // The wire form is kept for the emulator.
            assert_eq!(&serde_json::to_value(&c).unwrap(), chain);
        }
    }
    let list_chain: CaChain = serde_json::from_value(list).unwrap();
    assert_eq!(list_chain.entries().len(), 2);
    assert_eq!(list_chain.concatenated(), string.as_str().unwrap());
    let null_chain: SignCsrData = serde_json::from_value(json!({"caChain": null})).unwrap();
    assert_eq!(null_chain.ca_chain, None);
    assert!(CaChain::Pem(String::new()).entries().is_empty());
    let with_null: CaChain = serde_json::from_value(json!(["a", null, "b"])).unwrap();
    assert_eq!(with_null, CaChain::List(vec!["a".into(), "b".into()]));
    assert!(serde_json::from_value::<CaChain>(json!(5)).is_err());
}

#[test]
fn a17_update_ca_accepts_both_shapes() {
    // Current docs / emulator: {caInfo, caCertInfo}, plus the stray top-level destroyDate.
    let record: UpdateCaResponse = serde_json::from_value(json!({
        "code": "SUCCESS", "msg": "Success",
        "data": {"caInfo": {"caTag": "t", "status": "DESTROYING", "destroyDate": null},
                 "caCertInfo": {"commonName": "cn"}, "destroyDate": "1721364412000"}
    }))
    .unwrap();
    let d = record.data.unwrap();
    assert!(matches!(d, UpdateCaData::Record(_)));
    assert_eq!(
        d.ca_info().and_then(|i| i.status.clone()),
        Some(CaStatus::Destroying)
    );
    assert_eq!(
        d.ca_cert_info().and_then(|c| c.common_name.as_deref()),
        Some("cn")
    );
    assert_eq!(d.destroy_date(), Some(1_721_364_412_000));
    let re = serde_json::to_value(&d).unwrap();
    assert_eq!(re["destroyDate"], json!(1_721_364_412_000_i64));
    assert_eq!(serde_json::from_value::<UpdateCaData>(re).unwrap(), d);

    // Old page / generated client: data is the bare caInfo.
    let bare: UpdateCaResponse = serde_json::from_value(json!({
        "code": "SUCCESS", "msg": "Success",
        "data": {"caId": 7, "caTag": "t", "status": "DESTROYING", "destroyDate": 1721364412000_i64}
    }))
    .unwrap();
    let d = bare.data.unwrap();
    assert!(matches!(d, UpdateCaData::Bare(_)));
    assert_eq!(d.ca_info().and_then(|i| i.ca_id), Some(7));
    assert_eq!(d.ca_cert_info(), None);
    assert_eq!(d.destroy_date(), Some(1_721_364_412_000));
    let re = serde_json::to_value(&d).unwrap();
    assert!(re.get("caInfo").is_none(), "the bare shape is kept: {re}");
    assert_eq!(serde_json::from_value::<UpdateCaData>(re).unwrap(), d);

    // From a Get CA record (what the emulator returns).
    let rec: CaRecord = serde_json::from_str(CA_RECORD).unwrap();
    let d = UpdateCaData::from(rec.clone());
    assert_eq!(d.ca_info(), rec.ca_info.as_ref());
    assert!(serde_json::from_value::<UpdateCaData>(json!("x")).is_err());
    let null: UpdateCaResponse =
        serde_json::from_value(json!({"code": "SUCCESS", "data": null})).unwrap();
    assert_eq!(null.data, None);
}

#[test]
fn success_code_is_case_insensitive() {
    for code in ["SUCCESS", "Success", "success"] {
        let e: Envelope<NoData> =
            serde_json::from_value(json!({"code": code, "msg": "Success", "data": null})).unwrap();
        assert!(e.is_success(), "{code}");
        assert_eq!(e.error_code(), ErrorCode::Success);
        // The code is kept verbatim.
        assert_eq!(serde_json::to_value(&e).unwrap()["code"], json!(code));
    }
    let e: Envelope<NoData> = serde_json::from_value(json!({"code": "NOT_FOUND"})).unwrap();
    assert!(!e.is_success());
    assert_eq!(e.msg, "");
    assert_eq!(e.error_code().http_status(), 400);
    let e = Envelope::success(Some(CrlConfig {
        expiry: Some("3".into()),
    }));
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"code": "SUCCESS", "msg": "Success", "data": {"expiry": "3"}})
    );
}

#[test]
fn a2_a3_a4_typo_aliases_decode_to_the_right_fields() {
    let req: CreateCaRequest = serde_json::from_value(json!({
        "alias": "ca1", "keyType": "EC521", "period": "365",
        "X509CaParameters": {"commonName": "cn", "contry": "KR", "organicationUnit": "ou"}
    }))
    .unwrap();
    assert_eq!(req.x509_parameters.country.as_deref(), Some("KR"));
    assert_eq!(req.x509_parameters.organization_unit.as_deref(), Some("ou"));
    assert_eq!(req.key_type, KeyType::Ec521);
    assert_eq!(req.period, Period::Days(365));
    let out = serde_json::to_value(&req).unwrap();
    assert_eq!(
        out,
        json!({"alias": "ca1", "keyType": "EC521", "period": "365",
               "x509Parameters": {"commonName": "cn", "country": "KR", "organizationUnit": "ou"}})
    );
    let end: IssueEndCertRequest = serde_json::from_value(
        json!({"X509EndCertParameters": {"commonName": "cn", "contry": "KR"}}),
    )
    .unwrap();
    assert_eq!(end.x509_parameters.country.as_deref(), Some("KR"));
}

#[test]
fn a23_period_and_expiry_strings_tolerate_numbers() {
    let cases: [(Value, Period); 8] = [
        (json!("MAX"), Period::Max),
        (json!("3650"), Period::Days(3650)),
        (json!(10), Period::Days(10)),
        (json!("010"), Period::Other("010".into())),
        (json!("max"), Period::Other("max".into())),
        (json!("-1"), Period::Other("-1".into())),
        (json!("99999999999"), Period::Other("99999999999".into())),
        (json!(""), Period::Other(String::new())),
    ];
    for (v, expect) in cases {
        let req: SignSubCsrRequest =
            serde_json::from_value(json!({"period": v, "csrPem": "x"})).unwrap();
        assert_eq!(req.period, expect, "{v}");
    }
    // Always encoded as a string.
    let req = SignSubCsrRequest {
        period: Period::Days(10),
        csr_pem: "x".into(),
        ..SignSubCsrRequest::default()
    };
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"period": "10", "csrPem": "x"})
    );
    assert!(Period::Days(1).days_in_range(false));
    assert!(!Period::Days(0).days_in_range(true));
    assert!(!Period::Days(3651).days_in_range(true));
    assert!(Period::Max.days_in_range(true));
    assert!(!Period::Max.days_in_range(false));
    // CRL expiry.
    let req: UpdateCrlConfigRequest = serde_json::from_value(json!({"expiry": 7})).unwrap();
    assert_eq!(req.expiry, "7");
    assert_eq!(serde_json::to_value(&req).unwrap(), json!({"expiry": "7"}));
    assert_eq!(
        UpdateCrlConfigRequest { expiry: "x".into() }.expiry_days(),
        None
    );
    let cfg: CrlConfig = serde_json::from_value(json!({"expiry": 4})).unwrap();
    assert_eq!(cfg.expiry.as_deref(), Some("4"));
}

#[test]
fn a27_crl_config_never_set_means_three_days() {
    let null: GetCrlConfigResponse =
        serde_json::from_value(json!({"code": "SUCCESS", "msg": "Success", "data": null})).unwrap();
    assert_eq!(CrlConfig::effective_expiry(null.data.as_ref()), "3");
    let empty: GetCrlConfigResponse =
        serde_json::from_value(json!({"code": "SUCCESS", "data": {}})).unwrap();
    assert_eq!(CrlConfig::effective_expiry(empty.data.as_ref()), "3");
    let set: GetCrlConfigResponse =
        serde_json::from_value(json!({"code": "SUCCESS", "data": {"expiry": "9"}})).unwrap();
    assert_eq!(CrlConfig::effective_expiry(set.data.as_ref()), "9");
}

#[test]
fn missing_required_request_fields_decode_as_empty_for_the_emulator() {
    let req: CreateCaRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(req.alias, "");
    assert!(req.key_type.is_missing());
    assert!(req.period.is_missing());
    assert!(req.x509_parameters.is_empty());
    let req: CreateCaRequest =
        serde_json::from_value(json!({"x509Parameters": {"country": "KR"}})).unwrap();
    assert!(!req.x509_parameters.is_empty());
    assert_eq!(req.x509_parameters.common_name, "");
    let q: CreateCaQuery = serde_json::from_str("{}").unwrap();
    assert!(q.ca_type.is_missing());
    let u: UpdateCaRequest = serde_json::from_str(r#"{"memo":"only memo"}"#).unwrap();
    assert!(u.status.is_missing());
    assert!(
        serde_json::from_str::<SignEndCsrRequest>("{}")
            .unwrap()
            .csr_pem
            .is_empty()
    );
    assert!(
        serde_json::from_str::<ActivateSubCaRequest>("{}")
            .unwrap()
            .cert_pem
            .is_empty()
    );
    assert!(
        serde_json::from_str::<AddCaUserRequest>("{}")
            .unwrap()
            .id_no
            .as_str()
            .is_empty()
    );
    assert!(
        serde_json::from_str::<CreateOcspRequest>("{}")
            .unwrap()
            .ocsp_servers
            .is_empty()
    );
    assert!(
        serde_json::from_str::<UpdateCrlConfigRequest>("{}")
            .unwrap()
            .expiry
            .is_empty()
    );
    assert!(
        serde_json::from_str::<IssueEndCertRequest>("{}")
            .unwrap()
            .x509_parameters
            .is_empty()
    );
}

#[test]
fn unknown_enum_values_are_kept() {
    let info = ca_info(json!({"caType": "PRIVATE_LEAF", "status": "SUSPENDED"}));
    assert_eq!(info.ca_type, Some(CaType::Unknown("PRIVATE_LEAF".into())));
    assert_eq!(info.status, Some(CaStatus::Unknown("SUSPENDED".into())));
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        json!({"caType": "PRIVATE_LEAF", "status": "SUSPENDED", "destroyDate": null})
    );
    assert_eq!(
        KeyType::from_wire("EC384"),
        KeyType::Unknown("EC384".into())
    );
    assert!(
        !KeyType::from_wire("rsa2048").is_known(),
        "enum values are case-sensitive"
    );
    for k in KeyType::KNOWN {
        assert_eq!(&KeyType::from_wire(k.as_str()), k);
    }
    assert_eq!(CaStatus::KNOWN.len(), 4);
    assert_eq!(CaType::PrivateSub.to_string(), "PRIVATE_SUB");
}

#[test]
fn responses_ignore_unknown_keys_and_tolerate_nulls() {
    let r: CaRecord = serde_json::from_value(json!({
        "caInfo": {"caTag": "t", "futureField": {"x": 1}, "urlInfo": {"ocsp": null, "crl": "u", "ca": [] }},
        "caCertInfo": null,
        "extra": 1
    }))
    .unwrap();
    let urls = r.ca_info.unwrap().url_info.unwrap();
    assert!(urls.ocsp.is_empty());
    assert_eq!(urls.crl, ["u"]);
    let list: GetEndCertListData = serde_json::from_value(json!({"listCerts": null})).unwrap();
    assert!(list.list_certs.is_empty());
    // `data` for the null-payload operations may be anything.
    let e: Envelope<NoData> =
        serde_json::from_value(json!({"code": "SUCCESS", "data": {"unexpected": [1]}})).unwrap();
    assert_eq!(e.data, Some(NoData));
    let users: GetCaUserListResponse =
        serde_json::from_value(json!({"code": "SUCCESS", "data": null})).unwrap();
    assert_eq!(users.data, None);
    // Big numbers keep their digits (arbitrary_precision).
    let users: GetCaUserListResponse =
        serde_json::from_str(r#"{"code":"SUCCESS","data":[{"mbrNo":18446744073709551616}]}"#)
            .unwrap();
    let u = users.data.unwrap();
    assert_eq!(
        u[0].mbr_no.as_ref().unwrap().as_str(),
        "18446744073709551616"
    );
    assert_eq!(u[0].mbr_no.as_ref().unwrap().as_u64(), None);
}

#[test]
fn serials() {
    let s = SerialNo::from_bytes(&[0x3a, 0x1f, 0x00, 0xff]);
    assert_eq!(s.as_str(), "3a:1f:00:ff");
    assert!(s.is_well_formed());
    assert!(SerialNo::from("3A:1F").is_well_formed());
    assert_eq!(SerialNo::from("3A:1F").canonical(), "3a:1f");
    for bad in ["", "3a:1", "3a::1f", "zz", "3a-1f", "3a:1f:"] {
        assert!(!SerialNo::from(bad).is_well_formed(), "{bad}");
    }
}

#[test]
fn pem_splitting() {
    assert!(split_pem_blocks("").is_empty());
    assert!(split_pem_blocks("-----BEGIN CERTIFICATE-----\nno end").is_empty());
    let text = "junk\n-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\r\nmid\n-----BEGIN X509 CRL-----\nB\n-----END X509 CRL-----";
    assert_eq!(
        split_pem_blocks(text),
        [
            "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----",
            "-----BEGIN X509 CRL-----\nB\n-----END X509 CRL-----"
        ]
    );
}

#[test]
fn signature_over_a_built_request() {
    // The path and query the client builds are exactly the signed URI of spec vector 3.
    use pca::api::signing::{signature, string_to_sign, verify};
    let uri = ops::GET_END_CERT
        .path_for(&[("caTag", TAG), ("serialNo", SERIAL)])
        .unwrap();
    let sts = string_to_sign(
        ops::GET_END_CERT.method.as_str(),
        &uri,
        "1700000000000",
        "NCPTESTACCESSKEY0001",
    );
    let sig = signature("NCPTESTSECRETKEY0000000000000000000000001", &sts);
    assert_eq!(sig, "h0CM1j9B5UD6dcP16UOoThN/UDaqrKgJVeORhNibqY8=");
    assert!(verify(
        "NCPTESTSECRETKEY0000000000000000000000001",
        &sts,
        &sig
    ));
}

#[test]
fn decoding_survives_serde_buffering() {
    // Untagged enums and `flatten` buffer input; with `arbitrary_precision` numbers then
    // arrive as maps. A client wrapping the models that way must still decode them.
    #[derive(serde::Deserialize, Debug)]
    #[serde(untagged)]
    enum Either {
        Ok(Box<GetCaResponse>),
        #[allow(dead_code)]
        Other(Value),
    }
    let text = success(serde_json::from_str::<Value>(CA_RECORD).unwrap());
    let Either::Ok(resp) = serde_json::from_str::<Either>(&text).unwrap() else {
        panic!("untagged decoding fell through")
    };
    let direct: GetCaResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(*resp, direct);

    #[derive(serde::Deserialize)]
    struct Flat {
        #[serde(flatten)]
        user: CaUser,
    }
    let f: Flat = serde_json::from_str(r#"{"mbrNo": 42, "idNo": "i"}"#).unwrap();
    assert_eq!(f.user.mbr_no, Some(MbrNo::from(42_u64)));
    #[derive(serde::Deserialize)]
    struct FlatInfo {
        #[serde(flatten)]
        info: CaInfo,
    }
    let f: FlatInfo =
        serde_json::from_str(r#"{"rgstDate": 1721105212000, "destroyDate": "5"}"#).unwrap();
    assert_eq!(
        (f.info.rgst_date, f.info.destroy_date),
        (Some(1_721_105_212_000), Some(5))
    );
}

/// `src/api` is a leaf: it names no other crate module and does no I/O (ARCHITECTURE.md).
#[test]
fn api_layer_is_pure() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut all = Vec::new();
    files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api"),
        &mut all,
    );
    assert!(all.len() >= 10);
    let forbidden = [
        "std::fs",
        "std::net",
        "std::io",
        "std::env",
        "std::process",
        "std::thread",
        "std::time",
        "tokio",
        "SystemTime",
        "Instant::",
        "rand::",
    ];
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("crate::") {
            let module: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert_eq!(module, "api", "{} uses crate::{module}", path.display());
        }
        for word in forbidden {
            assert!(!text.contains(word), "{} mentions {word}", path.display());
        }
    }
}
