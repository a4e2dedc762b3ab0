//! List resources (Terraform 1.14+): `list` blocks in `.tfquery.hcl` files, run by
//! `terraform query`, find existing objects of a managed resource type. With
//! `-generate-config-out` Terraform writes a `resource` block and an `import` block (by
//! identity) for each.
//!
//! A list resource has the type name of its managed resource, which must have an identity
//! ([`super::identity`]). Its author only enumerates: [`ListResource::list`] returns, for each
//! object, a display name and a state holding (at least) the identity attributes. The
//! framework then answers every result exactly as an import by that identity would: the
//! resource's `import` with the identity's import id, then its `read` (only when Terraform
//! asks for the resource objects), so generated configuration imports to an empty plan.

use super::convert::{decode_dynamic, diags_to_proto, encode_dynamic, schema_to_proto};
use super::diag::Diagnostics;
use super::identity::ResolvedIdentity;
use super::path::AttrPath;
use super::resource::{Ctx, DynResource, decode_for_validate, decode_model, encode_model};
use super::schema::Schema;
use super::server::finish_state;
use super::validate;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value};
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One object found by a list resource.
pub struct Listed<M> {
    /// What `terraform query` shows for it.
    pub display_name: String,
    /// A state of the managed resource holding at least its identity attributes.
    pub state: M,
}

/// A list resource, written against typed models.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The `config` block's model (mirrors [`ListResource::schema`]).
    type Config: Serialize + DeserializeOwned + Send + Sync;
    /// The managed resource's model.
    type Model: Serialize + DeserializeOwned + Send + Sync;
    /// The provider's configured data.
    type Data: Send + Sync + 'static;

    /// The managed resource type this lists (`<provider>_<name>`).
    fn type_name(&self) -> &'static str;

    /// The schema of the `config` block of `list` blocks, with descriptions.
    fn schema(&self) -> Schema;

    /// Checks beyond attribute validators; the config may hold unknown values. Must not call
    /// any API.
    fn validate(&self, _config: &Self::Config, _diags: &mut Diagnostics) {}

    /// Finds at most `limit` objects.
    async fn list(
        &self,
        ctx: &Ctx<Self::Data>,
        config: Self::Config,
        limit: usize,
        diags: &mut Diagnostics,
    ) -> Vec<Listed<Self::Model>>;
}

/// A list resource seen through [`Value`]s (what the adapter calls).
#[async_trait]
pub trait DynListResource<D>: Send + Sync {
    /// See [`ListResource::type_name`].
    fn type_name(&self) -> &'static str;
    /// See [`ListResource::schema`].
    fn schema(&self) -> Schema;
    /// See [`ListResource::validate`].
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// See [`ListResource::list`]; states as values.
    async fn list(
        &self,
        ctx: &Ctx<D>,
        config: &Value,
        limit: usize,
        diags: &mut Diagnostics,
    ) -> Vec<Listed<Value>>;
}

#[async_trait]
impl<L: ListResource> DynListResource<L::Data> for L {
    fn type_name(&self) -> &'static str {
        ListResource::type_name(self)
    }

    fn schema(&self) -> Schema {
        ListResource::schema(self)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_for_validate::<L::Config>(config, "list configuration", diags) {
            ListResource::validate(self, &m, diags);
        }
    }

    async fn list(
        &self,
        ctx: &Ctx<L::Data>,
        config: &Value,
        limit: usize,
        diags: &mut Diagnostics,
    ) -> Vec<Listed<Value>> {
        let Some(c) = decode_model::<L::Config>(config, "list configuration", diags) else {
            return Vec::new();
        };
        ListResource::list(self, ctx, c, limit, diags)
            .await
            .into_iter()
            .take(limit)
            .filter_map(|l| {
                Some(Listed {
                    display_name: l.display_name,
                    state: encode_model(&l.state, "listed state", diags)?,
                })
            })
            .collect()
    }
}

struct Registered<D> {
    schema: Schema,
    ty: Type,
    imp: Arc<dyn DynListResource<D>>,
}

/// The managed resource a list resource finds objects of, as the adapter holds it.
pub(crate) struct Target<'a, D> {
    pub(crate) schema: &'a Schema,
    pub(crate) ty: &'a Type,
    pub(crate) imp: &'a dyn DynResource<D>,
    pub(crate) identity: Option<&'a ResolvedIdentity>,
}

/// Every list resource of a provider, by type name: what the adapter serves.
pub(crate) struct Lists<D> {
    map: BTreeMap<&'static str, Registered<D>>,
}

impl<D: Send + Sync + 'static> Lists<D> {
    /// Registers `lists`, building each schema once.
    pub(crate) fn new(lists: Vec<Arc<dyn DynListResource<D>>>) -> Lists<D> {
        let map = lists
            .into_iter()
            .map(|imp| {
                let schema = imp.schema();
                let ty = schema.value_type();
                (imp.type_name(), Registered { schema, ty, imp })
            })
            .collect();
        Lists { map }
    }

    /// The `list_resource_schemas` of GetProviderSchema.
    pub(crate) fn to_proto(&self) -> HashMap<String, pb::Schema> {
        self.map
            .iter()
            .map(|(k, r)| ((*k).to_owned(), schema_to_proto(&r.schema)))
            .collect()
    }

    /// The metadata list of GetMetadata.
    pub(crate) fn metadata(&self) -> Vec<pb::get_metadata::ListResourceMetadata> {
        self.map
            .keys()
            .map(|k| pb::get_metadata::ListResourceMetadata {
                type_name: (*k).to_owned(),
            })
            .collect()
    }

    /// Decodes and checks a `config` block (absent = every attribute null).
    fn checked(
        &self,
        name: &str,
        config: Option<&pb::DynamicValue>,
        diags: &mut Diagnostics,
    ) -> Option<(&Registered<D>, Value)> {
        let Some(r) = self.map.get(name) else {
            diags.error(
                "Unknown List Resource Type",
                format!("The provider has no list resource type {name:?}."),
            );
            return None;
        };
        let config = match decode_dynamic(config, &r.ty, "list configuration", diags)? {
            Value::Null => r.schema.block.conform(Value::Map(BTreeMap::new())),
            v => v,
        };
        validate::run_block(&r.schema.block, &config, &AttrPath::empty(), diags);
        r.imp.validate(&config, diags);
        Some((r, config))
    }

    /// ValidateListResourceConfig.
    pub(crate) fn validate(
        &self,
        req: &pb::validate_list_resource_config::Request,
    ) -> pb::validate_list_resource_config::Response {
        let mut diags = Diagnostics::new();
        self.checked(&req.type_name, req.config.as_ref(), &mut diags);
        pb::validate_list_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }
    }

    /// ListResource: the events to stream. Each found object is answered as an import by its
    /// identity would be: its identity, and (when Terraform asks for objects) the state the
    /// resource's `import` and `read` make of it. Objects gone meanwhile are left out; the
    /// first error ends the list with an event carrying it.
    pub(crate) async fn list(
        &self,
        ctx: &Ctx<D>,
        req: &pb::list_resource::Request,
        target: Option<Target<'_, D>>,
    ) -> Vec<pb::list_resource::Event> {
        let mut diags = Diagnostics::new();
        let mut events = Vec::new();
        let failed = |diags: &Diagnostics| pb::list_resource::Event {
            diagnostic: diags_to_proto(diags),
            ..Default::default()
        };
        let checked = self.checked(&req.type_name, req.config.as_ref(), &mut diags);
        let (Some((r, config)), Some(target)) = (checked, target) else {
            if !diags.has_errors() {
                diags.bug(format!(
                    "The list resource {} has no managed resource.",
                    req.type_name
                ));
            }
            return vec![failed(&diags)];
        };
        let Some(identity) = target.identity else {
            diags.bug(format!(
                "The resource {} has no identity to list by.",
                req.type_name
            ));
            return vec![failed(&diags)];
        };
        if diags.has_errors() {
            return vec![failed(&diags)];
        }
        let limit = usize::try_from(req.limit.max(0)).unwrap_or(usize::MAX);
        let found = r.imp.list(ctx, &config, limit, &mut diags).await;
        if diags.has_errors() {
            return vec![failed(&diags)];
        }
        for item in found {
            let mut d = Diagnostics::new();
            let Some(id) = identity.of_state(&item.state) else {
                d.bug(format!("A listed {} has no identity.", req.type_name));
                events.push(failed(&d));
                break;
            };
            let mut object = None;
            let mut ident = id.clone();
            if req.include_resource_object {
                let Some(import_id) = identity.import_id(&id, &mut d) else {
                    events.push(failed(&d));
                    break;
                };
                let stub = target.imp.import(ctx, &import_id, &mut d).await;
                let read = match stub {
                    Some(stub) => {
                        let stub = target.schema.block.conform(stub);
                        target.imp.read(ctx, &stub, &mut d).await
                    }
                    None => None,
                };
                if d.has_errors() {
                    events.push(failed(&d));
                    break;
                }
                // Gone between the list and the read.
                let Some(state) = read else { continue };
                let state = finish_state(target.schema, state, &mut d);
                if let Some(i) = identity.of_state(&state) {
                    ident = i;
                }
                object = encode_dynamic(&state, target.ty, "listed state", &mut d);
            }
            let identity_data = encode_dynamic(&ident, &identity.ty, "identity", &mut d);
            if d.has_errors() {
                events.push(failed(&d));
                break;
            }
            events.push(pb::list_resource::Event {
                identity: identity_data.map(|dv| pb::ResourceIdentityData {
                    identity_data: Some(dv),
                }),
                display_name: item.display_name,
                resource_object: object,
                diagnostic: diags_to_proto(&d),
            });
        }
        events
    }
}
