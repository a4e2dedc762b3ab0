//! The plan engine: turns Terraform's proposed new state into the planned state, the same way
//! for every resource, in a fixed order:
//!
//! 1. a destroy (null proposed state) stays null;
//! 2. defaults fill attributes that configuration leaves null;
//! 3. if the result differs from the prior state (or there is none), computed attributes
//!    that configuration leaves null become unknown — they are decided at apply; when nothing
//!    changed every prior value is kept, so there is no spurious diff;
//! 4. plan modifiers run: `UseStateForUnknown` puts the prior value back where the plan is
//!    unknown; `RequiresReplace`/`RequiresReplaceIf` collect the paths whose change forces
//!    replacement.
//!
//! A computed attribute that forces replacement (or sits inside a nested attribute that does)
//! and is not configured keeps its prior value in step 3: it can only change through
//! replacement, and Terraform plans the replacement's create with no prior state. Without this
//! rule an unrelated in-place change would turn it unknown and force a replacement.
//!
//! Resources may then adjust the plan with their own hook; the engine has no resource
//! knowledge.

use super::path::AttrPath;
use super::schema::{AttrKind, Attribute, Block, Nesting, PlanModifier};
use crate::protocol::value::Value;

/// The engine's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The planned new state.
    pub planned: Value,
    /// Attribute paths whose change forces replacement (sorted, without duplicates).
    pub requires_replace: Vec<AttrPath>,
}

/// Plans a change of an object of `block`, from `prior` (null on create) towards `proposed`
/// (Terraform's merge of configuration and prior state; null on destroy), given `config`.
pub fn plan(block: &Block, prior: &Value, proposed: &Value, config: &Value) -> Plan {
    if proposed.is_null() {
        return Plan {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let mut planned = proposed.clone();
    walk_block(
        block,
        &mut planned,
        prior,
        config,
        &AttrPath::empty(),
        &mut Pass::Defaults,
    );
    if prior.is_null() || planned != *prior {
        walk_block(
            block,
            &mut planned,
            prior,
            config,
            &AttrPath::empty(),
            &mut Pass::ComputedUnknown(false),
        );
    }
    let mut replace = Vec::new();
    if !prior.is_null() {
        walk_block(
            block,
            &mut planned,
            prior,
            config,
            &AttrPath::empty(),
            &mut Pass::Modifiers(&mut replace),
        );
    }
    replace.sort();
    replace.dedup();
    Plan {
        planned,
        requires_replace: replace,
    }
}

enum Pass<'a> {
    Defaults,
    /// `true` inside an attribute whose change forces replacement.
    ComputedUnknown(bool),
    Modifiers(&'a mut Vec<AttrPath>),
}

fn forces_replace(attr: &Attribute) -> bool {
    attr.modifiers.iter().any(|m| {
        matches!(
            m,
            PlanModifier::RequiresReplace | PlanModifier::RequiresReplaceIf(..)
        )
    })
}

pub(super) const NULL: Value = Value::Null;

/// The attribute `name` of an object value, or null (absent, or not an object).
pub(super) fn child<'v>(v: &'v Value, name: &str) -> &'v Value {
    v.get(name).unwrap_or(&NULL)
}

fn walk_block(
    block: &Block,
    planned: &mut Value,
    prior: &Value,
    config: &Value,
    path: &AttrPath,
    pass: &mut Pass<'_>,
) {
    let Value::Map(fields) = planned else { return };
    // Whether this object existed before: then even a null prior value is a value to keep.
    let prior_exists = matches!(prior, Value::Map(_));
    for attr in &block.attributes {
        let Some(p) = fields.get_mut(&attr.name) else {
            continue;
        };
        let apath = path.attr(&attr.name);
        let (pr, cf) = (child(prior, &attr.name), child(config, &attr.name));
        apply(attr, p, pr, prior_exists, cf, &apath, pass);
        if let AttrKind::Nested(nesting, attrs) = &attr.kind {
            let inner = Block {
                attributes: attrs.clone(),
                ..Block::default()
            };
            match pass {
                Pass::ComputedUnknown(false) if forces_replace(attr) => {
                    walk_nested(
                        &inner,
                        *nesting,
                        p,
                        pr,
                        cf,
                        &apath,
                        &mut Pass::ComputedUnknown(true),
                    );
                }
                _ => walk_nested(&inner, *nesting, p, pr, cf, &apath, pass),
            }
        }
    }
    for nb in &block.blocks {
        let Some(p) = fields.get_mut(&nb.name) else {
            continue;
        };
        let bpath = path.attr(&nb.name);
        let (pr, cf) = (child(prior, &nb.name), child(config, &nb.name));
        walk_nested(&nb.block, nb.nesting, p, pr, cf, &bpath, pass);
    }
}

fn walk_nested(
    block: &Block,
    nesting: Nesting,
    planned: &mut Value,
    prior: &Value,
    config: &Value,
    path: &AttrPath,
    pass: &mut Pass<'_>,
) {
    match nesting {
        Nesting::Single | Nesting::Group => walk_block(block, planned, prior, config, path, pass),
        Nesting::List => {
            let Value::List(items) = planned else { return };
            for (i, item) in items.iter_mut().enumerate() {
                let pr = match prior {
                    Value::List(v) => v.get(i).unwrap_or(&NULL),
                    _ => &NULL,
                };
                let cf = match config {
                    Value::List(v) => v.get(i).unwrap_or(&NULL),
                    _ => &NULL,
                };
                walk_block(block, item, pr, cf, &path.index(i), pass);
            }
        }
        Nesting::Map => {
            let Value::Map(items) = planned else { return };
            for (k, item) in items.iter_mut() {
                let pr = prior.get(k).unwrap_or(&NULL);
                let cf = config.get(k).unwrap_or(&NULL);
                walk_block(block, item, pr, cf, &path.key(k.clone()), pass);
            }
        }
        // Set elements have no index: each planned element is paired with the configured and
        // prior elements whose configurable attributes are equal (as Terraform core pairs
        // them); an element without a unique partner is left as proposed. A change inside the
        // set that forces replacement is reported at the set's own path.
        Nesting::Set => {
            let configured = match config {
                Value::Set(v) | Value::List(v) => v.clone(),
                _ => Vec::new(),
            };
            let before = match prior {
                Value::Set(v) | Value::List(v) => v.clone(),
                _ => Vec::new(),
            };
            let lost = set_lost_replacing_values(block, prior, planned);
            let Value::Set(items) = planned else { return };
            let mut inner_replace = Vec::new();
            for item in items.iter_mut() {
                let cf = partner(block, item, &configured);
                let pr = partner(block, item, &before);
                match pass {
                    Pass::Modifiers(_) => {
                        let inner = &mut Pass::Modifiers(&mut inner_replace);
                        walk_block(block, item, &pr, &cf, path, inner);
                    }
                    _ if !cf.is_null() => walk_block(block, item, &pr, &cf, path, pass),
                    _ => {}
                }
            }
            if let Pass::Modifiers(replace) = pass
                && (lost || !inner_replace.is_empty())
            {
                replace.push(path.clone());
            }
        }
    }
}

/// The configurable (non-computed) attribute values of a set element: its identity.
fn identity<'v>(block: &Block, v: &'v Value) -> Vec<Option<&'v Value>> {
    block
        .attributes
        .iter()
        .filter(|a| !a.is_computed())
        .map(|a| v.get(&a.name))
        .collect()
}

/// The one element of `candidates` with the same identity as `item`, or null.
fn partner(block: &Block, item: &Value, candidates: &[Value]) -> Value {
    let id = identity(block, item);
    let mut found = candidates.iter().filter(|c| identity(block, c) == id);
    match (found.next(), found.next()) {
        (Some(one), None) => one.clone(),
        _ => Value::Null,
    }
}

/// True when a prior set element carried values of replace-forcing attributes that no
/// planned element carries any more (an element removed or changed).
fn set_lost_replacing_values(block: &Block, prior: &Value, planned: &Value) -> bool {
    let replacing: Vec<&str> = block
        .attributes
        .iter()
        .filter(|a| forces_replace(a))
        .map(|a| a.name.as_str())
        .collect();
    if replacing.is_empty() {
        return false;
    }
    let project = |v: &Value| -> Vec<Vec<Option<Value>>> {
        match v {
            Value::Set(items) | Value::List(items) => items
                .iter()
                .map(|i| replacing.iter().map(|n| i.get(n).cloned()).collect())
                .collect(),
            _ => Vec::new(),
        }
    };
    let (before, after) = (project(prior), project(planned));
    before.iter().any(|b| !after.contains(b))
}

fn apply(
    attr: &Attribute,
    planned: &mut Value,
    prior: &Value,
    prior_exists: bool,
    config: &Value,
    path: &AttrPath,
    pass: &mut Pass<'_>,
) {
    match pass {
        Pass::Defaults => {
            if let Some(d) = &attr.default
                && config.is_null()
            {
                *planned = d.clone();
            }
        }
        Pass::ComputedUnknown(in_replace_scope) => {
            if attr.is_computed() && attr.default.is_none() && config.is_null() {
                let keeps_prior = prior_exists && (*in_replace_scope || forces_replace(attr));
                *planned = if keeps_prior {
                    prior.clone()
                } else {
                    Value::Unknown
                };
            }
        }
        Pass::Modifiers(replace) => {
            for m in &attr.modifiers {
                match m {
                    PlanModifier::UseStateForUnknown => {
                        if planned.is_unknown() && !config.is_unknown() && prior_exists {
                            *planned = prior.clone();
                        }
                    }
                    PlanModifier::RequiresReplace => {
                        if *planned != *prior {
                            replace.push(path.clone());
                        }
                    }
                    PlanModifier::RequiresReplaceIf(_, test) => {
                        if *planned != *prior && test(prior, planned) {
                            replace.push(path.clone());
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{NestedBlock, Schema};
    use std::collections::BTreeMap;

    fn schema() -> Schema {
        Schema::new("test")
            .attr(
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("id"),
            )
            .attr(
                Attribute::string("alias")
                    .required()
                    .requires_replace()
                    .description("a"),
            )
            .attr(Attribute::string("memo").optional().description("m"))
            .attr(
                Attribute::string("status")
                    .optional_computed()
                    .description("s"),
            )
            .attr(Attribute::string("pem").computed().description("p"))
            .attr(
                Attribute::number("days")
                    .optional_computed()
                    .requires_replace()
                    .description("d"),
            )
            .attr(Attribute::bool("protect").default(false).description("p"))
            .attr(
                Attribute::nested(
                    "subject",
                    Nesting::Single,
                    vec![
                        Attribute::string("cn").required().description("cn"),
                        Attribute::string("dn").computed().description("dn"),
                    ],
                )
                .required()
                .requires_replace()
                .description("s"),
            )
            .block(NestedBlock::new(
                "rule",
                Nesting::List,
                Block::new()
                    .attr(Attribute::string("name").required().description("n"))
                    .attr(Attribute::string("uid").computed().description("u")),
            ))
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn s(x: &str) -> Value {
        Value::String(x.to_owned())
    }

    /// Configuration with every attribute present, as Terraform sends it.
    fn config(alias: &str, memo: Value) -> Value {
        obj(&[
            ("id", Value::Null),
            ("alias", s(alias)),
            ("memo", memo),
            ("status", Value::Null),
            ("pem", Value::Null),
            ("days", Value::Null),
            ("protect", Value::Null),
            ("subject", obj(&[("cn", s("root")), ("dn", Value::Null)])),
            (
                "rule",
                Value::List(vec![obj(&[("name", s("r1")), ("uid", Value::Null)])]),
            ),
        ])
    }

    fn applied() -> Value {
        obj(&[
            ("id", s("ca-1")),
            ("alias", s("root")),
            ("memo", Value::Null),
            ("status", s("ACTIVE")),
            ("pem", s("PEM")),
            ("days", 3650.into()),
            ("protect", Value::Bool(false)),
            ("subject", obj(&[("cn", s("root")), ("dn", s("CN=root"))])),
            (
                "rule",
                Value::List(vec![obj(&[("name", s("r1")), ("uid", s("u1"))])]),
            ),
        ])
    }

    /// Terraform's proposed new state: config for non-computed, prior for unset computed.
    fn proposed(block: &Block, prior: &Value, config: &Value) -> Value {
        let mut out = BTreeMap::new();
        for a in &block.attributes {
            let c = child(config, &a.name).clone();
            let p = child(prior, &a.name).clone();
            let v = match (&a.kind, a.is_computed() && c.is_null()) {
                (_, true) => p,
                (AttrKind::Nested(_, attrs), false) if !c.is_null() => proposed(
                    &Block {
                        attributes: attrs.clone(),
                        ..Block::default()
                    },
                    &p,
                    &c,
                ),
                _ => c,
            };
            out.insert(a.name.clone(), v);
        }
        for b in &block.blocks {
            let c = child(config, &b.name);
            let p = child(prior, &b.name);
            let v = match c {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, ci)| {
                            let pi = match p {
                                Value::List(v) => v.get(i).cloned().unwrap_or(Value::Null),
                                _ => Value::Null,
                            };
                            proposed(&b.block, &pi, ci)
                        })
                        .collect(),
                ),
                other => other.clone(),
            };
            out.insert(b.name.clone(), v);
        }
        Value::Map(out)
    }

    struct Case {
        name: &'static str,
        prior: Value,
        config: Value,
        check: fn(&Plan),
    }

    #[test]
    fn plan_table() {
        let cases = [
            Case {
                name: "create: computed unknown, defaults applied, nothing replaced",
                prior: Value::Null,
                config: config("root", Value::Null),
                check: |p| {
                    assert_eq!(p.planned.get("id"), Some(&Value::Unknown));
                    assert_eq!(p.planned.get("pem"), Some(&Value::Unknown));
                    assert_eq!(p.planned.get("status"), Some(&Value::Unknown));
                    assert_eq!(p.planned.get("protect"), Some(&Value::Bool(false)));
                    assert_eq!(
                        p.planned.get("subject").and_then(|s| s.get("dn")),
                        Some(&Value::Unknown)
                    );
                    let rule = match p.planned.get("rule") {
                        Some(Value::List(v)) => v[0].clone(),
                        _ => Value::Null,
                    };
                    assert_eq!(rule.get("uid"), Some(&Value::Unknown));
                    assert!(p.requires_replace.is_empty());
                },
            },
            Case {
                name: "no-op: identical plan, no unknowns",
                prior: applied(),
                config: config("root", Value::Null),
                check: |p| {
                    assert_eq!(p.planned, applied());
                    assert!(p.requires_replace.is_empty());
                },
            },
            Case {
                name: "in-place update: only the changed value moves, computed keep state where asked",
                prior: applied(),
                config: config("root", s("hello")),
                check: |p| {
                    assert_eq!(p.planned.get("memo"), Some(&s("hello")));
                    assert_eq!(
                        p.planned.get("id"),
                        Some(&s("ca-1")),
                        "use_state_for_unknown"
                    );
                    assert_eq!(
                        p.planned.get("pem"),
                        Some(&Value::Unknown),
                        "computed without modifier"
                    );
                    assert_eq!(
                        p.planned.get("days"),
                        Some(&3650.into()),
                        "computed+RR keeps prior"
                    );
                    assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
                },
            },
            Case {
                name: "requires replace on a changed required attribute",
                prior: applied(),
                config: config("other", Value::Null),
                check: |p| {
                    assert_eq!(p.requires_replace, vec![AttrPath::root("alias")]);
                },
            },
        ];
        let s = schema();
        for c in cases {
            let prop = proposed(&s.block, &c.prior, &c.config);
            let p = plan(&s.block, &c.prior, &prop, &c.config);
            eprintln!("case: {}", c.name);
            (c.check)(&p);
        }
    }

    #[test]
    fn destroy_stays_null() {
        let s = schema();
        let p = plan(&s.block, &applied(), &Value::Null, &Value::Null);
        assert_eq!(
            p,
            Plan {
                planned: Value::Null,
                requires_replace: vec![]
            }
        );
    }

    #[test]
    fn default_applies_when_config_removed() {
        let s = schema();
        let mut prior = applied();
        if let Value::Map(m) = &mut prior {
            m.insert("protect".into(), Value::Bool(true));
        }
        let cfg = config("root", Value::Null);
        let p = plan(&s.block, &prior, &proposed(&s.block, &prior, &cfg), &cfg);
        assert_eq!(p.planned.get("protect"), Some(&Value::Bool(false)));
    }

    #[test]
    fn unknown_config_for_replacing_attribute_plans_replacement() {
        let s = schema();
        let mut cfg = config("root", Value::Null);
        if let Value::Map(m) = &mut cfg {
            m.insert("alias".into(), Value::Unknown);
        }
        let p = plan(
            &s.block,
            &applied(),
            &proposed(&s.block, &applied(), &cfg),
            &cfg,
        );
        assert_eq!(p.requires_replace, vec![AttrPath::root("alias")]);
        assert_eq!(p.planned.get("alias"), Some(&Value::Unknown));
    }

    #[test]
    fn computed_replacing_attribute_null_in_state_does_not_force_replacement() {
        let block = Block::new()
            .attr(Attribute::string("memo").optional().description("m"))
            .attr(
                Attribute::string("parent")
                    .optional_computed()
                    .requires_replace()
                    .use_state_for_unknown()
                    .description("p"),
            );
        let prior = obj(&[("memo", Value::Null), ("parent", Value::Null)]);
        let config = obj(&[("memo", s("new")), ("parent", Value::Null)]);
        let proposed = obj(&[("memo", s("new")), ("parent", Value::Null)]);
        let p = plan(&block, &prior, &proposed, &config);
        assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
        assert_eq!(p.planned.get("parent"), Some(&Value::Null));
    }

    fn set_block() -> Block {
        Block::new()
            .attr(Attribute::string("memo").optional().description("m"))
            .block(NestedBlock::new(
                "rule",
                Nesting::Set,
                Block::new()
                    .attr(
                        Attribute::string("name")
                            .required()
                            .requires_replace()
                            .description("n"),
                    )
                    .attr(Attribute::string("mode").default("auto").description("d"))
                    .attr(Attribute::string("uid").computed().description("u")),
            ))
    }

    #[test]
    fn set_elements_pair_by_configured_values_not_position() {
        let block = set_block();
        let rule = |name: &str, mode: Value, uid: Value| {
            obj(&[("name", s(name)), ("mode", mode), ("uid", uid)])
        };
        let prior = obj(&[
            ("memo", Value::Null),
            (
                "rule",
                Value::Set(vec![
                    rule("a", s("x"), s("u1")),
                    rule("b", s("auto"), s("u2")),
                ]),
            ),
        ]);
        let config = obj(&[
            ("memo", s("changed")),
            (
                "rule",
                Value::Set(vec![
                    rule("a", s("x"), Value::Null),
                    rule("b", Value::Null, Value::Null),
                ]),
            ),
        ]);
        // Terraform's proposed set in another order than the configuration's.
        let proposed = obj(&[
            ("memo", s("changed")),
            (
                "rule",
                Value::Set(vec![
                    rule("b", s("auto"), s("u2")),
                    rule("a", s("x"), s("u1")),
                ]),
            ),
        ]);
        let p = plan(&block, &prior, &proposed, &config);
        let Some(Value::Set(rules)) = p.planned.get("rule") else {
            panic!("rules")
        };
        let a = rules
            .iter()
            .find(|r| r.get("name") == Some(&s("a")))
            .expect("a");
        assert_eq!(
            a.get("mode"),
            Some(&s("x")),
            "the configured value survives"
        );
        assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
    }

    #[test]
    fn replacing_attribute_inside_a_set_forces_replacement_at_the_set() {
        let block = set_block();
        let rule = |name: &str| obj(&[("name", s(name)), ("mode", s("auto")), ("uid", s("u"))]);
        let prior = obj(&[("memo", Value::Null), ("rule", Value::Set(vec![rule("a")]))]);
        let cfg_rule = obj(&[
            ("name", s("z")),
            ("mode", Value::Null),
            ("uid", Value::Null),
        ]);
        let config = obj(&[
            ("memo", Value::Null),
            ("rule", Value::Set(vec![cfg_rule.clone()])),
        ]);
        let proposed = obj(&[("memo", Value::Null), ("rule", Value::Set(vec![cfg_rule]))]);
        let p = plan(&block, &prior, &proposed, &config);
        assert_eq!(p.requires_replace, vec![AttrPath::root("rule")]);
    }
}
