//! The emulator's PKI engine checked by the `openssl` CLI (OpenSSL 3): chains verify, the CRL
//! rejects a revoked certificate (error 23), the OCSP responder answers `good` / `revoked`
//! with a signature openssl accepts, openssl-made CSRs (P-521, extra extensions) are signed,
//! and an openssl-signed sub CA activates.
//!
//! The `openssl` binary is required: without it these tests fail (they do not skip).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use pca::api::model::KeyType;
use pca::emulator::pki::*;

const DAY: i64 = 86_400_000;

fn now_ms() -> i64 {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(d.as_millis()).unwrap()
}

/// A scratch directory for openssl's input and output files.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        Work {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> String {
        let p: PathBuf = self.dir.path().join(name);
        p.to_str().unwrap().to_owned()
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let p = self.path(name);
        std::fs::write(&p, contents).unwrap();
        p
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }
}

/// What one openssl run printed.
struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `openssl args…`; fails the test with a clear message when the CLI is missing.
fn openssl(args: &[&str]) -> Out {
    let out = match Command::new("openssl").args(args).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "these tests need the `openssl` command-line tool (OpenSSL 3) on PATH, and running \
             it failed: {e}. Install it (e.g. `apt-get install openssl`)."
        ),
    };
    Out {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs openssl and requires success.
fn openssl_ok(args: &[&str]) -> Out {
    let out = openssl(args);
    assert!(out.ok, "openssl {} failed:\n{}", args.join(" "), out.all());
    out
}

/// A CA made by the engine.
struct Ca {
    key: CaKey,
    cert: Issued,
}

impl Ca {
    fn issuer(&self) -> Issuer<'_> {
        Issuer {
            cert_pem: &self.cert.pem,
            key: &self.key,
        }
    }
}

fn urls(tag: &str) -> Urls {
    Urls {
        crl: Some(format!("http://127.0.0.1:9/ext/{tag}/crl")),
        ocsp: Some(format!("http://127.0.0.1:9/ext/{tag}/ocsp")),
        ca_issuers: Some(format!("http://127.0.0.1:9/ext/{tag}/ca")),
    }
}

fn make_root(kt: KeyType, cn: &str) -> Ca {
    let key = CaKey::generate(kt).unwrap();
    let subject = Subject {
        common_name: Some(cn.into()),
        country: Some("KR".into()),
        state_province: Some("Gyeonggi-do".into()),
        locality: Some("Seongnam".into()),
        organization: Some("Corp".into()),
        organizational_unit: Some("Security".into()),
        street_address: None,
        postal_code: None,
    };
    let cert = self_signed_root(
        &key,
        &subject,
        &Sans::default(),
        3650,
        &new_serial().unwrap(),
        now_ms(),
    )
    .unwrap();
    Ca { key, cert }
}

fn make_sub(parent: &Ca, kt: KeyType, cn: &str) -> Ca {
    let key = CaKey::generate(kt).unwrap();
    let subject = Subject {
        organization: Some("Corp".into()),
        ..Subject::with_common_name(cn)
    };
    let csr = sub_ca_csr(&key, &subject, &Sans::default()).unwrap();
    let cert = sign_sub_ca(
        &parent.issuer(),
        &csr,
        1825,
        &new_serial().unwrap(),
        &urls("parent"),
        now_ms(),
    )
    .unwrap();
    Ca { key, cert }
}

fn make_leaf(ca: &Ca, kt: KeyType, dns: &str) -> (CaKey, Issued) {
    let key = CaKey::generate(kt).unwrap();
    let cert = issue_end_cert(
        &ca.issuer(),
        &key,
        &Subject::with_common_name(dns),
        &Sans::parse(
            Some(&format!("{dns},ops@example.com")),
            Some("127.0.0.1,::1"),
        )
        .unwrap(),
        90,
        &new_serial().unwrap(),
        &urls("sub"),
        now_ms(),
    )
    .unwrap();
    (key, cert)
}

/// `openssl verify` of `leaf` against `root` with `untrusted` intermediates and extra flags.
fn verify(w: &Work, root: &str, untrusted: &[&str], leaf: &str, flags: &[&str]) -> Out {
    let root_p = w.write("v-root.pem", root);
    let untrusted_p = w.write("v-untrusted.pem", untrusted.concat());
    let leaf_p = w.write("v-leaf.pem", leaf);
    let mut args = vec!["verify", "-CAfile", &root_p];
    if !untrusted.is_empty() {
        args.extend(["-untrusted", &untrusted_p]);
    }
    args.extend(flags);
    args.push(&leaf_p);
    openssl(&args)
}

fn assert_verifies(w: &Work, root: &str, untrusted: &[&str], leaf: &str, flags: &[&str]) {
    let out = verify(w, root, untrusted, leaf, flags);
    assert!(
        out.ok && out.stdout.contains(": OK"),
        "openssl verify {flags:?} rejected the chain:\n{}",
        out.all()
    );
}

#[test]
fn chains_verify_for_each_key_type() {
    let w = Work::new();
    for kt in [KeyType::Ec256, KeyType::Rsa2048, KeyType::Ec521] {
        let root = make_root(kt.clone(), &format!("Root {kt}"));
        let sub = make_sub(&root, kt.clone(), &format!("Sub {kt}"));
        let (_, leaf) = make_leaf(&sub, kt.clone(), "www.example.com");
        for flags in [
            &["-x509_strict"][..],
            &["-x509_strict", "-purpose", "sslserver"],
            &["-x509_strict", "-purpose", "sslclient"],
        ] {
            assert_verifies(&w, &root.cert.pem, &[&sub.cert.pem], &leaf.pem, flags);
        }
        // The intermediate alone verifies against the root; the leaf without it does not.
        assert_verifies(&w, &root.cert.pem, &[], &sub.cert.pem, &["-x509_strict"]);
        assert!(!verify(&w, &root.cert.pem, &[], &leaf.pem, &[]).ok);
        let info = cert_info(&leaf.pem).unwrap();
        assert_eq!(info.key_type, Some(kt.clone()));
        // openssl agrees on the serial.
        let p = w.write("serial.pem", &leaf.pem);
        let out = openssl_ok(&["x509", "-in", &p, "-noout", "-serial"]);
        let hex = leaf.serial.replace(':', "").to_uppercase();
        assert_eq!(out.stdout.trim(), format!("serial={hex}"), "{kt}");
    }
}

#[test]
fn rsa4096_chain_verifies() {
    let w = Work::new();
    let t = Instant::now();
    let root = make_root(KeyType::Rsa4096, "Root RSA4096");
    eprintln!("RSA-4096 keygen + root: {:?}", t.elapsed());
    let sub = make_sub(&root, KeyType::Ec256, "Sub under RSA4096");
    let (_, leaf) = make_leaf(&sub, KeyType::Ec256, "rsa4096.example.com");
    assert_eq!(
        cert_info(&root.cert.pem).unwrap().key_type,
        Some(KeyType::Rsa4096)
    );
    assert_verifies(
        &w,
        &root.cert.pem,
        &[&sub.cert.pem],
        &leaf.pem,
        &["-x509_strict"],
    );
}

#[test]
fn three_tier_chain_verifies() {
    let w = Work::new();
    let root = make_root(KeyType::Ec256, "Root");
    let sub = make_sub(&root, KeyType::Ec256, "Tier 2");
    let sub2 = make_sub(&sub, KeyType::Ec256, "Tier 3");
    let (_, leaf) = make_leaf(&sub2, KeyType::Ec256, "deep.example.com");
    assert_verifies(
        &w,
        &root.cert.pem,
        &[&sub.cert.pem, &sub2.cert.pem],
        &leaf.pem,
        &["-x509_strict", "-purpose", "sslserver"],
    );
    check_activation(
        &sub2.key,
        &sub2.cert.pem,
        &chain_pem(&[&sub.cert.pem, &root.cert.pem]),
    )
    .unwrap();
}

#[test]
fn profiles_as_openssl_prints_them() {
    let w = Work::new();
    let root = make_root(KeyType::Ec256, "Root");
    let sub = make_sub(&root, KeyType::Ec256, "Sub");
    let (_, ec_leaf) = make_leaf(&sub, KeyType::Ec256, "ec.example.com");
    let (_, rsa_leaf) = make_leaf(&sub, KeyType::Rsa2048, "rsa.example.com");
    let text = |pem: &str| {
        let p = w.write("t.pem", pem);
        openssl_ok(&["x509", "-in", &p, "-noout", "-text"]).stdout
    };
    let r = text(&root.cert.pem);
    for want in [
        "Issuer: C = KR, ST = Gyeonggi-do, L = Seongnam, O = Corp, OU = Security, CN = Root",
        "X509v3 Basic Constraints: critical\n                CA:TRUE\n",
        "X509v3 Key Usage: critical\n                Digital Signature, Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
    ] {
        assert!(r.contains(want), "root lacks {want:?}:\n{r}");
    }
    let s = text(&sub.cert.pem);
    for want in [
        "CA:TRUE",
        "Certificate Sign, CRL Sign",
        "X509v3 Authority Key Identifier",
        "URI:http://127.0.0.1:9/ext/parent/crl",
        "OCSP - URI:http://127.0.0.1:9/ext/parent/ocsp",
        "CA Issuers - URI:http://127.0.0.1:9/ext/parent/ca",
    ] {
        assert!(s.contains(want), "sub lacks {want:?}:\n{s}");
    }
    for (leaf, ku) in [
        (&ec_leaf, "Digital Signature\n"),
        (&rsa_leaf, "Digital Signature, Key Encipherment\n"),
    ] {
        let l = text(&leaf.pem);
        for want in [
            "X509v3 Basic Constraints: critical\n                CA:FALSE",
            ku,
            "TLS Web Server Authentication, TLS Web Client Authentication",
            "email:ops@example.com",
            "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
            "URI:http://127.0.0.1:9/ext/sub/crl",
            "OCSP - URI:http://127.0.0.1:9/ext/sub/ocsp",
            "X509v3 Subject Key Identifier",
            "X509v3 Authority Key Identifier",
        ] {
            assert!(l.contains(want), "leaf lacks {want:?}:\n{l}");
        }
    }
}

#[test]
fn sub_ca_csr_passes_openssl_req_verify() {
    let w = Work::new();
    for kt in [KeyType::Ec256, KeyType::Ec521, KeyType::Rsa2048] {
        let key = CaKey::generate(kt.clone()).unwrap();
        let csr = sub_ca_csr(
            &key,
            &Subject::with_common_name("Issuing CA"),
            &Sans::parse(Some("ca.example.com"), None).unwrap(),
        )
        .unwrap();
        let p = w.write("sub.csr", &csr);
        let out = openssl_ok(&["req", "-in", &p, "-noout", "-verify", "-text"]);
        assert!(out.all().contains("verify OK"), "{kt}: {}", out.all());
        assert!(out.stdout.contains("CA:TRUE"), "{}", out.stdout);
        assert!(out.stdout.contains("DNS:ca.example.com"), "{}", out.stdout);
        // The key the emulator persists is one openssl reads, and it matches the CSR.
        let kp = w.write("sub.key", key.to_pem());
        let a = openssl_ok(&["pkey", "-in", &kp, "-pubout"]).stdout;
        let b = openssl_ok(&["req", "-in", &p, "-noout", "-pubkey"]).stdout;
        assert_eq!(a, b, "{kt}");
    }
}

#[test]
fn crl_check_rejects_revoked_and_accepts_good() {
    let w = Work::new();
    for kt in [KeyType::Ec256, KeyType::Rsa2048, KeyType::Ec521] {
        let root = make_root(kt.clone(), "Root");
        let sub = make_sub(&root, kt.clone(), "Sub");
        let (_, good) = make_leaf(&sub, KeyType::Ec256, "good.example.com");
        let (_, bad) = make_leaf(&sub, KeyType::Ec256, "bad.example.com");
        let now = now_ms();
        let revoked = [Revoked {
            serial: bad.serial.clone(),
            revoked_at_ms: now - 1_000,
            reason: None,
        }];
        let sub_crl = crl(&sub.issuer(), &revoked, 2, now, now + 5 * DAY).unwrap();
        let root_crl = crl(&root.issuer(), &[], 1, now, now + 3 * DAY).unwrap();
        let sub_crl_p = w.write("sub.crl", &sub_crl);
        let root_crl_p = w.write("root.crl", &root_crl);

        // openssl accepts the CRL's signature and reads its fields.
        let sub_p = w.write("sub-ca.pem", &sub.cert.pem);
        let out = openssl_ok(&[
            "crl", "-in", &sub_crl_p, "-noout", "-text", "-CAfile", &sub_p,
        ]);
        assert!(out.all().contains("verify OK"), "{}", out.all());
        assert!(
            out.stdout.contains("CRL Number: \n                2"),
            "{}",
            out.stdout
        );
        let hex = bad.serial.replace(':', "").to_uppercase();
        assert!(
            out.stdout.contains(&format!("Serial Number: {hex}")),
            "{}",
            out.stdout
        );
        let next = openssl_ok(&["crl", "-in", &sub_crl_p, "-noout", "-nextupdate"]).stdout;
        let last = openssl_ok(&["crl", "-in", &sub_crl_p, "-noout", "-lastupdate"]).stdout;
        assert!(next.starts_with("nextUpdate=") && last.starts_with("lastUpdate="));

        let crl_check = ["-crl_check", "-CRLfile", &sub_crl_p];
        assert_verifies(&w, &root.cert.pem, &[&sub.cert.pem], &good.pem, &crl_check);
        let out = verify(&w, &root.cert.pem, &[&sub.cert.pem], &bad.pem, &crl_check);
        assert!(!out.ok, "revoked certificate accepted:\n{}", out.all());
        assert!(
            out.all().contains("error 23") && out.all().contains("certificate revoked"),
            "{}",
            out.all()
        );
        let all = [
            "-crl_check_all",
            "-CRLfile",
            &sub_crl_p,
            "-CRLfile",
            &root_crl_p,
        ];
        assert_verifies(&w, &root.cert.pem, &[&sub.cert.pem], &good.pem, &all);
        let out = verify(&w, &root.cert.pem, &[&sub.cert.pem], &bad.pem, &all);
        assert!(!out.ok && out.all().contains("error 23"), "{}", out.all());

        // After Trim CA the revoked certificate is gone from the next CRL (rotate).
        let trimmed = crl(&sub.issuer(), &[], 3, now, now + 3 * DAY).unwrap();
        let trimmed_p = w.write("trimmed.crl", &trimmed);
        assert_verifies(
            &w,
            &root.cert.pem,
            &[&sub.cert.pem],
            &bad.pem,
            &["-crl_check", "-CRLfile", &trimmed_p],
        );
    }
}

/// Asks openssl for an OCSP request about `cert_pem`, answers it with the engine, and has
/// openssl check the answer. Returns openssl's output.
fn ocsp_round_trip(
    w: &Work,
    root: &Ca,
    ca: &Ca,
    cert_pem: &str,
    lookup: &dyn Fn(&str) -> OcspStatus,
) -> Out {
    let issuer_p = w.write("ocsp-issuer.pem", &ca.cert.pem);
    let root_p = w.write("ocsp-root.pem", &root.cert.pem);
    let cert_p = w.write("ocsp-cert.pem", cert_pem);
    let req_p = w.path("req.der");
    openssl_ok(&[
        "ocsp", "-issuer", &issuer_p, "-cert", &cert_p, "-reqout", &req_p,
    ]);
    let response = ocsp_respond(&ca.issuer(), &w.read("req.der"), lookup, now_ms());
    let resp_p = w.write("resp.der", response);
    // `-reqin` keeps openssl's nonce (checked against the echo); `-no_nonce` stops it from
    // adding a second one.
    openssl(&[
        "ocsp",
        "-reqin",
        &req_p,
        "-no_nonce",
        "-respin",
        &resp_p,
        "-issuer",
        &issuer_p,
        "-cert",
        &cert_p,
        "-CAfile",
        &root_p,
        "-resp_text",
    ])
}

#[test]
fn ocsp_reports_good_and_revoked() {
    let w = Work::new();
    for kt in [KeyType::Ec256, KeyType::Rsa2048, KeyType::Ec521] {
        let root = make_root(kt.clone(), "Root");
        let sub = make_sub(&root, kt.clone(), "Sub");
        let (_, good) = make_leaf(&sub, KeyType::Ec256, "good.example.com");
        let (_, bad) = make_leaf(&sub, KeyType::Ec256, "bad.example.com");
        let revoked_at = now_ms() - 60_000;
        let lookup = |s: &str| {
            if s == good.serial {
                OcspStatus::Good
            } else if s == bad.serial {
                OcspStatus::Revoked {
                    at_ms: revoked_at,
                    reason: Some(1),
                }
            } else {
                OcspStatus::Unknown
            }
        };
        let out = ocsp_round_trip(&w, &root, &sub, &good.pem, &lookup);
        assert!(out.ok, "{kt}: {}", out.all());
        assert!(out.stderr.contains("Response verify OK"), "{}", out.all());
        assert!(out.stdout.contains("ocsp-cert.pem: good"), "{}", out.all());
        assert!(
            out.stdout.contains("OCSP Nonce"),
            "nonce not echoed: {}",
            out.all()
        );
        assert!(!out.all().contains("WARNING"), "{}", out.all());

        let out = ocsp_round_trip(&w, &root, &sub, &bad.pem, &lookup);
        assert!(out.ok, "{kt}: {}", out.all());
        assert!(out.stderr.contains("Response verify OK"), "{}", out.all());
        assert!(
            out.stdout.contains("ocsp-cert.pem: revoked"),
            "{}",
            out.all()
        );
        assert!(out.stdout.contains("keyCompromise"), "{}", out.all());

        // A certificate the CA does not know → unknown.
        let out = ocsp_round_trip(&w, &root, &sub, &good.pem, &|_| OcspStatus::Unknown);
        assert!(
            out.stdout.contains("ocsp-cert.pem: unknown"),
            "{}",
            out.all()
        );

        // Asking the root about the sub's leaf → unauthorized.
        let issuer_p = w.write("u-issuer.pem", &sub.cert.pem);
        let cert_p = w.write("u-cert.pem", &good.pem);
        let req_p = w.path("u-req.der");
        openssl_ok(&[
            "ocsp", "-issuer", &issuer_p, "-cert", &cert_p, "-reqout", &req_p,
        ]);
        let resp = ocsp_respond(&root.issuer(), &w.read("u-req.der"), &lookup, now_ms());
        let resp_p = w.write("u-resp.der", resp);
        let out = openssl(&["ocsp", "-respin", &resp_p, "-resp_text", "-noverify"]);
        assert!(out.all().contains("unauthorized"), "{}", out.all());
    }
}

#[test]
fn openssl_csrs_are_parsed_and_signed() {
    let w = Work::new();
    let root = make_root(KeyType::Ec256, "Root");
    let sub = make_sub(&root, KeyType::Ec256, "Sub");

    // P-521 with extensions rcgen's own CSR reader refuses.
    let key_p = w.path("p521.key");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-521",
        "-out",
        &key_p,
    ]);
    let csr_p = w.path("p521.csr");
    openssl_ok(&[
        "req",
        "-new",
        "-key",
        &key_p,
        "-out",
        &csr_p,
        "-sha512",
        "-subj",
        "/C=KR/O=Corp/OU=Web/CN=p521.example.com/emailAddress=web@example.com",
        "-addext",
        "subjectAltName=DNS:p521.example.com,DNS:*.p521.example.com,IP:10.9.8.7,email:web@example.com,URI:https://p521.example.com/",
        "-addext",
        "subjectKeyIdentifier=hash",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
        "-addext",
        "extendedKeyUsage=codeSigning",
        "-addext",
        "1.2.3.4.5=ASN1:UTF8String:custom",
    ]);
    let csr = String::from_utf8(w.read("p521.csr")).unwrap();
    let info = parse_csr(&csr).unwrap();
    assert_eq!(info.key_type, Some(KeyType::Ec521));
    assert_eq!(
        info.subject.common_name.as_deref(),
        Some("p521.example.com")
    );
    assert_eq!(info.sans.dns, ["p521.example.com", "*.p521.example.com"]);
    assert_eq!(info.sans.emails, ["web@example.com"]);
    assert_eq!(info.sans.uris, ["https://p521.example.com/"]);
    assert_eq!(info.sans.ips.len(), 1);

    let cert = sign_end_csr(
        &sub.issuer(),
        &csr,
        30,
        &new_serial().unwrap(),
        &urls("sub"),
        now_ms(),
    )
    .unwrap();
    assert_verifies(
        &w,
        &root.cert.pem,
        &[&sub.cert.pem],
        &cert.pem,
        &["-x509_strict", "-purpose", "sslserver"],
    );
    let cert_p = w.write("p521.pem", &cert.pem);
    // Subject kept exactly (emailAddress included), SANs kept, the CSR's CA/codeSigning
    // requests ignored.
    let subj_cert = openssl_ok(&[
        "x509", "-in", &cert_p, "-noout", "-subject", "-nameopt", "RFC2253",
    ]);
    let subj_csr = openssl_ok(&[
        "req", "-in", &csr_p, "-noout", "-subject", "-nameopt", "RFC2253",
    ]);
    assert_eq!(
        subj_cert.stdout.trim().trim_start_matches("subject="),
        subj_csr.stdout.trim().trim_start_matches("subject=")
    );
    let text = openssl_ok(&["x509", "-in", &cert_p, "-noout", "-text"]).stdout;
    for want in [
        "DNS:p521.example.com, DNS:*.p521.example.com, email:web@example.com, IP Address:10.9.8.7, URI:https://p521.example.com/",
        "CA:FALSE",
        "TLS Web Server Authentication, TLS Web Client Authentication",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    for unwanted in ["CA:TRUE", "Code Signing", "Certificate Sign", "1.2.3.4.5"] {
        assert!(!text.contains(unwanted), "kept {unwanted:?}:\n{text}");
    }
    // The certificate holds the CSR's key.
    let a = openssl_ok(&["x509", "-in", &cert_p, "-noout", "-pubkey"]).stdout;
    let b = openssl_ok(&["pkey", "-in", &key_p, "-pubout"]).stdout;
    assert_eq!(a, b);

    // An RSA-3072 CSR (outside the API's key types) with a SHA-384 signature: signed, RSA
    // profile (keyEncipherment).
    let rsa_key = w.path("rsa.key");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:3072",
        "-out",
        &rsa_key,
    ]);
    let rsa_csr_p = w.path("rsa.csr");
    openssl_ok(&[
        "req",
        "-new",
        "-key",
        &rsa_key,
        "-sha384",
        "-subj",
        "/CN=rsa.example.com",
        "-out",
        &rsa_csr_p,
    ]);
    let rsa_csr = String::from_utf8(w.read("rsa.csr")).unwrap();
    assert_eq!(parse_csr(&rsa_csr).unwrap().key_type, None);
    let cert = sign_end_csr(
        &sub.issuer(),
        &rsa_csr,
        30,
        &new_serial().unwrap(),
        &urls("sub"),
        now_ms(),
    )
    .unwrap();
    assert_verifies(
        &w,
        &root.cert.pem,
        &[&sub.cert.pem],
        &cert.pem,
        &["-x509_strict"],
    );
    let p = w.write("rsa.pem", &cert.pem);
    let text = openssl_ok(&["x509", "-in", &p, "-noout", "-text"]).stdout;
    assert!(
        text.contains("Digital Signature, Key Encipherment"),
        "{text}"
    );

    // Broken signatures are refused: a flipped bit in the signature, and in the signed body.
    let der = pem_to_der(&csr).unwrap();
    let in_subject = der
        .windows(16)
        .position(|w| w == b"p521.example.com")
        .unwrap();
    for pos in [der.len() - 1, in_subject] {
        let mut broken = der.clone();
        broken[pos] ^= 0x01;
        let p = w.write("broken.der", &broken);
        let out = openssl(&["req", "-inform", "DER", "-in", &p, "-outform", "PEM"]);
        let broken_pem = if out.ok {
            out.stdout
        } else {
            // Unparsable after the flip: still must be refused.
            format!(
                "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----\n",
                base64_lines(&broken)
            )
        };
        assert!(
            matches!(parse_csr(&broken_pem), Err(PkiError::BadCsr(_))),
            "flip at {pos}: {:?}",
            parse_csr(&broken_pem)
        );
        assert!(
            sign_end_csr(
                &sub.issuer(),
                &broken_pem,
                30,
                &new_serial().unwrap(),
                &urls("sub"),
                now_ms()
            )
            .is_err()
        );
    }
}

#[test]
fn subjects_rcgen_cannot_reproduce_are_refused() {
    let w = Work::new();
    let root = make_root(KeyType::Ec256, "Root");
    let sub = make_sub(&root, KeyType::Ec256, "Sub");
    let key_p = w.path("k.key");
    openssl_ok(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        &key_p,
    ]);
    for (name, subj) in [("two-ou", "/OU=a/OU=b/CN=x"), ("multi-rdn", "/CN=x+UID=y")] {
        let csr_p = w.path(&format!("{name}.csr"));
        let mut args = vec!["req", "-new", "-key", &key_p, "-subj", subj, "-out", &csr_p];
        if name == "multi-rdn" {
            args.push("-multivalue-rdn");
        }
        openssl_ok(&args);
        let csr = String::from_utf8(w.read(&format!("{name}.csr"))).unwrap();
        parse_csr(&csr).unwrap();
        assert!(
            matches!(
                sign_end_csr(
                    &sub.issuer(),
                    &csr,
                    30,
                    &new_serial().unwrap(),
                    &urls("s"),
                    now_ms()
                ),
                Err(PkiError::Unsupported(_))
            ),
            "{name}"
        );
    }
}

/// Base64 in 64-column lines (test helper; openssl does the work).
fn base64_lines(der: &[u8]) -> String {
    let w = Work::new();
    let p = w.write("b.der", der);
    openssl_ok(&["base64", "-in", &p]).stdout.trim().to_owned()
}

#[test]
fn externally_signed_sub_ca_activates_and_issues() {
    let w = Work::new();
    // An external root made by openssl.
    let ext_key = w.path("ext.key");
    let ext_root = w.path("ext-root.pem");
    openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &ext_key,
        "-out",
        &ext_root,
        "-days",
        "30",
        "-subj",
        "/O=External/CN=External Root",
    ]);
    // The emulator's PENDING sub CA: key + CSR (Get Sub CSR), signed by openssl.
    let key = CaKey::generate(KeyType::Ec256).unwrap();
    let csr = sub_ca_csr(
        &key,
        &Subject::with_common_name("Pending Sub"),
        &Sans::default(),
    )
    .unwrap();
    let csr_p = w.write("pending.csr", &csr);
    let ext_p = w.write(
        "ext.cnf",
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    let cert_p = w.path("pending.pem");
    openssl_ok(&[
        "x509",
        "-req",
        "-in",
        &csr_p,
        "-CA",
        &ext_root,
        "-CAkey",
        &ext_key,
        "-CAcreateserial",
        "-days",
        "20",
        "-sha256",
        "-extfile",
        &ext_p,
        "-out",
        &cert_p,
    ]);
    let cert = String::from_utf8(w.read("pending.pem")).unwrap();
    let root = String::from_utf8(w.read("ext-root.pem")).unwrap();

    check_activation(&key, &cert, &root).unwrap();
    // Wrong key, unrelated root, empty chain.
    assert_eq!(
        check_activation(&CaKey::generate(KeyType::Ec256).unwrap(), &cert, &root),
        Err(PkiError::KeyMismatch)
    );
    let other = make_root(KeyType::Ec256, "External Root");
    assert!(matches!(
        check_activation(&key, &cert, &other.cert.pem),
        Err(PkiError::ChainInvalid(_))
    ));
    assert!(matches!(
        check_activation(&key, &cert, ""),
        Err(PkiError::ChainInvalid(_))
    ));

    // Activated: it issues, revokes and answers OCSP for certificates openssl accepts.
    let sub = Ca {
        key,
        cert: Issued {
            pem: cert.clone(),
            der: pem_to_der(&cert).unwrap(),
            serial: cert_info(&cert).unwrap().serial,
            not_before_ms: 0,
            not_after_ms: cert_info(&cert).unwrap().not_after_ms,
        },
    };
    let (_, leaf) = make_leaf(&sub, KeyType::Ec256, "ext.example.com");
    assert!(
        leaf.not_after_ms <= sub.cert.not_after_ms,
        "validity capped at the issuer"
    );
    assert_verifies(
        &w,
        &root,
        &[&cert],
        &leaf.pem,
        // not -x509_strict: openssl's own `req -x509` root has no keyUsage
        &["-purpose", "sslserver"],
    );
    let now = now_ms();
    let list = crl(
        &sub.issuer(),
        &[Revoked {
            serial: leaf.serial.clone(),
            revoked_at_ms: now,
            reason: None,
        }],
        1,
        now,
        now + 3 * DAY,
    )
    .unwrap();
    let crl_p = w.write("ext-sub.crl", &list);
    let out = verify(
        &w,
        &root,
        &[&cert],
        &leaf.pem,
        &["-crl_check", "-CRLfile", &crl_p],
    );
    assert!(!out.ok && out.all().contains("error 23"), "{}", out.all());
    // pathlen:0 from openssl: the activated sub may not sign CAs.
    let csr2 = sub_ca_csr(
        &CaKey::generate(KeyType::Ec256).unwrap(),
        &Subject::with_common_name("T"),
        &Sans::default(),
    )
    .unwrap();
    assert!(matches!(
        sign_sub_ca(
            &sub.issuer(),
            &csr2,
            5,
            &new_serial().unwrap(),
            &Urls::default(),
            now
        ),
        Err(PkiError::BadCert(_))
    ));
}
