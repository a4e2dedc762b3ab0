//! Write-only attributes (Terraform 1.11+, protocol 6.8): values that configuration hands to
//! the provider at plan and apply and that exist nowhere else. Terraform core insists that
//! they are null in the planned state (PlanResourceChange), in the new state
//! (ApplyResourceChange), in refreshed, imported and upgraded states; the configured value
//! is present only in the `config` of PlanResourceChange and ApplyResourceChange.
//!
//! The adapter keeps those rules for every resource:
//!
//! * validate: a client that does not announce `write_only_attributes_allowed` (Terraform
//!   older than 1.11 would store the value like any other) gets an error at each write-only
//!   attribute the configuration sets ([`configured_paths`]);
//! * plan: write-only values are nulled in the proposed state before the plan engine
//!   compares anything (so they never make a diff) and in the final plan; the resource's plan
//!   hook reads them from its `config`;
//! * apply: create and update get the planned state with the configured write-only values put
//!   back ([`merge_from_config`]), so a resource reads them from its model like any argument;
//! * every state returned is passed through [`strip`].

use super::path::AttrPath;
use super::plan::{NULL, child};
use super::schema::{AttrKind, Block, Nesting};
use crate::protocol::value::Value;

/// Calls `f` on every write-only attribute's slot in `target`, with the value at the same
/// place in `config` and the attribute path.
fn walk(
    block: &Block,
    target: &mut Value,
    config: &Value,
    path: &AttrPath,
    f: &mut dyn FnMut(&mut Value, &Value, &AttrPath),
) {
    let Value::Map(fields) = target else { return };
    for a in &block.attributes {
        if !a.contains_write_only() {
            continue;
        }
        let Some(slot) = fields.get_mut(&a.name) else {
            continue;
        };
        let apath = path.attr(&a.name);
        let cf = child(config, &a.name);
        if a.write_only {
            f(slot, cf, &apath);
        } else if let AttrKind::Nested(nesting, attrs) = &a.kind {
            let inner = Block {
                attributes: attrs.clone(),
                ..Block::default()
            };
            walk_nested(&inner, *nesting, slot, cf, &apath, f);
        }
    }
    for b in &block.blocks {
        if !b.block.contains_write_only() {
            continue;
        }
        if let Some(slot) = fields.get_mut(&b.name) {
            let bpath = path.attr(&b.name);
            walk_nested(&b.block, b.nesting, slot, child(config, &b.name), &bpath, f);
        }
    }
}

fn walk_nested(
    block: &Block,
    nesting: Nesting,
    target: &mut Value,
    config: &Value,
    path: &AttrPath,
    f: &mut dyn FnMut(&mut Value, &Value, &AttrPath),
) {
    match (nesting, target) {
        (Nesting::Single | Nesting::Group, t) => walk(block, t, config, path, f),
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let cf = match config {
                    Value::List(c) => c.get(i).unwrap_or(&NULL),
                    _ => &NULL,
                };
                walk(block, item, cf, &path.index(i), f);
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (k, item) in items.iter_mut() {
                let cf = config.get(k).unwrap_or(&NULL);
                walk(block, item, cf, &path.key(k.clone()), f);
            }
        }
        // Sets cannot hold write-only attributes (the schema lint and Terraform refuse it).
        _ => {}
    }
}

/// `v` with every write-only attribute null.
pub fn strip(block: &Block, mut v: Value) -> Value {
    walk(
        block,
        &mut v,
        &NULL,
        &AttrPath::empty(),
        &mut |slot, _, _| {
            *slot = Value::Null;
        },
    );
    v
}

/// `target` (a planned state) with the write-only values of `config` put in.
pub fn merge_from_config(block: &Block, mut target: Value, config: &Value) -> Value {
    walk(
        block,
        &mut target,
        config,
        &AttrPath::empty(),
        &mut |slot, cf, _| {
            *slot = cf.clone();
        },
    );
    target
}

/// The paths of the write-only attributes that `config` sets (known or not).
pub fn configured_paths(block: &Block, config: &Value) -> Vec<AttrPath> {
    let mut out = Vec::new();
    let mut copy = config.clone();
    walk(
        block,
        &mut copy,
        config,
        &AttrPath::empty(),
        &mut |_, cf, path| {
            if !cf.is_null() {
                out.push(path.clone());
            }
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, NestedBlock};

    fn block() -> Block {
        Block::new()
            .attr(Attribute::string("name").required().description("n"))
            .attr(
                Attribute::string("secret_wo")
                    .optional()
                    .sensitive()
                    .write_only()
                    .description("s"),
            )
            .attr(
                Attribute::nested(
                    "creds",
                    Nesting::List,
                    vec![
                        Attribute::string("user").required().description("u"),
                        Attribute::string("password_wo")
                            .optional()
                            .write_only()
                            .description("p"),
                    ],
                )
                .optional()
                .description("c"),
            )
            .block(NestedBlock::new(
                "extra",
                Nesting::Single,
                Block::new().attr(
                    Attribute::string("token_wo")
                        .optional()
                        .write_only()
                        .description("t"),
                ),
            ))
    }

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn obj(fields: &[(&str, Value)]) -> Value {
        Value::Map(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn config() -> Value {
        obj(&[
            ("name", s("a")),
            ("secret_wo", Value::Unknown),
            (
                "creds",
                Value::List(vec![
                    obj(&[("user", s("u1")), ("password_wo", Value::Null)]),
                    obj(&[("user", s("u2")), ("password_wo", s("p2"))]),
                ]),
            ),
            ("extra", obj(&[("token_wo", s("t"))])),
        ])
    }

    #[test]
    fn strip_merge_and_paths_follow_the_schema() {
        let b = block();
        assert!(b.contains_write_only());
        assert!(b.lint().is_empty(), "{:?}", b.lint());
        let stripped = strip(&b, config());
        let expect = obj(&[
            ("name", s("a")),
            ("secret_wo", Value::Null),
            (
                "creds",
                Value::List(vec![
                    obj(&[("user", s("u1")), ("password_wo", Value::Null)]),
                    obj(&[("user", s("u2")), ("password_wo", Value::Null)]),
                ]),
            ),
            ("extra", obj(&[("token_wo", Value::Null)])),
        ]);
        assert_eq!(stripped, expect);
        assert_eq!(merge_from_config(&b, stripped, &config()), config());
        let paths: Vec<String> = configured_paths(&b, &config())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            paths,
            ["secret_wo", "creds[1].password_wo", "extra.token_wo"]
        );
    }

    #[test]
    fn lint_refuses_computed_replacing_and_set_nested_write_only() {
        let b = Block::new()
            .attr(
                Attribute::string("a_wo")
                    .optional()
                    .write_only()
                    .requires_replace()
                    .description("a"),
            )
            .attr(
                Attribute::string("b_wo")
                    .computed()
                    .write_only()
                    .description("b"),
            )
            .attr(
                Attribute::nested(
                    "c",
                    Nesting::Set,
                    vec![
                        Attribute::string("d_wo")
                            .optional()
                            .write_only()
                            .description("d"),
                    ],
                )
                .optional()
                .description("c"),
            );
        let lint = b.lint();
        assert_eq!(lint.len(), 3, "{lint:?}");
        assert!(lint[0].contains("a_wo") && lint[0].contains("version attribute"));
        assert!(lint[1].contains("b_wo"));
        assert!(lint[2].contains("set-nested"));
    }
}
