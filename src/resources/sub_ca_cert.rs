//! `pca_sub_ca_cert`: a CA of the account (the parent) signs an intermediate CA's CSR
//! (Sign Sub Csr). The result feeds `pca_sub_ca_activation`.
//!
//! Every input forces a new certificate. Destroy only removes the certificate from state:
//! the API cannot delete or revoke a signed intermediate certificate through this resource
//! (it stays valid until it expires). Refresh reads the certificate from the parent's
//! certificate list (Get End Cert); the certificate counts as gone when the parent is gone
//! (or being deleted) or no longer lists it. Import by `<parent ca_tag>/<serial_number>`;
//! the CSR is recovered when the intermediate still waits for activation, otherwise the
//! first plan after import records `csr_pem` in place (no API call, no replacement when the
//! CSR's key is the certificate's key).

use super::common::{
    api_error, canonical_serial, cert_summary, client, csr_key_params, days_between, keep_pem,
    pem_bundle, pem_changed, pem_content, request_error, rfc3339,
};
use crate::api::model::{CaStatus, CaTag, CaType, Period, SerialNo, SignSubCsrRequest};
use crate::client::Client;
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, PlanRequest, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate;
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_sub_ca_cert";

/// The `pca_sub_ca_cert` resource.
pub struct SubCaCertResource;

/// The state and configuration of a `pca_sub_ca_cert`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubCaCertModel {
    /// `id` (= `<ca_tag>/<serial_number>`)
    pub id: Val<String>,
    /// `ca_tag` (the parent)
    pub ca_tag: Val<String>,
    /// `csr_pem`
    pub csr_pem: Val<String>,
    /// `validity_days`
    pub validity_days: Val<i64>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `issuer_pem`
    pub issuer_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `serial_number`
    pub serial_number: Val<String>,
    /// `not_before`
    pub not_before: Val<String>,
    /// `not_after`
    pub not_after: Val<String>,
}

/// PEM labels of a certificate signing request.
const CSR_LABELS: &[&str] = &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

fn computed(name: &str, description: &str) -> Attribute {
    Attribute::string(name)
        .computed()
        .use_state_for_unknown()
        .description(description)
}

#[async_trait]
impl Resource for SubCaCertResource {
    type Model = SubCaCertModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An intermediate CA certificate: a CA of the account (the parent, `ca_tag`) signs the CSR of an intermediate CA (Sign Sub Csr). Install the result into a pending `pca_ca` with `pca_sub_ca_activation`; the intermediate may also belong elsewhere (any CSR for a CA certificate works).\n\nEvery argument forces a new certificate. **Destroy only removes the certificate from Terraform state**: the API has no way to delete a signed intermediate certificate, so it stays valid until it expires.\n\nRefresh reads the certificate from the parent's certificate list; the certificate counts as gone when the parent is gone or being deleted. After import the CSR is recovered from the intermediate when it still waits for activation; otherwise the first apply after import only records `csr_pem` in state (no API call, and no replacement as long as the CSR holds the certificate's public key).",
        )
        .attr(computed("id", "`<ca_tag>/<serial_number>`."))
        .attr(
            Attribute::string("ca_tag")
                .required()
                .requires_replace()
                .validate(validate::length_between(1, 64))
                .description("The `ca_tag` of the parent CA that signs the CSR. Changing it forces a new certificate."),
        )
        .attr(
            Attribute::string("csr_pem")
                .required()
                .requires_replace_if(
                    "the CSR's content changed (formatting alone changes nothing)",
                    |prior, planned| !prior.is_null() && pem_changed(prior, planned),
                )
                .validate(super::common::csr_validator())
                .description("The intermediate CA's PKCS#10 CSR (PEM), for example `pca_ca.sub.csr_pem`; its key must be RSA (2048, 3072 or 4096 bits) or ECDSA (P-256, P-384 or P-521), sent as `keyType`/`keyBits`. Compared by content: a change of formatting alone updates the state in place; any other change forces a new certificate."),
        )
        .attr(
            Attribute::number("validity_days")
                .required()
                .requires_replace()
                .validate(validate::int_between(1, 3650))
                .description("Validity of the certificate in days, 1 to 3650 (never beyond the parent's own validity). Changing it forces a new certificate."),
        )
        .attr(computed("certificate_pem", "The signed intermediate CA certificate, PEM."))
        .attr(computed("issuer_pem", "The parent CA's certificate, PEM."))
        .attr(computed("chain_pem", "The chain above the new certificate, PEM: the parent's certificate first, the root last. This is what `pca_sub_ca_activation.chain_pem` expects."))
        .attr(computed("serial_number", "The certificate's serial number, colon-separated lower-case hex."))
        .attr(computed("not_before", "Start of validity, RFC 3339."))
        .attr(computed("not_after", "End of validity, RFC 3339."))
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(
            Identity::new()
                .attr("ca_tag", "The parent CA's `ca_tag`.")
                .attr(
                    "serial_number",
                    "The intermediate certificate's serial number (colon-separated hex).",
                ),
        )
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<PcaData>,
        req: PlanRequest<'_, SubCaCertModel>,
        planned: &mut SubCaCertModel,
        replace: &mut Vec<AttrPath>,
        _diags: &mut Diagnostics,
    ) {
        // After an import without CSR: recording the configured CSR needs no new certificate
        // if the CSR holds the certificate's key.
        if let Some(prior) = req.prior
            && prior.csr_pem.is_null()
            && !planned.csr_pem.is_null()
        {
            let same_key = match (planned.csr_pem.known(), prior.certificate_pem.known()) {
                (Some(csr), Some(cert)) => {
                    csr_public_key(csr).is_some() && csr_public_key(csr) == cert_public_key(cert)
                }
                _ => false,
            };
            if !same_key {
                replace.push(AttrPath::root("csr_pem"));
            }
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: SubCaCertModel,
        diags: &mut Diagnostics,
    ) -> Option<SubCaCertModel> {
        let client = client(ctx, diags)?;
        let tag = CaTag::from(plan.ca_tag.known().cloned().unwrap_or_default());
        let csr_pem = plan.csr_pem.known().cloned().unwrap_or_default();
        // A8: keyType/keyBits from the CSR's key, as on Sign End Csr.
        let (key_type, key_bits) = match csr_key_params(&csr_pem) {
            Ok((t, b)) => (Some(t), Some(b)),
            Err(why) => {
                diags.error_at(AttrPath::root("csr_pem"), "Unsupported CSR", why);
                return None;
            }
        };
        let req = SignSubCsrRequest {
            period: Period::Days(
                plan.validity_days
                    .known()
                    .and_then(|d| u32::try_from(*d).ok())
                    .unwrap_or(0),
            ),
            csr_pem,
            key_type,
            key_bits,
        };
        let data = ctx.data(diags);
        let out = match super::snapshot::ca_write(data, client.sign_sub_csr(&tag, &req)).await {
            Ok(o) => o,
            Err(e) => {
                request_error(
                    diags,
                    "Unable to Sign the Intermediate CA's CSR",
                    &e,
                    &["ca_tag", "csr_pem", "validity_days"],
                );
                return None;
            }
        };
        let Some(serial) = out.serial_no.as_ref().map(|s| canonical_serial(s.as_str())) else {
            diags.error(
                "Unable to Sign the Intermediate CA's CSR",
                "The API answered without a serial number.",
            );
            return None;
        };
        let chain = out.ca_chain.map(|c| c.pem_blocks()).unwrap_or_default();
        let mut s = plan;
        s.id = Val::Known(format!("{}/{serial}", tag.as_str()));
        s.serial_number = Val::Known(serial);
        s.certificate_pem = pem_or_null(out.certificate.as_deref());
        s.issuer_pem = pem_or_null(out.issuer.as_deref().or(chain.first().map(String::as_str)));
        s.chain_pem = if chain.is_empty() {
            s.issuer_pem.clone()
        } else {
            Val::Known(pem_bundle(&chain))
        };
        Some(finish(s))
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: SubCaCertModel,
        diags: &mut Diagnostics,
    ) -> Option<SubCaCertModel> {
        let client = client(ctx, diags)?;
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        let serial = SerialNo::from(state.serial_number.known().cloned().unwrap_or_default());
        let imported = state.certificate_pem.is_null();
        let cert = match client.get_end_cert(&tag, &serial).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                // Gone with its parent; a parent that exists but does not list its
                // intermediates keeps the certificate in state (nothing else can be read).
                if imported {
                    return None;
                }
                return match client.get_ca(&tag).await {
                    Ok(r)
                        if r.ca_info.as_ref().and_then(|i| i.status.as_ref())
                            != Some(&CaStatus::Destroying) =>
                    {
                        Some(state)
                    }
                    Ok(_) => None,
                    Err(e) if e.is_not_found() => None,
                    Err(e) => {
                        api_error(diags, "Unable to Read the Parent CA", &e);
                        Some(state)
                    }
                };
            }
            Err(e) => {
                api_error(diags, "Unable to Read the Intermediate CA Certificate", &e);
                return Some(state);
            }
        };
        let mut s = state;
        s.certificate_pem = keep_pem(
            &s.certificate_pem,
            cert.cert_pem.as_deref().map(|p| pem_bundle(&[p])),
        );
        if let Some(chain) = cert.ca_chain {
            let blocks = chain.pem_blocks();
            if s.issuer_pem.is_null() {
                s.issuer_pem = pem_or_null(blocks.first().map(String::as_str));
            }
            if !blocks.is_empty() {
                s.chain_pem = keep_pem(&s.chain_pem, Some(pem_bundle(&blocks)));
            }
        }
        if imported {
            if let Some(sum) = s.certificate_pem.known().and_then(|p| cert_summary(p)) {
                s.validity_days = Val::Known(days_between(sum.not_before_ms, sum.not_after_ms));
            }
            if s.csr_pem.is_null()
                && let Some(cert_pem) = s.certificate_pem.known()
            {
                s.csr_pem = find_pending_csr(client, cert_pem)
                    .await
                    .map_or(Val::Null, Val::Known);
            }
        }
        Some(finish(s))
    }

    async fn update(
        &self,
        _ctx: &Ctx<PcaData>,
        prior: SubCaCertModel,
        plan: SubCaCertModel,
        _diags: &mut Diagnostics,
    ) -> Option<SubCaCertModel> {
        // Only a CSR with the same content (or one recorded after import) changes in place:
        // nothing to send.
        let mut s = prior;
        s.csr_pem = plan.csr_pem;
        Some(finish(s))
    }

    async fn delete(&self, _ctx: &Ctx<PcaData>, _state: SubCaCertModel, diags: &mut Diagnostics) {
        diags.warning(
            "Intermediate CA Certificate Only Removed From State",
            "The API cannot delete a signed intermediate CA certificate: it stays valid until it expires. Terraform no longer tracks it.",
        );
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<SubCaCertModel> {
        let Some((tag, serial)) = id
            .trim()
            .split_once('/')
            .filter(|(_, s)| s.trim().bytes().all(|b| b.is_ascii_hexdigit() || b == b':'))
            .map(|(t, s)| (t.trim(), canonical_serial(s)))
            .filter(|(t, s)| !t.is_empty() && !s.is_empty())
        else {
            diags.error(
                "Invalid Import ID",
                format!("Import a pca_sub_ca_cert as <parent ca_tag>/<serial_number>, for example 1a2b3c4d-5e6f7a8b/2b:9c:...:10; got {id:?}."),
            );
            return None;
        };
        Some(SubCaCertModel {
            id: Val::Known(format!("{tag}/{serial}")),
            ca_tag: Val::Known(tag.to_owned()),
            serial_number: Val::Known(serial),
            ..SubCaCertModel::default()
        })
    }
}

fn pem_or_null(pem: Option<&str>) -> Val<String> {
    match pem {
        Some(p) if !p.trim().is_empty() => Val::Known(pem_bundle(&[p])),
        _ => Val::Null,
    }
}

/// The DER of the first PEM block with one of `labels`.
fn der_of(pem: &str, labels: &[&str]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let (_, body) = pem_content(pem)
        .into_iter()
        .find(|(l, _)| labels.contains(&l.as_str()))?;
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// The DER SubjectPublicKeyInfo of a certificate.
fn cert_public_key(pem: &str) -> Option<Vec<u8>> {
    use x509_parser::prelude::{FromDer as _, X509Certificate};
    let der = der_of(pem, &["CERTIFICATE"])?;
    let (_, cert) = X509Certificate::from_der(&der).ok()?;
    Some(cert.public_key().raw.to_vec())
}

/// The DER SubjectPublicKeyInfo of a CSR.
fn csr_public_key(pem: &str) -> Option<Vec<u8>> {
    use x509_parser::prelude::{FromDer as _, X509CertificationRequest};
    let der = der_of(pem, CSR_LABELS)?;
    let (_, csr) = X509CertificationRequest::from_der(&der).ok()?;
    Some(csr.certification_request_info.subject_pki.raw.to_vec())
}

/// The CSR of the account's pending intermediate CA whose key is the certificate's key, if
/// any (best effort: a failed lookup finds nothing).
async fn find_pending_csr(client: &Client, cert_pem: &str) -> Option<String> {
    let key = cert_public_key(cert_pem)?;
    let cas = match client.get_ca_list_all().await {
        Ok(c) => c,
        Err(e) => {
            tracing::debug!("CSR lookup after import: Get CA List failed: {e}");
            return None;
        }
    };
    for info in cas.into_iter().filter_map(|r| r.ca_info) {
        if info.ca_type != Some(CaType::PrivateSub) || info.status != Some(CaStatus::Pending) {
            continue;
        }
        let Some(tag) = info.ca_tag else { continue };
        if let Ok(data) = client.get_sub_csr(&tag).await
            && let Some(csr) = data.csr_pem
            && csr_public_key(&csr).as_ref() == Some(&key)
        {
            return Some(csr);
        }
    }
    None
}

/// Fills the validity from the certificate and turns anything still unknown into null.
fn finish(mut s: SubCaCertModel) -> SubCaCertModel {
    if let Some(sum) = s.certificate_pem.known().and_then(|p| cert_summary(p)) {
        s.not_before = Val::Known(rfc3339(sum.not_before_ms));
        s.not_after = Val::Known(rfc3339(sum.not_after_ms));
    }
    fn f<T>(v: &mut Val<T>) {
        if v.is_unknown() {
            *v = Val::Null;
        }
    }
    f(&mut s.id);
    f(&mut s.csr_pem);
    f(&mut s.validity_days);
    f(&mut s.certificate_pem);
    f(&mut s.issuer_pem);
    f(&mut s.chain_pem);
    f(&mut s.serial_number);
    f(&mut s.not_before);
    f(&mut s.not_after);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::CaChain;

    #[test]
    fn import_id() {
        let mut d = Diagnostics::new();
        let m = block_on(SubCaCertResource.import(
            &Ctx::new(None, tokio::sync::watch::channel(false).1),
            " aaaa-bbbb/0A:FF ",
            &mut d,
        ));
        let m = m.unwrap_or_default();
        assert!(d.is_empty());
        assert_eq!(m.id, Val::Known("aaaa-bbbb/0a:ff".into()));
        assert_eq!(m.ca_tag, Val::Known("aaaa-bbbb".into()));
        for bad in ["aaaa", "/01", "aaaa/", "a/b/01"] {
            let mut d = Diagnostics::new();
            let r = block_on(SubCaCertResource.import(
                &Ctx::new(None, tokio::sync::watch::channel(false).1),
                bad,
                &mut d,
            ));
            assert!(r.is_none() && d.has_errors(), "{bad}");
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn chain_is_a_stable_bundle() {
        let a = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let b = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----";
        let chain = CaChain::List(vec![a.into(), b.into()]);
        let bundle = pem_bundle(&chain.pem_blocks());
        assert_eq!(
            bundle,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n"
        );
        assert_eq!(pem_bundle(&[bundle.as_str()]), bundle);
        assert_eq!(pem_or_null(Some(b)), Val::Known(format!("{}\n", b.trim())));
        assert_eq!(pem_or_null(Some(" ")), Val::Null);
    }

    #[test]
    fn csr_and_certificate_keys_compare() {
        let key = rcgen::KeyPair::generate().expect("key");
        let other = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(vec!["sub.example".to_owned()]).expect("params");
        let csr = params
            .serialize_request(&key)
            .expect("csr")
            .pem()
            .expect("pem");
        let cert = params.self_signed(&key).expect("cert").pem();
        let foreign = params.self_signed(&other).expect("cert").pem();
        assert!(csr_public_key(&csr).is_some());
        assert_eq!(csr_public_key(&csr), cert_public_key(&cert));
        assert_ne!(csr_public_key(&csr), cert_public_key(&foreign));
        assert_eq!(csr_public_key("nope"), None);
    }

    #[test]
    fn finish_leaves_nothing_unknown() {
        let s = finish(SubCaCertModel {
            id: Val::Unknown,
            certificate_pem: Val::Unknown,
            ..SubCaCertModel::default()
        });
        assert!(
            crate::framework::typed::to_value(&s)
                .map(|v| v.is_wholly_known())
                .unwrap_or(false)
        );
    }

    #[test]
    fn csr_validation_names_the_attribute() {
        let v = crate::resources::common::csr_validator();
        let mut d = Diagnostics::new();
        v.run(
            &"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----".into(),
            &AttrPath::root("csr_pem"),
            &mut d,
        );
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("csr_pem"))
        );
        let mut d = Diagnostics::new();
        v.run(
            &"-----BEGIN CERTIFICATE REQUEST-----\nAA\n-----END CERTIFICATE REQUEST-----".into(),
            &AttrPath::root("csr_pem"),
            &mut d,
        );
        assert!(
            d.iter().any(|x| x.detail.contains("Invalid csr.")),
            "an unreadable CSR is refused at plan time"
        );
        let key = rcgen::KeyPair::generate().expect("key");
        let csr = rcgen::CertificateParams::new(vec!["sub.example".to_owned()])
            .expect("params")
            .serialize_request(&key)
            .expect("csr")
            .pem()
            .expect("pem");
        let mut d = Diagnostics::new();
        v.run(&csr.into(), &AttrPath::root("csr_pem"), &mut d);
        assert!(d.is_empty());
    }
}
