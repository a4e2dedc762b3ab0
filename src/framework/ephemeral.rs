//! Ephemeral resources (Terraform 1.10+): values opened for the length of one Terraform run
//! and never written to state or plan. A typed trait for authors ([`EphemeralResource`]),
//! a type-erased one the adapter calls ([`DynEphemeralResource`]), and the registry that
//! serves the four RPCs (validate, open, renew, close).
//!
//! Open returns the result (every value known), optional private data (kept by Terraform in
//! memory and handed back to renew and close; JSON of [`EphemeralResource::Private`]) and an
//! optional time at which Terraform should call renew if the run is still using the value.

use super::convert::{decode_dynamic, diags_to_proto, encode_dynamic, schema_to_proto};
use super::diag::Diagnostics;
use super::path::AttrPath;
use super::resource::{Ctx, decode_for_validate, decode_model, encode_model};
use super::schema::Schema;
use super::server::unknowns_to_null;
use super::validate;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value};
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// What [`EphemeralResource::open`] produces.
pub struct Opened<M, P> {
    /// The result: the configuration with every computed value filled in.
    pub result: M,
    /// Data for renew and close (for example the id of what was created), if any.
    pub private: Option<P>,
    /// When Terraform should call renew, if the run still uses the value then.
    pub renew_at: Option<SystemTime>,
}

/// What [`EphemeralResource::renew`] produces.
pub struct Renewed<P> {
    /// New private data (`None` keeps nothing: close then gets none).
    pub private: Option<P>,
    /// When to renew again (`None`: never).
    pub renew_at: Option<SystemTime>,
}

/// An ephemeral resource, written against typed models.
#[async_trait]
pub trait EphemeralResource: Send + Sync + 'static {
    /// Configuration and result model (mirrors the schema).
    type Model: Serialize + DeserializeOwned + Send + Sync;
    /// Private data carried from open to renew and close.
    type Private: Serialize + DeserializeOwned + Send + Sync;
    /// The provider's configured data.
    type Data: Send + Sync + 'static;

    /// The full type name, `<provider>_<name>`.
    fn type_name(&self) -> &'static str;

    /// The schema (docs are generated from its descriptions).
    fn schema(&self) -> Schema;

    /// Checks beyond attribute validators; values may be unknown. Must not call any API.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Opens the resource for a wholly known configuration.
    async fn open(
        &self,
        ctx: &Ctx<Self::Data>,
        config: Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Opened<Self::Model, Self::Private>>;

    /// Renews what open made, when Terraform asks (at the `renew_at` open or a previous renew
    /// returned). The default renews nothing and asks for no further renewal.
    async fn renew(
        &self,
        _ctx: &Ctx<Self::Data>,
        _private: Option<Self::Private>,
        _diags: &mut Diagnostics,
    ) -> Option<Renewed<Self::Private>> {
        None
    }

    /// Releases what open made, at the end of the run. The default does nothing.
    async fn close(
        &self,
        _ctx: &Ctx<Self::Data>,
        _private: Option<Self::Private>,
        _diags: &mut Diagnostics,
    ) {
    }
}

/// What the erased open returns: result, private bytes, renewal time.
pub type OpenedValue = (Value, Option<Vec<u8>>, Option<SystemTime>);

/// An ephemeral resource seen through [`Value`]s and private bytes.
#[async_trait]
pub trait DynEphemeralResource<D>: Send + Sync {
    /// See [`EphemeralResource::type_name`].
    fn type_name(&self) -> &'static str;
    /// See [`EphemeralResource::schema`].
    fn schema(&self) -> Schema;
    /// See [`EphemeralResource::validate`].
    fn validate(&self, config: &Value, diags: &mut Diagnostics);
    /// See [`EphemeralResource::open`].
    async fn open(
        &self,
        ctx: &Ctx<D>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<OpenedValue>;
    /// See [`EphemeralResource::renew`].
    async fn renew(
        &self,
        ctx: &Ctx<D>,
        private: Option<&[u8]>,
        diags: &mut Diagnostics,
    ) -> Option<(Option<Vec<u8>>, Option<SystemTime>)>;
    /// See [`EphemeralResource::close`].
    async fn close(&self, ctx: &Ctx<D>, private: Option<&[u8]>, diags: &mut Diagnostics);
}

fn encode_private<P: Serialize>(p: Option<&P>, diags: &mut Diagnostics) -> Option<Vec<u8>> {
    let p = p?;
    match serde_json::to_vec(p) {
        Ok(b) => Some(b),
        Err(e) => {
            diags.bug(format!("Could not encode the private data: {e}"));
            None
        }
    }
}

fn decode_private<P: DeserializeOwned>(b: Option<&[u8]>, diags: &mut Diagnostics) -> Option<P> {
    let b = b.filter(|b| !b.is_empty())?;
    match serde_json::from_slice(b) {
        Ok(p) => Some(p),
        Err(e) => {
            diags.bug(format!(
                "Could not read the private data Terraform handed back: {e}"
            ));
            None
        }
    }
}

#[async_trait]
impl<E: EphemeralResource> DynEphemeralResource<E::Data> for E {
    fn type_name(&self) -> &'static str {
        EphemeralResource::type_name(self)
    }

    fn schema(&self) -> Schema {
        EphemeralResource::schema(self)
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if let Some(m) = decode_for_validate::<E::Model>(config, "configuration", diags) {
            EphemeralResource::validate(self, &m, diags);
        }
    }

    async fn open(
        &self,
        ctx: &Ctx<E::Data>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<OpenedValue> {
        let m = decode_model::<E::Model>(config, "configuration", diags)?;
        let out = EphemeralResource::open(self, ctx, m, diags).await?;
        let result = encode_model(&out.result, "result", diags)?;
        let private = encode_private(out.private.as_ref(), diags);
        Some((result, private, out.renew_at))
    }

    async fn renew(
        &self,
        ctx: &Ctx<E::Data>,
        private: Option<&[u8]>,
        diags: &mut Diagnostics,
    ) -> Option<(Option<Vec<u8>>, Option<SystemTime>)> {
        let p = decode_private::<E::Private>(private, diags);
        if diags.has_errors() {
            return None;
        }
        let out = EphemeralResource::renew(self, ctx, p, diags).await?;
        Some((encode_private(out.private.as_ref(), diags), out.renew_at))
    }

    async fn close(&self, ctx: &Ctx<E::Data>, private: Option<&[u8]>, diags: &mut Diagnostics) {
        let p = decode_private::<E::Private>(private, diags);
        if !diags.has_errors() {
            EphemeralResource::close(self, ctx, p, diags).await;
        }
    }
}

struct Registered<D> {
    schema: Schema,
    ty: Type,
    imp: Arc<dyn DynEphemeralResource<D>>,
}

/// The ephemeral resource types of a provider, schemas built once.
pub(crate) struct EphemeralResources<D> {
    by_name: BTreeMap<&'static str, Registered<D>>,
}

fn timestamp(t: SystemTime) -> prost_types::Timestamp {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    prost_types::Timestamp {
        seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        nanos: i32::try_from(d.subsec_nanos()).unwrap_or(0),
    }
}

impl<D: Send + Sync + 'static> EphemeralResources<D> {
    pub(crate) fn new(list: Vec<Arc<dyn DynEphemeralResource<D>>>) -> EphemeralResources<D> {
        EphemeralResources {
            by_name: list
                .into_iter()
                .map(|imp| {
                    let schema = imp.schema();
                    let ty = schema.value_type();
                    (imp.type_name(), Registered { schema, ty, imp })
                })
                .collect(),
        }
    }

    /// The schemas, as `GetProviderSchema` carries them.
    pub(crate) fn schemas(&self) -> HashMap<String, pb::Schema> {
        self.by_name
            .iter()
            .map(|(k, r)| ((*k).to_owned(), schema_to_proto(&r.schema)))
            .collect()
    }

    /// The type names, for `GetMetadata`.
    pub(crate) fn metadata(&self) -> Vec<pb::get_metadata::EphemeralMetadata> {
        self.by_name
            .keys()
            .map(|k| pb::get_metadata::EphemeralMetadata {
                type_name: (*k).to_owned(),
            })
            .collect()
    }

    fn get(&self, name: &str, diags: &mut Diagnostics) -> Option<&Registered<D>> {
        let r = self.by_name.get(name);
        if r.is_none() {
            diags.error(
                "Unknown Ephemeral Resource Type",
                format!("The provider has no ephemeral resource type {name:?}."),
            );
        }
        r
    }

    /// `ValidateEphemeralResourceConfig`.
    pub(crate) fn validate(
        &self,
        req: pb::validate_ephemeral_resource_config::Request,
    ) -> pb::validate_ephemeral_resource_config::Response {
        let mut diags = Diagnostics::new();
        if let Some(r) = self.get(&req.type_name, &mut diags)
            && let Some(config) =
                decode_dynamic(req.config.as_ref(), &r.ty, "configuration", &mut diags)
        {
            validate::run_block(&r.schema.block, &config, &AttrPath::empty(), &mut diags);
            r.imp.validate(&config, &mut diags);
        }
        pb::validate_ephemeral_resource_config::Response {
            diagnostics: diags_to_proto(&diags),
        }
    }

    /// `OpenEphemeralResource`.
    pub(crate) async fn open(
        &self,
        ctx: &Ctx<D>,
        req: pb::open_ephemeral_resource::Request,
    ) -> pb::open_ephemeral_resource::Response {
        let mut diags = Diagnostics::new();
        let mut resp = pb::open_ephemeral_resource::Response::default();
        if let Some(r) = self.get(&req.type_name, &mut diags)
            && let Some(config) =
                decode_dynamic(req.config.as_ref(), &r.ty, "configuration", &mut diags)
        {
            if !config.is_wholly_known() {
                // Terraform opens only known configurations; say so rather than guess.
                diags.error(
                    "Configuration Not Known",
                    "The ephemeral resource cannot be opened while its configuration holds values known only after apply.",
                );
            } else if let Some((result, private, renew_at)) =
                r.imp.open(ctx, &config, &mut diags).await
            {
                let mut found = false;
                let result = unknowns_to_null(r.schema.block.conform(result), &mut found);
                if found {
                    diags.bug("The provider returned unknown values in an ephemeral result.");
                }
                resp.result = encode_dynamic(&result, &r.ty, "result", &mut diags);
                resp.private = private;
                resp.renew_at = renew_at.map(timestamp);
            } else if !diags.has_errors() {
                diags.bug("Open returned no result and no error.");
            }
        }
        tracing::debug!(tf_rpc = "OpenEphemeralResource", type_name = %req.type_name, diagnostics = diags.len(), "opened");
        resp.diagnostics = diags_to_proto(&diags);
        resp
    }

    /// `RenewEphemeralResource`.
    pub(crate) async fn renew(
        &self,
        ctx: &Ctx<D>,
        req: pb::renew_ephemeral_resource::Request,
    ) -> pb::renew_ephemeral_resource::Response {
        let mut diags = Diagnostics::new();
        let mut resp = pb::renew_ephemeral_resource::Response::default();
        if let Some(r) = self.get(&req.type_name, &mut diags)
            && let Some((private, renew_at)) =
                r.imp.renew(ctx, req.private.as_deref(), &mut diags).await
        {
            resp.private = private;
            resp.renew_at = renew_at.map(timestamp);
        }
        tracing::debug!(tf_rpc = "RenewEphemeralResource", type_name = %req.type_name, diagnostics = diags.len(), "renewed");
        resp.diagnostics = diags_to_proto(&diags);
        resp
    }

    /// `CloseEphemeralResource`.
    pub(crate) async fn close(
        &self,
        ctx: &Ctx<D>,
        req: pb::close_ephemeral_resource::Request,
    ) -> pb::close_ephemeral_resource::Response {
        let mut diags = Diagnostics::new();
        if let Some(r) = self.get(&req.type_name, &mut diags) {
            r.imp.close(ctx, req.private.as_deref(), &mut diags).await;
        }
        tracing::debug!(tf_rpc = "CloseEphemeralResource", type_name = %req.type_name, diagnostics = diags.len(), "closed");
        pb::close_ephemeral_resource::Response {
            diagnostics: diags_to_proto(&diags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;
    use crate::framework::typed::Val;
    use crate::protocol::value::msgpack;
    use serde::Deserialize;
    use std::sync::Mutex;
    use std::time::Duration;
    use tokio::sync::watch;

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    #[derive(Serialize, Deserialize)]
    struct LeaseModel {
        name: Val<String>,
        token: Val<String>,
    }

    #[derive(Serialize, Deserialize)]
    struct LeaseId {
        id: String,
        renewals: u32,
    }

    struct Lease;

    #[async_trait]
    impl EphemeralResource for Lease {
        type Model = LeaseModel;
        type Private = LeaseId;
        type Data = Log;

        fn type_name(&self) -> &'static str {
            "toy_lease"
        }

        fn schema(&self) -> Schema {
            Schema::new("A lease.")
                .attr(Attribute::string("name").required().description("Name."))
                .attr(
                    Attribute::string("token")
                        .computed()
                        .sensitive()
                        .description("Token."),
                )
        }

        fn validate(&self, c: &LeaseModel, diags: &mut Diagnostics) {
            if c.name.known().is_some_and(|n| n.is_empty()) {
                diags.error_at(AttrPath::root("name"), "Empty", "name must not be empty");
            }
        }

        async fn open(
            &self,
            ctx: &Ctx<Log>,
            c: LeaseModel,
            diags: &mut Diagnostics,
        ) -> Option<Opened<LeaseModel, LeaseId>> {
            let log = ctx.data(diags)?;
            let name = c.name.known().cloned().unwrap_or_default();
            log.0.lock().ok()?.push(format!("open {name}"));
            Some(Opened {
                result: LeaseModel {
                    token: Val::Known(format!("t-{name}")),
                    ..c
                },
                private: Some(LeaseId {
                    id: name,
                    renewals: 0,
                }),
                renew_at: Some(UNIX_EPOCH + Duration::from_secs(1_000)),
            })
        }

        async fn renew(
            &self,
            ctx: &Ctx<Log>,
            p: Option<LeaseId>,
            diags: &mut Diagnostics,
        ) -> Option<Renewed<LeaseId>> {
            let p = p?;
            ctx.data(diags)?
                .0
                .lock()
                .ok()?
                .push(format!("renew {} {}", p.id, p.renewals));
            Some(Renewed {
                private: Some(LeaseId {
                    renewals: p.renewals + 1,
                    ..p
                }),
                renew_at: None,
            })
        }

        async fn close(&self, ctx: &Ctx<Log>, p: Option<LeaseId>, diags: &mut Diagnostics) {
            if let (Some(p), Some(log)) = (p, ctx.data(diags))
                && let Ok(mut l) = log.0.lock()
            {
                l.push(format!("close {} {}", p.id, p.renewals));
            }
        }
    }

    fn config(reg: &EphemeralResources<Log>, name: &str) -> pb::DynamicValue {
        let ty = &reg.by_name["toy_lease"].ty;
        let v = Value::Map(
            [
                ("name".to_owned(), Value::String(name.into())),
                ("token".to_owned(), Value::Null),
            ]
            .into(),
        );
        pb::DynamicValue {
            msgpack: msgpack::encode(ty, &v).unwrap_or_default(),
            json: Vec::new(),
        }
    }

    #[tokio::test]
    async fn open_renew_close_carry_private_data_and_times() {
        let reg = EphemeralResources::new(vec![Arc::new(Lease)]);
        let log = Arc::new(Log::default());
        let (_tx, rx) = watch::channel(false);
        let ctx = Ctx::new(Some(log.clone()), rx);
        assert!(reg.schemas().contains_key("toy_lease"));
        assert_eq!(reg.metadata()[0].type_name, "toy_lease");
        let bad = reg.validate(pb::validate_ephemeral_resource_config::Request {
            type_name: "toy_lease".into(),
            config: Some(config(&reg, "")),
        });
        assert_eq!(bad.diagnostics.len(), 1);
        let opened = reg
            .open(
                &ctx,
                pb::open_ephemeral_resource::Request {
                    type_name: "toy_lease".into(),
                    config: Some(config(&reg, "a")),
                    client_capabilities: None,
                },
            )
            .await;
        assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
        assert_eq!(opened.renew_at.map(|t| t.seconds), Some(1_000));
        let ty = &reg.by_name["toy_lease"].ty;
        let result = msgpack::decode(ty, &opened.result.unwrap_or_default().msgpack).ok();
        assert_eq!(
            result
                .as_ref()
                .and_then(|r| r.get("token"))
                .and_then(Value::as_str),
            Some("t-a")
        );
        let renewed = reg
            .renew(
                &ctx,
                pb::renew_ephemeral_resource::Request {
                    type_name: "toy_lease".into(),
                    private: opened.private.clone(),
                },
            )
            .await;
        assert!(renewed.diagnostics.is_empty() && renewed.renew_at.is_none());
        let closed = reg
            .close(
                &ctx,
                pb::close_ephemeral_resource::Request {
                    type_name: "toy_lease".into(),
                    private: renewed.private,
                },
            )
            .await;
        assert!(closed.diagnostics.is_empty());
        let entries = log.0.lock().map(|l| l.clone()).unwrap_or_default();
        assert_eq!(entries, ["open a", "renew a 0", "close a 1"]);
        // Garbage private data is a provider bug, not a crash; unknown types are errors.
        let r = reg
            .close(
                &ctx,
                pb::close_ephemeral_resource::Request {
                    type_name: "toy_lease".into(),
                    private: Some(b"{".to_vec()),
                },
            )
            .await;
        assert_eq!(r.diagnostics.len(), 1);
        let r = reg
            .close(
                &ctx,
                pb::close_ephemeral_resource::Request {
                    type_name: "nope".into(),
                    private: None,
                },
            )
            .await;
        assert!(r.diagnostics[0].summary.contains("Unknown Ephemeral"));
    }
}
