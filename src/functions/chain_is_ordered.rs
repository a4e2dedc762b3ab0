//! `provider::pca::chain_is_ordered(pem)`: whether a PEM bundle runs leaf → root, each
//! certificate issued and signed by the next.

use super::x509::{parse_cert, pem_blocks};
use crate::framework::function::{Definition, Function, FunctionError, Parameter, string_arg};
use crate::framework::{Type, Value};

/// The function's name.
pub const NAME: &str = "chain_is_ordered";

/// `chain_is_ordered`.
pub struct ChainIsOrdered;

impl Function for ChainIsOrdered {
    fn name(&self) -> &'static str {
        NAME
    }

    fn definition(&self) -> Definition {
        Definition::new(
            "Tells whether a PEM bundle is in chain order: each certificate issued and signed by the one after it.",
            Type::Bool,
        )
        .description("True when, for every certificate of the bundle but the last, its issuer name equals the next certificate's subject and its signature verifies with the next certificate's key; a single certificate is trivially in order. The bundle need not end with a root. Use it in a `precondition` or `validation` before handing a chain (for example `pca_end_cert.chain_pem`, or a certificate followed by `issuer_pem`) to a server that expects leaf-first order. Works offline and without provider configuration.\n\nA value with no PEM certificate, or with a block that is not a valid certificate, fails the call with an error naming the `pem` argument.")
        .param(
            Parameter::new("pem", Type::String)
                .description("One or more PEM certificates, concatenated, leaf first."),
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let text = string_arg(args, 0)?;
        let blocks = pem_blocks(text, &["CERTIFICATE"], "certificate", 0)?;
        let certs = blocks
            .iter()
            .map(|d| parse_cert(d, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let ordered = certs.windows(2).all(|pair| {
            let (child, parent) = (&pair[0], &pair[1]);
            child.issuer().as_raw() == parent.subject().as_raw()
                && child.verify_signature(Some(parent.public_key())).is_ok()
        });
        Ok(Value::Bool(ordered))
    }
}
