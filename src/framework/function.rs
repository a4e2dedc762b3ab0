//! Provider functions (Terraform 1.8+, `provider::<name>::<function>(…)`): a definition
//! (parameters, return type, summary and description, the source of the docs) and a pure
//! call from argument values to a result or a [`FunctionError`] naming the argument at fault.
//!
//! Functions run without provider configuration (Terraform may call them before, or
//! without, `ConfigureProvider`), so they get no context: only their arguments.

use super::schema::coerce;
use super::typed::to_value;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::value::{Type, Value, json, msgpack};
use serde::Serialize;

/// One parameter of a function.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name shown in docs and in Terraform's error messages.
    pub name: String,
    /// The type the argument is converted to before the call.
    pub ty: Type,
    /// Markdown description.
    pub description: String,
    /// Whether a null argument reaches the function (otherwise Terraform rejects it).
    pub allow_null: bool,
    /// Whether an unknown argument reaches the function (otherwise the result is unknown).
    pub allow_unknown: bool,
}

impl Parameter {
    /// A parameter that accepts neither null nor unknown values.
    pub fn new(name: impl Into<String>, ty: Type) -> Parameter {
        Parameter {
            name: name.into(),
            ty,
            description: String::new(),
            allow_null: false,
            allow_unknown: false,
        }
    }

    /// The Markdown description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }
}

/// What a function takes and returns, and its documentation.
#[derive(Debug, Clone)]
pub struct Definition {
    /// Positional parameters.
    pub parameters: Vec<Parameter>,
    /// The type of the result.
    pub returns: Type,
    /// One line: what the function does.
    pub summary: String,
    /// Markdown description (docs).
    pub description: String,
    /// When set, calling the function prints this deprecation message.
    pub deprecation: Option<String>,
}

impl Definition {
    /// A definition with a summary and a return type; add parameters with [`Self::param`].
    pub fn new(summary: impl Into<String>, returns: Type) -> Definition {
        Definition {
            parameters: Vec::new(),
            returns,
            summary: summary.into(),
            description: String::new(),
            deprecation: None,
        }
    }

    /// Adds a positional parameter.
    pub fn param(mut self, p: Parameter) -> Self {
        self.parameters.push(p);
        self
    }

    /// The Markdown description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Problems that would make Terraform reject the definition or the docs incomplete.
    pub fn lint(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if name.is_empty()
            || !name
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        {
            out.push(format!("function name {name:?} is not [a-z0-9_]+"));
        }
        if self.summary.is_empty() {
            out.push(format!("{name}: no summary"));
        }
        for p in &self.parameters {
            if p.description.is_empty() {
                out.push(format!("{name}({}): no description", p.name));
            }
        }
        out
    }
}

/// A failed call: the text Terraform shows, and the zero-based index of the argument at fault
/// when one is (Terraform then names the parameter and points at the argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// What went wrong, for the user.
    pub text: String,
    /// The argument at fault, if any.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error about argument `index` (zero-based).
    pub fn argument(index: usize, text: impl Into<String>) -> FunctionError {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }

    /// An error about the call as a whole.
    pub fn general(text: impl Into<String>) -> FunctionError {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }
}

/// A provider function.
pub trait Function: Send + Sync + 'static {
    /// The function's name (without `provider::<provider>::`).
    fn name(&self) -> &'static str;

    /// Parameters, return type and docs.
    fn definition(&self) -> Definition;

    /// Computes the result from the arguments (one per parameter, already of the parameter's
    /// type; never null or unknown unless the parameter allows it). Must be pure: Terraform
    /// calls functions again during apply and expects the same result.
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;
}

/// Encodes a typed result for a function returning `ty`: lists and sets take the kind the
/// type asks for. An encoding failure is a bug in the function, reported as a general error.
pub fn result<T: Serialize>(ty: &Type, t: &T) -> Result<Value, FunctionError> {
    to_value(t).map(|v| coerce(ty, v)).map_err(|e| {
        FunctionError::general(format!(
            "The provider could not encode the result: {e}. This is a bug in the provider."
        ))
    })
}

/// The string argument at `index`, or an error naming it.
pub fn string_arg(args: &[Value], index: usize) -> Result<&str, FunctionError> {
    args.get(index)
        .and_then(Value::as_str)
        .ok_or_else(|| FunctionError::argument(index, "a string is required"))
}

/// The functions of a provider, by name, with their definitions built once.
#[derive(Default)]
pub(crate) struct Functions {
    by_name: std::collections::BTreeMap<&'static str, (Definition, std::sync::Arc<dyn Function>)>,
}

impl Functions {
    pub(crate) fn new(list: Vec<std::sync::Arc<dyn Function>>) -> Functions {
        Functions {
            by_name: list
                .into_iter()
                .map(|f| (f.name(), (f.definition(), f)))
                .collect(),
        }
    }

    /// The definitions as `GetProviderSchema` / `GetFunctions` carry them.
    pub(crate) fn to_proto(&self) -> std::collections::HashMap<String, pb::Function> {
        self.by_name
            .iter()
            .map(|(name, (d, _))| ((*name).to_owned(), definition_to_proto(d)))
            .collect()
    }

    /// The names, for `GetMetadata`.
    pub(crate) fn metadata(&self) -> Vec<pb::get_metadata::FunctionMetadata> {
        self.by_name
            .keys()
            .map(|n| pb::get_metadata::FunctionMetadata {
                name: (*n).to_owned(),
            })
            .collect()
    }

    /// Serves `CallFunction`: decodes each argument with its parameter's type, calls, encodes.
    pub(crate) fn call(&self, req: pb::call_function::Request) -> pb::call_function::Response {
        let fail = |e: FunctionError| pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: e.text,
                function_argument: e.argument.and_then(|i| i64::try_from(i).ok()),
            }),
        };
        let Some((def, f)) = self.by_name.get(req.name.as_str()) else {
            return fail(FunctionError::general(format!(
                "The provider has no function {:?}.",
                req.name
            )));
        };
        if req.arguments.len() != def.parameters.len() {
            return fail(FunctionError::general(format!(
                "{} takes {} argument(s), got {}.",
                req.name,
                def.parameters.len(),
                req.arguments.len()
            )));
        }
        let mut args = Vec::with_capacity(def.parameters.len());
        for (i, (p, dv)) in def.parameters.iter().zip(&req.arguments).enumerate() {
            let decoded = if dv.msgpack.is_empty() && !dv.json.is_empty() {
                json::decode(&p.ty, &dv.json).map_err(|e| e.to_string())
            } else {
                msgpack::decode(&p.ty, &dv.msgpack).map_err(|e| e.to_string())
            };
            match decoded {
                Ok(v) => args.push(v),
                Err(e) => {
                    return fail(FunctionError::argument(
                        i,
                        format!("Terraform sent an argument the provider could not decode: {e}"),
                    ));
                }
            }
        }
        match f.call(&args) {
            Ok(v) => match msgpack::encode(&def.returns, &v) {
                Ok(bytes) => pb::call_function::Response {
                    result: Some(pb::DynamicValue {
                        msgpack: bytes,
                        json: Vec::new(),
                    }),
                    error: None,
                },
                Err(e) => fail(FunctionError::general(format!(
                    "The provider could not encode the result of {}: {e}. This is a bug in the provider.",
                    req.name
                ))),
            },
            Err(e) => fail(e),
        }
    }
}

fn param_to_proto(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: p.ty.to_json(),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    }
}

fn definition_to_proto(d: &Definition) -> pb::Function {
    pb::Function {
        parameters: d.parameters.iter().map(param_to_proto).collect(),
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: d.returns.to_json(),
        }),
        summary: d.summary.clone(),
        description: d.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: d.deprecation.clone().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Repeat;

    impl Function for Repeat {
        fn name(&self) -> &'static str {
            "repeat"
        }
        fn definition(&self) -> Definition {
            Definition::new("Repeats a string.", Type::list(Type::String))
                .param(Parameter::new("text", Type::String).description("Text."))
                .param(Parameter::new("times", Type::Number).description("Count."))
        }
        fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
            let text = string_arg(args, 0)?;
            let n = args
                .get(1)
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .filter(|n| (0..=10).contains(n))
                .ok_or_else(|| FunctionError::argument(1, "times must be 0 to 10"))?;
            result(
                &Type::list(Type::String),
                &vec![text; usize::try_from(n).unwrap_or(0)],
            )
        }
    }

    fn arg(ty: &Type, v: Value) -> pb::DynamicValue {
        pb::DynamicValue {
            msgpack: msgpack::encode(ty, &v).unwrap_or_default(),
            json: Vec::new(),
        }
    }

    fn call(
        fs: &Functions,
        name: &str,
        args: Vec<pb::DynamicValue>,
    ) -> pb::call_function::Response {
        fs.call(pb::call_function::Request {
            name: name.to_owned(),
            arguments: args,
        })
    }

    #[test]
    fn call_decodes_arguments_and_encodes_the_result() {
        let fs = Functions::new(vec![Arc::new(Repeat)]);
        let r = call(
            &fs,
            "repeat",
            vec![
                arg(&Type::String, Value::String("a".into())),
                arg(&Type::Number, Value::Number(2.into())),
            ],
        );
        assert!(r.error.is_none(), "{:?}", r.error);
        let v = msgpack::decode(
            &Type::list(Type::String),
            &r.result.unwrap_or_default().msgpack,
        );
        assert_eq!(
            v.ok(),
            Some(Value::List(vec![
                Value::String("a".into()),
                Value::String("a".into())
            ]))
        );
        let defs = fs.to_proto();
        assert_eq!(defs["repeat"].parameters.len(), 2);
        assert_eq!(
            defs["repeat"].r#return.as_ref().map(|r| r.r#type.clone()),
            Some(br#"["list","string"]"#.to_vec())
        );
        assert_eq!(fs.metadata()[0].name, "repeat");
    }

    #[test]
    fn errors_carry_the_argument_index() {
        let fs = Functions::new(vec![Arc::new(Repeat)]);
        let r = call(
            &fs,
            "repeat",
            vec![
                arg(&Type::String, Value::String("a".into())),
                arg(&Type::Number, Value::Number(99.into())),
            ],
        );
        assert_eq!(r.error.as_ref().and_then(|e| e.function_argument), Some(1));
        assert!(r.result.is_none());
        // Undecodable bytes name the argument too; unknown names and wrong counts do not.
        let r = call(
            &fs,
            "repeat",
            vec![
                pb::DynamicValue {
                    msgpack: vec![0xc1],
                    json: Vec::new(),
                },
                arg(&Type::Number, Value::Number(1.into())),
            ],
        );
        assert_eq!(r.error.as_ref().and_then(|e| e.function_argument), Some(0));
        let r = call(&fs, "nope", Vec::new());
        assert_eq!(r.error.as_ref().map(|e| e.function_argument), Some(None));
        let r = call(&fs, "repeat", Vec::new());
        assert!(r.error.is_some_and(|e| e.text.contains("takes 2")));
    }
}
