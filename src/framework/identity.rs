//! Resource identity (Terraform 1.12+): the few attributes that name a remote object, which
//! Terraform stores beside the state and accepts in `import { identity = { … } }` blocks.
//!
//! A resource declares its identity as an ordered list of top-level attributes of its own
//! schema ([`Identity`]); the framework does the rest:
//!
//! - the identity schema (types and descriptions) comes from those attributes;
//! - every read, plan, apply and import answers with the identity taken from the state (a
//!   planned create may leave parts unknown, which Terraform allows);
//! - importing by identity joins the identity values with `/`, in declared order, and hands
//!   the result to [`Resource::import`](super::resource::Resource::import), so a resource
//!   whose import id is `<a>/<b>` needs no second import path.
//!
//! Terraform older than 1.12 never asks for identities and ignores the fields.

use super::convert::{decode_dynamic, encode_dynamic};
use super::diag::Diagnostics;
use super::path::AttrPath;
use super::schema::{AttrKind, Schema};
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value};
use std::collections::BTreeMap;

/// What a resource declares: the attributes of its schema that identify the object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The identity schema version (independent of the resource schema's version).
    pub version: i64,
    /// `(attribute, description)`, in import-id order.
    pub attributes: Vec<(String, String)>,
}

impl Identity {
    /// An empty version-0 identity; add attributes with [`Identity::attr`].
    pub fn new() -> Identity {
        Identity::default()
    }

    /// Adds an identifying attribute (a top-level string, number or bool attribute of the
    /// resource schema), in import-id order.
    pub fn attr(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        self.attributes.push((name.into(), description.into()));
        self
    }
}

/// An [`Identity`] checked against its resource schema, with the attribute types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResolvedIdentity {
    pub(crate) version: i64,
    attrs: Vec<(String, Type, String)>,
    pub(crate) ty: Type,
}

impl ResolvedIdentity {
    /// Resolves `identity` against `schema`: every attribute must be a top-level primitive
    /// attribute of the schema that the state always holds (required or computed).
    pub(crate) fn resolve(identity: &Identity, schema: &Schema) -> Result<Self, String> {
        if identity.attributes.is_empty() {
            return Err("an identity needs at least one attribute".to_owned());
        }
        let mut attrs = Vec::new();
        for (name, description) in &identity.attributes {
            let Some(a) = schema.block.attribute(name) else {
                return Err(format!("identity attribute {name:?} is not in the schema"));
            };
            let ty = match &a.kind {
                AttrKind::Typed(t @ (Type::String | Type::Number | Type::Bool)) => t.clone(),
                _ => {
                    return Err(format!(
                        "identity attribute {name:?} must be a string, number or bool"
                    ));
                }
            };
            if !(a.is_required() || a.is_computed()) {
                return Err(format!(
                    "identity attribute {name:?} must be required or computed (always in state)"
                ));
            }
            if attrs.iter().any(|(n, _, _)| n == name) {
                return Err(format!("identity attribute {name:?} is listed twice"));
            }
            attrs.push((name.clone(), ty, description.clone()));
        }
        let ty = Type::Object(
            attrs
                .iter()
                .map(|(n, t, _)| (n.clone(), t.clone()))
                .collect(),
        );
        Ok(ResolvedIdentity {
            version: identity.version,
            attrs,
            ty,
        })
    }

    /// The identity schema as the protocol carries it.
    pub(crate) fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attrs
                .iter()
                .map(
                    |(n, t, d)| pb::resource_identity_schema::IdentityAttribute {
                        name: n.clone(),
                        r#type: t.to_json(),
                        required_for_import: true,
                        optional_for_import: false,
                        description: d.clone(),
                    },
                )
                .collect(),
        }
    }

    /// The identity of a state object: its identity attributes. `None` for a null object,
    /// or when an identity attribute is null (an object that is not fully there).
    pub(crate) fn of_state(&self, state: &Value) -> Option<Value> {
        let Value::Map(m) = state else {
            return None;
        };
        let mut out = BTreeMap::new();
        for (name, _, _) in &self.attrs {
            match m.get(name) {
                None | Some(Value::Null) => return None,
                Some(v) => {
                    out.insert(name.clone(), v.clone());
                }
            }
        }
        Some(Value::Map(out))
    }

    /// The identity of `state`, encoded for a response (absent when there is none).
    pub(crate) fn data_of(
        &self,
        state: &Value,
        diags: &mut Diagnostics,
    ) -> Option<pb::ResourceIdentityData> {
        let v = self.of_state(state)?;
        Some(pb::ResourceIdentityData {
            identity_data: Some(encode_dynamic(&v, &self.ty, "identity", diags)?),
        })
    }

    /// Decodes an identity Terraform sent (`None` when absent or null).
    pub(crate) fn decode(
        &self,
        data: Option<&pb::ResourceIdentityData>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let dv = data?.identity_data.as_ref()?;
        match decode_dynamic(Some(dv), &self.ty, "identity", diags)? {
            Value::Null => None,
            v => Some(v),
        }
    }

    /// The import id for an identity: its values joined with `/` in declared order. Each value
    /// must be known, not null, non-empty and free of `/`; otherwise an error names it.
    pub(crate) fn import_id(&self, identity: &Value, diags: &mut Diagnostics) -> Option<String> {
        let mut parts = Vec::new();
        for (name, _, _) in &self.attrs {
            let path = AttrPath::root(name);
            let text = match identity.get(name) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Unknown) => {
                    diags.error_at(
                        path,
                        "Invalid Import Identity",
                        format!("The identity attribute {name:?} must be known to import."),
                    );
                    return None;
                }
                _ => {
                    diags.error_at(
                        path,
                        "Invalid Import Identity",
                        format!("The identity attribute {name:?} is required to import."),
                    );
                    return None;
                }
            };
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed.contains('/') {
                diags.error_at(
                    path,
                    "Invalid Import Identity",
                    format!(
                        "The identity attribute {name:?} must be non-empty and must not contain \"/\"; got {text:?}."
                    ),
                );
                return None;
            }
            parts.push(trimmed.to_owned());
        }
        Some(parts.join("/"))
    }

    /// Upgrades a stored identity: only the current version is read (there is no older one).
    pub(crate) fn upgrade(
        &self,
        version: i64,
        raw: Option<&pb::RawState>,
        diags: &mut Diagnostics,
    ) -> Option<pb::ResourceIdentityData> {
        if version != self.version {
            diags.error(
                "Unable to Upgrade Resource Identity",
                format!(
                    "The stored identity has version {version}, and this provider only reads version {}.",
                    self.version
                ),
            );
            return None;
        }
        let json = raw.map(|r| r.json.as_slice()).unwrap_or_default();
        let dv = pb::DynamicValue {
            msgpack: Vec::new(),
            json: json.to_vec(),
        };
        let v = decode_dynamic(Some(&dv), &self.ty, "stored identity", diags)?;
        Some(pb::ResourceIdentityData {
            identity_data: Some(encode_dynamic(&v, &self.ty, "identity", diags)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;

    fn schema() -> Schema {
        Schema::new("d")
            .attr(Attribute::string("id").computed())
            .attr(Attribute::string("group").required())
            .attr(Attribute::string("serial").computed())
            .attr(Attribute::string("memo").optional())
            .attr(Attribute::list("tags", Type::String).computed())
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn resolves_against_the_schema() {
        let id = Identity::new()
            .attr("group", "Group.")
            .attr("serial", "Serial.");
        let r = ResolvedIdentity::resolve(&id, &schema()).expect("resolves");
        assert_eq!(
            r.ty,
            Type::Object(BTreeMap::from([
                ("group".to_owned(), Type::String),
                ("serial".to_owned(), Type::String)
            ]))
        );
        let p = r.to_proto();
        assert_eq!(p.identity_attributes.len(), 2);
        assert!(p.identity_attributes.iter().all(|a| a.required_for_import));
        assert_eq!(p.identity_attributes[0].r#type, b"\"string\"");
        for (bad, why) in [
            (Identity::new(), "at least one"),
            (Identity::new().attr("nope", ""), "not in the schema"),
            (Identity::new().attr("tags", ""), "string, number or bool"),
            (Identity::new().attr("memo", ""), "required or computed"),
            (Identity::new().attr("group", "").attr("group", ""), "twice"),
        ] {
            let e = ResolvedIdentity::resolve(&bad, &schema()).expect_err("rejected");
            assert!(e.contains(why), "{e}");
        }
    }

    #[test]
    fn identity_of_a_state_and_its_import_id() {
        let r = ResolvedIdentity::resolve(
            &Identity::new().attr("group", "").attr("serial", ""),
            &schema(),
        )
        .expect("resolves");
        let state = obj(&[
            ("id", "x".into()),
            ("group", "g1".into()),
            ("serial", "0a:0b".into()),
            ("memo", Value::Null),
        ]);
        let ident = r.of_state(&state).expect("an identity");
        assert_eq!(
            ident,
            obj(&[("group", "g1".into()), ("serial", "0a:0b".into())])
        );
        let mut d = Diagnostics::new();
        assert_eq!(r.import_id(&ident, &mut d).as_deref(), Some("g1/0a:0b"));
        // A planned create: unknown parts stay unknown.
        let planned = obj(&[("group", "g1".into()), ("serial", Value::Unknown)]);
        assert_eq!(
            r.of_state(&planned),
            Some(obj(&[("group", "g1".into()), ("serial", Value::Unknown)]))
        );
        assert_eq!(r.of_state(&Value::Null), None);
        assert_eq!(r.of_state(&obj(&[("group", "g1".into())])), None);
        // Round trip through the wire.
        let data = r.data_of(&state, &mut d).expect("encoded");
        assert_eq!(r.decode(Some(&data), &mut d), Some(ident));
        assert!(!d.has_errors());
    }

    #[test]
    fn bad_import_identities_name_the_attribute() {
        let r = ResolvedIdentity::resolve(
            &Identity::new().attr("group", "").attr("serial", ""),
            &schema(),
        )
        .expect("resolves");
        for (v, what) in [
            (
                obj(&[("group", "a/b".into()), ("serial", "1".into())]),
                "group",
            ),
            (
                obj(&[("group", "a".into()), ("serial", "".into())]),
                "serial",
            ),
            (
                obj(&[("group", "a".into()), ("serial", Value::Null)]),
                "serial",
            ),
            (
                obj(&[("group", Value::Unknown), ("serial", "1".into())]),
                "group",
            ),
        ] {
            let mut d = Diagnostics::new();
            assert_eq!(r.import_id(&v, &mut d), None);
            let e = d.iter().next().expect("an error");
            assert_eq!(e.path, Some(AttrPath::root(what)), "{e:?}");
        }
    }

    #[test]
    fn upgrade_reads_the_current_version_only() {
        let r = ResolvedIdentity::resolve(&Identity::new().attr("group", ""), &schema())
            .expect("resolves");
        let raw = pb::RawState {
            json: br#"{"group":"g"}"#.to_vec(),
            ..Default::default()
        };
        let mut d = Diagnostics::new();
        let up = r.upgrade(0, Some(&raw), &mut d).expect("upgraded");
        assert_eq!(
            r.decode(Some(&up), &mut d),
            Some(obj(&[("group", "g".into())]))
        );
        assert!(r.upgrade(1, Some(&raw), &mut d).is_none());
        assert!(d.has_errors());
    }
}
