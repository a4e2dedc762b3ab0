//! End-to-end tests of the adapter with a toy provider: every RPC goes through the
//! generated service trait with msgpack values, as Terraform would send them.

use super::diag::Diagnostics;
use super::identity::Identity;
use super::path::AttrPath;
use super::provider::Provider;
use super::resource::{Ctx, DynDataSource, DynResource, PlanRequest, Resource};
use super::schema::{Attribute, Nesting, Schema};
use super::server::ProviderServer;
use super::typed::Val;
use super::validate;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::proto::tfplugin6::provider_server::Provider as _;
use crate::protocol::value::{Type, Value, msgpack};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tonic::Request;

#[derive(Default)]
struct Store {
    things: BTreeMap<String, String>,
    next: u32,
    /// The write-only values create and update saw.
    secrets_seen: Vec<String>,
}

struct ToyProvider;

#[derive(Serialize, Deserialize, Default)]
struct ToyConfig {
    region: Val<String>,
}

struct Data {
    store: Mutex<Store>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Sub {
    cn: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct ThingModel {
    id: Val<String>,
    name: Val<String>,
    memo: Val<String>,
    serial: Val<String>,
    protect: Val<bool>,
    subject: Val<Sub>,
    #[serde(default)]
    secret_wo: Val<String>,
}

struct Thing;

#[async_trait]
impl Resource for Thing {
    type Model = ThingModel;
    type Data = Data;

    fn type_name(&self) -> &'static str {
        "toy_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new("A thing.")
            .version(1)
            .attr(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("Id."),
            )
            .attr(
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validate(validate::length_between(3, 5))
                    .description("Name."),
            )
            .attr(Attribute::string("memo").optional().description("Memo."))
            .attr(
                Attribute::string("serial")
                    .computed()
                    .description("Changes on every update."),
            )
            .attr(
                Attribute::bool("protect")
                    .default(false)
                    .description("Protect."),
            )
            .attr(
                Attribute::nested(
                    "subject",
                    Nesting::Single,
                    vec![
                        Attribute::string("cn")
                            .required()
                            .validate(validate::length_between(1, 4))
                            .description("CN."),
                    ],
                )
                .optional()
                .description("Subject."),
            )
            .attr(
                Attribute::string("secret_wo")
                    .optional()
                    .sensitive()
                    .write_only()
                    .description("A secret handed over at create and update, never stored."),
            )
    }

    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().attr("id", "Id."))
    }

    fn validate(&self, config: &ThingModel, diags: &mut Diagnostics) {
        if config.memo.known().is_some_and(|m| m == "forbidden") {
            diags.error_at(
                AttrPath::root("memo"),
                "Invalid Memo",
                "memo must not be \"forbidden\".",
            );
        }
    }

    async fn modify_plan(
        &self,
        _ctx: &Ctx<Data>,
        req: PlanRequest<'_, ThingModel>,
        _planned: &mut ThingModel,
        replace: &mut Vec<AttrPath>,
        _diags: &mut Diagnostics,
    ) {
        if req.config.memo.known().is_some_and(|m| m == "replace-me") {
            replace.push(AttrPath::root("memo"));
        }
    }

    async fn create(
        &self,
        ctx: &Ctx<Data>,
        mut m: ThingModel,
        diags: &mut Diagnostics,
    ) -> Option<ThingModel> {
        let data = ctx.data(diags)?;
        let mut s = data.store.lock().ok()?;
        s.next += 1;
        let id = format!("t-{}", s.next);
        if let Some(secret) = m.secret_wo.known() {
            s.secrets_seen.push(secret.clone());
        }
        s.things
            .insert(id.clone(), m.memo.known().cloned().unwrap_or_default());
        m.id = Val::Known(id);
        m.serial = Val::Known(format!("s{}", s.next));
        Some(m)
    }

    async fn read(
        &self,
        ctx: &Ctx<Data>,
        m: ThingModel,
        diags: &mut Diagnostics,
    ) -> Option<ThingModel> {
        let data = ctx.data(diags)?;
        let s = data.store.lock().ok()?;
        let id = m.id.known()?;
        s.things.contains_key(id).then_some(m)
    }

    async fn update(
        &self,
        ctx: &Ctx<Data>,
        prior: ThingModel,
        mut planned: ThingModel,
        diags: &mut Diagnostics,
    ) -> Option<ThingModel> {
        if let Some(secret) = planned.secret_wo.known() {
            ctx.data(diags)?
                .store
                .lock()
                .ok()?
                .secrets_seen
                .push(secret.clone());
        }
        planned.serial = Val::Known(format!(
            "{}+",
            prior.serial.known().cloned().unwrap_or_default()
        ));
        Some(planned)
    }

    async fn delete(&self, ctx: &Ctx<Data>, m: ThingModel, diags: &mut Diagnostics) {
        if m.protect.known() == Some(&true) {
            diags.error("Deletion Protected", "protect is true");
            return;
        }
        if let (Some(data), Some(id)) = (ctx.data(diags), m.id.known())
            && let Ok(mut s) = data.store.lock()
        {
            s.things.remove(id);
        }
    }

    async fn import(
        &self,
        _ctx: &Ctx<Data>,
        id: &str,
        _diags: &mut Diagnostics,
    ) -> Option<ThingModel> {
        Some(ThingModel {
            id: Val::Known(id.to_owned()),
            name: Val::Null,
            memo: Val::Null,
            serial: Val::Null,
            protect: Val::Null,
            subject: Val::Null,
            secret_wo: Val::Known("imported".into()),
        })
    }

    fn upgrade(
        &self,
        version: i64,
        mut state: serde_json::Value,
        _diags: &mut Diagnostics,
    ) -> Option<serde_json::Value> {
        if version == 0 {
            // Version 0 called `name` `title`.
            if let Some(obj) = state.as_object_mut()
                && let Some(t) = obj.remove("title")
            {
                obj.insert("name".into(), t);
            }
        }
        Some(state)
    }
}

#[async_trait]
impl Provider for ToyProvider {
    type Data = Data;
    type Config = ToyConfig;

    fn type_name(&self) -> &'static str {
        "toy"
    }

    fn version(&self) -> &'static str {
        "0.0.1"
    }

    fn schema(&self) -> Schema {
        Schema::new("Toy.").attr(
            Attribute::string("region")
                .optional()
                .validate(validate::one_of(&["a", "b"]))
                .description("Region."),
        )
    }

    async fn configure(&self, _c: ToyConfig, _v: &str, _d: &mut Diagnostics) -> Option<Data> {
        Some(Data {
            store: Mutex::new(Store::default()),
        })
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<Data>>> {
        vec![Arc::new(Thing)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Data>>> {
        Vec::new()
    }
}

fn ty() -> Type {
    Resource::schema(&Thing).value_type()
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(&ty(), v).expect("encode"),
        json: vec![],
    })
}

fn undv(d: Option<pb::DynamicValue>) -> Value {
    match d {
        None => Value::Null,
        Some(d) => msgpack::decode(&ty(), &d.msgpack).expect("decode"),
    }
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn config(name: &str, memo: Value) -> Value {
    obj(&[
        ("id", Value::Null),
        ("name", name.into()),
        ("memo", memo),
        ("serial", Value::Null),
        ("protect", Value::Null),
        ("subject", obj(&[("cn", "abc".into())])),
        ("secret_wo", Value::Null),
    ])
}

/// Core's proposed new state for this flat schema: config, with prior for unset computed.
fn proposed(prior: &Value, config: &Value) -> Value {
    let mut out = config.as_map().cloned().unwrap_or_default();
    for k in ["id", "serial", "protect"] {
        if config.get(k).is_none_or(Value::is_null) {
            out.insert(k.into(), prior.get(k).cloned().unwrap_or(Value::Null));
        }
    }
    Value::Map(out)
}

async fn server() -> ProviderServer<ToyProvider> {
    let s = ProviderServer::new(ToyProvider);
    let cfg = pb::DynamicValue {
        msgpack: msgpack::encode(
            &ToyProvider.schema().value_type(),
            &obj(&[("region", Value::Null)]),
        )
        .expect("enc"),
        json: vec![],
    };
    let r = s
        .configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(cfg),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty());
    s
}

async fn plan(
    s: &ProviderServer<ToyProvider>,
    prior: &Value,
    cfg: &Value,
) -> pb::plan_resource_change::Response {
    s.plan_resource_change(Request::new(pb::plan_resource_change::Request {
        type_name: "toy_thing".into(),
        prior_state: dv(prior),
        proposed_new_state: dv(&proposed(prior, cfg)),
        config: dv(cfg),
        prior_private: b"private-bytes".to_vec(),
        ..Default::default()
    }))
    .await
    .expect("rpc")
    .into_inner()
}

async fn apply(
    s: &ProviderServer<ToyProvider>,
    prior: &Value,
    planned: Option<pb::DynamicValue>,
    cfg: &Value,
) -> pb::apply_resource_change::Response {
    s.apply_resource_change(Request::new(pb::apply_resource_change::Request {
        type_name: "toy_thing".into(),
        prior_state: dv(prior),
        planned_state: planned,
        config: dv(cfg),
        planned_private: b"private-bytes".to_vec(),
        ..Default::default()
    }))
    .await
    .expect("rpc")
    .into_inner()
}

#[tokio::test]
async fn schema_has_sorted_types_and_capabilities() {
    let s = ProviderServer::new(ToyProvider);
    let r = s
        .get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.provider.is_some());
    assert_eq!(
        r.resource_schemas.keys().collect::<Vec<_>>(),
        vec!["toy_thing"]
    );
    assert_eq!(r.resource_schemas["toy_thing"].version, 1);
    assert!(
        r.server_capabilities
            .is_some_and(|c| c.get_provider_schema_optional)
    );
}

#[tokio::test]
async fn validation_runs_every_validator_with_paths() {
    let s = ProviderServer::new(ToyProvider);
    let mut cfg = config("ab", "forbidden".into());
    if let Value::Map(m) = &mut cfg {
        m.insert("subject".into(), obj(&[("cn", "toolong".into())]));
    }
    let r = s
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_thing".into(),
            config: dv(&cfg),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    let paths: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| {
            d.attribute
                .as_ref()
                .map(|p| {
                    p.steps
                        .iter()
                        .filter_map(|s| match &s.selector {
                            Some(pb::attribute_path::step::Selector::AttributeName(n)) => {
                                Some(n.clone())
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        paths,
        vec!["name", "subject.cn", "memo"],
        "{:?}",
        r.diagnostics
    );
    // Unknown values are skipped, not errors.
    let r = s
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_thing".into(),
            config: dv(&config("abc", Value::Unknown)),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[tokio::test]
async fn lifecycle_create_noop_update_replace_destroy() {
    let s = server().await;
    let cfg = config("abc", Value::Null);
    // Create.
    let p = plan(&s, &Value::Null, &cfg).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(p.planned_private, b"private-bytes");
    let planned = undv(p.planned_state.clone());
    assert_eq!(planned.get("id"), Some(&Value::Unknown));
    assert_eq!(planned.get("protect"), Some(&Value::Bool(false)));
    let a = apply(&s, &Value::Null, p.planned_state, &cfg).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    assert_eq!(a.private, b"private-bytes");
    let state = undv(a.new_state);
    assert_eq!(state.get("id"), Some(&"t-1".into()));
    // Plan again: identical, nothing to replace.
    let p = plan(&s, &state, &cfg).await;
    assert_eq!(undv(p.planned_state), state);
    assert!(p.requires_replace.is_empty());
    // In-place update: id kept, serial unknown.
    let cfg2 = config("abc", "hello".into());
    let p = plan(&s, &state, &cfg2).await;
    let planned = undv(p.planned_state.clone());
    assert_eq!(planned.get("id"), Some(&"t-1".into()));
    assert_eq!(planned.get("serial"), Some(&Value::Unknown));
    assert!(p.requires_replace.is_empty());
    let a = apply(&s, &state, p.planned_state, &cfg2).await;
    let state2 = undv(a.new_state);
    assert_eq!(state2.get("serial"), Some(&"s1+".into()));
    // A resource hook may force replacement.
    let p = plan(&s, &state2, &config("abc", "replace-me".into())).await;
    assert_eq!(p.requires_replace.len(), 1);
    // Name change forces replacement.
    let p = plan(&s, &state2, &config("xyz", "hello".into())).await;
    assert_eq!(p.requires_replace.len(), 1);
    // Destroy.
    let a = apply(&s, &state2, dv(&Value::Null), &Value::Null).await;
    assert!(a.diagnostics.is_empty());
    assert_eq!(undv(a.new_state), Value::Null);
}

#[tokio::test]
async fn failed_delete_keeps_state_and_read_detects_deletion() {
    let s = server().await;
    let mut cfg = config("abc", Value::Null);
    if let Value::Map(m) = &mut cfg {
        m.insert("protect".into(), Value::Bool(true));
    }
    let p = plan(&s, &Value::Null, &cfg).await;
    let state = undv(
        apply(&s, &Value::Null, p.planned_state, &cfg)
            .await
            .new_state,
    );
    let a = apply(&s, &state, dv(&Value::Null), &Value::Null).await;
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(undv(a.new_state), state, "failed delete keeps the object");
    // Read: present, then gone after an out-of-band delete.
    let read = |st: Value| {
        let s = &s;
        async move {
            s.read_resource(Request::new(pb::read_resource::Request {
                type_name: "toy_thing".into(),
                current_state: dv(&st),
                private: b"p".to_vec(),
                ..Default::default()
            }))
            .await
            .expect("rpc")
            .into_inner()
        }
    };
    let r = read(state.clone()).await;
    assert_eq!(r.private, b"p");
    assert_eq!(undv(r.new_state), state);
    let data_store = s.ctx_for_tests();
    if let Some(d) = data_store {
        d.store.lock().expect("lock").things.clear();
    }
    let r = read(state).await;
    assert!(r.diagnostics.is_empty());
    assert!(r.new_state.is_none(), "gone → null state");
}

#[tokio::test]
async fn import_and_upgrade_fill_the_schema() {
    let s = server().await;
    let r = s
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "toy_thing".into(),
            id: "t-9".into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(r.imported_resources.len(), 1);
    let st = undv(
        r.imported_resources
            .into_iter()
            .next()
            .and_then(|i| i.state),
    );
    assert_eq!(st.get("id"), Some(&"t-9".into()));
    // Version 0 state: renamed attribute, missing attributes, an attribute that no longer exists.
    let r = s
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "toy_thing".into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: br#"{"id":"t-1","title":"abc","gone":1}"#.to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let st = undv(r.upgraded_state);
    assert_eq!(st.get("name"), Some(&"abc".into()));
    assert_eq!(st.get("memo"), Some(&Value::Null));
    // Newer than we know: a clear error.
    let r = s
        .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
            type_name: "toy_thing".into(),
            version: 7,
            raw_state: Some(pb::RawState {
                json: b"{}".to_vec(),
                flatmap: Default::default(),
            }),
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
}

#[tokio::test]
async fn stop_provider_cancels_waits() {
    let s = server().await;
    let ctx = s.ctx_public();
    let waiter = tokio::spawn(async move {
        let mut d = Diagnostics::new();
        let r = ctx.cancellable(std::future::pending::<()>(), &mut d).await;
        (r, d.has_errors())
    });
    s.stop_provider(Request::new(pb::stop_provider::Request {}))
        .await
        .expect("rpc");
    let (r, err) = waiter.await.expect("join");
    assert_eq!(r, None);
    assert!(err);
}

#[tokio::test]
async fn unknown_resource_type_is_a_diagnostic_not_a_crash() {
    let s = server().await;
    let r = s
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_nope".into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(r.diagnostics.len(), 1);
}

#[tokio::test]
async fn rpcs_we_do_not_implement_answer_unimplemented() {
    let s = server().await;
    let r = s
        .get_states(Request::new(pb::get_states::Request::default()))
        .await;
    assert_eq!(r.err().map(|e| e.code()), Some(tonic::Code::Unimplemented));
    let r = s
        .read_state_bytes(Request::new(pb::read_state_bytes::Request::default()))
        .await;
    assert_eq!(r.err().map(|e| e.code()), Some(tonic::Code::Unimplemented));
}

fn identity_value(d: Option<pb::ResourceIdentityData>) -> Value {
    let ty = Type::Object(BTreeMap::from([("id".to_owned(), Type::String)]));
    match d.and_then(|d| d.identity_data) {
        None => Value::Null,
        Some(dv) => msgpack::decode(&ty, &dv.msgpack).expect("identity decodes"),
    }
}

fn identity_data(id: &str) -> Option<pb::ResourceIdentityData> {
    let ty = Type::Object(BTreeMap::from([("id".to_owned(), Type::String)]));
    Some(pb::ResourceIdentityData {
        identity_data: Some(pb::DynamicValue {
            msgpack: msgpack::encode(&ty, &obj(&[("id", id.into())])).expect("encode"),
            json: vec![],
        }),
    })
}

#[tokio::test]
async fn identity_schema_and_identity_on_plan_apply_read_import() {
    let s = server().await;
    let r = s
        .get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty());
    let schema = &r.identity_schemas["toy_thing"];
    assert_eq!(schema.identity_attributes.len(), 1);
    assert_eq!(schema.identity_attributes[0].name, "id");
    assert!(schema.identity_attributes[0].required_for_import);
    // Create: no planned identity while it is unknown; the applied one is known.
    let cfg = config("abc", Value::Null);
    let p = plan(&s, &Value::Null, &cfg).await;
    assert!(p.planned_identity.is_none());
    let a = apply(&s, &Value::Null, p.planned_state, &cfg).await;
    assert_eq!(identity_value(a.new_identity), obj(&[("id", "t-1".into())]));
    let state = undv(a.new_state);
    // A plan of an existing object carries its (known) identity.
    let p = plan(&s, &state, &cfg).await;
    assert_eq!(
        identity_value(p.planned_identity),
        obj(&[("id", "t-1".into())])
    );
    // Read returns it too (also for a state stored without one).
    let r = s
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_thing".into(),
            current_state: dv(&state),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(identity_value(r.new_identity), obj(&[("id", "t-1".into())]));
    // Destroy: no identity.
    let a = apply(&s, &state, dv(&Value::Null), &Value::Null).await;
    assert!(a.new_identity.is_none());
    // Import by identity: the id is built from it, and the identity comes back.
    let r = s
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "toy_thing".into(),
            identity: identity_data("t-7"),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let imported = r.imported_resources.into_iter().next().expect("one");
    assert_eq!(undv(imported.state).get("id"), Some(&"t-7".into()));
    assert_eq!(
        identity_value(imported.identity),
        obj(&[("id", "t-7".into())])
    );
    // A bad identity: an error naming the attribute, and nothing imported.
    let r = s
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "toy_thing".into(),
            identity: identity_data("a/b"),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.imported_resources.is_empty());
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0].attribute.is_some());
}

fn with_secret(mut cfg: Value, secret: Value) -> Value {
    if let Value::Map(m) = &mut cfg {
        m.insert("secret_wo".into(), secret);
    }
    cfg
}

fn paths_of(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| d.attribute.as_ref())
        .map(|p| {
            p.steps
                .iter()
                .filter_map(|s| match &s.selector {
                    Some(pb::attribute_path::step::Selector::AttributeName(n)) => Some(n.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect()
}

#[tokio::test]
async fn write_only_values_reach_create_and_update_but_no_state_or_plan() {
    let s = server().await;
    let schema = s.schema_response().resource_schemas["toy_thing"].clone();
    let attr = schema
        .block
        .as_ref()
        .and_then(|b| b.attributes.iter().find(|a| a.name == "secret_wo"))
        .cloned();
    assert!(attr.is_some_and(|a| a.write_only && a.sensitive && a.optional));
    // Validate: a Terraform without write-only support gets an error at the attribute, set
    // known or not; one with support (or a config leaving it null) gets none.
    for secret in [Value::String("s3cr3t".into()), Value::Unknown] {
        let cfg = with_secret(config("abc", Value::Null), secret);
        for caps in [
            None,
            Some(pb::ClientCapabilities {
                deferral_allowed: true,
                write_only_attributes_allowed: false,
            }),
        ] {
            let r = s
                .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                    type_name: "toy_thing".into(),
                    config: dv(&cfg),
                    client_capabilities: caps,
                }))
                .await
                .expect("rpc")
                .into_inner();
            assert_eq!(
                paths_of(&r.diagnostics),
                ["secret_wo"],
                "{:?}",
                r.diagnostics
            );
            assert!(r.diagnostics[0].detail.contains("Terraform 1.11"));
        }
        let r = s
            .validate_resource_config(Request::new(pb::validate_resource_config::Request {
                type_name: "toy_thing".into(),
                config: dv(&cfg),
                client_capabilities: Some(pb::ClientCapabilities {
                    deferral_allowed: true,
                    write_only_attributes_allowed: true,
                }),
            }))
            .await
            .expect("rpc")
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }
    let r = s
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: "toy_thing".into(),
            config: dv(&config("abc", Value::Null)),
            client_capabilities: None,
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

    // Plan: the proposed state carries the secret (as core's does); the plan does not.
    let cfg = with_secret(config("abc", Value::Null), "s3cr3t".into());
    let p = plan(&s, &Value::Null, &cfg).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let planned = undv(p.planned_state.clone());
    assert_eq!(planned.get("secret_wo"), Some(&Value::Null));
    // Apply: create saw the configured value, the new state holds none of it.
    let a = apply(&s, &Value::Null, p.planned_state, &cfg).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let state = undv(a.new_state);
    assert_eq!(state.get("secret_wo"), Some(&Value::Null));
    // Re-plan with the same configuration: no diff, nothing unknown, nothing replaced.
    let p = plan(&s, &state, &cfg).await;
    assert_eq!(undv(p.planned_state), state);
    assert!(p.requires_replace.is_empty());
    // An update also sees the value; the state again does not keep it.
    let cfg2 = with_secret(config("abc", "memo".into()), "n3w".into());
    let p = plan(&s, &state, &cfg2).await;
    assert_eq!(
        undv(p.planned_state.clone()).get("secret_wo"),
        Some(&Value::Null)
    );
    let a = apply(&s, &state, p.planned_state, &cfg2).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let state2 = undv(a.new_state);
    assert_eq!(state2.get("secret_wo"), Some(&Value::Null));
    // Read and import never return one either (this toy's import sets it on purpose).
    let r = s
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "toy_thing".into(),
            current_state: dv(&with_secret(state2.clone(), "leak".into())),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(undv(r.new_state).get("secret_wo"), Some(&Value::Null));
    let i = s
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "toy_thing".into(),
            id: "t-9".into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(i.diagnostics.is_empty(), "{:?}", i.diagnostics);
    let imported = undv(i.imported_resources[0].state.clone());
    assert_eq!(imported.get("secret_wo"), Some(&Value::Null));
    let seen = s
        .ctx_for_tests()
        .and_then(|d| d.store.lock().ok().map(|st| st.secrets_seen.clone()))
        .unwrap_or_default();
    assert_eq!(seen, ["s3cr3t", "n3w"]);
}
