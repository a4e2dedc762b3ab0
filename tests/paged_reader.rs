//! The paged reader of `pca_end_cert` (`resources::snapshot`) and the CRL cache against an
//! in-test HTTP server, for answers the emulator never gives: a certificate list that says
//! "not found" for a CA that still exists, a CRL that cannot be read, a list whose length
//! changes between two walks; what Rotate CRL and Trim CA drop from the caches; the CA
//! user list shared by `pca_ca_user` refreshes; and CA list records too thin to answer a
//! refresh (read with Get CA instead).

mod client_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use client_support::{Recorded, Reply, TestServer};
use pca::api::model::CaTag;
use pca::client::{Client, ClientError};
use pca::framework::diag::Diagnostics;
use pca::framework::resource::{Ctx, Resource};
use pca::framework::typed::Val;
use pca::provider::PcaData;
use pca::resources::common::revoked_serials;
use pca::resources::ocsp::{OcspModel, OcspResource};
use pca::resources::operation::Operation;
use pca::resources::snapshot::{
    PREFETCH_PAGES, ca_users, cert_listing, note_created, read_ahead, user_write,
};
use pca::resources::sub_ca_activation::{SubCaActivationModel, SubCaActivationResource};

const TAG: &str = "1a2b3c4d-5e6f7a8b";
const CA_GONE: &str = "The CA doesn't exist.";
const CERT_GONE: &str = "The certificate doesn't exist.";

fn data_for(server: &TestServer) -> PcaData {
    let client = server.client().max_retries(0).build().expect("client");
    PcaData {
        settings: Err("built by the test".into()),
        client: Ok(client),
        revoked_cache: Default::default(),
        cert_listings: Default::default(),
        ca_listing: Default::default(),
        user_lists: Default::default(),
    }
}

fn client(data: &PcaData) -> &Client {
    data.client.as_ref().expect("client")
}

fn ca_record() -> Value {
    json!({
        "caInfo": {"caTag": TAG, "alias": "corp-root", "caType": "PRIVATE_ROOT",
                   "status": "ACTIVE", "rgstDate": 1_721_105_212_000_i64},
        "caCertInfo": {"commonName": "Corp Root"}
    })
}

fn page(serials: &[&str], page_no: u32, pages: u32) -> Reply {
    Reply::ok(json!({"totalCnt": serials.len(), "listCerts": serials,
                     "totalPageNo": pages, "currentPageNo": page_no}))
}

fn count(server: &TestServer, op: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.op == Some(op))
        .count()
}

/// How many requests read the CA's CRL and its certificate list pages.
fn reads(server: &TestServer) -> (usize, usize) {
    (
        count(server, "Get CA CRL"),
        count(server, "Get End Cert List"),
    )
}

/// A CRL signed by a throwaway CA that lists `serials`.
fn crl_pem(serials: &[&[u8]]) -> String {
    use rcgen::{
        CertificateParams, CertificateRevocationListParams, IsCa, KeyIdMethod, KeyPair,
        KeyUsagePurpose, RevokedCertParams, SerialNumber, date_time_ymd,
    };
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let issuer = rcgen::Issuer::new(params, &key);
    CertificateRevocationListParams {
        this_update: date_time_ymd(2026, 12, 1),
        next_update: date_time_ymd(2026, 12, 8),
        crl_number: SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from_slice(s),
                revocation_time: date_time_ymd(2026, 12, 1),
                reason_code: None,
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&issuer)
    .expect("crl")
    .pem()
    .expect("pem")
}

/// Row 69 ("the certificate doesn't exist") from a list page is no proof that the CA is
/// gone: Get CA answers, the CA exists, so the listing is empty but the CA is not gone, and
/// each certificate is then read on its own (Get End Cert) instead of all of them being
/// taken for gone (Terraform would issue them all again). Kept for the process.
#[tokio::test]
async fn a_list_not_found_for_a_ca_that_exists_is_not_gone() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") => Reply::error(400, "NOT_EXIST_CERT", CERT_GONE),
        Some("Get CA") => Reply::ok(ca_record()),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("the CA exists: an empty listing");
    assert!(!listing.ca_gone);
    assert!(listing.is_empty());
    assert_eq!(count(&server, "Get CA"), 1, "Get CA was asked");
    cert_listing(&data, client(&data), TAG).await.expect("kept");
    assert_eq!(count(&server, "Get End Cert List"), 1);
    assert_eq!(count(&server, "Get CA"), 1);
}

/// The same holds for a bare 404 in the service envelope (NOT_FOUND) from the list.
#[tokio::test]
async fn a_list_404_for_a_ca_that_exists_is_not_gone() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") => Reply::error(404, "NOT_FOUND", "Not Found"),
        Some("Get CA") => Reply::ok(ca_record()),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("the CA exists");
    assert!(!listing.ca_gone && listing.is_empty());
}

/// Row 68 from the list, confirmed by row 68 from Get CA: the CA is gone, and so are its
/// certificates.
#[tokio::test]
async fn a_ca_gone_by_get_ca_makes_its_certificates_gone() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") | Some("Get CA") => Reply::error(400, "NOT_EXIST_CA", CA_GONE),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("a gone CA is an answer");
    assert!(listing.ca_gone);
    assert!(listing.is_empty());
    // Kept for the process: the CA's other certificates read it without a request.
    cert_listing(&data, client(&data), TAG).await.expect("kept");
    assert_eq!(count(&server, "Get End Cert List"), 1);
    assert_eq!(count(&server, "Get CA"), 1);
}

/// A CA that Get CA shows scheduled for deletion (`DESTROYING`) counts as gone, as it does
/// for `pca_ca`, once its list has said "not found".
#[tokio::test]
async fn a_destroying_ca_makes_its_certificates_gone() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") => Reply::error(400, "NOT_EXIST_CA", CA_GONE),
        Some("Get CA") => {
            let mut record = ca_record();
            record["caInfo"]["status"] = json!("DESTROYING");
            Reply::ok(record)
        }
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("a CA being destroyed is an answer");
    assert!(listing.ca_gone);
}

/// When Get CA itself fails, that failure is the read's error (nothing is gone).
#[tokio::test]
async fn a_failing_get_ca_is_the_error() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") => Reply::error(400, "NOT_EXIST_CA", CA_GONE),
        Some("Get CA") => Reply::error(400, "INVALID_INPUT", "Invalid input."),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let err = cert_listing(&data, client(&data), TAG)
        .await
        .expect_err("not known to be gone");
    assert_eq!(err.operation(), Some("Get CA"), "{err}");
}

/// A list whose page 1 first says `stale_pages` pages (one certificate), then one page with
/// two certificates; every other page fails. Also returns how many times page 1 was read.
async fn shrunk_list(stale_pages: u32) -> (TestServer, Arc<Mutex<u32>>) {
    let pages_one = Arc::new(Mutex::new(0u32));
    let seen = pages_one.clone();
    let server = TestServer::start(move |r: &Recorded| match (r.op, r.page_no()) {
        (Some("Get End Cert List"), Some(1)) => {
            let mut n = seen.lock().expect("lock");
            *n += 1;
            if *n == 1 {
                page(&["0a:01"], 1, stale_pages)
            } else {
                page(&["0a:01", "0a:02"], 1, 1)
            }
        }
        (Some("Get End Cert List"), Some(_)) => Reply::error(400, "INVALID_INPUT", "Invalid."),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    (server, pages_one)
}

/// A walk that failed part-way is retried from a fresh page 1: the list may have changed
/// length, and the first walk's page 1 (here: 2 pages) is out of date (now: 1 page).
#[tokio::test]
async fn a_retried_walk_reads_page_one_again() {
    let (server, pages_one) = shrunk_list(2).await;
    let data = data_for(&server);
    cert_listing(&data, client(&data), TAG)
        .await
        .expect_err("page 2 fails");
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("the fresh page 1 is the whole list");
    assert!(listing.contains("0a:01") && listing.contains("0a:02"));
    assert_eq!(*pages_one.lock().expect("lock"), 2, "page 1 read again");
    let page_two = server
        .requests()
        .iter()
        .filter(|r| r.page_no() == Some(2))
        .count();
    assert_eq!(page_two, 1, "the second walk did not ask for page 2");
}

/// Page 1 read ahead (from the CA's refresh) may be out of date by the time the
/// certificates are refreshed: here it says the list has more pages than are read ahead, the
/// list has since shrunk to one page, and page 2 fails. The first reader does not fail: it
/// walks once more from a fresh page 1.
#[tokio::test]
async fn a_walk_from_a_page_one_read_ahead_retries_from_a_fresh_one() {
    let (server, pages_one) = shrunk_list(PREFETCH_PAGES + 1).await;
    let data = data_for(&server);
    read_ahead(&data, client(&data), TAG).await;
    assert_eq!(
        reads(&server),
        (0, 1),
        "page 1 only: more pages than read ahead"
    );
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("walked again from a fresh page 1");
    assert!(listing.contains("0a:01") && listing.contains("0a:02"));
    assert_eq!(*pages_one.lock().expect("lock"), 2, "page 1 read again");
}

/// A CRL the provider cannot read is an error naming the operation, never "nothing is
/// revoked"; it is not kept, so the next read fetches the CRL again.
#[tokio::test]
async fn an_unreadable_crl_is_an_error_and_not_kept() {
    let good = crl_pem(&[&[0x3a, 0x1f]]);
    let calls = Arc::new(Mutex::new(0u32));
    let seen = calls.clone();
    let server = TestServer::start(move |r: &Recorded| match r.op {
        Some("Get CA CRL") => {
            let mut n = seen.lock().expect("lock");
            *n += 1;
            if *n == 1 {
                Reply::ok(json!(
                    "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----"
                ))
            } else {
                Reply::ok(json!(good))
            }
        }
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let err = revoked_serials(&data, client(&data), TAG)
        .await
        .expect_err("an unreadable CRL");
    assert!(matches!(err, ClientError::Decode { .. }), "{err:?}");
    assert_eq!(err.operation(), Some("Get CA CRL"));
    assert!(err.to_string().contains("not a PEM X.509 CRL"), "{err}");
    let revoked = revoked_serials(&data, client(&data), TAG)
        .await
        .expect("the next read fetches it again");
    assert!(revoked.contains("3a:1f"), "{revoked:?}");
    // Now kept.
    revoked_serials(&data, client(&data), TAG)
        .await
        .expect("kept");
    assert_eq!(*calls.lock().expect("lock"), 2);
}

/// Rotate CRL drops the CA's cached CRL; Trim CA drops its CRL and its certificate list.
/// Both whether the answer arrived or not.
#[tokio::test]
async fn rotate_crl_and_trim_ca_drop_what_they_change() {
    let crl = crl_pem(&[]);
    let fail_ops = Arc::new(Mutex::new(false));
    let failing = fail_ops.clone();
    let server = TestServer::start(move |r: &Recorded| match r.op {
        Some("Get CA CRL") => Reply::ok(json!(crl)),
        Some("Get End Cert List") => page(&["0a:01"], 1, 1),
        Some("Rotate CRL") | Some("Trim CA") if *failing.lock().expect("lock") => {
            Reply::error(400, "INVALID_INPUT", "Invalid.")
        }
        Some("Rotate CRL") | Some("Trim CA") => Reply::ok(Value::Null),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let c = client(&data);
    let tag = CaTag::from(TAG);
    let read_both = || async {
        revoked_serials(&data, c, TAG).await.expect("crl");
        cert_listing(&data, c, TAG).await.expect("listing");
    };
    read_both().await;
    read_both().await;
    assert_eq!(reads(&server), (1, 1));

    Operation::RotateCrl
        .run(&data, c, &tag)
        .await
        .expect("rotate");
    read_both().await;
    assert_eq!(reads(&server), (2, 1));

    Operation::TrimCa.run(&data, c, &tag).await.expect("trim");
    read_both().await;
    assert_eq!(reads(&server), (3, 2));

    *fail_ops.lock().expect("lock") = true;
    Operation::RotateCrl
        .run(&data, c, &tag)
        .await
        .expect_err("rotate fails");
    read_both().await;
    assert_eq!(reads(&server), (4, 2));
    Operation::TrimCa
        .run(&data, c, &tag)
        .await
        .expect_err("trim fails");
    read_both().await;
    assert_eq!(reads(&server), (5, 3));
}

/// A certificate created while its CA's list is being walked (a page read before it
/// existed lacks it) is held by the listing that walk gives, and the walk is not repeated;
/// one created after the walk is held too.
#[tokio::test]
async fn a_certificate_created_during_a_walk_is_in_its_listing() {
    let server = TestServer::start(|r| match r.op {
        Some("Get End Cert List") => {
            Reply::Delay(Duration::from_millis(300), Box::new(page(&["0a:01"], 1, 1)))
        }
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let walk = tokio::spawn({
        let data = data.clone();
        async move { cert_listing(&data, client(&data), TAG).await.map(|_| ()) }
    });
    while count(&server, "Get End Cert List") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    note_created(&data, TAG, "0A:02");
    let listing = cert_listing(&data, client(&data), TAG)
        .await
        .expect("the walk in flight");
    assert!(listing.contains("0a:01"), "listed");
    assert!(listing.contains("0a:02"), "created during the walk");
    assert_eq!(listing.len(), 2);
    walk.await.expect("join").expect("the first reader");
    note_created(&data, TAG, "0a:03");
    assert!(listing.contains("0A03"), "created after the walk");
    assert_eq!(count(&server, "Get End Cert List"), 1, "one walk");
}

fn user(id_no: &str) -> Value {
    json!({"idNo": id_no, "loginId": format!("login-{id_no}"), "mbrNo": 1234})
}

/// The CA's user list is read once per CA and process, however many readers ask at once;
/// an add or delete drops it after the write (also when the write failed), so the next
/// reader sees the change.
#[tokio::test]
async fn ca_users_are_read_once_per_ca_until_a_user_write() {
    const A: &str = "6e4c1234-5678-90ab-cdef-1234567a9baa";
    const B: &str = "7f5d2345-6789-01bc-def0-2345678b0cbb";
    let users = Arc::new(Mutex::new(vec![user(A)]));
    let listed = users.clone();
    let server = TestServer::start(move |r: &Recorded| match r.op {
        Some("Get CA User List") => Reply::Delay(
            Duration::from_millis(100),
            Box::new(Reply::ok(json!(listed.lock().expect("lock").clone()))),
        ),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let c = client(&data);
    let ids = |u: &Option<Arc<Vec<pca::api::model::CaUser>>>| -> Vec<String> {
        u.as_ref()
            .expect("the CA exists")
            .iter()
            .filter_map(|u| u.id_no.as_ref().map(|i| i.as_str().to_owned()))
            .collect()
    };
    let (one, two, three) = tokio::join!(
        ca_users(&data, c, TAG),
        ca_users(&data, c, TAG),
        ca_users(&data, c, TAG)
    );
    for u in [one, two, three] {
        assert_eq!(ids(&u.expect("read")), vec![A.to_owned()]);
    }
    assert_eq!(
        count(&server, "Get CA User List"),
        1,
        "one request for three readers"
    );

    // A write to another CA's users leaves this CA's list alone.
    user_write(Some(&data), "0f0f0f0f-0f0f0f0f", async {}).await;
    ca_users(&data, c, TAG).await.expect("kept");
    assert_eq!(count(&server, "Get CA User List"), 1);

    // A user added behind the cache: the write drops the list once it is done.
    user_write(Some(&data), TAG, async {
        users.lock().expect("lock").push(user(B));
        Err::<(), &str>("the answer was lost")
    })
    .await
    .expect_err("the write failed");
    let now = ca_users(&data, c, TAG).await.expect("read again");
    assert_eq!(ids(&now), vec![A.to_owned(), B.to_owned()]);
    assert_eq!(count(&server, "Get CA User List"), 2);
}

/// A list that says "not found" for a CA that Get CA confirms gone is an answer (kept: its
/// users are gone); "not found" for a CA that exists, and any other error, is returned and
/// not kept.
#[tokio::test]
async fn ca_users_keep_a_gone_ca_but_not_an_error() {
    const LISTED: &str = "0e0e0e0e-0e0e0e0e";
    let calls = Arc::new(Mutex::new(0u32));
    let seen = calls.clone();
    let server = TestServer::start(move |r: &Recorded| match (r.op, r.request_uri()) {
        (Some("Get CA User List"), uri) if uri.contains(TAG) => {
            let mut n = seen.lock().expect("lock");
            *n += 1;
            if *n == 1 {
                Reply::error(500, "INTERNAL", "Internal error.")
            } else {
                Reply::ok(json!([user("6e4c1234-5678-90ab-cdef-1234567a9baa")]))
            }
        }
        (Some("Get CA User List"), uri) if uri.contains(LISTED) => {
            Reply::error(404, "NOT_FOUND", "Not Found")
        }
        (Some("Get CA User List"), _) => Reply::error(400, "NOT_EXIST_CA", CA_GONE),
        (Some("Get CA"), uri) if uri.contains(LISTED) => Reply::ok(ca_record()),
        (Some("Get CA"), _) => Reply::error(400, "NOT_EXIST_CA", CA_GONE),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await;
    let data = data_for(&server);
    let c = client(&data);
    let gone = "0f0f0f0f-0f0f0f0f";
    assert!(ca_users(&data, c, gone).await.expect("an answer").is_none());
    assert!(ca_users(&data, c, gone).await.expect("kept").is_none());
    assert_eq!(count(&server, "Get CA"), 1, "confirmed once");
    ca_users(&data, c, LISTED)
        .await
        .expect_err("not found, but the CA exists");
    ca_users(&data, c, TAG).await.expect_err("a server error");
    let users = ca_users(&data, c, TAG).await.expect("read again");
    assert_eq!(users.map(|u| u.len()), Some(1));
    assert_eq!(count(&server, "Get CA User List"), 4);
}

/// A CA list of one page holding `record`; Get CA answers `full`.
async fn ca_list_and_get(record: Value, full: Value) -> TestServer {
    TestServer::start(move |r: &Recorded| match r.op {
        Some("Get CA List") => Reply::ok(json!({"totalCnt": 1, "totalPageNo": 1,
                                                "currentPageNo": 1, "caInfoList": [record]})),
        Some("Get CA") => Reply::ok(full.clone()),
        _ => Reply::error(500, "UNEXPECTED", "unexpected request"),
    })
    .await
}

fn ctx_for(data: PcaData) -> Ctx<PcaData> {
    Ctx::new(Some(Arc::new(data)), tokio::sync::watch::channel(false).1)
}

/// `pca_ocsp` reads its CA from the CA list, but a listed record without its URLs is no
/// proof that OCSP is off: the CA is read with Get CA, and OCSP stays.
#[tokio::test]
async fn ocsp_reads_a_ca_listed_without_urls_with_get_ca() {
    const URL: &str = "http://ocsp.example.test/root";
    let mut full = ca_record();
    full["caInfo"]["urlInfo"] = json!({"ocsp": [URL], "crl": [], "ca": []});
    for listed in [
        ca_record(),
        json!({"caInfo": {"caTag": TAG, "status": "ACTIVE",
                          "urlInfo": {"ocsp": null, "crl": [], "ca": []}}}),
    ] {
        ocsp_stays(listed, full.clone(), URL).await;
    }
}

async fn ocsp_stays(listed: Value, full: Value, url: &str) {
    let server = ca_list_and_get(listed, full).await;
    let ctx = ctx_for(data_for(&server));
    let state = OcspModel {
        id: Val::Known(TAG.into()),
        ca_tag: Val::Known(TAG.into()),
        ocsp_url: Val::Known(url.into()),
    };
    let mut diags = Diagnostics::new();
    let read = OcspResource.read(&ctx, state.clone(), &mut diags).await;
    assert!(!diags.has_errors(), "{diags:?}");
    assert_eq!(read, Some(state), "OCSP is still on");
    assert_eq!(count(&server, "Get CA"), 1);
}

/// The same for `pca_sub_ca_activation`: an active sub CA listed without its certificate is
/// read with Get CA, not taken for gone (which would plan to activate it again).
#[tokio::test]
async fn sub_ca_activation_reads_a_ca_listed_without_its_certificate_with_get_ca() {
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    let mut full = ca_record();
    full["caInfo"]["caType"] = json!("PRIVATE_SUB");
    full["caCertInfo"]["certPem"] = json!(pem);
    let mut listed = full.clone();
    listed["caCertInfo"] = Value::Null;
    let server = ca_list_and_get(listed, full).await;
    let ctx = ctx_for(data_for(&server));
    let state = SubCaActivationModel {
        id: Val::Known(TAG.into()),
        ca_tag: Val::Known(TAG.into()),
        certificate_pem: Val::Known(pem.into()),
        chain_pem: Val::Known(String::new()),
        status: Val::Known("ACTIVE".into()),
    };
    let mut diags = Diagnostics::new();
    let read = SubCaActivationResource
        .read(&ctx, state.clone(), &mut diags)
        .await;
    assert!(!diags.has_errors(), "{diags:?}");
    assert_eq!(read, Some(state), "still activated");
    assert_eq!(count(&server, "Get CA"), 1);
}
