//! Schemas: attributes, nested attributes and blocks, with modes, sensitivity, descriptions,
//! defaults, plan modifiers and validators. Order is the order of declaration, so every output
//! built from a schema (protocol schema, docs, JSON) is deterministic.
//!
//! Each attribute reads as one sentence:
//!
//! ```
//! use pca::framework::schema::Attribute;
//! let a = Attribute::string("alias").required().requires_replace()
//!     .description("Name of the CA, unique in the account.");
//! assert!(a.is_required());
//! ```

use super::validate::Validator;
use crate::protocol::value::{Type, Value};
use std::fmt;
use std::sync::Arc;

/// Whether a value comes from configuration, from the provider, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Must be set in configuration.
    Required,
    /// May be set in configuration; null otherwise.
    Optional,
    /// Set by the provider only.
    Computed,
    /// May be set in configuration; otherwise the provider decides (or the default applies).
    OptionalComputed,
}

/// How nested objects are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Exactly one object (or null).
    Single,
    /// An ordered list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects by label.
    Map,
    /// Blocks only: one object that is never null (all attributes null when absent).
    Group,
}

type ReplaceIfFn = dyn Fn(&Value, &Value) -> bool + Send + Sync;

/// Rules applied to an attribute's planned value (see [`crate::framework::plan`]).
#[derive(Clone)]
pub enum PlanModifier {
    /// When the plan would make the value unknown and there is prior state, keep the prior
    /// value (for values that never change once created, like `id`).
    UseStateForUnknown,
    /// A change of this value destroys and re-creates the object.
    RequiresReplace,
    /// A change for which `test(prior, planned)` is true destroys and re-creates the object.
    RequiresReplaceIf(String, Arc<ReplaceIfFn>),
}

impl fmt::Debug for PlanModifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanModifier::UseStateForUnknown => f.write_str("UseStateForUnknown"),
            PlanModifier::RequiresReplace => f.write_str("RequiresReplace"),
            PlanModifier::RequiresReplaceIf(d, _) => write!(f, "RequiresReplaceIf({d})"),
        }
    }
}

/// What an attribute holds: a value of a type, or nested attributes.
#[derive(Debug, Clone)]
pub enum AttrKind {
    /// A value of a Terraform type.
    Typed(Type),
    /// Nested attributes (protocol `nested_type`).
    Nested(Nesting, Vec<Attribute>),
}

/// One attribute of a block.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// The attribute name (`^[a-z0-9_]+$`).
    pub name: String,
    /// Its type or nested attributes.
    pub kind: AttrKind,
    /// Required, optional, computed or both.
    pub mode: Mode,
    /// Hidden in plan output (the value is still stored in state).
    pub sensitive: bool,
    /// Write-only (Terraform 1.11+): the configured value reaches the provider at plan and
    /// apply but never state or plan; it is null in every state the provider returns.
    pub write_only: bool,
    /// Markdown description, the source of the generated docs.
    pub description: String,
    /// When set, using the attribute prints this deprecation message.
    pub deprecation: Option<String>,
    /// The value planned when the configuration leaves the attribute null.
    pub default: Option<Value>,
    /// Plan modifiers, applied in order.
    pub modifiers: Vec<PlanModifier>,
    /// Validators, all of which run.
    pub validators: Vec<Validator>,
}

impl Attribute {
    /// An attribute of type `ty`, optional until a mode method says otherwise.
    pub fn new(name: impl Into<String>, ty: Type) -> Attribute {
        Attribute::with_kind(name, AttrKind::Typed(ty))
    }

    fn with_kind(name: impl Into<String>, kind: AttrKind) -> Attribute {
        Attribute {
            name: name.into(),
            kind,
            mode: Mode::Optional,
            sensitive: false,
            write_only: false,
            description: String::new(),
            deprecation: None,
            default: None,
            modifiers: Vec::new(),
            validators: Vec::new(),
        }
    }

    /// A string attribute.
    pub fn string(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::String)
    }

    /// A number attribute.
    pub fn number(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::Number)
    }

    /// A bool attribute.
    pub fn bool(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    /// A list of `elem`.
    pub fn list(name: impl Into<String>, elem: Type) -> Attribute {
        Attribute::new(name, Type::list(elem))
    }

    /// A set of `elem`.
    pub fn set(name: impl Into<String>, elem: Type) -> Attribute {
        Attribute::new(name, Type::set(elem))
    }

    /// A map of `elem`.
    pub fn map(name: impl Into<String>, elem: Type) -> Attribute {
        Attribute::new(name, Type::map(elem))
    }

    /// Nested attributes grouped by `nesting` (not [`Nesting::Group`]).
    pub fn nested(name: impl Into<String>, nesting: Nesting, attrs: Vec<Attribute>) -> Attribute {
        Attribute::with_kind(name, AttrKind::Nested(nesting, attrs))
    }

    /// Must be set in configuration.
    pub fn required(mut self) -> Self {
        self.mode = Mode::Required;
        self
    }

    /// May be set in configuration.
    pub fn optional(mut self) -> Self {
        self.mode = Mode::Optional;
        self
    }

    /// Set by the provider only.
    pub fn computed(mut self) -> Self {
        self.mode = Mode::Computed;
        self
    }

    /// May be set; otherwise decided by the provider.
    pub fn optional_computed(mut self) -> Self {
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Hidden in plan output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Write-only (Terraform 1.11+): configuration may set it (ephemeral values included);
    /// the resource sees the value when it plans and applies, and it is null in every state
    /// and plan. It cannot be computed, have a default or force replacement by itself: pair
    /// it with an ordinary version attribute that does (`secret_wo` + `secret_wo_version`).
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    /// The Markdown description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Marks the attribute deprecated with a message.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    /// The value planned when configuration leaves it null. The attribute becomes
    /// optional + computed (Terraform only accepts provider-chosen values for computed
    /// attributes).
    pub fn default(mut self, v: impl Into<Value>) -> Self {
        self.default = Some(v.into());
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Adds [`PlanModifier::RequiresReplace`].
    pub fn requires_replace(mut self) -> Self {
        self.modifiers.push(PlanModifier::RequiresReplace);
        self
    }

    /// Adds [`PlanModifier::RequiresReplaceIf`].
    pub fn requires_replace_if(
        mut self,
        description: impl Into<String>,
        test: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.modifiers.push(PlanModifier::RequiresReplaceIf(
            description.into(),
            Arc::new(test),
        ));
        self
    }

    /// Adds [`PlanModifier::UseStateForUnknown`].
    pub fn use_state_for_unknown(mut self) -> Self {
        self.modifiers.push(PlanModifier::UseStateForUnknown);
        self
    }

    /// Adds a validator.
    pub fn validate(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }

    /// True when required.
    pub fn is_required(&self) -> bool {
        self.mode == Mode::Required
    }

    /// True when the provider may set the value.
    pub fn is_computed(&self) -> bool {
        matches!(self.mode, Mode::Computed | Mode::OptionalComputed)
    }

    /// True when configuration may set the value.
    pub fn is_configurable(&self) -> bool {
        !matches!(self.mode, Mode::Computed)
    }

    /// True when a change forces replacement (unconditionally).
    pub fn forces_replacement(&self) -> bool {
        self.modifiers
            .iter()
            .any(|m| matches!(m, PlanModifier::RequiresReplace))
    }

    /// True when the attribute, or an attribute nested in it, is write-only.
    pub fn contains_write_only(&self) -> bool {
        self.write_only
            || matches!(&self.kind, AttrKind::Nested(_, attrs) if attrs.iter().any(Attribute::contains_write_only))
    }

    /// The attribute's value type.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttrKind::Typed(t) => t.clone(),
            AttrKind::Nested(nesting, attrs) => nest(
                *nesting,
                Type::object(attrs.iter().map(|a| (a.name.clone(), a.value_type()))),
            ),
        }
    }
}

fn nest(nesting: Nesting, obj: Type) -> Type {
    match nesting {
        Nesting::Single | Nesting::Group => obj,
        Nesting::List => Type::list(obj),
        Nesting::Set => Type::set(obj),
        Nesting::Map => Type::map(obj),
    }
}

/// A nested block type (`subject { ... }` in HCL).
#[derive(Debug, Clone)]
pub struct NestedBlock {
    /// The block type name.
    pub name: String,
    /// How blocks of this type are grouped.
    pub nesting: Nesting,
    /// The block's content.
    pub block: Block,
    /// Minimum number of blocks (0 = no minimum).
    pub min_items: i64,
    /// Maximum number of blocks (0 = no maximum).
    pub max_items: i64,
}

impl NestedBlock {
    /// A nested block type.
    pub fn new(name: impl Into<String>, nesting: Nesting, block: Block) -> NestedBlock {
        NestedBlock {
            name: name.into(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
        }
    }

    /// Sets the item count limits.
    pub fn items(mut self, min: i64, max: i64) -> Self {
        self.min_items = min;
        self.max_items = max;
        self
    }

    /// The value type of this block collection.
    pub fn value_type(&self) -> Type {
        nest(self.nesting, self.block.value_type())
    }
}

/// A block: attributes and nested block types.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Attributes, in declaration order.
    pub attributes: Vec<Attribute>,
    /// Nested block types, in declaration order.
    pub blocks: Vec<NestedBlock>,
    /// Markdown description.
    pub description: String,
    /// When set, using the block prints this deprecation message.
    pub deprecation: Option<String>,
}

impl Block {
    /// An empty block.
    pub fn new() -> Block {
        Block::default()
    }

    /// Adds an attribute.
    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    /// Adds a nested block type.
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// The object type of this block's values.
    pub fn value_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.value_type()))
                .chain(self.blocks.iter().map(|b| (b.name.clone(), b.value_type()))),
        )
    }

    /// True when some attribute of the block (at any depth) is write-only.
    pub fn contains_write_only(&self) -> bool {
        self.attributes.iter().any(Attribute::contains_write_only)
            || self.blocks.iter().any(|b| b.block.contains_write_only())
    }

    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Problems that would make Terraform reject the schema (names, modes, duplicates).
    pub fn lint(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let valid = |n: &str| {
            !n.is_empty()
                && n.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        };
        for a in &self.attributes {
            if !valid(&a.name) {
                out.push(format!("attribute name {:?} is not [a-z0-9_]+", a.name));
            }
            if !seen.insert(a.name.clone()) {
                out.push(format!("duplicate name {:?}", a.name));
            }
            if a.default.is_some() && a.mode != Mode::OptionalComputed {
                out.push(format!(
                    "{}: a default needs an optional + computed attribute",
                    a.name
                ));
            }
            if a.description.is_empty() {
                out.push(format!("{}: no description", a.name));
            }
            if a.write_only {
                if a.is_computed() || a.default.is_some() {
                    out.push(format!(
                        "{}: a write-only attribute cannot be computed or have a default",
                        a.name
                    ));
                }
                if !a.modifiers.is_empty() {
                    out.push(format!(
                        "{}: a write-only attribute has no plan modifiers (its prior value is always null); force replacement with a version attribute beside it",
                        a.name
                    ));
                }
            }
            if let AttrKind::Nested(Nesting::Set, attrs) = &a.kind
                && attrs.iter().any(Attribute::contains_write_only)
            {
                out.push(format!(
                    "{}: set-nested attributes cannot hold write-only attributes",
                    a.name
                ));
            }
            if let AttrKind::Nested(n, attrs) = &a.kind {
                if *n == Nesting::Group {
                    out.push(format!(
                        "{}: nested attributes cannot use group nesting",
                        a.name
                    ));
                }
                let inner = Block {
                    attributes: attrs.clone(),
                    ..Block::default()
                };
                out.extend(inner.lint().into_iter().map(|e| format!("{}.{e}", a.name)));
            }
        }
        for b in &self.blocks {
            if !valid(&b.name) {
                out.push(format!("block name {:?} is not [a-z0-9_]+", b.name));
            }
            if !seen.insert(b.name.clone()) {
                out.push(format!("duplicate name {:?}", b.name));
            }
            if b.nesting == Nesting::Set && b.block.contains_write_only() {
                out.push(format!(
                    "{}: set blocks cannot hold write-only attributes",
                    b.name
                ));
            }
            out.extend(
                b.block
                    .lint()
                    .into_iter()
                    .map(|e| format!("{}.{e}", b.name)),
            );
        }
        out
    }
}

/// A versioned schema of a provider, resource or data source.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The schema version recorded in state (for resources; bump it and upgrade old states
    /// when the stored shape changes).
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A version-0 schema with a description.
    pub fn new(description: impl Into<String>) -> Schema {
        Schema {
            version: 0,
            block: Block::new().description(description),
        }
    }

    /// Sets the version.
    pub fn version(mut self, v: i64) -> Self {
        self.version = v;
        self
    }

    /// Adds an attribute.
    pub fn attr(mut self, a: Attribute) -> Self {
        self.block.attributes.push(a);
        self
    }

    /// Adds a nested block type.
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.block.blocks.push(b);
        self
    }

    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

impl Block {
    /// Brings an object value into the exact shape Terraform requires for this block:
    /// missing attributes become null, attributes the schema does not know are dropped,
    /// list and set block collections are empty rather than null, and group blocks are
    /// objects rather than null. Unknown and null objects stay as they are.
    pub fn conform(&self, v: Value) -> Value {
        let Value::Map(mut fields) = v else { return v };
        let mut out = std::collections::BTreeMap::new();
        for a in &self.attributes {
            let val = fields.remove(&a.name).unwrap_or(Value::Null);
            let val = match &a.kind {
                AttrKind::Nested(n, attrs) => {
                    let inner = Block {
                        attributes: attrs.clone(),
                        ..Block::default()
                    };
                    conform_nested(&inner, *n, val, false)
                }
                AttrKind::Typed(t) => coerce(t, val),
            };
            out.insert(a.name.clone(), val);
        }
        for b in &self.blocks {
            let val = fields.remove(&b.name).unwrap_or(Value::Null);
            out.insert(
                b.name.clone(),
                conform_nested(&b.block, b.nesting, val, true),
            );
        }
        Value::Map(out)
    }
}

fn conform_nested(block: &Block, nesting: Nesting, v: Value, is_block: bool) -> Value {
    match (nesting, v) {
        (_, Value::Unknown) => Value::Unknown,
        (Nesting::List, Value::Null) if is_block => Value::List(Vec::new()),
        (Nesting::Set, Value::Null) if is_block => Value::Set(Vec::new()),
        (Nesting::Map, Value::Null) if is_block => Value::Map(Default::default()),
        (Nesting::Group, Value::Null) => block.conform(Value::Map(Default::default())),
        (_, Value::Null) => Value::Null,
        (Nesting::Single | Nesting::Group, v) => block.conform(v),
        (Nesting::List, Value::List(items)) => {
            Value::List(items.into_iter().map(|i| block.conform(i)).collect())
        }
        (Nesting::Set, Value::Set(items) | Value::List(items)) => {
            Value::Set(items.into_iter().map(|i| block.conform(i)).collect())
        }
        (Nesting::Map, Value::Map(items)) => Value::Map(
            items
                .into_iter()
                .map(|(k, i)| (k, block.conform(i)))
                .collect(),
        ),
        (_, other) => other,
    }
}

/// Gives collection values the kind their type asks for: typed models produce every
/// sequence as a list, while set-typed attributes need sets (and the other way round).
pub fn coerce(ty: &Type, v: Value) -> Value {
    match (ty, v) {
        (Type::Set(e), Value::List(items) | Value::Set(items)) => {
            Value::Set(items.into_iter().map(|i| coerce(e, i)).collect())
        }
        (Type::List(e), Value::List(items) | Value::Set(items)) => {
            Value::List(items.into_iter().map(|i| coerce(e, i)).collect())
        }
        (Type::Tuple(ts), Value::List(items)) => Value::List(
            items
                .into_iter()
                .zip(ts)
                .map(|(i, t)| coerce(t, i))
                .collect(),
        ),
        (Type::Map(e), Value::Map(m)) => {
            Value::Map(m.into_iter().map(|(k, i)| (k, coerce(e, i))).collect())
        }
        (Type::Object(attrs), Value::Map(m)) => Value::Map(
            m.into_iter()
                .map(|(k, i)| {
                    let i = match attrs.get(&k) {
                        Some(t) => coerce(t, i),
                        None => i,
                    };
                    (k, i)
                })
                .collect(),
        ),
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_type_includes_nested_attributes_and_blocks() {
        let s = Schema::new("x")
            .attr(Attribute::string("a").required().description("a"))
            .attr(
                Attribute::nested(
                    "subject",
                    Nesting::Single,
                    vec![Attribute::string("cn").required().description("cn")],
                )
                .required()
                .description("s"),
            )
            .block(NestedBlock::new(
                "rule",
                Nesting::List,
                Block::new().attr(Attribute::number("n").optional().description("n")),
            ));
        let t = s.value_type();
        assert_eq!(
            String::from_utf8(t.to_json()).ok(),
            Some(r#"["object",{"a":"string","rule":["list",["object",{"n":"number"}]],"subject":["object",{"cn":"string"}]}]"#.to_owned())
        );
        assert!(s.block.lint().is_empty(), "{:?}", s.block.lint());
    }

    #[test]
    fn lint_catches_bad_names_and_defaults() {
        let mut a = Attribute::string("Bad").optional().description("d");
        a.default = Some(Value::Bool(true));
        let b = Block::new().attr(a);
        assert_eq!(b.lint().len(), 2);
    }
}
