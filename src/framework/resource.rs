//! Resource and data source traits: a typed trait for authors ([`Resource`],
//! [`DataSource`]) and a type-erased trait the adapter works with ([`DynResource`],
//! [`DynDataSource`]), joined by blanket implementations that convert models to and from
//! [`Value`]s with [`crate::framework::typed`].
//!
//! Every method writes problems into a `&mut Diagnostics` sink. Returning `Some(model)`
//! together with an error diagnostic means "the object exists, but a later step failed":
//! Terraform then saves the state (and taints a new object) so nothing is orphaned.

use super::diag::Diagnostics;
use super::identity::Identity;
use super::path::AttrPath;
use super::schema::Schema;
use super::typed::{from_value, to_value};
use crate::protocol::value::Value;
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::watch;

/// What a resource or data source method gets besides its model: the configured provider
/// data and cancellation.
pub struct Ctx<D> {
    data: Option<Arc<D>>,
    stop: watch::Receiver<bool>,
}

impl<D> Clone for Ctx<D> {
    fn clone(&self) -> Self {
        Ctx {
            data: self.data.clone(),
            stop: self.stop.clone(),
        }
    }
}

impl<D> Ctx<D> {
    /// A context over configured data (`None` before `ConfigureProvider`) and a stop signal.
    pub fn new(data: Option<Arc<D>>, stop: watch::Receiver<bool>) -> Ctx<D> {
        Ctx { data, stop }
    }

    /// The provider's configured data, or an error diagnostic when the provider has not been
    /// configured (which Terraform guarantees before any create/read/update/delete).
    pub fn data(&self, diags: &mut Diagnostics) -> Option<&D> {
        if self.data.is_none() {
            diags.error(
                "Provider Not Configured",
                "The provider was used before it was configured. This is a bug in the provider; please report it.",
            );
        }
        self.data.as_deref()
    }

    /// True once Terraform asked the provider to stop (StopProvider, e.g. after Ctrl-C).
    pub fn is_stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Completes when Terraform asks the provider to stop.
    pub async fn stopped(&self) {
        let mut rx = self.stop.clone();
        // An error means the sender is gone: the provider is shutting down anyway.
        let _ = rx.wait_for(|s| *s).await;
    }

    /// Runs `fut` unless a stop request arrives first; on stop, records an error and returns
    /// `None`. Use it around waits that are safe to abandon (reads, polling), never around a
    /// request that creates something.
    pub async fn cancellable<T>(
        &self,
        fut: impl Future<Output = T>,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        tokio::select! {
            v = fut => Some(v),
            () = self.stopped() => {
                diags.error("Operation Cancelled", "Terraform asked the provider to stop.");
                None
            }
        }
    }
}

/// The planning hook's view: prior state (`None` on create), configuration, and the plan the
/// engine produced, which the hook may change.
pub struct PlanRequest<'a, M> {
    /// The prior state, `None` when creating.
    pub prior: Option<&'a M>,
    /// The configuration (may hold unknown values).
    pub config: &'a M,
}

/// A managed resource, written against typed models.
///
/// Methods follow the scaffolding's order: schema, validate, plan, create, read, update,
/// delete, import, upgrade.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The resource's state/config model; it must mirror the schema (one field per attribute
    /// and block).
    type Model: Serialize + DeserializeOwned + Send + Sync;
    /// The provider's configured data (for example an API client).
    type Data: Send + Sync + 'static;

    /// The full type name, `<provider>_<name>`.
    fn type_name(&self) -> &'static str;

    /// The schema, including descriptions (docs are generated from them).
    fn schema(&self) -> Schema;

    /// Checks beyond what attribute validators can say (conflicts between attributes). The
    /// config may hold unknown values. Must not call any API.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Whether an import reads the object at once, so that an id naming nothing fails with
    /// an error naming the id rather than Terraform's generic "non-existent remote object".
    /// The default: no (Terraform reads the imported state afterwards anyway).
    fn read_on_import(&self) -> bool {
        false
    }

    /// The resource identity (Terraform 1.12+): the schema attributes that name the remote
    /// object, in import-id order (see [`super::identity`]). Importing by identity joins
    /// their values with `/` and calls [`Resource::import`]. The default: no identity.
    fn identity(&self) -> Option<Identity> {
        None
    }

    /// Adjusts the engine's plan (`planned`), adding replacement paths to `replace` when a
    /// rule the schema cannot express forces replacement. Must be deterministic: Terraform
    /// plans again at apply time and compares.
    async fn modify_plan(
        &self,
        _ctx: &Ctx<Self::Data>,
        _req: PlanRequest<'_, Self::Model>,
        _planned: &mut Self::Model,
        _replace: &mut Vec<AttrPath>,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the object; returns its full state (every value known).
    async fn create(
        &self,
        ctx: &Ctx<Self::Data>,
        planned: Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// Refreshes the object; `None` without errors means it is gone (Terraform then plans to
    /// create it again).
    async fn read(
        &self,
        ctx: &Ctx<Self::Data>,
        state: Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// Updates in place; returns the full new state.
    ///
    /// The default suits a replace-only resource (every argument forces replacement, so
    /// Terraform never plans an in-place change that needs an API call): it records the plan.
    async fn update(
        &self,
        _ctx: &Ctx<Self::Data>,
        _prior: Self::Model,
        planned: Self::Model,
        _diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        Some(planned)
    }

    /// Deletes the object. On error the object stays in state.
    ///
    /// The default only forgets the object (for things that cannot be undone, such as an
    /// operation that ran): Terraform drops it from state and nothing is called.
    async fn delete(&self, _ctx: &Ctx<Self::Data>, _state: Self::Model, _diags: &mut Diagnostics) {}

    /// Turns an import id into a (possibly partial) state that `read` then completes. The
    /// default: not importable.
    async fn import(
        &self,
        _ctx: &Ctx<Self::Data>,
        _id: &str,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model> {
        diags.error(
            "Import Not Supported",
            format!(
                "The resource type {} does not support import: there is no object in the API to import. Add the resource to the configuration instead; its first apply creates it.",
                self.type_name()
            ),
        );
        None
    }

    /// Checks a planned destroy (Terraform 1.3+ asks the provider): warn about what the
    /// destroy takes with it, or record an error to stop the whole destroy before anything is
    /// touched. Must not call any API. The default says nothing.
    fn plan_destroy(&self, _prior: &Self::Model, _diags: &mut Diagnostics) {}

    /// Rewrites a stored state of an older schema `version` (as JSON) into the shape of the
    /// current schema. Attributes missing from the result are filled with null afterwards.
    /// The default accepts only the current version.
    fn upgrade(
        &self,
        version: i64,
        state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        let current = self.schema().version;
        if version == current {
            Some(state)
        } else {
            diags.error(
                "Unable to Upgrade Resource State",
                format!(
                    "The state of this {} was written with schema version {version}, and this provider only reads version {current}.",
                    self.type_name()
                ),
            );
            None
        }
    }
}

/// A data source, written against typed models.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The data source's model (mirrors the schema).
    type Model: Serialize + DeserializeOwned + Send + Sync;
    /// The provider's configured data.
    type Data: Send + Sync + 'static;

    /// The full type name, `<provider>_<name>`.
    fn type_name(&self) -> &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks beyond attribute validators; the config may hold unknown values.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Reads the data; every value of the result must be known.
    async fn read(
        &self,
        ctx: &Ctx<Self::Data>,
        config: Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;
}

/// A resource seen through [`Value`]s (what the adapter calls).
#[async_trait]
pub trait DynResource<D>: Send + Sync {
    /// See [`Resource::type_name`].
    fn type_name(&self) -> &'static str;
    /// See [`Resource::schema`].
    fn schema(&self) -> Schema;
    /// See [`Resource::validate`].
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// See [`Resource::identity`].
    fn identity(&self) -> Option<Identity>;
    /// See [`Resource::modify_plan`]; returns the adjusted plan.
    async fn modify_plan(
        &self,
        ctx: &Ctx<D>,
        prior: &Value,
        config: &Value,
        planned: Value,
        replace: &mut Vec<AttrPath>,
        diags: &mut Diagnostics,
    ) -> Value;
    /// See [`Resource::create`].
    async fn create(&self, ctx: &Ctx<D>, planned: &Value, diags: &mut Diagnostics)
    -> Option<Value>;
    /// See [`Resource::read`].
    async fn read(&self, ctx: &Ctx<D>, state: &Value, diags: &mut Diagnostics) -> Option<Value>;
    /// See [`Resource::update`].
    async fn update(
        &self,
        ctx: &Ctx<D>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value>;
    /// See [`Resource::delete`].
    async fn delete(&self, ctx: &Ctx<D>, state: &Value, diags: &mut Diagnostics);
    /// See [`Resource::import`].
    async fn import(&self, ctx: &Ctx<D>, id: &str, diags: &mut Diagnostics) -> Option<Value>;
    /// See [`Resource::plan_destroy`].
    fn plan_destroy(&self, prior: &Value, diags: &mut Diagnostics);
    /// See [`Resource::upgrade`].
    fn upgrade(
        &self,
        version: i64,
        state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> Option<serde_json::Value>;
}

/// A data source seen through [`Value`]s.
#[async_trait]
pub trait DynDataSource<D>: Send + Sync {
    /// See [`DataSource::type_name`].
    fn type_name(&self) -> &'static str;
    /// See [`DataSource::schema`].
    fn schema(&self) -> Schema;
    /// See [`DataSource::validate`].
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// See [`DataSource::read`].
    async fn read(&self, ctx: &Ctx<D>, config: &Value, diags: &mut Diagnostics) -> Option<Value>;
}

/// Decodes a model, recording a provider-bug diagnostic on failure.
pub(crate) fn decode_model<M: DeserializeOwned>(
    v: &Value,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<M> {
    match from_value(v) {
        Ok(m) => Some(m),
        Err(e) => {
            diags.bug(format!("Could not read the {what}: {e}"));
            None
        }
    }
}

/// Decodes a configuration for validation: `None` (and no diagnostic) when it still holds
/// unknown values the model cannot carry, since nothing can be checked until they are known.
pub(crate) fn decode_for_validate<M: DeserializeOwned>(
    config: &Value,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<M> {
    match from_value(config) {
        Ok(m) => Some(m),
        Err(_) if !config.is_wholly_known() => None,
        Err(e) => {
            diags.bug(format!("Could not read the {what}: {e}"));
            None
        }
    }
}

/// Encodes a model, recording a provider-bug diagnostic on failure.
pub(crate) fn encode_model<M: Serialize>(
    m: &M,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match to_value(m) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.bug(format!("Could not encode the {what}: {e}"));
            None
        }
    }
}

/// Applies to `planned` only the top-level attributes a plan hook changed (`before` → `after`),
/// so that values the typed model reads lossily (partly unknown collections) pass through
/// untouched.
fn merge_changes(planned: Value, before: &Value, after: Value) -> Value {
    if *before == after {
        return planned;
    }
    match (planned, before, after) {
        (Value::Map(mut p), Value::Map(b), Value::Map(a)) => {
            for (k, v) in a {
                if b.get(&k) != Some(&v) {
                    p.insert(k, v);
                }
            }
            Value::Map(p)
        }
        (_, _, after) => after,
    }
}

#[async_trait]
impl<R: Resource> DynResource<R::Data> for R {
    fn type_name(&self) -> &'static str {
        Resource::type_name(self)
    }

    fn schema(&self) -> Schema {
        Resource::schema(self)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_for_validate::<R::Model>(config, "configuration", diags) {
            Resource::validate(self, &m, diags);
        }
    }

    fn identity(&self) -> Option<Identity> {
        Resource::identity(self)
    }

    async fn modify_plan(
        &self,
        ctx: &Ctx<R::Data>,
        prior: &Value,
        config: &Value,
        planned: Value,
        replace: &mut Vec<AttrPath>,
        diags: &mut Diagnostics,
    ) -> Value {
        let prior_m = if prior.is_null() {
            None
        } else {
            match decode_model::<R::Model>(prior, "prior state", diags) {
                Some(m) => Some(m),
                None => return planned,
            }
        };
        let (Some(config_m), Some(mut planned_m)) = (
            decode_model::<R::Model>(config, "configuration", diags),
            decode_model::<R::Model>(&planned, "planned state", diags),
        ) else {
            return planned;
        };
        let Some(before) = encode_model(&planned_m, "planned state", diags) else {
            return planned;
        };
        let req = PlanRequest {
            prior: prior_m.as_ref(),
            config: &config_m,
        };
        Resource::modify_plan(self, ctx, req, &mut planned_m, replace, diags).await;
        let Some(after) = encode_model(&planned_m, "planned state", diags) else {
            return planned;
        };
        merge_changes(planned, &before, after)
    }

    async fn create(
        &self,
        ctx: &Ctx<R::Data>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let m = decode_model::<R::Model>(planned, "planned state", diags)?;
        let out = Resource::create(self, ctx, m, diags).await?;
        // The object exists: if its state cannot be encoded, keep the plan (Terraform then
        // records a tainted object) rather than lose track of it.
        encode_model(&out, "new state", diags).or_else(|| Some(planned.clone()))
    }

    async fn read(
        &self,
        ctx: &Ctx<R::Data>,
        state: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let m = decode_model::<R::Model>(state, "state", diags)?;
        let out = Resource::read(self, ctx, m, diags).await?;
        encode_model(&out, "new state", diags)
    }

    async fn update(
        &self,
        ctx: &Ctx<R::Data>,
        prior: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let p = decode_model::<R::Model>(prior, "prior state", diags)?;
        let n = decode_model::<R::Model>(planned, "planned state", diags)?;
        let out = Resource::update(self, ctx, p, n, diags).await?;
        encode_model(&out, "new state", diags).or_else(|| Some(planned.clone()))
    }

    async fn delete(&self, ctx: &Ctx<R::Data>, state: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_model::<R::Model>(state, "state", diags) {
            Resource::delete(self, ctx, m, diags).await;
        }
    }

    /// Imports; with [`Resource::read_on_import`], reads the object at once: an id that
    /// names nothing is an error naming the id.
    async fn import(&self, ctx: &Ctx<R::Data>, id: &str, diags: &mut Diagnostics) -> Option<Value> {
        let partial = Resource::import(self, ctx, id, diags).await?;
        if !Resource::read_on_import(self) {
            return encode_model(&partial, "imported state", diags);
        }
        let errors_before = diags.has_errors();
        match Resource::read(self, ctx, partial, diags).await {
            Some(full) => encode_model(&full, "imported state", diags),
            None => {
                if !errors_before && !diags.has_errors() {
                    diags.error(
                        "Cannot Import: Object Not Found",
                        format!(
                            "No {} exists with the import id {id:?}: the API reports it does not exist. Check the id, the account and the site (region) of the provider configuration.",
                            Resource::type_name(self)
                        ),
                    );
                }
                None
            }
        }
    }

    fn plan_destroy(&self, prior: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_model::<R::Model>(prior, "prior state", diags) {
            Resource::plan_destroy(self, &m, diags);
        }
    }

    fn upgrade(
        &self,
        version: i64,
        state: serde_json::Value,
        diags: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        Resource::upgrade(self, version, state, diags)
    }
}

#[async_trait]
impl<T: DataSource> DynDataSource<T::Data> for T {
    fn type_name(&self) -> &'static str {
        DataSource::type_name(self)
    }

    fn schema(&self) -> Schema {
        DataSource::schema(self)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_model::<T::Model>(config, "configuration", diags) {
            DataSource::validate(self, &m, diags);
        }
    }

    async fn read(
        &self,
        ctx: &Ctx<T::Data>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let m = decode_model::<T::Model>(config, "configuration", diags)?;
        let out = DataSource::read(self, ctx, m, diags).await?;
        encode_model(&out, "data source result", diags)
    }
}
