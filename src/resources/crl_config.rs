//! `pca_crl_config`: a CA's CRL renewal interval (Get CRL Config, Update CRL Config).
//!
//! Create and update set the interval; destroy resets it to the API's default, 3 days (the
//! API has no way to delete the setting). Refresh reads Get CRL Config (a CA that never had
//! one reads as the default, 3); the configuration is gone with its CA. Import by `ca_tag`.

use super::common::{api_error, client};
use crate::api::limits::{CRL_EXPIRY_DEFAULT, CRL_EXPIRY_MIN_DAYS};
use crate::api::model::{CaTag, CrlConfig, UpdateCrlConfigRequest};
use crate::framework::Value;
use crate::framework::diag::Diagnostics;
use crate::framework::identity::Identity;
use crate::framework::resource::{Ctx, Resource};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::framework::validate::{self, Validator};
use crate::provider::PcaData;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// The full type name.
pub const TYPE_NAME: &str = "pca_crl_config";

/// The `pca_crl_config` resource.
pub struct CrlConfigResource;

/// The state and configuration of a `pca_crl_config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrlConfigModel {
    /// `id` (= `ca_tag`)
    pub id: Val<String>,
    /// `ca_tag`
    pub ca_tag: Val<String>,
    /// `expiry_days`
    pub expiry_days: Val<i64>,
}

fn min_days() -> Validator {
    let min = i64::from(CRL_EXPIRY_MIN_DAYS);
    Validator::new(
        format!("an integer of at least {min}"),
        move |v, path, diags| {
            let Value::Number(n) = v else { return };
            if n.as_i64().is_none_or(|i| i < min) {
                diags.error_at(
                    path.clone(),
                    "Invalid Attribute Value",
                    format!(
                        "Attribute {path} must be a whole number of days, at least {min}; got {n}."
                    ),
                );
            }
        },
    )
}

#[async_trait]
impl Resource for CrlConfigResource {
    type Model = CrlConfigModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "The CRL renewal interval of a CA (Update CRL Config): at each interval the CA's CRL expires and a new one is published.\n\n`expiry_days` changes in place. **Destroy resets the interval to the API default of 3 days** (the API cannot remove the setting). A CA has one CRL configuration: manage it with one `pca_crl_config`.",
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
                .description("The `ca_tag` of the CA. Changing it resets the old CA's interval to 3 days and configures the new CA."),
        )
        .attr(
            Attribute::number("expiry_days")
                .required()
                .validate(min_days())
                .description("The CRL renewal interval in days: at least 3, and at most the time left until the CA expires (the API checks the latter at apply). Changes in place."),
        )
    }

    fn read_on_import(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().attr("ca_tag", "The CA's `ca_tag`."))
    }

    async fn create(
        &self,
        ctx: &Ctx<PcaData>,
        plan: CrlConfigModel,
        diags: &mut Diagnostics,
    ) -> Option<CrlConfigModel> {
        let client = client(ctx, diags)?;
        let tag = plan.ca_tag.known().cloned().unwrap_or_default();
        let days = plan.expiry_days.known().copied().unwrap_or(3);
        let req = UpdateCrlConfigRequest {
            expiry: days.to_string(),
        };
        let echoed = match client
            .update_crl_config(&CaTag::from(tag.as_str()), &req)
            .await
        {
            Ok(c) => c,
            Err(e) => {
                super::common::request_error(
                    diags,
                    "Unable to Configure the CRL",
                    &e,
                    &["ca_tag", "expiry_days"],
                );
                return None;
            }
        };
        Some(CrlConfigModel {
            id: Val::Known(tag.clone()),
            ca_tag: Val::Known(tag),
            expiry_days: Val::Known(echoed_days(echoed.as_ref(), days)),
        })
    }

    async fn read(
        &self,
        ctx: &Ctx<PcaData>,
        state: CrlConfigModel,
        diags: &mut Diagnostics,
    ) -> Option<CrlConfigModel> {
        let client = client(ctx, diags)?;
        let tag = state.ca_tag.known().cloned().unwrap_or_default();
        let config = match client.get_crl_config(&CaTag::from(tag.as_str())).await {
            Ok(c) => c,
            Err(e) if e.is_not_found() => return None,
            Err(e) => {
                api_error(diags, "Unable to Read the CRL Configuration", &e);
                return Some(state);
            }
        };
        Some(CrlConfigModel {
            id: Val::Known(tag.clone()),
            ca_tag: Val::Known(tag),
            expiry_days: Val::Known(effective_days(config.as_ref())),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<PcaData>,
        prior: CrlConfigModel,
        plan: CrlConfigModel,
        diags: &mut Diagnostics,
    ) -> Option<CrlConfigModel> {
        let client = client(ctx, diags)?;
        let tag = prior.ca_tag.known().cloned().unwrap_or_default();
        let days = plan.expiry_days.known().copied().unwrap_or(3);
        let req = UpdateCrlConfigRequest {
            expiry: days.to_string(),
        };
        match client
            .update_crl_config(&CaTag::from(tag.as_str()), &req)
            .await
        {
            Ok(echoed) => Some(CrlConfigModel {
                expiry_days: Val::Known(echoed_days(echoed.as_ref(), days)),
                ..prior
            }),
            Err(e) => {
                api_error(diags, "Unable to Update the CRL Configuration", &e);
                Some(prior)
            }
        }
    }

    async fn delete(&self, ctx: &Ctx<PcaData>, state: CrlConfigModel, diags: &mut Diagnostics) {
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let tag = CaTag::from(state.ca_tag.known().cloned().unwrap_or_default());
        let req = UpdateCrlConfigRequest {
            expiry: CRL_EXPIRY_DEFAULT.to_owned(),
        };
        match client.update_crl_config(&tag, &req).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => api_error(diags, "Unable to Reset the CRL Configuration", &e),
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<PcaData>,
        id: &str,
        diags: &mut Diagnostics,
    ) -> Option<CrlConfigModel> {
        let id = id.trim();
        if id.is_empty() || id.contains('/') {
            diags.error(
                "Invalid Import ID",
                format!(
                    "Import a pca_crl_config by the CA's ca_tag (for example 1a2b3c4d-5e6f7a8b); got {id:?}."
                ),
            );
            return None;
        }
        Some(CrlConfigModel {
            id: Val::Known(id.to_owned()),
            ca_tag: Val::Known(id.to_owned()),
            expiry_days: Val::Null,
        })
    }
}

/// The interval in effect, in days (the API's default, 3, when never configured or
/// unreadable).
fn effective_days(config: Option<&CrlConfig>) -> i64 {
    CrlConfig::effective_expiry(config)
        .trim()
        .parse()
        .unwrap_or(3)
}

/// The interval the API echoed after an update, else the one sent.
fn echoed_days(config: Option<&CrlConfig>, sent: i64) -> i64 {
    config
        .and_then(|c| c.expiry.as_deref())
        .and_then(|e| e.trim().parse().ok())
        .unwrap_or(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::path::AttrPath;

    #[test]
    fn api_mapping() {
        assert_eq!(effective_days(None), 3);
        let c = |e: &str| CrlConfig {
            expiry: Some(e.to_owned()),
        };
        assert_eq!(effective_days(Some(&c("7"))), 7);
        assert_eq!(effective_days(Some(&c(""))), 3);
        assert_eq!(effective_days(Some(&CrlConfig { expiry: None })), 3);
        assert_eq!(echoed_days(Some(&c("5")), 9), 5);
        assert_eq!(echoed_days(None, 9), 9);
    }

    #[test]
    fn expiry_below_three_fails_with_its_path() {
        let v = min_days();
        let mut d = Diagnostics::new();
        let path = AttrPath::root("expiry_days");
        v.run(&Value::from(1_i64), &path, &mut d);
        v.run(
            &Value::Number(crate::framework::Number::from_f64(3.5)),
            &path,
            &mut d,
        );
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|x| x.path == Some(path.clone())));
        let mut d = Diagnostics::new();
        v.run(&Value::from(3_i64), &path, &mut d);
        v.run(&Value::from(365_i64), &path, &mut d);
        assert!(d.is_empty());
    }
}
