//! The client of step 2 against the in-process emulator: every one of the 24 operations on
//! its happy path, every documented error of every operation (mirroring
//! `tests/emulator_errors.rs`, but through [`pca::client::Client`] and its typed
//! [`ClientError`]), authentication failures, and retries against real injected faults.
//!
//! What the typed client cannot send (malformed JSON, members of the wrong JSON type,
//! bodies over 1 MiB, a Create CA without any `caType` parameter) stays covered by the raw
//! HTTP tests only.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use pca::api::catalogue::Row;
use pca::api::model::{
    ActivateSubCaRequest, AddCaUserRequest, CaRecord, CaStatus, CaTag, CaType, CreateCaQuery,
    CreateCaRequest, CreateOcspRequest, IdNo, IssueEndCertRequest, KeyType, PageQuery, Period,
    SerialNo, SignEndCsrQuery, SignEndCsrRequest, SignSubCsrRequest, UpdateCaRequest,
    UpdateCrlConfigRequest, X509CaParameters, X509EndCertParameters,
};
use pca::api::ops::{self, Operation};
use pca::client::{Client, ClientError, Credentials};
use pca::emulator::pki::{self, CaKey, Sans, Subject};
use pca::emulator::{Clock, Config, ManualClock, RandomIds, Running};

const ACCESS: &str = "CLIENTEMUACCESSKEY01";
const SECRET: &str = "CLIENTEMUSECRETKEY00000000000000000000001";
const NO_CA: &str = "00000000-00000000";
const SERIAL: &str = "01:02:03";
const ID: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";
const DAY_MS: i64 = 86_400_000;

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// An in-process emulator on `127.0.0.1:0` and a client pointed at it.
struct Env {
    running: Running,
    client: Client,
}

fn config() -> Config {
    Config {
        access_key: ACCESS.into(),
        secret_key: SECRET.into(),
        ..Config::ephemeral()
    }
}

fn client_for(base: &str, access: &str, secret: &str) -> Client {
    Client::builder()
        .endpoint_url(base)
        .credentials(Credentials::new(access, secret))
        .max_retries(2)
        .backoff(Duration::from_millis(2), Duration::from_millis(10))
        .request_timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

impl Env {
    async fn start() -> Env {
        Env::with(config()).await
    }

    async fn with(config: Config) -> Env {
        let running = pca::emulator::start(config).await.expect("start emulator");
        let client = client_for(&running.base_url, ACCESS, SECRET);
        Env { running, client }
    }

    /// With a manual clock (the timestamp check is off, so the clock may move freely).
    async fn manual(config: Config) -> (Env, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::starting_now());
        let running = pca::emulator::start_with(
            Config {
                max_clock_skew_ms: None,
                ..config
            },
            clock.clone() as Arc<dyn Clock>,
            Arc::new(RandomIds::seeded(11)),
        )
        .await
        .expect("start emulator");
        let client = client_for(&running.base_url, ACCESS, SECRET);
        (Env { running, client }, clock)
    }

    async fn stop(self) {
        self.running.shutdown().await.expect("shutdown");
    }
}

/// The operations a test has driven, to prove that all 24 were.
#[derive(Default)]
struct Seen(BTreeSet<&'static str>);

impl Seen {
    fn op(&mut self, op: &Operation) {
        self.0.insert(op.name);
    }

    fn assert_all(&self) {
        let all: BTreeSet<&'static str> = ops::ALL.iter().map(|o| o.name).collect();
        let missing: Vec<_> = all.difference(&self.0).collect();
        assert!(missing.is_empty(), "operations not driven: {missing:?}");
        assert_eq!(self.0.len(), 24);
    }
}

/// Asserts a service error with this status and code, answered at the first attempt (4xx
/// are final), and returns it.
#[track_caller]
fn fails<T: Debug>(result: Result<T, ClientError>, status: u16, code: &str) -> ClientError {
    let err = match result {
        Ok(v) => panic!("expected {status} {code}, got success: {v:?}"),
        Err(e) => e,
    };
    assert!(
        matches!(err, ClientError::Api { .. }),
        "expected the service envelope, got {err:?}"
    );
    assert_eq!(err.status(), Some(status), "{err}");
    assert_eq!(err.code(), Some(code), "{err}");
    assert_eq!(err.attempts(), 1, "a {status} is not retried: {err}");
    assert_eq!(
        err.is_not_found(),
        code == "NOT_FOUND" || code.starts_with("NOT_EXIST_"),
        "{err}"
    );
    assert!(!err.is_retryable(), "{err}");
    err
}

#[track_caller]
fn not_found<T: Debug>(result: Result<T, ClientError>) {
    // The catalogue has no 404: rows 68/69 are HTTP 400 with their own message.
    let err = fails(result, 400, "NOT_FOUND");
    assert!(err.is_not_found());
    assert!(
        matches!(
            err.catalogue_row(),
            Some(Row::CaNotFound | Row::CertificateNotFound)
        ),
        "{err}"
    );
}

fn tag_of(record: &CaRecord) -> CaTag {
    record
        .ca_info
        .as_ref()
        .and_then(|i| i.ca_tag.clone())
        .expect("caTag")
}

fn status_of(record: &CaRecord) -> CaStatus {
    record
        .ca_info
        .as_ref()
        .and_then(|i| i.status.clone())
        .expect("status")
}

fn cert_pem_of(record: &CaRecord) -> String {
    record
        .ca_cert_info
        .as_ref()
        .and_then(|c| c.cert_pem.clone())
        .expect("certPem")
}

fn root_query() -> CreateCaQuery {
    CreateCaQuery {
        ca_type: CaType::PrivateRoot,
        issuer_tag: None,
    }
}

fn sub_query(issuer: Option<&CaTag>) -> CreateCaQuery {
    CreateCaQuery {
        ca_type: CaType::PrivateSub,
        issuer_tag: issuer.cloned(),
    }
}

fn ca_request(alias: &str, period: Period) -> CreateCaRequest {
    CreateCaRequest {
        alias: alias.into(),
        memo: None,
        key_type: KeyType::Ec256,
        period,
        x509_parameters: X509CaParameters {
            common_name: format!("{alias} CA"),
            ..X509CaParameters::default()
        },
    }
}

async fn create_root(client: &Client, alias: &str, period: Period) -> CaTag {
    let record = client
        .create_ca(&root_query(), &ca_request(alias, period))
        .await
        .expect("create root CA");
    tag_of(&record)
}

async fn create_sub(client: &Client, alias: &str, issuer: Option<&CaTag>, days: u32) -> CaTag {
    let record = client
        .create_ca(&sub_query(issuer), &ca_request(alias, Period::Days(days)))
        .await
        .expect("create sub CA");
    tag_of(&record)
}

fn end_params(cn: &str) -> X509EndCertParameters {
    X509EndCertParameters {
        common_name: cn.into(),
        alt_name: Some(cn.into()),
        ..X509EndCertParameters::default()
    }
}

fn end_request(cn: &str, days: u32) -> IssueEndCertRequest {
    IssueEndCertRequest {
        key_type: Some(KeyType::Ec256),
        period: Some(Period::Days(days)),
        x509_parameters: end_params(cn),
    }
}

async fn issue(client: &Client, tag: &CaTag, cn: &str) -> SerialNo {
    client
        .issue_end_cert(tag, &end_request(cn, 10))
        .await
        .expect("issue")
        .serial_no
        .expect("serialNo")
}

/// A PKCS#10 CSR (EC P-256) for `cn`, built with the emulator's PKI engine.
fn make_csr(cn: &str) -> String {
    let key = CaKey::generate(KeyType::Ec256).expect("key");
    let sans = Sans::parse(Some(cn), None).expect("sans");
    pki::sub_ca_csr(&key, &Subject::with_common_name(cn), &sans).expect("csr")
}

fn sign_request(csr: &str, period: Option<Period>) -> SignEndCsrRequest {
    SignEndCsrRequest {
        csr_pem: csr.into(),
        period,
        ..SignEndCsrRequest::default()
    }
}

fn set_status(status: CaStatus) -> UpdateCaRequest {
    UpdateCaRequest { status, memo: None }
}

/// Revoked serials (lower-case colon hex), `thisUpdate`/`nextUpdate` (s) and the CRL
/// number of a PEM CRL.
struct Crl {
    serials: Vec<String>,
    this_update: i64,
    next_update: Option<i64>,
    number: String,
}

fn parse_crl(pem: &str) -> Crl {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("CRL PEM");
    assert_eq!(pem.label, "X509 CRL");
    let (_, crl) = x509_parser::parse_x509_crl(&pem.contents).expect("CRL DER");
    Crl {
        serials: crl
            .iter_revoked_certificates()
            .map(|r| r.raw_serial_as_string().to_lowercase())
            .collect(),
        this_update: crl.last_update().timestamp(),
        next_update: crl.next_update().map(|t| t.timestamp()),
        number: crl
            .crl_number()
            .map(ToString::to_string)
            .expect("cRLNumber"),
    }
}

/// Everything the API shows, read through the client, to prove that a refused request
/// changed nothing.
async fn snapshot(client: &Client) -> String {
    let mut out = Vec::new();
    let cas = client.get_ca_list_all().await.expect("list");
    out.push(format!("{cas:?}"));
    for record in &cas {
        let tag = tag_of(record);
        out.push(format!("{:?}", client.get_ca(&tag).await));
        out.push(format!("{:?}", client.get_end_cert_list_all(&tag).await));
        out.push(format!("{:?}", client.get_ca_user_list(&tag).await));
        out.push(format!("{:?}", client.get_crl_config(&tag).await));
        out.push(format!("{:?}", client.get_ca_crl(&tag).await));
    }
    out.join("\n")
}

// ---------------------------------------------------------------------------------------
// Happy path: all 24 operations
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn all_24_operations_happy_path() {
    // Small pages, so both list walks cross page boundaries.
    let env = Env::with(Config {
        ca_page_size: 2,
        cert_page_size: 2,
        ..config()
    })
    .await;
    let c = &env.client;
    let mut seen = Seen::default();

    // Create CA: a root, a sub CA signed at once, a pending sub CA.
    let mut root_req = ca_request("corp-root", Period::Max);
    root_req.memo = Some("first".into());
    root_req.x509_parameters.organization = Some("Corp".into());
    root_req.x509_parameters.country = Some("KR".into());
    let root_rec = c.create_ca(&root_query(), &root_req).await.expect("root");
    seen.op(&ops::CREATE_CA);
    let root = tag_of(&root_rec);
    assert_eq!(status_of(&root_rec), CaStatus::Active);
    let info = root_rec.ca_info.as_ref().unwrap();
    assert_eq!(info.alias.as_deref(), Some("corp-root"));
    assert_eq!(info.ca_type, Some(CaType::PrivateRoot));
    assert_eq!(info.memo.as_deref(), Some("first"));
    assert_eq!(info.destroy_date, None);
    let cert_info = root_rec.ca_cert_info.as_ref().unwrap();
    assert_eq!(cert_info.common_name.as_deref(), Some("corp-root CA"));
    assert_eq!(cert_info.organization.as_deref(), Some("Corp"));
    assert_eq!(cert_info.public_key_algorithm.as_deref(), Some("EC"));
    let root_pem = cert_pem_of(&root_rec);

    let signed_sub = create_sub(c, "signed-sub", Some(&root), 100).await;
    let pending_rec = c
        .create_ca(
            &sub_query(None),
            &ca_request("pending-sub", Period::Days(100)),
        )
        .await
        .expect("pending sub");
    let pending = tag_of(&pending_rec);
    assert_eq!(status_of(&pending_rec), CaStatus::Pending);
    assert!(
        pending_rec
            .ca_cert_info
            .as_ref()
            .and_then(|i| i.cert_pem.as_ref())
            .is_none()
    );

    // Get CA List: one page, then all pages (2 per page).
    let page1 = c.get_ca_list(&PageQuery::page(1)).await.expect("page 1");
    seen.op(&ops::GET_CA_LIST);
    assert_eq!(page1.total_cnt, Some(3));
    assert_eq!(page1.total_page_no, Some(2));
    assert_eq!(page1.current_page_no, Some(1));
    assert_eq!(page1.ca_info_list.len(), 2);
    assert!(page1.has_next_page());
    let all = c.get_ca_list_all().await.expect("all pages");
    let tags: BTreeSet<CaTag> = all.iter().map(tag_of).collect();
    let want: BTreeSet<CaTag> = [root.clone(), signed_sub.clone(), pending.clone()].into();
    assert_eq!(tags, want);
    let found = c.find_ca_by_alias("pending-sub").await.expect("by alias");
    assert_eq!(found.map(|r| tag_of(&r)), Some(pending.clone()));

    // Get CA.
    let got = c.get_ca(&root).await.expect("get CA");
    seen.op(&ops::GET_CA);
    assert_eq!(cert_pem_of(&got), root_pem);
    assert_eq!(
        got.ca_info.as_ref().unwrap().alias.as_deref(),
        Some("corp-root")
    );

    // Update CA: memo, DEACTIVATED, back to ACTIVE.
    let updated = c
        .update_ca(
            &root,
            &UpdateCaRequest {
                status: CaStatus::Active,
                memo: Some("updated memo".into()),
            },
        )
        .await
        .expect("update memo");
    seen.op(&ops::UPDATE_CA);
    assert_eq!(
        updated.ca_info().and_then(|i| i.memo.as_deref()),
        Some("updated memo")
    );
    let off = c
        .update_ca(&root, &set_status(CaStatus::Deactivated))
        .await
        .expect("deactivate");
    assert_eq!(
        off.ca_info().and_then(|i| i.status.clone()),
        Some(CaStatus::Deactivated)
    );
    assert_eq!(
        status_of(&c.get_ca(&root).await.unwrap()),
        CaStatus::Deactivated
    );
    let on = c
        .update_ca(&root, &set_status(CaStatus::Active))
        .await
        .expect("activate");
    assert_eq!(
        on.ca_info().and_then(|i| i.status.clone()),
        Some(CaStatus::Active)
    );
    let reread = c.get_ca(&root).await.unwrap();
    assert_eq!(status_of(&reread), CaStatus::Active);
    assert_eq!(
        reread.ca_info.unwrap().memo.as_deref(),
        Some("updated memo")
    );

    // Get CA Chain: the root alone; the signed sub CA with its root.
    let chain = c.get_ca_chain(&root).await.expect("chain");
    seen.op(&ops::GET_CA_CHAIN);
    assert!(chain.contains(root_pem.trim()), "{chain}");
    let sub_chain = c.get_ca_chain(&signed_sub).await.expect("sub chain");
    let sub_pem = cert_pem_of(&c.get_ca(&signed_sub).await.unwrap());
    assert!(sub_chain.contains(sub_pem.trim()) && sub_chain.contains(root_pem.trim()));

    // Get CA CRL: nothing revoked yet.
    let crl0 = parse_crl(&c.get_ca_crl(&root).await.expect("crl"));
    seen.op(&ops::GET_CA_CRL);
    assert!(crl0.serials.is_empty());

    // The pending sub CA: Get Sub CSR → Sign Sub Csr on the root → Activate Sub CA.
    let csr = c
        .get_sub_csr(&pending)
        .await
        .expect("sub csr")
        .csr_pem
        .expect("csrPem");
    seen.op(&ops::GET_SUB_CSR);
    assert!(
        csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"),
        "{csr}"
    );
    let signed = c
        .sign_sub_csr(
            &root,
            &SignSubCsrRequest {
                period: Period::Days(30),
                csr_pem: csr,
                ..SignSubCsrRequest::default()
            },
        )
        .await
        .expect("sign sub csr");
    seen.op(&ops::SIGN_SUB_CSR);
    let sub_cert = signed.certificate.clone().expect("certificate");
    assert_eq!(
        signed.issuer.as_deref().map(str::trim),
        Some(root_pem.trim())
    );
    let chain_blocks = signed.ca_chain.as_ref().expect("caChain").pem_blocks();
    assert_eq!(chain_blocks.len(), 1);
    assert!(pki::cert_info(&sub_cert).expect("sub cert").is_ca);
    let activated = c
        .activate_sub_ca(
            &pending,
            &ActivateSubCaRequest {
                cert_pem: sub_cert.clone(),
                ca_chain_pem: signed.ca_chain.as_ref().unwrap().concatenated(),
            },
        )
        .await
        .expect("activate");
    seen.op(&ops::ACTIVATE_SUB_CA);
    assert_eq!(status_of(&activated), CaStatus::Active);
    assert_eq!(cert_pem_of(&activated).trim(), sub_cert.trim());
    let activated_chain = c.get_ca_chain(&pending).await.unwrap();
    assert!(activated_chain.contains(root_pem.trim()));

    // Issue End Cert: from the root and from the activated sub CA.
    let issued = c
        .issue_end_cert(&root, &end_request("www.example.com", 30))
        .await
        .expect("issue");
    seen.op(&ops::ISSUE_END_CERT);
    let serial = issued.serial_no.clone().expect("serialNo");
    let cert = issued.certificate.clone().expect("certificate");
    assert!(
        issued
            .private_key
            .as_deref()
            .is_some_and(|k| k.contains("PRIVATE KEY"))
    );
    assert_eq!(
        issued.issuer.as_deref().map(str::trim),
        Some(root_pem.trim())
    );
    let leaf = pki::cert_info(&cert).expect("leaf");
    assert!(!leaf.is_ca);
    assert_eq!(leaf.serial, serial.canonical());
    let from_sub = c
        .issue_end_cert(&pending, &end_request("api.example.com", 10))
        .await
        .expect("issue from sub");
    assert_eq!(
        from_sub.issuer.as_deref().map(str::trim),
        Some(sub_cert.trim())
    );

    // Sign End Csr: period in the body, then in the query.
    let end_csr = make_csr("csr.example.com");
    let by_csr = c
        .sign_end_csr(
            &root,
            &SignEndCsrQuery::default(),
            &sign_request(&end_csr, Some(Period::Days(20))),
        )
        .await
        .expect("sign end csr");
    seen.op(&ops::SIGN_END_CSR);
    let csr_serial = by_csr.serial_no.clone().expect("serialNo");
    let csr_cert = pki::cert_info(by_csr.certificate.as_deref().unwrap()).unwrap();
    assert!(
        !csr_cert.is_ca,
        "the end profile wins over the CSR's request"
    );
    assert_eq!(
        csr_cert.subject.common_name.as_deref(),
        Some("csr.example.com")
    );
    let by_query = c
        .sign_end_csr(
            &root,
            &SignEndCsrQuery {
                period: Some(Period::Days(5)),
            },
            &sign_request(&end_csr, None),
        )
        .await
        .expect("sign end csr, period in the query");
    let q = pki::cert_info(by_query.certificate.as_deref().unwrap()).unwrap();
    assert_eq!(q.not_after_ms - q.not_before_ms, 5 * DAY_MS);

    // Get End Cert List: one page, then all pages.
    let first = c
        .get_end_cert_list(&root, &PageQuery::page(1))
        .await
        .expect("cert page 1");
    seen.op(&ops::GET_END_CERT_LIST);
    let total = first.total_cnt.expect("totalCnt");
    assert!(total >= 3, "{first:?}");
    assert_eq!(first.list_certs.len(), 2);
    assert!(first.has_next_page());
    let serials = c.get_end_cert_list_all(&root).await.expect("all certs");
    assert_eq!(i64::try_from(serials.len()).unwrap(), total);
    for s in [&serial, &csr_serial, by_query.serial_no.as_ref().unwrap()] {
        assert!(
            serials.iter().any(|x| x.canonical() == s.canonical()),
            "{s}"
        );
    }

    // Get End Cert.
    let one = c.get_end_cert(&root, &serial).await.expect("get end cert");
    seen.op(&ops::GET_END_CERT);
    assert_eq!(one.cert_pem.as_deref().map(str::trim), Some(cert.trim()));
    assert_eq!(one.common_name.as_deref(), Some("www.example.com"));
    assert_eq!(
        one.serial_no.as_ref().map(SerialNo::canonical),
        Some(serial.canonical())
    );

    // Revoke End Cert: the serial appears in the CRL.
    c.revoke_end_cert(&root, &serial).await.expect("revoke");
    seen.op(&ops::REVOKE_END_CERT);
    let crl1 = parse_crl(&c.get_ca_crl(&root).await.unwrap());
    assert_eq!(crl1.serials, vec![serial.canonical()]);

    // CA users: add, list, delete.
    let id = IdNo::from(ID);
    c.add_ca_user(&root, &AddCaUserRequest { id_no: id.clone() })
        .await
        .expect("add user");
    seen.op(&ops::ADD_CA_USER);
    let users = c.get_ca_user_list(&root).await.expect("users");
    seen.op(&ops::GET_CA_USER_LIST);
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id_no.as_ref(), Some(&id));
    assert!(users[0].login_id.as_deref().is_some_and(|l| !l.is_empty()));
    assert!(users[0].mbr_no.is_some());
    c.delete_ca_user(&root, &id).await.expect("delete user");
    seen.op(&ops::DELETE_CA_USER);
    assert!(c.get_ca_user_list(&root).await.unwrap().is_empty());

    // OCSP: create, visible in urlInfo, delete.
    let ocsp = format!("{}/ext/{root}/ocsp", env.running.base_url);
    c.create_ocsp(
        &root,
        &CreateOcspRequest {
            ocsp_servers: ocsp.clone(),
        },
    )
    .await
    .expect("create ocsp");
    seen.op(&ops::CREATE_OCSP);
    let urls = |r: CaRecord| r.ca_info.unwrap().url_info.unwrap_or_default().ocsp;
    assert_eq!(urls(c.get_ca(&root).await.unwrap()), vec![ocsp.clone()]);
    let with_ocsp = c
        .issue_end_cert(&root, &end_request("ocsp.example.com", 10))
        .await
        .unwrap();
    assert_eq!(with_ocsp.ocsp_responder.as_deref(), Some(ocsp.as_str()));
    c.delete_ocsp(&root).await.expect("delete ocsp");
    seen.op(&ops::DELETE_OCSP);
    assert!(urls(c.get_ca(&root).await.unwrap()).is_empty());

    // CRL config: unset, then 7 days.
    assert_eq!(c.get_crl_config(&root).await.expect("crl config"), None);
    seen.op(&ops::GET_CRL_CONFIG);
    let echoed = c
        .update_crl_config(&root, &UpdateCrlConfigRequest { expiry: "7".into() })
        .await
        .expect("update crl config");
    seen.op(&ops::UPDATE_CRL_CONFIG);
    if let Some(e) = echoed {
        assert_eq!(e.expiry.as_deref(), Some("7"));
    }
    let cfg = c.get_crl_config(&root).await.unwrap().expect("configured");
    assert_eq!(cfg.expiry.as_deref(), Some("7"));

    // Rotate CRL: a new CRL number, the new interval, the same entries.
    c.rotate_crl(&root).await.expect("rotate");
    seen.op(&ops::ROTATE_CRL);
    let crl2 = parse_crl(&c.get_ca_crl(&root).await.unwrap());
    assert!(
        crl2.number.parse::<u64>().unwrap() > crl1.number.parse::<u64>().unwrap(),
        "{} then {}",
        crl1.number,
        crl2.number
    );
    assert_eq!(crl2.next_update.unwrap() - crl2.this_update, 7 * 86_400);
    assert_eq!(crl2.serials, crl1.serials);

    // Trim CA: nothing has expired, so everything stays.
    c.trim_ca(&root).await.expect("trim");
    seen.op(&ops::TRIM_CA);
    assert_eq!(
        c.get_end_cert_list_all(&root).await.unwrap().len(),
        serials.len() + 1
    );
    assert_eq!(
        parse_crl(&c.get_ca_crl(&root).await.unwrap()).serials,
        crl1.serials
    );

    // DESTROYING, then Delete CA: the root and both sub CAs are gone.
    let doomed = c
        .update_ca(&root, &set_status(CaStatus::Destroying))
        .await
        .expect("destroying");
    assert!(doomed.destroy_date().is_some());
    c.delete_ca(&root).await.expect("delete");
    seen.op(&ops::DELETE_CA);
    for t in [&root, &signed_sub, &pending] {
        not_found(c.get_ca(t).await);
    }
    assert!(c.get_ca_list_all().await.unwrap().is_empty());

    seen.assert_all();
    env.stop().await;
}

#[tokio::test]
async fn trim_forgets_expired_revoked_certificates() {
    let (env, clock) = Env::manual(config()).await;
    let c = &env.client;
    let tag = create_root(c, "trimmed", Period::Max).await;
    let short = c
        .issue_end_cert(&tag, &end_request("short.example.com", 1))
        .await
        .unwrap()
        .serial_no
        .unwrap();
    let long = issue(c, &tag, "long.example.com").await;
    for s in [&short, &long] {
        c.revoke_end_cert(&tag, s).await.unwrap();
    }
    clock.advance(2 * DAY_MS);
    c.trim_ca(&tag).await.expect("trim");
    let left = c.get_end_cert_list_all(&tag).await.unwrap();
    assert_eq!(left, vec![long.clone()]);
    not_found(c.get_end_cert(&tag, &short).await);
    assert_eq!(
        parse_crl(&c.get_ca_crl(&tag).await.unwrap()).serials,
        vec![long.canonical()]
    );

    // A DESTROYING CA disappears by itself after 72 hours.
    c.update_ca(&tag, &set_status(CaStatus::Destroying))
        .await
        .unwrap();
    clock.advance(71 * 3_600_000);
    c.get_ca(&tag).await.expect("still there");
    clock.advance(3_600_000);
    not_found(c.get_ca(&tag).await);
    env.stop().await;
}

// ---------------------------------------------------------------------------------------
// Documented errors, per operation
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn create_ca_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let parent = create_root(c, "parent", Period::Days(100)).await;
    let before = snapshot(c).await;

    let base = || ca_request("newca", Period::Max);
    let with = |f: &dyn Fn(&mut CreateCaRequest)| {
        let mut r = base();
        f(&mut r);
        r
    };
    let params = |f: &dyn Fn(&mut X509CaParameters)| {
        let mut r = base();
        r.x509_parameters = X509CaParameters {
            common_name: "c".into(),
            ..X509CaParameters::default()
        };
        f(&mut r.x509_parameters);
        r
    };
    let q = |t: &str, issuer: Option<&str>| CreateCaQuery {
        ca_type: CaType::from_wire(t),
        issuer_tag: issuer.map(CaTag::from),
    };
    let root = q("PRIVATE_ROOT", None);
    let cases: Vec<(CreateCaQuery, CreateCaRequest, u16, &str)> = vec![
        (q("", None), base(), 400, "EMPTY_CA_TYPE"),
        (q("PRIVATE_OTHER", None), base(), 400, "INVALID_INPUT"),
        (
            root.clone(),
            with(&|r| r.alias.clear()),
            400,
            "EMPTY_CA_ALIAS",
        ),
        (
            root.clone(),
            with(&|r| r.alias = "a234567890123456".into()),
            400,
            "EXCEED_CA_ALIAS",
        ),
        (
            root.clone(),
            with(&|r| r.alias = "ab".into()),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            with(&|r| r.alias = "1abc".into()),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            with(&|r| r.alias = "a.bc".into()),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            with(&|r| r.key_type = KeyType::default()),
            400,
            "EMPTY_KEY_TYPE",
        ),
        (
            root.clone(),
            with(&|r| r.key_type = KeyType::from_wire("DSA1024")),
            400,
            "INVALID_X509_KEY_TYPE",
        ),
        (
            root.clone(),
            with(&|r| r.period = Period::default()),
            400,
            "EMPTY_CA_TTL",
        ),
        (
            root.clone(),
            with(&|r| r.period = Period::Days(0)),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root.clone(),
            with(&|r| r.period = Period::Days(3651)),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root.clone(),
            with(&|r| r.period = Period::from_wire("max")),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root.clone(),
            with(&|r| r.period = Period::from_wire("010")),
            400,
            "INVALID_INPUT_PERIOD",
        ),
        (
            root.clone(),
            with(&|r| r.x509_parameters = X509CaParameters::default()),
            400,
            "EMPTY_X509_PARAMETERS",
        ),
        (
            root.clone(),
            with(&|r| {
                r.x509_parameters = X509CaParameters {
                    country: Some("KR".into()),
                    ..X509CaParameters::default()
                }
            }),
            400,
            "EMPTY_COMMON_NAME",
        ),
        (
            root.clone(),
            params(&|p| p.common_name = "x".repeat(65)),
            400,
            "EXCEED_COMMON_NAME",
        ),
        (
            root.clone(),
            params(&|p| p.organization = Some("o".repeat(65))),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            params(&|p| p.organization_unit = Some("o".repeat(129))),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            params(&|p| p.locality = Some("l".repeat(129))),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            params(&|p| p.state_province = Some("s".repeat(129))),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            params(&|p| p.country = Some("KOR".into())),
            400,
            "INVALID_INPUT",
        ),
        (
            root.clone(),
            params(&|p| p.ip = Some("10.0.0.300".into())),
            400,
            "INVALID_X509_IP",
        ),
        (
            root.clone(),
            params(&|p| p.alt_name = Some("a b.example".into())),
            400,
            "INVALID_INPUT",
        ),
        (
            q("PRIVATE_ROOT", Some(parent.as_str())),
            base(),
            400,
            "INVALID_ISSUER_CA",
        ),
        (
            q("PRIVATE_SUB", Some(parent.as_str())),
            with(&|r| r.period = Period::Days(101)),
            400,
            "EXCEED_EXPIRY_DATE",
        ),
        (
            root.clone(),
            ca_request("parent", Period::Max),
            400,
            "ALREADY_EXIST_ALIAS",
        ),
    ];
    for (query, req, status, code) in cases {
        fails(c.create_ca(&query, &req).await, status, code);
    }
    // The issuer does not exist: 400 `The CA doesn't exist.` (row 68), a not-found code.
    let e = c
        .create_ca(&q("PRIVATE_SUB", Some(NO_CA)), &base())
        .await
        .expect_err("no issuer");
    assert_eq!(
        (e.status(), e.code()),
        (Some(400), Some("NOT_EXIST_ISSUER_CA"))
    );
    assert!(e.is_not_found());
    assert_eq!(
        snapshot(c).await,
        before,
        "refused creations change nothing"
    );

    // An issuer that is not ACTIVE.
    c.update_ca(&parent, &set_status(CaStatus::Deactivated))
        .await
        .unwrap();
    fails(
        c.create_ca(&sub_query(Some(&parent)), &base()).await,
        400,
        "INVALID_ISSUER_CA",
    );
    assert_eq!(c.get_ca_list_all().await.unwrap().len(), 1);
    env.stop().await;
}

#[tokio::test]
async fn the_eleventh_ca_is_refused() {
    let env = Env::start().await;
    let c = &env.client;
    for i in 0..10 {
        create_root(c, &format!("ca{i:02}"), Period::Max).await;
    }
    let before = snapshot(c).await;
    let err = fails(
        c.create_ca(&root_query(), &ca_request("ca10", Period::Max))
            .await,
        400,
        "INVALID_REQUEST",
    );
    match err {
        ClientError::Api { message, .. } => {
            assert_eq!(message, Row::CaLimit.message());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(c).await, before);
    // Pages of 10: page 2 is empty and page 1 is the last.
    let page2 = c.get_ca_list(&PageQuery::page(2)).await.unwrap();
    assert!(page2.ca_info_list.is_empty());
    assert_eq!(page2.total_page_no, Some(1));
    assert_eq!(c.get_ca_list_all().await.unwrap().len(), 10);
    env.stop().await;

    // A smaller limit from the configuration; deleting frees a slot.
    let small = Env::with(Config {
        max_cas: 2,
        ..config()
    })
    .await;
    let c = &small.client;
    let first = create_root(c, "first", Period::Max).await;
    create_sub(c, "second", None, 10).await;
    fails(
        c.create_ca(&root_query(), &ca_request("third", Period::Max))
            .await,
        400,
        "INVALID_REQUEST",
    );
    c.update_ca(&first, &set_status(CaStatus::Destroying))
        .await
        .unwrap();
    c.delete_ca(&first).await.unwrap();
    create_root(c, "third", Period::Max).await;
    small.stop().await;
}

#[tokio::test]
async fn every_operation_on_an_unknown_ca_is_not_found() {
    let env = Env::start().await;
    let c = &env.client;
    let mut seen = Seen::default();
    let root = create_root(c, "pager", Period::Max).await;
    // Paging errors (the client sends pageNo as an unsigned number: only 0 is malformed).
    fails(
        c.get_ca_list(&PageQuery::page(0)).await,
        400,
        "INVALID_INPUT_PAGENUMBBER",
    );
    seen.op(&ops::GET_CA_LIST);
    fails(
        c.get_end_cert_list(&root, &PageQuery::page(0)).await,
        400,
        "INVALID_INPUT_PAGENUMBBER",
    );
    fails(
        c.create_ca(
            &sub_query(Some(&CaTag::from(NO_CA))),
            &ca_request("orphan", Period::Days(5)),
        )
        .await,
        400,
        "NOT_EXIST_ISSUER_CA",
    );
    seen.op(&ops::CREATE_CA);

    let t = CaTag::from(NO_CA);
    let s = SerialNo::from(SERIAL);
    let id = IdNo::from(ID);
    not_found(c.get_ca(&t).await);
    seen.op(&ops::GET_CA);
    not_found(c.update_ca(&t, &set_status(CaStatus::Active)).await);
    seen.op(&ops::UPDATE_CA);
    not_found(c.delete_ca(&t).await);
    seen.op(&ops::DELETE_CA);
    not_found(c.get_ca_chain(&t).await);
    seen.op(&ops::GET_CA_CHAIN);
    not_found(c.get_ca_crl(&t).await);
    seen.op(&ops::GET_CA_CRL);
    not_found(c.get_sub_csr(&t).await);
    seen.op(&ops::GET_SUB_CSR);
    not_found(c.sign_sub_csr(&t, &SignSubCsrRequest::default()).await);
    seen.op(&ops::SIGN_SUB_CSR);
    not_found(
        c.activate_sub_ca(&t, &ActivateSubCaRequest::default())
            .await,
    );
    seen.op(&ops::ACTIVATE_SUB_CA);
    not_found(c.issue_end_cert(&t, &IssueEndCertRequest::default()).await);
    seen.op(&ops::ISSUE_END_CERT);
    not_found(
        c.sign_end_csr(
            &t,
            &SignEndCsrQuery::default(),
            &SignEndCsrRequest::default(),
        )
        .await,
    );
    seen.op(&ops::SIGN_END_CSR);
    not_found(c.get_end_cert_list(&t, &PageQuery::page(1)).await);
    not_found(c.get_end_cert_list_all(&t).await);
    seen.op(&ops::GET_END_CERT_LIST);
    not_found(c.get_end_cert(&t, &s).await);
    seen.op(&ops::GET_END_CERT);
    not_found(c.revoke_end_cert(&t, &s).await);
    seen.op(&ops::REVOKE_END_CERT);
    not_found(
        c.add_ca_user(&t, &AddCaUserRequest { id_no: id.clone() })
            .await,
    );
    seen.op(&ops::ADD_CA_USER);
    not_found(c.get_ca_user_list(&t).await);
    seen.op(&ops::GET_CA_USER_LIST);
    not_found(c.delete_ca_user(&t, &id).await);
    seen.op(&ops::DELETE_CA_USER);
    not_found(
        c.create_ocsp(
            &t,
            &CreateOcspRequest {
                ocsp_servers: "http://x/ocsp".into(),
            },
        )
        .await,
    );
    seen.op(&ops::CREATE_OCSP);
    not_found(c.delete_ocsp(&t).await);
    seen.op(&ops::DELETE_OCSP);
    not_found(c.get_crl_config(&t).await);
    seen.op(&ops::GET_CRL_CONFIG);
    not_found(
        c.update_crl_config(&t, &UpdateCrlConfigRequest { expiry: "5".into() })
            .await,
    );
    seen.op(&ops::UPDATE_CRL_CONFIG);
    not_found(c.rotate_crl(&t).await);
    seen.op(&ops::ROTATE_CRL);
    not_found(c.trim_ca(&t).await);
    seen.op(&ops::TRIM_CA);
    seen.assert_all();

    // Empty path parameters never leave the client.
    for e in [
        c.get_ca(&CaTag::from("")).await.unwrap_err(),
        c.delete_ca_user(&root, &IdNo::from("")).await.unwrap_err(),
        c.get_end_cert(&root, &SerialNo::from(""))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(e, ClientError::InvalidRequest { .. }), "{e:?}");
        assert_eq!(e.attempts(), 0);
    }
    env.stop().await;
}

#[tokio::test]
async fn certificate_errors() {
    let env = Env::with(Config {
        max_certs_per_ca: 3,
        ..config()
    })
    .await;
    let c = &env.client;
    let tag = create_root(c, "certs", Period::Days(100)).await;
    let serial = issue(c, &tag, "one.example.com").await;
    let before = snapshot(c).await;

    // Issue End Cert.
    let p = |f: &dyn Fn(&mut X509EndCertParameters)| {
        let mut params = X509EndCertParameters {
            common_name: "c".into(),
            ..X509EndCertParameters::default()
        };
        f(&mut params);
        IssueEndCertRequest {
            key_type: Some(KeyType::Ec256),
            period: Some(Period::Days(10)),
            x509_parameters: params,
        }
    };
    let cases: Vec<(IssueEndCertRequest, &str)> = vec![
        (
            IssueEndCertRequest {
                key_type: Some(KeyType::Ec256),
                ..IssueEndCertRequest::default()
            },
            "EMPTY_X509_PARAMETERS",
        ),
        (
            p(&|x| *x = X509EndCertParameters::default()),
            "EMPTY_X509_PARAMETERS",
        ),
        (
            p(&|x| {
                *x = X509EndCertParameters {
                    organization: Some("o".into()),
                    ..X509EndCertParameters::default()
                }
            }),
            "EMPTY_COMMON_NAME",
        ),
        (p(&|x| x.common_name = "   ".into()), "EMPTY_COMMON_NAME"),
        (p(&|x| x.common_name = "x".repeat(65)), "EXCEED_COMMON_NAME"),
        (
            p(&|x| x.street_address = Some("s".repeat(129))),
            "INVALID_INPUT",
        ),
        (
            p(&|x| x.organization = Some("o".repeat(65))),
            "INVALID_INPUT",
        ),
        (p(&|x| x.country = Some("Korea".into())), "INVALID_INPUT"),
        (p(&|x| x.ip = Some("::g".into())), "INVALID_X509_IP"),
        (p(&|x| x.uri = Some("no-scheme".into())), "INVALID_X509_URI"),
        (
            p(&|x| x.other = Some("1.2.3;INTEGER:5".into())),
            "INVALID_X509_OTHER",
        ),
        (
            p(&|x| x.key_usage = Some(vec!["fly".into()])),
            "INVALID_X509_KEY_USAGE",
        ),
        (
            p(&|x| x.extended_key_usage = Some(vec!["fly".into()])),
            "INVALID_X509_EXTENDED_KEY_USAGE",
        ),
        (
            IssueEndCertRequest {
                key_type: Some(KeyType::from_wire("RSA1024")),
                period: None,
                x509_parameters: end_params("c"),
            },
            "INVALID_X509_KEY_TYPE",
        ),
        (
            IssueEndCertRequest {
                key_type: None,
                period: Some(Period::Days(0)),
                x509_parameters: end_params("c"),
            },
            "INVALID_INPUT_PERIOD",
        ),
        (
            IssueEndCertRequest {
                key_type: Some(KeyType::Ec256),
                period: Some(Period::Days(101)),
                x509_parameters: end_params("c"),
            },
            "EXCEED_EXPIRY_DATE",
        ),
    ];
    for (req, code) in cases {
        fails(c.issue_end_cert(&tag, &req).await, 400, code);
    }

    // Sign End Csr.
    let none = SignEndCsrQuery::default();
    fails(
        c.sign_end_csr(&tag, &none, &SignEndCsrRequest::default())
            .await,
        400,
        "EMPTY_CSR",
    );
    for bad in [
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        "not pem",
    ] {
        fails(
            c.sign_end_csr(&tag, &none, &sign_request(bad, None)).await,
            400,
            "INVALID_INPUT",
        );
    }
    let csr = make_csr("c.example.com");
    fails(
        c.sign_end_csr(
            &tag,
            &none,
            &sign_request(&csr, Some(Period::from_wire("abc"))),
        )
        .await,
        400,
        "INVALID_INPUT_PERIOD",
    );
    fails(
        c.sign_end_csr(
            &tag,
            &SignEndCsrQuery {
                period: Some(Period::Days(9999)),
            },
            &sign_request(&csr, None),
        )
        .await,
        400,
        "INVALID_INPUT_PERIOD",
    );
    fails(
        c.sign_end_csr(&tag, &none, &sign_request(&csr, Some(Period::Days(101))))
            .await,
        400,
        "EXCEED_EXPIRY_DATE",
    );

    // Get / revoke: malformed and unknown serials.
    for bad in ["xyz", "1:2:3", "0g:11"] {
        let s = SerialNo::from(bad);
        fails(
            c.get_end_cert(&tag, &s).await,
            400,
            "INVALID_INPUT_SERIAL_NO",
        );
        fails(
            c.revoke_end_cert(&tag, &s).await,
            400,
            "INVALID_INPUT_SERIAL_NO",
        );
    }
    not_found(c.get_end_cert(&tag, &SerialNo::from(SERIAL)).await);
    not_found(c.revoke_end_cert(&tag, &SerialNo::from(SERIAL)).await);
    assert_eq!(snapshot(c).await, before, "refused requests change nothing");

    // The signing limit (3 here) counts every signature.
    issue(c, &tag, "two.example.com").await;
    c.sign_end_csr(&tag, &none, &sign_request(&csr, None))
        .await
        .expect("third signature");
    fails(
        c.issue_end_cert(&tag, &end_request("four", 10)).await,
        400,
        "EXCEED_SIGNING_COUNT",
    );
    fails(
        c.sign_end_csr(&tag, &none, &sign_request(&csr, None)).await,
        400,
        "EXCEED_SIGNING_COUNT",
    );
    fails(
        c.sign_sub_csr(
            &tag,
            &SignSubCsrRequest {
                period: Period::Days(10),
                csr_pem: csr.clone(),
                ..SignSubCsrRequest::default()
            },
        )
        .await,
        400,
        "EXCEED_SIGNING_COUNT",
    );
    let record = c.get_ca(&tag).await.unwrap();
    assert_eq!(record.ca_info.unwrap().signing_count, Some(3));
    // Revoking still works at the limit.
    c.revoke_end_cert(&tag, &serial).await.expect("revoke");
    env.stop().await;
}

#[tokio::test]
async fn sub_ca_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let root = create_root(c, "root1", Period::Days(100)).await;
    let other_root = create_root(c, "root2", Period::Max).await;
    let pending = create_sub(c, "pending1", None, 100).await;
    let csr = c.get_sub_csr(&pending).await.unwrap().csr_pem.unwrap();
    let before = snapshot(c).await;

    // Get Sub CSR only for an unsigned pending sub CA.
    fails(c.get_sub_csr(&root).await, 400, "INVALID_CA");
    // Sign Sub Csr.
    let sign = |period: Period, csr_pem: &str| SignSubCsrRequest {
        period,
        csr_pem: csr_pem.into(),
        ..SignSubCsrRequest::default()
    };
    let cases: Vec<(SignSubCsrRequest, &str)> = vec![
        (sign(Period::default(), &csr), "EMPTY_CA_TTL"),
        (sign(Period::Days(10), ""), "EMPTY_CSR"),
        (sign(Period::Max, &csr), "INVALID_INPUT_PERIOD"),
        (sign(Period::Days(101), &csr), "EXCEED_EXPIRY_DATE"),
        (sign(Period::Days(10), "garbage"), "INVALID_INPUT"),
    ];
    for (req, code) in cases {
        fails(c.sign_sub_csr(&root, &req).await, 400, code);
    }
    fails(
        c.sign_sub_csr(&pending, &sign(Period::Days(10), &csr))
            .await,
        400,
        "INVALID_CA_STATUS",
    );
    // What a pending CA cannot do yet.
    fails(c.get_ca_chain(&pending).await, 400, "INVALID_CA_STATUS");
    fails(c.get_ca_crl(&pending).await, 400, "INVALID_CA_STATUS");
    fails(c.rotate_crl(&pending).await, 400, "INVALID_CA_STATUS");
    fails(c.trim_ca(&pending).await, 400, "INVALID_CA_STATUS");
    fails(
        c.issue_end_cert(&pending, &end_request("x", 10)).await,
        400,
        "INVALID_CA_STATUS",
    );
    assert_eq!(snapshot(c).await, before);

    // Activate Sub CA.
    let signed = c
        .sign_sub_csr(&root, &sign(Period::Days(10), &csr))
        .await
        .unwrap();
    let root_pem = signed.issuer.clone().unwrap();
    let cert = signed.certificate.clone().unwrap();
    let act = |cert_pem: &str, chain: &str| ActivateSubCaRequest {
        cert_pem: cert_pem.into(),
        ca_chain_pem: chain.into(),
    };
    let before = snapshot(c).await;
    let other_pem = cert_pem_of(&c.get_ca(&other_root).await.unwrap());
    let cases: Vec<(ActivateSubCaRequest, &str)> = vec![
        (act("", &root_pem), "EMPTY_CERT"),
        (act(&cert, ""), "INVALID_INPUT_CA_CHAIN"),
        (act("junk", &root_pem), "INVALID_INPUT_CERT"),
        (act(&cert, "junk"), "INVALID_INPUT_CA_CHAIN"),
        // Key mismatch: the root's own certificate is not the sub CA's.
        (act(&root_pem, &root_pem), "INVALID_CERT"),
        // Wrong chain: another root did not sign it.
        (act(&cert, &other_pem), "INVALID_INPUT_CA_CHAIN"),
    ];
    for (req, code) in cases {
        fails(c.activate_sub_ca(&pending, &req).await, 400, code);
    }
    assert_eq!(snapshot(c).await, before);
    // An end-entity certificate is not a CA certificate.
    let end = c
        .issue_end_cert(&root, &end_request("leaf.example.com", 10))
        .await
        .unwrap();
    let before_leaf = snapshot(c).await;
    fails(
        c.activate_sub_ca(
            &pending,
            &act(end.certificate.as_deref().unwrap(), &root_pem),
        )
        .await,
        400,
        "INVALID_CERT",
    );
    assert_eq!(snapshot(c).await, before_leaf);
    // Success, then a second activation is refused.
    c.activate_sub_ca(&pending, &act(&cert, &root_pem))
        .await
        .expect("activate");
    fails(
        c.activate_sub_ca(&pending, &act(&cert, &root_pem)).await,
        400,
        "INVALID_CA_STATUS",
    );
    fails(c.get_sub_csr(&pending).await, 400, "INVALID_CA_STATUS");
    env.stop().await;
}

#[tokio::test]
async fn user_ocsp_and_crl_config_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let tag = create_root(c, "misc", Period::Max).await;
    let before = snapshot(c).await;
    fails(
        c.add_ca_user(&tag, &AddCaUserRequest::default()).await,
        400,
        "EMPTY_ID_NO",
    );
    fails(
        c.add_ca_user(
            &tag,
            &AddCaUserRequest {
                id_no: IdNo::from("not-an-id"),
            },
        )
        .await,
        400,
        "INVAILD_ID_NO",
    );
    fails(
        c.delete_ca_user(&tag, &IdNo::from("not-an-id")).await,
        400,
        "INVAILD_ID_NO",
    );
    fails(
        c.delete_ca_user(&tag, &IdNo::from(ID)).await,
        400,
        "INVALID_USER",
    );
    for bad in ["", "ftp://x", "http://", "http://a b/ocsp"] {
        fails(
            c.create_ocsp(
                &tag,
                &CreateOcspRequest {
                    ocsp_servers: bad.into(),
                },
            )
            .await,
            400,
            "INVALID_INPUT",
        );
    }
    for bad in ["", "2", "three", "-5", "3.5", "4000"] {
        fails(
            c.update_crl_config(&tag, &UpdateCrlConfigRequest { expiry: bad.into() })
                .await,
            400,
            "INVALID_INPUT",
        );
    }
    assert_eq!(snapshot(c).await, before);
    // Delete OCSP when none is configured: nothing to do, success.
    c.delete_ocsp(&tag).await.expect("delete ocsp");
    env.stop().await;
}

#[tokio::test]
async fn status_machine_errors() {
    let env = Env::start().await;
    let c = &env.client;
    let tag = create_root(c, "machine", Period::Max).await;

    fails(
        c.update_ca(&tag, &UpdateCaRequest::default()).await,
        400,
        "EMPTY_STATUS",
    );
    fails(
        c.update_ca(
            &tag,
            &UpdateCaRequest {
                status: CaStatus::default(),
                memo: Some("only memo".into()),
            },
        )
        .await,
        400,
        "EMPTY_STATUS",
    );
    for s in ["PENDING", "bogus"] {
        fails(
            c.update_ca(&tag, &set_status(CaStatus::from_wire(s))).await,
            400,
            "INVALID_INPUT_STATUS",
        );
    }
    // Delete needs DESTROYING.
    fails(c.delete_ca(&tag).await, 400, "INVALID_CA_STATUS");

    // DEACTIVATED: no signing; reading and revoking still work.
    let serial = issue(c, &tag, "before.example.com").await;
    c.update_ca(&tag, &set_status(CaStatus::Deactivated))
        .await
        .unwrap();
    fails(
        c.issue_end_cert(&tag, &end_request("x", 10)).await,
        400,
        "INVALID_CA_STATUS",
    );
    fails(
        c.sign_end_csr(
            &tag,
            &SignEndCsrQuery::default(),
            &sign_request(&make_csr("x.example.com"), None),
        )
        .await,
        400,
        "INVALID_CA_STATUS",
    );
    fails(
        c.create_ca(
            &sub_query(Some(&tag)),
            &ca_request("child", Period::Days(10)),
        )
        .await,
        400,
        "INVALID_ISSUER_CA",
    );
    c.get_ca_chain(&tag).await.expect("chain");
    c.get_ca_crl(&tag).await.expect("crl");
    c.get_end_cert(&tag, &serial).await.expect("get");
    c.revoke_end_cert(&tag, &serial).await.expect("revoke");
    fails(c.delete_ca(&tag).await, 400, "INVALID_CA_STATUS");

    // DESTROYING: no signing, no DEACTIVATED; ACTIVE cancels.
    c.update_ca(&tag, &set_status(CaStatus::Active))
        .await
        .unwrap();
    c.update_ca(&tag, &set_status(CaStatus::Destroying))
        .await
        .unwrap();
    fails(
        c.issue_end_cert(&tag, &end_request("x", 10)).await,
        400,
        "INVALID_CA_STATUS",
    );
    fails(
        c.update_ca(&tag, &set_status(CaStatus::Deactivated)).await,
        400,
        "INVALID_CA_STATUS",
    );
    let back = c
        .update_ca(&tag, &set_status(CaStatus::Active))
        .await
        .unwrap();
    assert_eq!(back.destroy_date(), None);

    // PENDING: only DESTROYING; cancelling returns to PENDING.
    let p = create_sub(c, "pend", None, 10).await;
    for s in [CaStatus::Active, CaStatus::Deactivated] {
        fails(
            c.update_ca(&p, &set_status(s)).await,
            400,
            "INVALID_CA_STATUS",
        );
    }
    c.update_ca(&p, &set_status(CaStatus::Destroying))
        .await
        .unwrap();
    let again = c
        .update_ca(&p, &set_status(CaStatus::Active))
        .await
        .unwrap();
    assert_eq!(
        again.ca_info().and_then(|i| i.status.clone()),
        Some(CaStatus::Pending)
    );
    env.stop().await;
}

// ---------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------

#[track_caller]
fn gateway_401<T: Debug>(result: Result<T, ClientError>) -> ClientError {
    let err = result.expect_err("401");
    assert!(matches!(err, ClientError::Gateway { .. }), "{err:?}");
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(err.code(), Some("200"), "{err}");
    assert_eq!(err.attempts(), 1, "a 401 is not retried: {err}");
    assert!(!err.is_not_found() && !err.is_retryable());
    err
}

#[tokio::test]
async fn wrong_credentials_are_a_gateway_401_not_retried() {
    let env = Env::start().await;
    let base = env.running.base_url.clone();
    let wrong_secret = client_for(&base, ACCESS, "WRONGSECRETKEY000000000000000000000000001");
    let wrong_access = client_for(&base, "UNKNOWNACCESSKEY0001", SECRET);
    for client in [&wrong_secret, &wrong_access] {
        gateway_401(client.get_ca_list(&PageQuery::page(1)).await);
        gateway_401(
            client
                .create_ca(&root_query(), &ca_request("intruder", Period::Max))
                .await,
        );
        gateway_401(client.get_ca(&CaTag::from(NO_CA)).await);
    }
    let err = gateway_401(wrong_secret.get_ca_list_all().await);
    assert!(!err.to_string().contains("WRONGSECRETKEY"), "{err}");
    // Nothing was created.
    assert!(env.client.get_ca_list_all().await.unwrap().is_empty());
    env.stop().await;

    // A server clock 10 minutes away: the timestamp is refused, with a clock hint.
    let clock = Arc::new(ManualClock::starting_now());
    let running = pca::emulator::start_with(
        config(),
        clock.clone() as Arc<dyn Clock>,
        Arc::new(RandomIds::seeded(3)),
    )
    .await
    .expect("start emulator");
    let client = client_for(&running.base_url, ACCESS, SECRET);
    client.get_ca_list_all().await.expect("in sync");
    clock.advance(10 * 60_000);
    let err = gateway_401(client.get_ca_list_all().await);
    match err {
        ClientError::Gateway { clock: hint, .. } => assert!(hint.is_some(), "no clock hint"),
        other => panic!("{other:?}"),
    }
    running.shutdown().await.unwrap();
}

// ---------------------------------------------------------------------------------------
// Retries against injected faults
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn retries_against_injected_faults() {
    let env = Env::start().await;
    let c = &env.client;
    let faults = env.running.state.faults();

    // Two 503s, then success: a GET and a Create CA go through, and exactly one CA exists.
    faults.fail_next(2, 503);
    assert!(
        c.get_ca_list(&PageQuery::page(1))
            .await
            .expect("GET")
            .ca_info_list
            .is_empty()
    );
    faults.fail_next(2, 503);
    let tag = create_root(c, "retried", Period::Max).await;
    let all = c.get_ca_list_all().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(tag_of(&all[0]), tag);

    // 429 is retried for a POST too: one certificate.
    faults.fail_next(2, 429);
    let serial = issue(c, &tag, "throttled.example.com").await;
    assert_eq!(c.get_end_cert_list_all(&tag).await.unwrap(), vec![serial]);

    // More faults than retries: the last status, after 1 + 2 attempts.
    faults.fail_next(3, 503);
    let err = c.get_ca(&tag).await.expect_err("exhausted");
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(err.attempts(), 3, "{err}");
    assert!(err.is_retryable() && !err.is_not_found());
    c.get_ca(&tag).await.expect("faults used up");

    // A 500 may have been processed: an idempotent GET is retried...
    faults.fail_next(1, 500);
    c.get_ca(&tag).await.expect("GET retried after 500");
    // ...a POST is not, and nothing was issued.
    faults.fail_next(1, 500);
    let err = c
        .issue_end_cert(&tag, &end_request("ambiguous.example.com", 10))
        .await
        .expect_err("500");
    assert_eq!((err.status(), err.attempts()), (Some(500), 1), "{err}");
    assert!(err.is_ambiguous());
    assert_eq!(c.get_end_cert_list_all(&tag).await.unwrap().len(), 1);
    // Create CA after a 500 looks its alias up; nothing was created, so the 500 stands.
    faults.fail_next(1, 500);
    let err = c
        .create_ca(&root_query(), &ca_request("ambiguous", Period::Max))
        .await
        .expect_err("500");
    assert_eq!((err.status(), err.attempts()), (Some(500), 1), "{err}");
    assert_eq!(c.get_ca_list_all().await.unwrap().len(), 1);
    env.stop().await;

    // Connection refused: retried (never sent), then a transport error.
    // Port 1 (tcpmux): privileged and outside the ephemeral range, so no test's server can
    // be there, unlike a freed ephemeral port.
    let closed = "127.0.0.1:1";
    let client = client_for(&format!("http://{closed}"), ACCESS, SECRET);
    let err = client
        .create_ca(&root_query(), &ca_request("nowhere", Period::Max))
        .await
        .expect_err("refused");
    assert!(
        matches!(err, ClientError::Transport { sent: false, .. }),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 3);
}
