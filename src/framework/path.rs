//! Attribute paths: where in a configuration or state a value sits.

use std::fmt;

/// One step of an [`AttrPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An object attribute or nested block, by name.
    Attr(String),
    /// A list element (or list block element), by index.
    Index(i64),
    /// A map element, by key.
    Key(String),
}

/// A path to a value inside an object: `subject.common_name`, `alt_names[2]`, `tags["env"]`.
///
/// ```
/// use pca::framework::path::AttrPath;
/// let p = AttrPath::root("subject").attr("common_name");
/// assert_eq!(p.to_string(), "subject.common_name");
/// assert_eq!(AttrPath::root("alt_names").index(2).to_string(), "alt_names[2]");
/// assert_eq!(AttrPath::root("tags").key("env").to_string(), "tags[\"env\"]");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrPath(Vec<Step>);

impl AttrPath {
    /// The empty path (the whole object).
    pub fn empty() -> AttrPath {
        AttrPath(Vec::new())
    }

    /// A path starting at the top-level attribute `name`.
    pub fn root(name: impl Into<String>) -> AttrPath {
        AttrPath(vec![Step::Attr(name.into())])
    }

    /// This path extended by the attribute `name`.
    pub fn attr(&self, name: impl Into<String>) -> AttrPath {
        self.with(Step::Attr(name.into()))
    }

    /// This path extended by the list index `i`.
    pub fn index(&self, i: usize) -> AttrPath {
        self.with(Step::Index(i64::try_from(i).unwrap_or(i64::MAX)))
    }

    /// This path extended by the map key `k`.
    pub fn key(&self, k: impl Into<String>) -> AttrPath {
        self.with(Step::Key(k.into()))
    }

    fn with(&self, step: Step) -> AttrPath {
        let mut v = self.0.clone();
        v.push(step);
        AttrPath(v)
    }

    /// The steps of the path.
    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    /// A path from steps.
    pub fn from_steps(steps: Vec<Step>) -> AttrPath {
        AttrPath(steps)
    }

    /// True for the empty path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Attr(a) if i == 0 => f.write_str(a)?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}
