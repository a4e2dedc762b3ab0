//! Conversions between framework types (schemas, diagnostics, paths, values) and the
//! generated tfplugin6 messages.

use super::diag::{Diagnostics, Severity};
use super::path::{AttrPath, Step};
use super::schema::{AttrKind, Attribute, Block, NestedBlock, Nesting, Schema};
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value, json, msgpack};

/// A schema as the protocol carries it.
pub(crate) fn schema_to_proto(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(block_to_proto(&s.block)),
    }
}

fn block_to_proto(b: &Block) -> pb::schema::Block {
    pb::schema::Block {
        version: 0,
        attributes: b.attributes.iter().map(attr_to_proto).collect(),
        block_types: b.blocks.iter().map(nested_block_to_proto).collect(),
        description: b.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: b.deprecation.is_some(),
        deprecation_message: b.deprecation.clone().unwrap_or_default(),
    }
}

fn attr_to_proto(a: &Attribute) -> pb::schema::Attribute {
    use super::schema::Mode;
    let (ty, nested) = match &a.kind {
        AttrKind::Typed(t) => (t.to_json(), None),
        AttrKind::Nested(n, attrs) => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: attrs.iter().map(attr_to_proto).collect(),
                nesting: match n {
                    Nesting::Single | Nesting::Group => pb::schema::object::NestingMode::Single,
                    Nesting::List => pb::schema::object::NestingMode::List,
                    Nesting::Set => pb::schema::object::NestingMode::Set,
                    Nesting::Map => pb::schema::object::NestingMode::Map,
                } as i32,
                // min_items/max_items are deprecated and must stay 0 (Terraform 1.0.3 reads
                // min_items > 0 as "required").
                ..Default::default()
            }),
        ),
    };
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: ty,
        nested_type: nested,
        description: a.description.clone(),
        required: a.mode == Mode::Required,
        optional: matches!(a.mode, Mode::Optional | Mode::OptionalComputed),
        computed: matches!(a.mode, Mode::Computed | Mode::OptionalComputed),
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: a.deprecation.is_some(),
        write_only: a.write_only,
        deprecation_message: a.deprecation.clone().unwrap_or_default(),
    }
}

fn nested_block_to_proto(b: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode as N;
    pb::schema::NestedBlock {
        type_name: b.name.clone(),
        block: Some(block_to_proto(&b.block)),
        nesting: match b.nesting {
            Nesting::Single => N::Single,
            Nesting::List => N::List,
            Nesting::Set => N::Set,
            Nesting::Map => N::Map,
            Nesting::Group => N::Group,
        } as i32,
        min_items: b.min_items,
        max_items: b.max_items,
    }
}

/// Diagnostics as the protocol carries them.
pub(crate) fn diags_to_proto(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error,
                Severity::Warning => pb::diagnostic::Severity::Warning,
            } as i32,
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.path.as_ref().filter(|p| !p.is_empty()).map(path_to_proto),
        })
        .collect()
}

/// An attribute path as the protocol carries it.
pub(crate) fn path_to_proto(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .steps()
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    Step::Attr(a) => Selector::AttributeName(a.clone()),
                    Step::Index(i) => Selector::ElementKeyInt(*i),
                    Step::Key(k) => Selector::ElementKeyString(k.clone()),
                }),
            })
            .collect(),
    }
}

/// Decodes a DynamicValue of type `ty` (msgpack, or JSON when only that is present; absent =
/// null), recording a diagnostic on failure.
pub(crate) fn decode_dynamic(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let Some(dv) = dv else {
        return Some(Value::Null);
    };
    let r = if dv.msgpack.is_empty() && !dv.json.is_empty() {
        json::decode(ty, &dv.json).map_err(|e| e.to_string())
    } else {
        msgpack::decode(ty, &dv.msgpack).map_err(|e| e.to_string())
    };
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error(
                "Unable to Decode Value",
                format!("Terraform sent a {what} the provider could not decode: {e}"),
            );
            None
        }
    }
}

/// Encodes a value of type `ty` as a msgpack DynamicValue, recording a bug on failure.
pub(crate) fn encode_dynamic(
    v: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match msgpack::encode(ty, v) {
        Ok(bytes) => Some(pb::DynamicValue {
            msgpack: bytes,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.bug(format!("Could not encode the {what}: {e}"));
            None
        }
    }
}
