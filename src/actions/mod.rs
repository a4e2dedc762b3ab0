//! The provider's actions (Terraform 1.14+), one per file, each in the same order: module doc,
//! type name, action struct, model, schema, validation, invoke, tests.
//!
//! Actions run an operation when asked (`terraform apply -invoke=action.<type>.<name>`, or an
//! `action_trigger` in a resource's `lifecycle`) and keep no state. For Terraform older than
//! 1.14, the resources `pca_crl_rotation` and `pca_ca_trim` run the same operations when they
//! are created or their `triggers` change.

pub mod revoke_end_cert;
pub mod rotate_crl;
pub mod trim_ca;

use crate::api::model::CaTag;
use crate::framework::action::{Action, DynAction, Progress};
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::resource::Ctx;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed::Val;
use crate::provider::PcaData;
use crate::resources::ca_user::ca_tag_validator;
use crate::resources::common::{api_error, client};
use crate::resources::operation::Operation;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Every action type of the provider.
pub fn all() -> Vec<Arc<dyn DynAction<PcaData>>> {
    vec![
        Arc::new(rotate_crl::RotateCrlAction),
        Arc::new(trim_ca::TrimCaAction),
        Arc::new(revoke_end_cert::RevokeEndCertAction),
    ]
}

/// The configuration of an action on one CA.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaActionModel {
    /// `ca_tag`
    pub ca_tag: Val<String>,
}

/// An action that runs one CA operation: a type name, the operation and a description.
/// Everything else is shared (see the blanket [`Action`] implementation).
pub trait CaOperationAction: Send + Sync + 'static {
    /// The full type name.
    const TYPE_NAME: &'static str;
    /// The operation the action runs.
    const OPERATION: Operation;
    /// The schema's description.
    fn description(&self) -> &'static str;
}

#[async_trait]
impl<T: CaOperationAction> Action for T {
    type Model = CaActionModel;
    type Data = PcaData;

    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(self.description()).attr(
            Attribute::string("ca_tag")
                .required()
                .validate(ca_tag_validator())
                .description("The `ca_tag` of the CA to run the operation on."),
        )
    }

    async fn invoke(
        &self,
        ctx: &Ctx<PcaData>,
        config: CaActionModel,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        // `client` reports an unconfigured provider; only then ask for the data, so that
        // case is reported once.
        let Some(client) = client(ctx, diags) else {
            return;
        };
        let Some(data) = ctx.data(diags) else {
            return;
        };
        let tag = config.ca_tag.known().cloned().unwrap_or_default();
        let op = T::OPERATION;
        progress
            .report(format!("{} on CA {tag}: started", op.name()))
            .await;
        match op.run(data, client, &CaTag::from(tag.as_str())).await {
            Ok(()) => {
                progress
                    .report(format!("{} on CA {tag}: done", op.name()))
                    .await
            }
            Err(e) if e.is_not_found() => no_ca(diags, &tag),
            Err(e) => api_error(diags, &format!("Unable to Run {}", op.name()), &e),
        }
    }
}

/// The error for a `ca_tag` that names no CA.
fn no_ca(diags: &mut Diagnostics, tag: &str) {
    diags.error_at(
        AttrPath::root("ca_tag"),
        "CA Not Found",
        format!("There is no CA with ca_tag {tag:?} in this account."),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_complete() {
        for a in all() {
            let s = a.schema();
            assert!(
                s.block.lint().is_empty(),
                "{}: {:?}",
                a.type_name(),
                s.block.lint()
            );
            assert!(a.type_name().starts_with("pca_"));
        }
    }

    #[test]
    fn an_unconfigured_provider_is_reported_once() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let ctx = Ctx::new(None, tokio::sync::watch::channel(false).1);
        let config = CaActionModel {
            ca_tag: Val::Known("aaaa-bbbb".into()),
        };
        for (name, diags) in [
            ("rotate_crl", {
                let mut d = Diagnostics::new();
                rt.block_on(Action::invoke(
                    &rotate_crl::RotateCrlAction,
                    &ctx,
                    config.clone(),
                    &Progress::discard(),
                    &mut d,
                ));
                d
            }),
            ("trim_ca", {
                let mut d = Diagnostics::new();
                rt.block_on(Action::invoke(
                    &trim_ca::TrimCaAction,
                    &ctx,
                    config,
                    &Progress::discard(),
                    &mut d,
                ));
                d
            }),
        ] {
            assert!(diags.has_errors(), "{name}");
            assert_eq!(diags.len(), 1, "{name}: {diags:?}");
        }
    }
}
