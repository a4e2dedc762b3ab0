//! `pca_ocsp`: a CA's OCSP responder URL (Create OCSP, Delete OCSP).
//!
//! Create OCSP sets the URL, which certificates issued afterwards carry in their Authority
//! Information Access extension. `ocsp_url` defaults to the provider's API host followed by
//! `/ext/<ca_tag>/ocsp` (the service's own responder; with `pca-emulator`, the emulator's),
//! and changes in place. Refresh reads `urlInfo.ocsp` from the account's CA list (shared per
//! provider process) when it shows a URL there, else from Get CA: an empty list from Get CA
//! (or a CA gone or being deleted) means the configuration is gone. Destroy deletes the OCSP
//! configuration (Delete OCSP), which removes the URL from the CA's certificates. Import by
//! `ca_tag`.

use super::common::{api_error, client};
use super::snapshot;
use crate::api::model::{CaStatus, CaTag, CreateOcspRequest};
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::path::AttrPath;
use crate::framework::resource::{Ctx, PlanRequest, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_ocsp";

/// The `pca_ocsp` resource.
pub struct OcspResource;

/// The state and configuration of a `pca_ocsp`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OcspModel {
    /// `id` (= `ca_tag`)
    pub id: Val<String>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `ocsp_url`
    pub ocsp_url: Val<String>,
}

/// The default responder URL of a CA: `<API host>/ext/<ca_tag>/ocsp`.
pub fn default_url(base_url: &str, ca_tag: &str) -> String {
    format!("{}/ext/{ca_tag}/ocsp", base_url.trim_end_matches('/'))
}

fn url_validator() -> Validator {
    Validator::string("an absolute http(s) URL", |s| {
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
            && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(())
        } else {
            Err(format!(
                "must be an absolute http:// or https:// URL without spaces; got {s:?}"
            ))
        }
    })
}

#[async_trait]
impl Resource for OcspResource {
    type Model = OcspModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "The OCSP responder of a CA (Create OCSP). Certificates the CA issues afterwards name the responder in their Authority Information Access extension; certificates issued before keep what they had.\n\nBy default the URL is the service's own responder, `<API host>/ext/<ca_tag>/ocsp`, where the API host is the site's host or the provider's `endpoint` (with `pca-emulator`, the emulator answers OCSP requests there). Changing `ocsp_url` updates it in place. Destroy deletes the OCSP configuration (Delete OCSP), which also removes the URL from the CA's certificates.\n\nA CA has at most one OCSP configuration: manage it with one `pca_ocsp`.",
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
                .description("The `ca_tag` of the CA. Changing it deletes the OCSP configuration of the old CA and creates one for the new CA."),
        )
        .attr(
            Attribute::string("ocsp_url")
                .optional_computed()
                .validate(url_validator())
                .description("The OCSP responder URL written into certificates. Default: `<API host>/ext/<ca_tag>/ocsp`, the service's responder (removing the argument goes back to it). Changes in place."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().attr("ca_tag", "The CA's `ca_tag`."))
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<PcaData>,
        req: PlanRequest<'_, OcspModel>,
        planned: &mut OcspModel,
        _replace: &mut Vec<AttrPath>,
        _diags: &mut Diagnostics,
    ) {
        if !req.config.ocsp_url.is_null() {
            return;
        }
        // The default depends on the CA and the API host: known once both are.
        let base = ctx
            .data(&mut Diagnostics::new())
            .and_then(|d| d.client.as_ref().ok())
            .map(|c| c.base_url().to_owned());
        planned.ocsp_url = match (planned.ca_tag.known(), base) {
            (Some(tag), Some(base)) => Val::Known(default_url(&base, tag)),
            _ if req.prior.is_some_and(|p| p.ca_tag == planned.ca_tag) => planned.ocsp_url.clone(),
            _ => Val::Unknown,
        };
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: OcspModel,
        diags: &mut Diagnostics,
    ) -> Option<OcspModel> {
        let client = client(ctx, diags)?;
        let tag = plan.ca_tag.known().cloned().unwrap_or_default();
        let url = plan
            .ocsp_url
            .known()
            .cloned()
            .unwrap_or_else(|| default_url(client.base_url(), &tag));
        let req = CreateOcspRequest {
            ocsp_servers: url.clone(),
        };
        let created = snapshot::ca_write(
            ctx.data(diags),
            client.create_ocsp(&CaTag::from(tag.as_str()), &req),
        )
        .await;
        if let Err(e) = created {
            super::common::request_error(
                diags,
                "Unable to Create OCSP",
                &e,
                &["ca_tag", "ocsp_url"],
            );
            return None;
        }
        Some(OcspModel {
            id: Val::Known(tag.clone()),
            ca_tag: Val::Known(tag),
            ocsp_url: Val::Known(url),
        })
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: OcspModel,
        diags: &mut Diagnostics,
    ) -> Option<OcspModel> {
        let client = client(ctx, diags)?;
        let data = ctx.data(diags)?;
        let tag = state.ca_tag.known().cloned().unwrap_or_default();
        // From the CA list when it shows an OCSP URL, else from Get CA.
        let listed = snapshot::ca_record(data, client, &tag, |r| {
            r.ca_info
                .as_ref()
                .and_then(|i| i.url_info.as_ref())
                .is_some_and(|u| u.ocsp.iter().any(|s| !s.trim().is_empty()))
        });
        let record = match listed.await {
            Ok(r) => r,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read the CA's OCSP Configuration", &e);
                return Some(state);
            }
        };
        let info = record.ca_info.unwrap_or_default();
        if info.status == Some(CaStatus::Destroying) {
            return None;
        }
        let urls = info.url_info.unwrap_or_default().ocsp;
        let url = current_url(&urls, state.ocsp_url.known())?;
        Some(OcspModel {
            id: Val::Known(tag.clone()),
            ca_tag: Val::Known(tag),
            ocsp_url: Val::Known(url),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<PcaData>,
        prior: OcspModel,
        plan: OcspModel,
        diags: &mut Diagnostics,
    ) -> Option<OcspModel> {
        let client = client(ctx, diags)?;
        let tag = prior.ca_tag.known().cloned().unwrap_or_default();
        let url = plan
            .ocsp_url
            .known()
            .cloned()
            .unwrap_or_else(|| default_url(client.base_url(), &tag));
        let req = CreateOcspRequest {
            ocsp_servers: url.clone(),
        };
        let updated = snapshot::ca_write(
            ctx.data(diags),
            client.create_ocsp(&CaTag::from(tag.as_str()), &req),
        )
        .await;
        if let Err(e) = updated {
            api_error(diags, "Unable to Update the OCSP URL", &e);
            return Some(prior);
        }
        Some(OcspModel {
            ocsp_url: Val::Known(url),
            ..prior
        })
    }

    async fn delete(&self, ctx: &Ctx<PcaData>, state: OcspModel, diags: &mut Diagnostics) {
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        match snapshot::ca_write(ctx.data(diags), client.delete_ocsp(&tag)).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error(diags, "Unable to Delete OCSP", &e),
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<OcspModel> {
        let id = id.trim();
        if id.is_empty() || id.contains('/') {
            diags.error(
                "Invalid Import ID",
                format!(
                    "Import a pca_ocsp by the CA's ca_tag (for example 1a2b3c4d-5e6f7a8b); got {id:?}."
                ),
            );
            return None;
        }
        Some(OcspModel {
            id: Val::Known(id.to_owned()),
            ca_tag: Val::Known(id.to_owned()),
            ocsp_url: Val::Null,
        })
    }
}

/// The configured URL among the CA's OCSP URLs: the one in state if still listed, else
/// the first; `None` when there is none.
fn current_url(urls: &[String], in_state: Option<&String>) -> Option<String> {
    let urls: Vec<&String> = urls.iter().filter(|u| !u.trim().is_empty()).collect();
    in_state
        .filter(|s| urls.contains(s))
        .or(urls.first().copied())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url_follows_the_api_host() {
        assert_eq!(
            default_url("https://pca.apigw.ntruss.com", "aaaa-bbbb"),
            "https://pca.apigw.ntruss.com/ext/aaaa-bbbb/ocsp"
        );
        assert_eq!(
            default_url("http://127.0.0.1:8700/", "t"),
            "http://127.0.0.1:8700/ext/t/ocsp"
        );
    }

    #[test]
    fn url_mapping() {
        let a = "http://a/ocsp".to_owned();
        let b = "http://b/ocsp".to_owned();
        assert_eq!(current_url(&[], Some(&a)), None);
        assert_eq!(current_url(&[String::new()], None), None);
        assert_eq!(
            current_url(&[a.clone(), b.clone()], Some(&b)),
            Some(b.clone())
        );
        assert_eq!(
            current_url(std::slice::from_ref(&a), Some(&b)),
            Some(a.clone())
        );
        assert_eq!(current_url(std::slice::from_ref(&a), None), Some(a));
    }

    #[test]
    fn url_validation_names_the_attribute() {
        let v = url_validator();
        let mut d = Diagnostics::new();
        for bad in ["ftp://x", "http://", "http:///x", "http://a b"] {
            v.run(&bad.into(), &AttrPath::root("ocsp_url"), &mut d);
        }
        assert_eq!(d.len(), 4);
        assert!(d.iter().all(|x| x.path == Some(AttrPath::root("ocsp_url"))));
        let mut d = Diagnostics::new();
        v.run(
            &"https://ocsp.example.com/x".into(),
            &AttrPath::root("ocsp_url"),
            &mut d,
        );
        assert!(d.is_empty());
    }
}
