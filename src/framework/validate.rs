//! Attribute validators. Every validator of every attribute runs (all errors are reported at
//! once), and validators never see null or unknown values: those are skipped, because
//! `terraform validate` may pass unknowns and null means "not set".

use super::diag::Diagnostics;
use super::path::AttrPath;
use crate::protocol::value::Value;
use std::fmt;
use std::sync::Arc;

type CheckFn = dyn Fn(&Value, &AttrPath, &mut Diagnostics) + Send + Sync;

/// A check on one known, non-null attribute value.
#[derive(Clone)]
pub struct Validator {
    description: String,
    check: Arc<CheckFn>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Validator({})", self.description)
    }
}

impl Validator {
    /// A validator from a description (for docs) and a check that records diagnostics.
    pub fn new(
        description: impl Into<String>,
        check: impl Fn(&Value, &AttrPath, &mut Diagnostics) + Send + Sync + 'static,
    ) -> Validator {
        Validator {
            description: description.into(),
            check: Arc::new(check),
        }
    }

    /// A validator on string values: `test` returns `Err(reason)` for a bad value.
    pub fn string(
        description: impl Into<String>,
        test: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Validator {
        Validator::new(description, move |v, path, diags| {
            if let Value::String(s) = v
                && let Err(reason) = test(s)
            {
                diags.error_at(
                    path.clone(),
                    "Invalid Attribute Value",
                    format!("Attribute {path} {reason}."),
                );
            }
        })
    }

    /// What the validator requires, in words (used in generated docs).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Runs the check unless the value is null or unknown.
    pub fn run(&self, v: &Value, path: &AttrPath, diags: &mut Diagnostics) {
        if v.is_null() || v.is_unknown() {
            return;
        }
        (self.check)(v, path, diags);
    }
}

/// The string must be one of `allowed`.
pub fn one_of(allowed: &[&str]) -> Validator {
    let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
    let list = allowed
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let msg = list.clone();
    Validator::string(format!("one of {list}"), move |s| {
        if allowed.iter().any(|a| a == s) {
            Ok(())
        } else {
            Err(format!("value must be one of: {msg}; got {s:?}"))
        }
    })
}

/// The string length (in characters) must be within `min..=max`.
pub fn length_between(min: usize, max: usize) -> Validator {
    Validator::string(format!("{min} to {max} characters"), move |s| {
        let n = s.chars().count();
        if n < min || n > max {
            Err(format!("must be {min} to {max} characters long; got {n}"))
        } else {
            Ok(())
        }
    })
}

/// The number must be an integer within `min..=max`.
pub fn int_between(min: i64, max: i64) -> Validator {
    Validator::new(
        format!("an integer from {min} to {max}"),
        move |v, path, diags| {
            let Value::Number(n) = v else { return };
            match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => {}
                _ => diags.error_at(
                    path.clone(),
                    "Invalid Attribute Value",
                    format!("Attribute {path} must be an integer from {min} to {max}; got {n}."),
                ),
            }
        },
    )
}

/// Every element of a list or set must pass `inner` (paths point at the element).
pub fn each(inner: Validator) -> Validator {
    let desc = format!("each element: {}", inner.description());
    Validator::new(desc, move |v, path, diags| {
        if let Value::List(items) | Value::Set(items) = v {
            for (i, item) in items.iter().enumerate() {
                inner.run(item, &path.index(i), diags);
            }
        }
    })
}

/// Runs the validators of every attribute of `block` (nested attributes and blocks included)
/// against `config`, collecting every error.
pub fn run_block(
    block: &super::schema::Block,
    config: &Value,
    path: &AttrPath,
    diags: &mut Diagnostics,
) {
    use super::schema::{AttrKind, Block};
    let Value::Map(fields) = config else { return };
    for a in &block.attributes {
        let Some(v) = fields.get(&a.name) else {
            continue;
        };
        let p = path.attr(&a.name);
        for val in &a.validators {
            val.run(v, &p, diags);
        }
        if let AttrKind::Nested(nesting, attrs) = &a.kind {
            let inner = Block {
                attributes: attrs.clone(),
                ..Block::default()
            };
            run_nested(&inner, *nesting, v, &p, diags);
        }
    }
    for b in &block.blocks {
        if let Some(v) = fields.get(&b.name) {
            run_nested(&b.block, b.nesting, v, &path.attr(&b.name), diags);
        }
    }
}

fn run_nested(
    block: &super::schema::Block,
    nesting: super::schema::Nesting,
    v: &Value,
    path: &AttrPath,
    diags: &mut Diagnostics,
) {
    use super::schema::Nesting;
    match (nesting, v) {
        (Nesting::Single | Nesting::Group, _) => run_block(block, v, path, diags),
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                run_block(block, item, &path.index(i), diags);
            }
        }
        // Set elements have no path step of their own: report at the set.
        (Nesting::Set, Value::Set(items) | Value::List(items)) => {
            for item in items {
                run_block(block, item, path, diags);
            }
        }
        (Nesting::Map, Value::Map(m)) => {
            for (k, item) in m {
                run_block(block, item, &path.key(k.clone()), diags);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &Validator, val: Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        v.run(&val, &AttrPath::root("site"), &mut d);
        d
    }

    #[test]
    fn one_of_names_the_attribute() {
        let v = one_of(&["public", "gov"]);
        assert!(run(&v, "gov".into()).is_empty());
        let d = run(&v, "mars".into());
        let diag = d.iter().next().expect("one diagnostic");
        assert_eq!(diag.path, Some(AttrPath::root("site")));
        assert!(diag.detail.contains("\"mars\""), "{}", diag.detail);
    }

    #[test]
    fn null_and_unknown_are_skipped() {
        let v = int_between(1, 3);
        assert!(run(&v, Value::Null).is_empty());
        assert!(run(&v, Value::Unknown).is_empty());
        assert!(run(&v, 2.into()).is_empty());
        assert_eq!(run(&v, 0.into()).len(), 1);
        assert_eq!(run(&length_between(1, 2), "abc".into()).len(), 1);
    }

    #[test]
    fn each_points_at_elements() {
        let v = each(length_between(1, 2));
        let d = run(&v, Value::List(vec!["a".into(), "abc".into()]));
        assert_eq!(
            d.iter().next().and_then(|x| x.path.clone()),
            Some(AttrPath::root("site").index(1))
        );
    }
}
