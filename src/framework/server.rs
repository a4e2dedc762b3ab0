//! The adapter: serves a [`Provider`] as the generated `tfplugin6.Provider` gRPC service.
//! Decode → call → encode; provider problems travel as diagnostics inside normal responses,
//! and gRPC errors are reserved for RPCs we do not implement (answered `UNIMPLEMENTED`, which
//! Terraform tolerates where it matters).

use super::action::Actions;
use super::convert::{
    decode_dynamic, diags_to_proto, encode_dynamic, path_to_proto, schema_to_proto,
};
use super::diag::Diagnostics;
use super::ephemeral::EphemeralResources;
use super::function::Functions;
use super::identity::ResolvedIdentity;
use super::list::Lists;
use super::path::AttrPath;
use super::plan;
use super::provider::Provider;
use super::resource::{Ctx, DynDataSource, DynResource, decode_model};
use super::schema::Schema;
use super::validate;
use super::write_only;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;
use tonic::{Request, Response, Status};

/// 256 MiB: the message limit Terraform's own SDK uses both ways.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

struct Registered<T: ?Sized> {
    schema: Schema,
    ty: Type,
    imp: Arc<T>,
}

/// A provider served over tfplugin6.
pub struct ProviderServer<P: Provider> {
    provider: P,
    provider_schema: Schema,
    provider_ty: Type,
    resources: BTreeMap<&'static str, Registered<dyn DynResource<P::Data>>>,
    data_sources: BTreeMap<&'static str, Registered<dyn DynDataSource<P::Data>>>,
    functions: Functions,
    ephemeral: EphemeralResources<P::Data>,
    actions: Actions<P::Data>,
    lists: Lists<P::Data>,
    /// Identities by resource type, and the declarations that did not fit their schema.
    identities: BTreeMap<&'static str, ResolvedIdentity>,
    identity_problems: Vec<String>,
    data: RwLock<Option<Arc<P::Data>>>,
    stop_tx: watch::Sender<bool>,
}

impl<P: Provider> ProviderServer<P> {
    /// Wraps a provider; schemas are built once, here.
    pub fn new(provider: P) -> ProviderServer<P> {
        let provider_schema = provider.schema();
        let provider_ty = provider_schema.value_type();
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| {
                let schema = r.schema();
                let ty = schema.value_type();
                (r.type_name(), Registered { schema, ty, imp: r })
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                let ty = schema.value_type();
                (d.type_name(), Registered { schema, ty, imp: d })
            })
            .collect();
        let functions = Functions::new(provider.functions());
        let ephemeral = EphemeralResources::new(provider.ephemeral_resources());
        let actions = Actions::new(provider.actions());
        let lists = Lists::new(provider.list_resources());
        let (stop_tx, _) = watch::channel(false);
        let (identities, identity_problems) = resolve_identities(&resources);
        ProviderServer {
            functions,
            ephemeral,
            actions,
            lists,
            provider,
            provider_schema,
            provider_ty,
            resources,
            data_sources,
            identities,
            identity_problems,
            data: RwLock::new(None),
            stop_tx,
        }
    }

    /// The tonic service for this provider, with 256 MiB message limits.
    pub fn into_service(self) -> pb::provider_server::ProviderServer<Self> {
        pb::provider_server::ProviderServer::new(self)
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE)
    }

    /// The full provider schema response (what `terraform providers schema -json` shows).
    pub fn schema_response(&self) -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(schema_to_proto(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(k, r)| ((*k).to_owned(), schema_to_proto(&r.schema)))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(k, d)| ((*k).to_owned(), schema_to_proto(&d.schema)))
                .collect(),
            server_capabilities: Some(capabilities()),
            functions: self.functions.to_proto(),
            ephemeral_resource_schemas: self.ephemeral.schemas(),
            action_schemas: self.actions.to_proto(),
            list_resource_schemas: self.lists.to_proto(),
            ..Default::default()
        }
    }

    /// The identity of a resource object of type `type_name`, for a response.
    fn identity_of(
        &self,
        type_name: &str,
        state: &Value,
        diags: &mut Diagnostics,
    ) -> Option<pb::ResourceIdentityData> {
        self.identities.get(type_name)?.data_of(state, diags)
    }

    /// The import id of an ImportResourceState request: the id, or the identity's values
    /// joined with `/` when Terraform imports by identity.
    fn import_id(
        &self,
        req: &pb::import_resource_state::Request,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let Some(data) = req.identity.as_ref() else {
            return Some(req.id.clone());
        };
        let Some(ident) = self.identities.get(req.type_name.as_str()) else {
            diags.error(
                "Import by Identity Not Supported",
                format!(
                    "The resource type {} has no identity; import it by id.",
                    req.type_name
                ),
            );
            return None;
        };
        match ident.decode(Some(data), diags) {
            Some(v) => ident.import_id(&v, diags),
            None if diags.has_errors() => None,
            None => Some(req.id.clone()),
        }
    }

    fn ctx(&self) -> Ctx<P::Data> {
        let data = self.data.read().ok().and_then(|g| g.clone());
        Ctx::new(data, self.stop_tx.subscribe())
    }

    fn resource(
        &self,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<&Registered<dyn DynResource<P::Data>>> {
        let r = self.resources.get(name);
        if r.is_none() {
            diags.error(
                "Unknown Resource Type",
                format!(
                    "The provider {} has no resource type {name:?}.",
                    self.provider.type_name()
                ),
            );
        }
        r
    }

    fn data_source(
        &self,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<&Registered<dyn DynDataSource<P::Data>>> {
        let r = self.data_sources.get(name);
        if r.is_none() {
            diags.error(
                "Unknown Data Source Type",
                format!(
                    "The provider {} has no data source type {name:?}.",
                    self.provider.type_name()
                ),
            );
        }
        r
    }
}

/// Resolves every resource's declared identity against its schema.
fn resolve_identities<D>(
    resources: &BTreeMap<&'static str, Registered<dyn DynResource<D>>>,
) -> (BTreeMap<&'static str, ResolvedIdentity>, Vec<String>) {
    let mut ok = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, r) in resources {
        if let Some(id) = r.imp.identity() {
            match ResolvedIdentity::resolve(&id, &r.schema) {
                Ok(resolved) => {
                    ok.insert(*name, resolved);
                }
                Err(e) => problems.push(format!("{name}: {e}")),
            }
        }
    }
    (ok, problems)
}

/// An error at each write-only attribute `config` sets, for a Terraform that does not
/// support them (before 1.11 it would keep the value in state and plan like any other).
fn write_only_not_supported(schema: &Schema, config: &Value, diags: &mut Diagnostics) {
    for path in write_only::configured_paths(&schema.block, config) {
        diags.error_at(
            path.clone(),
            "Write-only Attribute Not Supported by This Terraform",
            format!(
                "{path} is a write-only argument: its value is meant never to be stored, and only Terraform 1.11 or later can keep that promise (this Terraform does not announce write-only support). Upgrade Terraform, or leave {path} unset and use the ordinary argument this resource offers instead."
            ),
        );
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        ..Default::default()
    }
}

/// Turns every unknown inside `v` into null, reporting whether any was found.
pub(super) fn unknowns_to_null(v: Value, found: &mut bool) -> Value {
    match v {
        Value::Unknown => {
            *found = true;
            Value::Null
        }
        Value::List(items) => Value::List(
            items
                .into_iter()
                .map(|i| unknowns_to_null(i, found))
                .collect(),
        ),
        Value::Set(items) => Value::Set(
            items
                .into_iter()
                .map(|i| unknowns_to_null(i, found))
                .collect(),
        ),
        Value::Map(m) => Value::Map(
            m.into_iter()
                .map(|(k, i)| (k, unknowns_to_null(i, found)))
                .collect(),
        ),
        Value::Dynamic(t, inner) => Value::Dynamic(t, Box::new(unknowns_to_null(*inner, found))),
        other => other,
    }
}

/// The final shape of a state returned to Terraform: conformed, wholly known, write-only
/// attributes null.
pub(super) fn finish_state(schema: &Schema, v: Value, diags: &mut Diagnostics) -> Value {
    let mut found = false;
    let v = write_only::strip(&schema.block, schema.block.conform(v));
    let v = unknowns_to_null(v, &mut found);
    if found && !diags.has_errors() {
        diags.bug("The provider returned unknown values in a new state.");
    }
    v
}

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderServer<P> {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|k| pb::get_metadata::ResourceMetadata {
                    type_name: (*k).to_owned(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|k| pb::get_metadata::DataSourceMetadata {
                    type_name: (*k).to_owned(),
                })
                .collect(),
            functions: self.functions.metadata(),
            ephemeral_resources: self.ephemeral.metadata(),
            actions: self.actions.metadata(),
            list_resources: self.lists.metadata(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        tracing::debug!(tf_rpc = "GetProviderSchema", "serving schema");
        Ok(Response::new(self.schema_response()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
            &mut diags,
        ) {
            validate::run_block(
                &self.provider_schema.block,
                &config,
                &AttrPath::empty(),
                &mut diags,
            );
            if let Some(m) =
                decode_model::<P::Config>(&config, "provider configuration", &mut diags)
            {
                self.provider.validate(&m, &mut diags);
            }
        }
        tracing::debug!(
            tf_rpc = "ValidateProviderConfig",
            diagnostics = diags.len(),
            "validated"
        );
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(r) = self.resource(&req.type_name, &mut diags)
            && let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &r.ty,
                "resource configuration",
                &mut diags,
            )
        {
            validate::run_block(&r.schema.block, &config, &AttrPath::empty(), &mut diags);
            let allowed = req
                .client_capabilities
                .as_ref()
                .is_some_and(|c| c.write_only_attributes_allowed);
            if !allowed {
                write_only_not_supported(&r.schema, &config, &mut diags);
            }
            r.imp.validate(&config, &mut diags);
        }
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(d) = self.data_source(&req.type_name, &mut diags)
            && let Some(config) = decode_dynamic(
                req.config.as_ref(),
                &d.ty,
                "data source configuration",
                &mut diags,
            )
        {
            validate::run_block(&d.schema.block, &config, &AttrPath::empty(), &mut diags);
            d.imp.validate(&config, &mut diags);
        }
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded = None;
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            upgraded = upgrade(r, req.version, req.raw_state.as_ref(), &mut diags);
        }
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: upgraded,
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(config) = decode_dynamic(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
            &mut diags,
        ) && let Some(m) =
            decode_model::<P::Config>(&config, "provider configuration", &mut diags)
            && let Some(data) = self
                .provider
                .configure(m, &req.terraform_version, &mut diags)
                .await
            && let Ok(mut slot) = self.data.write()
        {
            *slot = Some(Arc::new(data));
        }
        tracing::debug!(tf_rpc = "ConfigureProvider", terraform_version = %req.terraform_version, "configured");
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut new_state = req.current_state.clone();
        let mut new_identity = req.current_identity.clone();
        if let Some(r) = self.resource(&req.type_name, &mut diags)
            && let Some(state) =
                decode_dynamic(req.current_state.as_ref(), &r.ty, "state", &mut diags)
            && !state.is_null()
        {
            let out = r.imp.read(&self.ctx(), &state, &mut diags).await;
            match out {
                Some(v) => {
                    let v = finish_state(&r.schema, v, &mut diags);
                    if let Some(dv) = encode_dynamic(&v, &r.ty, "state", &mut diags) {
                        new_state = Some(dv);
                        new_identity = self.identity_of(&req.type_name, &v, &mut diags);
                    }
                }
                // Gone: a null state tells Terraform to plan a create.
                None if !diags.has_errors() => {
                    new_state = None;
                    new_identity = None;
                }
                // A failed read keeps what Terraform has.
                None => {}
            }
        }
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags_to_proto(&diags),
            private: req.private,
            new_identity,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut resp = pb::plan_resource_change::Response {
            planned_private: req.prior_private.clone(),
            ..Default::default()
        };
        let Some(r) = self.resource(&req.type_name, &mut diags) else {
            resp.diagnostics = diags_to_proto(&diags);
            return Ok(Response::new(resp));
        };
        let decoded = (
            decode_dynamic(req.prior_state.as_ref(), &r.ty, "prior state", &mut diags),
            decode_dynamic(
                req.proposed_new_state.as_ref(),
                &r.ty,
                "proposed new state",
                &mut diags,
            ),
            decode_dynamic(req.config.as_ref(), &r.ty, "configuration", &mut diags),
        );
        if let (Some(prior), Some(proposed), Some(config)) = decoded {
            // Write-only values never enter a plan: the engine compares without them and the
            // resource's hook reads them from `config`.
            let proposed = write_only::strip(&r.schema.block, proposed);
            let p = plan::plan(&r.schema.block, &prior, &proposed, &config);
            let mut replace = p.requires_replace;
            let planned = if p.planned.is_null() {
                if !prior.is_null() {
                    r.imp.plan_destroy(&prior, &mut diags);
                }
                Value::Null
            } else {
                let v = r
                    .imp
                    .modify_plan(
                        &self.ctx(),
                        &prior,
                        &config,
                        p.planned,
                        &mut replace,
                        &mut diags,
                    )
                    .await;
                write_only::strip(&r.schema.block, r.schema.block.conform(v))
            };
            if prior.is_null() {
                replace.clear();
            }
            replace.sort();
            replace.dedup();
            resp.planned_state = encode_dynamic(&planned, &r.ty, "planned state", &mut diags);
            // Only a wholly known identity: Terraform cannot render a plan whose identity
            // holds unknowns (a create or a replacement); apply then returns it.
            if let Some(id) = self.identities.get(req.type_name.as_str())
                && id.of_state(&planned).is_some_and(|v| v.is_wholly_known())
            {
                resp.planned_identity = id.data_of(&planned, &mut diags);
            }
            resp.requires_replace = replace.iter().map(path_to_proto).collect();
        }
        resp.diagnostics = diags_to_proto(&diags);
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut resp = pb::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            ..Default::default()
        };
        let Some(r) = self.resource(&req.type_name, &mut diags) else {
            resp.diagnostics = diags_to_proto(&diags);
            return Ok(Response::new(resp));
        };
        let decoded = (
            decode_dynamic(req.prior_state.as_ref(), &r.ty, "prior state", &mut diags),
            decode_dynamic(
                req.planned_state.as_ref(),
                &r.ty,
                "planned state",
                &mut diags,
            ),
        );
        // Create and update see the configured write-only values (null in the plan).
        let config = match &decoded.1 {
            Some(p) if !p.is_null() && r.schema.block.contains_write_only() => {
                decode_dynamic(req.config.as_ref(), &r.ty, "configuration", &mut diags)
            }
            _ => Some(Value::Null),
        };
        if let (Some(prior), Some(planned), Some(config)) = (decoded.0, decoded.1, config) {
            let ctx = self.ctx();
            let with_wo =
                |p: &Value| write_only::merge_from_config(&r.schema.block, p.clone(), &config);
            let out = if planned.is_null() {
                r.imp.delete(&ctx, &prior, &mut diags).await;
                // A failed delete keeps the object in state.
                if diags.has_errors() {
                    Some(prior)
                } else {
                    Some(Value::Null)
                }
            } else if prior.is_null() {
                r.imp.create(&ctx, &with_wo(&planned), &mut diags).await
            } else {
                match r
                    .imp
                    .update(&ctx, &prior, &with_wo(&planned), &mut diags)
                    .await
                {
                    Some(v) => Some(v),
                    None if diags.has_errors() => Some(prior),
                    None => {
                        diags.bug("Update returned no state and no error.");
                        Some(prior)
                    }
                }
            };
            let new_state = match out {
                Some(Value::Null) | None => Value::Null,
                Some(v) => finish_state(&r.schema, v, &mut diags),
            };
            if new_state.is_null() && !planned.is_null() && !diags.has_errors() {
                diags.bug("Create returned no state and no error.");
            }
            resp.new_state = encode_dynamic(&new_state, &r.ty, "new state", &mut diags);
            resp.new_identity = self.identity_of(&req.type_name, &new_state, &mut diags);
        }
        resp.diagnostics = diags_to_proto(&diags);
        Ok(Response::new(resp))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut imported = Vec::new();
        if let Some(r) = self.resource(&req.type_name, &mut diags)
            && let Some(id) = self.import_id(&req, &mut diags)
            && let Some(v) = r.imp.import(&self.ctx(), &id, &mut diags).await
        {
            let v = write_only::strip(&r.schema.block, r.schema.block.conform(v));
            if let Some(state) = encode_dynamic(&v, &r.ty, "imported state", &mut diags) {
                // Terraform requires an identity back when it imported by one.
                let identity = self
                    .identity_of(&req.type_name, &v, &mut diags)
                    .or_else(|| req.identity.clone());
                imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(state),
                    identity,
                    ..Default::default()
                });
            }
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources: imported,
            diagnostics: diags_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut state = None;
        if let Some(d) = self.data_source(&req.type_name, &mut diags)
            && let Some(config) =
                decode_dynamic(req.config.as_ref(), &d.ty, "configuration", &mut diags)
        {
            if let Some(v) = d.imp.read(&self.ctx(), &config, &mut diags).await {
                let v = finish_state(&d.schema, v, &mut diags);
                state = encode_dynamic(&v, &d.ty, "data source state", &mut diags);
            } else if !diags.has_errors() {
                diags.bug("Data source read returned no result and no error.");
            }
        }
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags_to_proto(&diags),
            ..Default::default()
        }))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        Ok(Response::new(self.ephemeral.validate(req.into_inner())))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        Ok(Response::new(
            self.ephemeral.open(&self.ctx(), req.into_inner()).await,
        ))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Ok(Response::new(
            self.ephemeral.renew(&self.ctx(), req.into_inner()).await,
        ))
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Ok(Response::new(
            self.ephemeral.close(&self.ctx(), req.into_inner()).await,
        ))
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.functions.to_proto(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        tracing::debug!(tf_rpc = "CallFunction", function = %req.name, "calling");
        Ok(Response::new(self.functions.call(req)))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        Ok(Response::new(self.actions.validate(&req.into_inner())))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        Ok(Response::new(self.actions.plan(&req.into_inner())))
    }

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> Result<Response<tonic::codegen::BoxStream<pb::invoke_action::Event>>, Status> {
        let req = req.into_inner();
        tracing::debug!(tf_rpc = "InvokeAction", action = %req.action_type, "invoking");
        Ok(Response::new(self.actions.invoke(self.ctx(), &req)))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        Ok(Response::new(self.lists.validate(&req.into_inner())))
    }

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<tonic::codegen::BoxStream<pb::list_resource::Event>>, Status> {
        let req = req.into_inner();
        let name = req.type_name.as_str();
        let target = self.resources.get(name).map(|r| super::list::Target {
            schema: &r.schema,
            ty: &r.ty,
            imp: r.imp.as_ref(),
            identity: self.identities.get(name),
        });
        let events = self.lists.list(&self.ctx(), &req, target).await;
        Ok(Response::new(Box::pin(tokio_stream::iter(
            events.into_iter().map(Ok),
        ))))
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        let mut diags = Diagnostics::new();
        for p in &self.identity_problems {
            diags.bug(format!("Invalid resource identity declaration: {p}"));
        }
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .identities
                .iter()
                .map(|(k, i)| ((*k).to_owned(), i.to_proto()))
                .collect(),
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let upgraded_identity = match self.identities.get(req.type_name.as_str()) {
            Some(i) => i.upgrade(req.version, req.raw_identity.as_ref(), &mut diags),
            None => {
                diags.error(
                    "Unknown Identity Type",
                    format!("The resource type {:?} has no identity.", req.type_name),
                );
                None
            }
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diags_to_proto(&diags),
        }))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!(
            tf_rpc = "StopProvider",
            "stop requested: cancelling in-flight work"
        );
        self.stop_tx.send_replace(true);
        Ok(Response::new(pb::stop_provider::Response::default()))
    }
}

fn upgrade<D>(
    r: &Registered<dyn DynResource<D>>,
    version: i64,
    raw: Option<&pb::RawState>,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    let raw = raw?;
    if raw.json.is_empty() {
        if !raw.flatmap.is_empty() {
            diags.error(
                "Unable to Upgrade Resource State",
                "This state was written by Terraform older than 0.12 (flatmap format), which this provider cannot read. Remove the resource from state and import it again.",
            );
        }
        return encode_dynamic(&Value::Null, &r.ty, "upgraded state", diags);
    }
    if version > r.schema.version {
        diags.error(
            "Resource Managed by a Newer Provider",
            format!(
                "The state was written with schema version {version}, newer than this provider's version {}. Upgrade the provider.",
                r.schema.version
            ),
        );
        return None;
    }
    let parsed: serde_json::Value = match serde_json::from_slice(&raw.json) {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                "Unable to Upgrade Resource State",
                format!("The stored state is not valid JSON: {e}"),
            );
            return None;
        }
    };
    let upgraded = r.imp.upgrade(version, parsed, diags)?;
    let value = match json::decode_value_lenient(&r.ty, &upgraded) {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                "Unable to Upgrade Resource State",
                format!("The stored state does not match the schema: {e}"),
            );
            return None;
        }
    };
    let value = finish_state(&r.schema, value, diags);
    encode_dynamic(&value, &r.ty, "upgraded state", diags)
}

#[cfg(test)]
impl<P: Provider> ProviderServer<P> {
    pub(crate) fn ctx_for_tests(&self) -> Option<Arc<P::Data>> {
        self.data.read().ok().and_then(|g| g.clone())
    }

    pub(crate) fn ctx_public(&self) -> Ctx<P::Data> {
        self.ctx()
    }
}
