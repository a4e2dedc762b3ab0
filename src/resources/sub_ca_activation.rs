//! `pca_sub_ca_activation`: installs a signed certificate into a pending intermediate CA
//! (Activate Sub CA), which makes it `ACTIVE`.
//!
//! Every argument forces a new activation, but an activation cannot be undone or repeated:
//! the plan fails when it would activate the same CA again (replace the CA instead). Destroy
//! only removes the activation from state; the CA stays active with its certificate.
//! Refresh reads the CA (from the shared CA list when it lists the status and, for an
//! active CA, its certificate; else Get CA): the activation counts as gone when the CA is gone, being
//! deleted, or not `ACTIVE`/`DEACTIVATED`. Import by `ca_tag`.

use super::common::{api_error, client, pem_bundle, pem_changed, pem_eq, pem_validator};
use crate::api::model::{ActivateSubCaRequest, CaRecord, CaStatus, CaTag, split_pem_blocks};
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
pub const TYPE_NAME: &str = "pca_sub_ca_activation";

/// The `pca_sub_ca_activation` resource.
pub struct SubCaActivationResource;

/// The state and configuration of a `pca_sub_ca_activation`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubCaActivationModel {
    /// `id` (= `ca_tag`)
    pub id: Val<String>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `certificate_pem`
    pub certificate_pem: Val<String>,
    /// `chain_pem`
    pub chain_pem: Val<String>,
    /// `status`
    pub status: Val<String>,
}

const CERT_LABELS: &[&str] = &["CERTIFICATE"];

#[async_trait]
impl Resource for SubCaActivationResource {
    type Model = SubCaActivationModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Activates a pending intermediate CA (a `pca_ca` with `ca_type = \"PRIVATE_SUB\"` and no `issuer_ca_tag`) by installing its signed certificate and the signer's chain (Activate Sub CA). The certificate may come from `pca_sub_ca_cert` (a parent in the same account) or from any CA outside NCP that signed the CA's `csr_pem`.\n\nThe CA, its signature and its activation can all be created in one apply. **An activation cannot be undone or repeated**: destroy only removes it from Terraform state (the CA stays active with its certificate), and a plan that would activate the same CA again (a new certificate for it) fails; replace the CA instead (`terraform apply -replace=...`).\n\nThe activation counts as gone (and is planned again) when the CA is deleted, scheduled for deletion, or not `ACTIVE`/`DEACTIVATED`.",
        )
        .attr(
            Attribute::string("id")
                .computed()
                .use_state_for_unknown()
                .description("The CA tag (same as `ca_tag`)."),
        )
        .attr(
            Attribute::string("ca_tag")
                .required()
                .requires_replace()
                .validate(validate::length_between(1, 64))
                .description("The `ca_tag` of the pending intermediate CA. Changing it forces a new activation."),
        )
        .attr(
            Attribute::string("certificate_pem")
                .required()
                .requires_replace_if("the certificate's content changed", |prior, planned| {
                    pem_changed(prior, planned)
                })
                .validate(pem_validator("certificate", CERT_LABELS))
                .description("The CA's signed certificate (PEM), issued for the CA's `csr_pem`, for example `pca_sub_ca_cert.sub.certificate_pem`. Compared by content: formatting alone changes nothing; another certificate forces a new activation, which the plan refuses for a CA already active."),
        )
        .attr(
            Attribute::string("chain_pem")
                .required()
                .requires_replace_if("the chain's content changed", |prior, planned| {
                    pem_changed(prior, planned)
                })
                .validate(pem_validator("certificate chain", CERT_LABELS))
                .description("The signer's certificate chain (PEM, concatenated): the certificate that signed `certificate_pem` first, up to the root, for example `pca_sub_ca_cert.sub.chain_pem`. Compared by content: formatting alone changes nothing; another chain forces a new activation, which the plan refuses for a CA already active."),
        )
        .attr(
            Attribute::string("status")
                .computed()
                .use_state_for_unknown()
                .description("The CA's status: `ACTIVE`, or `DEACTIVATED` when disabled later (see `pca_ca.status`)."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().attr("ca_tag", "The activated CA's `ca_tag`."))
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<PcaData>,
        req: PlanRequest<'_, SubCaActivationModel>,
        planned: &mut SubCaActivationModel,
        replace: &mut Vec<AttrPath>,
        diags: &mut Diagnostics,
    ) {
        if let Some(prior) = req.prior
            && !replace.is_empty()
            && planned.ca_tag.is_known()
            && planned.ca_tag == prior.ca_tag
        {
            let path = replace
                .first()
                .cloned()
                .unwrap_or_else(|| AttrPath::root("certificate_pem"));
            diags.error_at(
                path,
                "CA Already Activated",
                format!(
                    "The CA {} is already active with another certificate, and an activation cannot be repeated. To move the CA to a new certificate, replace the CA as well (for example terraform apply -replace=<the pca_ca resource>), which creates a new pending CA with a new key and CSR.",
                    planned.ca_tag.known().cloned().unwrap_or_default()
                ),
            );
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: SubCaActivationModel,
        diags: &mut Diagnostics,
    ) -> Option<SubCaActivationModel> {
        let client = client(ctx, diags)?;
        let tag_text = plan.ca_tag.known().cloned().unwrap_or_default();
        let tag = CaTag::from(tag_text.as_str());
        let cert = plan.certificate_pem.known().cloned().unwrap_or_default();
        let req = ActivateSubCaRequest {
            cert_pem: cert.clone(),
            ca_chain_pem: plan.chain_pem.known().cloned().unwrap_or_default(),
        };
        let data = ctx.data(diags);
        let record = match super::snapshot::ca_write(data, client.activate_sub_ca(&tag, &req)).await
        {
            Ok(r) => r,
            Err(e) => {
                // The request may have taken effect: accept a CA that now holds our
                // certificate.
                match adopt(client, &tag, &cert, e.is_ambiguous()).await {
                    Some(r) => r,
                    None => {
                        super::common::request_error(
                            diags,
                            "Unable to Activate the Sub CA",
                            &e,
                            &["ca_tag", "certificate_pem", "chain_pem"],
                        );
                        return None;
                    }
                }
            }
        };
        let mut s = plan;
        s.id = Val::Known(tag_text);
        s.status = status_of(&record).map_or(Val::Known("ACTIVE".to_owned()), Val::Known);
        Some(s)
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: SubCaActivationModel,
        diags: &mut Diagnostics,
    ) -> Option<SubCaActivationModel> {
        let client = client(ctx, diags)?;
        let data = ctx.data(diags)?;
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        // From the CA list when it lists the status and, for an active CA, the
        // certificate; else from Get CA.
        let listed = super::snapshot::ca_record(data, client, tag.as_str(), |r| {
            let Some(status) = status_of(r) else {
                return false;
            };
            let pending =
                status != CaStatus::Active.as_str() && status != CaStatus::Deactivated.as_str();
            pending
                || r.ca_cert_info
                    .as_ref()
                    .and_then(|c| c.cert_pem.as_deref())
                    .is_some_and(|c| !c.trim().is_empty())
        });
        let record = match listed.await {
            Ok(r) => r,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read the Sub CA", &e);
                return Some(state);
            }
        };
        let Some(status) = status_of(&record) else {
            // Nothing to judge by: keep what Terraform has.
            return Some(state);
        };
        if status != CaStatus::Active.as_str() && status != CaStatus::Deactivated.as_str() {
            return None;
        }
        let cert = record
            .ca_cert_info
            .as_ref()
            .and_then(|c| c.cert_pem.clone())
            .filter(|c| !c.trim().is_empty())?;
        let mut s = state;
        s.status = Val::Known(status);
        if s.certificate_pem.is_null() {
            // After import: the CA's certificate and the chain above it.
            s.certificate_pem = Val::Known(pem_bundle(&[cert.as_str()]));
            let chain = match client.get_ca_chain(&tag).await {
                Ok(c) => c,
                Err(e) => {
                    api_error(diags, "Unable to Read the Sub CA's Chain", &e);
                    return Some(s);
                }
            };
            s.chain_pem = Val::Known(chain_above(&chain, &cert));
        }
        if s.id.is_null() {
            s.id = s.ca_tag.clone();
        }
        Some(s)
    }

    async fn update(
        &self,
        _ctx: &Ctx<PcaData>,
        prior: SubCaActivationModel,
        plan: SubCaActivationModel,
        _diags: &mut Diagnostics,
    ) -> Option<SubCaActivationModel> {
        // Only formatting changes reach here: record them.
        let mut s = plan;
        s.id = prior.id;
        s.status = prior.status;
        Some(s)
    }

    async fn delete(
        &self,
        _ctx: &Ctx<PcaData>,
        _state: SubCaActivationModel,
        diags: &mut Diagnostics,
    ) {
        diags.warning(
            "Sub CA Activation Only Removed From State",
            "An activation cannot be undone: the CA stays active with its certificate. Destroy the pca_ca to end the CA.",
        );
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<SubCaActivationModel> {
        let id = id.trim();
        if id.is_empty() || id.contains('/') {
            diags.error(
                "Invalid Import ID",
                format!(
                    "Import a pca_sub_ca_activation by the CA's ca_tag (for example 1a2b3c4d-5e6f7a8b); got {id:?}."
                ),
            );
            return None;
        }
        Some(SubCaActivationModel {
            id: Val::Known(id.to_owned()),
            ca_tag: Val::Known(id.to_owned()),
            ..SubCaActivationModel::default()
        })
    }
}

/// The CA's status text, if the record has one.
fn status_of(record: &CaRecord) -> Option<String> {
    record
        .ca_info
        .as_ref()
        .and_then(|i| i.status.as_ref())
        .map(|s| s.as_str().to_owned())
}

/// After a failed Activate Sub CA that may have taken effect: the CA's record when it is
/// now active with `cert`.
async fn adopt(client: &Client, tag: &CaTag, cert: &str, ambiguous: bool) -> Option<CaRecord> {
    if !ambiguous {
        return None;
    }
    let record = client.get_ca(tag).await.ok()?;
    let installed = record.ca_cert_info.as_ref()?.cert_pem.as_deref()?;
    pem_eq(installed, cert).then_some(record)
}

/// The chain above a CA's own certificate: the blocks of `chain` other than `cert`, as a
/// stable bundle.
fn chain_above(chain: &str, cert: &str) -> String {
    let blocks: Vec<String> = split_pem_blocks(chain)
        .into_iter()
        .filter(|b| !pem_eq(b, cert))
        .collect();
    pem_bundle(&blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{CaCertInfo, CaInfo};

    const A: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    const B: &str = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----";
    const C: &str = "-----BEGIN CERTIFICATE-----\nCCCC\n-----END CERTIFICATE-----";

    #[test]
    fn chain_above_drops_the_ca_itself() {
        let chain = format!("{A}\n{B}\n\n{C}\n");
        assert_eq!(chain_above(&chain, A), format!("{B}\n{C}\n"));
        assert_eq!(
            chain_above(
                &chain,
                "-----BEGIN CERTIFICATE-----\r\nAA\r\nAA\r\n-----END CERTIFICATE-----"
            ),
            format!("{B}\n{C}\n")
        );
    }

    #[test]
    fn status_mapping() {
        let r = CaRecord {
            ca_info: Some(CaInfo {
                status: Some(CaStatus::Deactivated),
                ..CaInfo::default()
            }),
            ca_cert_info: Some(CaCertInfo::default()),
        };
        assert_eq!(status_of(&r).as_deref(), Some("DEACTIVATED"));
        assert_eq!(status_of(&CaRecord::default()), None);
    }

    #[test]
    fn schema_forces_replacement_only_for_content() {
        let s = SubCaActivationResource.schema();
        let cert = s.block.attribute("certificate_pem").expect("attribute");
        let test = cert
            .modifiers
            .iter()
            .find_map(|m| match m {
                crate::framework::schema::PlanModifier::RequiresReplaceIf(_, t) => Some(t.clone()),
                _ => None,
            })
            .expect("requires_replace_if");
        let reflowed = A.replace('\n', "\r\n");
        assert!(!test(&A.into(), &reflowed.as_str().into()));
        assert!(test(&A.into(), &B.into()));
        assert!(test(&A.into(), &crate::framework::Value::Unknown));
    }

    #[test]
    fn import_id() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let ctx = Ctx::new(None, tokio::sync::watch::channel(false).1);
        let mut d = Diagnostics::new();
        let m = rt.block_on(SubCaActivationResource.import(&ctx, "aaaa-bbbb", &mut d));
        assert_eq!(m.map(|m| m.ca_tag), Some(Val::Known("aaaa-bbbb".into())));
        let mut d = Diagnostics::new();
        assert!(
            rt.block_on(SubCaActivationResource.import(&ctx, "a/b", &mut d))
                .is_none()
        );
        assert!(d.has_errors());
    }
}
