//! Actions (Terraform 1.14+): operations a configuration declares in `action` blocks and runs
//! with `terraform apply -invoke=action.<type>.<name>` or from `action_trigger` lifecycle
//! blocks. An action has a configuration schema and no state.
//!
//! Terraform validates the configuration (ValidateActionConfig), plans it (PlanAction, the
//! configuration may still hold unknown values) and invokes it (InvokeAction, a stream of
//! progress messages ending in one completion that carries the diagnostics). As with the
//! other kinds there is a typed trait for authors ([`Action`]) and a type-erased one the
//! adapter works with ([`DynAction`]), joined by a blanket implementation.

use super::convert::{decode_dynamic, diags_to_proto, schema_to_proto};
use super::diag::Diagnostics;
use super::path::AttrPath;
use super::resource::{Ctx, decode_for_validate, decode_model};
use super::schema::Schema;
use super::validate;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value};
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::mpsc;
use tonic::Status;

/// Where an invocation reports progress; Terraform shows each message as it arrives.
pub struct Progress {
    tx: Option<mpsc::Sender<Result<pb::invoke_action::Event, Status>>>,
}

impl Progress {
    /// A sink that drops every message (for tests and plain calls).
    pub fn discard() -> Progress {
        Progress { tx: None }
    }

    /// Sends a progress message (dropped when Terraform no longer listens).
    pub async fn report(&self, message: impl Into<String>) {
        if let Some(tx) = &self.tx {
            let event = pb::invoke_action::Event {
                r#type: Some(pb::invoke_action::event::Type::Progress(
                    pb::invoke_action::event::Progress {
                        message: message.into(),
                    },
                )),
            };
            let _ = tx.send(Ok(event)).await;
        }
    }
}

/// An action, written against a typed configuration model.
#[async_trait]
pub trait Action: Send + Sync + 'static {
    /// The configuration model (mirrors the schema).
    type Model: Serialize + DeserializeOwned + Send + Sync;
    /// The provider's configured data.
    type Data: Send + Sync + 'static;

    /// The full type name, `<provider>_<name>`.
    fn type_name(&self) -> &'static str;

    /// The configuration schema, with descriptions (docs are generated from them).
    fn schema(&self) -> Schema;

    /// Checks beyond attribute validators; the config may hold unknown values. Must not
    /// call any API.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Runs the action with a wholly known configuration; problems go into `diags`, progress
    /// messages into `progress`.
    async fn invoke(
        &self,
        ctx: &Ctx<Self::Data>,
        config: Self::Model,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

/// An action seen through [`Value`]s (what the adapter calls).
#[async_trait]
pub trait DynAction<D>: Send + Sync {
    /// See [`Action::type_name`].
    fn type_name(&self) -> &'static str;
    /// See [`Action::schema`].
    fn schema(&self) -> Schema;
    /// See [`Action::validate`].
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// See [`Action::invoke`].
    async fn invoke(
        &self,
        ctx: &Ctx<D>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    );
}

#[async_trait]
impl<A: Action> DynAction<A::Data> for A {
    fn type_name(&self) -> &'static str {
        Action::type_name(self)
    }

    fn schema(&self) -> Schema {
        Action::schema(self)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_for_validate::<A::Model>(config, "action configuration", diags) {
            Action::validate(self, &m, diags);
        }
    }

    async fn invoke(
        &self,
        ctx: &Ctx<A::Data>,
        config: &Value,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        if let Some(m) = decode_model::<A::Model>(config, "action configuration", diags) {
            Action::invoke(self, ctx, m, progress, diags).await;
        }
    }
}

struct Registered<D> {
    schema: Schema,
    ty: Type,
    imp: Arc<dyn DynAction<D>>,
}

/// Every action of a provider, by type name: what the adapter serves.
pub(crate) struct Actions<D> {
    map: BTreeMap<&'static str, Registered<D>>,
}

impl<D: Send + Sync + 'static> Actions<D> {
    /// Registers `actions`, building each schema once.
    pub(crate) fn new(actions: Vec<Arc<dyn DynAction<D>>>) -> Actions<D> {
        let map = actions
            .into_iter()
            .map(|imp| {
                let schema = imp.schema();
                let ty = schema.value_type();
                (imp.type_name(), Registered { schema, ty, imp })
            })
            .collect();
        Actions { map }
    }

    /// The `action_schemas` of GetProviderSchema.
    pub(crate) fn to_proto(&self) -> HashMap<String, pb::ActionSchema> {
        self.map
            .iter()
            .map(|(k, r)| {
                (
                    (*k).to_owned(),
                    pb::ActionSchema {
                        schema: Some(schema_to_proto(&r.schema)),
                    },
                )
            })
            .collect()
    }

    /// The metadata list of GetMetadata.
    pub(crate) fn metadata(&self) -> Vec<pb::get_metadata::ActionMetadata> {
        self.map
            .keys()
            .map(|k| pb::get_metadata::ActionMetadata {
                type_name: (*k).to_owned(),
            })
            .collect()
    }

    fn get(&self, name: &str, diags: &mut Diagnostics) -> Option<&Registered<D>> {
        let r = self.map.get(name);
        if r.is_none() {
            diags.error(
                "Unknown Action Type",
                format!("The provider has no action type {name:?}."),
            );
        }
        r
    }

    /// Decodes and checks a configuration: attribute validators, then the action's own.
    fn checked(
        &self,
        name: &str,
        config: Option<&pb::DynamicValue>,
        diags: &mut Diagnostics,
    ) -> Option<(&Registered<D>, Value)> {
        let r = self.get(name, diags)?;
        let config = decode_dynamic(config, &r.ty, "action configuration", diags)?;
        validate::run_block(&r.schema.block, &config, &AttrPath::empty(), diags);
        r.imp.validate(&config, diags);
        Some((r, config))
    }

    /// ValidateActionConfig.
    pub(crate) fn validate(
        &self,
        req: &pb::validate_action_config::Request,
    ) -> pb::validate_action_config::Response {
        let mut diags = Diagnostics::new();
        self.checked(&req.type_name, req.config.as_ref(), &mut diags);
        pb::validate_action_config::Response {
            diagnostics: diags_to_proto(&diags),
        }
    }

    /// PlanAction: the same checks as validation (no API call), now that variables are
    /// known.
    pub(crate) fn plan(&self, req: &pb::plan_action::Request) -> pb::plan_action::Response {
        let mut diags = Diagnostics::new();
        self.checked(&req.action_type, req.config.as_ref(), &mut diags);
        pb::plan_action::Response {
            diagnostics: diags_to_proto(&diags),
            deferred: None,
        }
    }

    /// InvokeAction: runs the action on its own task and streams its progress messages, then
    /// one completion with every diagnostic. Bad input ends in a completion with errors and
    /// no call of the action.
    pub(crate) fn invoke(
        &self,
        ctx: Ctx<D>,
        req: &pb::invoke_action::Request,
    ) -> tonic::codegen::BoxStream<pb::invoke_action::Event> {
        let (tx, rx) = mpsc::channel(16);
        let mut diags = Diagnostics::new();
        let checked = self.checked(&req.action_type, req.config.as_ref(), &mut diags);
        let run = match checked {
            Some((r, config)) if !diags.has_errors() => {
                if config.is_wholly_known() {
                    Some((r.imp.clone(), config))
                } else {
                    diags.bug("Terraform invoked an action whose configuration is not known.");
                    None
                }
            }
            _ => None,
        };
        tokio::spawn(async move {
            if let Some((imp, config)) = run {
                let progress = Progress {
                    tx: Some(tx.clone()),
                };
                imp.invoke(&ctx, &config, &progress, &mut diags).await;
            }
            let done = pb::invoke_action::Event {
                r#type: Some(pb::invoke_action::event::Type::Completed(
                    pb::invoke_action::event::Completed {
                        diagnostics: diags_to_proto(&diags),
                    },
                )),
            };
            let _ = tx.send(Ok(done)).await;
        });
        Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
    }
}
