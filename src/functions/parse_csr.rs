//! `provider::pca::parse_csr(pem)`: what a PKCS#10 certificate signing request asks for.

use super::x509::{Key, Sans, key, key_types, name, name_type, pem_blocks, sans, sans_types};
use crate::framework::function::{
    Definition, Function, FunctionError, Parameter, result, string_arg,
};
use crate::framework::{Type, Value};
use serde::Serialize;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

/// The function's name.
pub const NAME: &str = "parse_csr";

/// `parse_csr`.
pub struct ParseCsr;

#[derive(Serialize)]
struct CsrInfo {
    subject: super::x509::Name,
    #[serde(flatten)]
    sans: Sans,
    #[serde(flatten)]
    key: Key,
    signature_valid: bool,
}

fn csr_type() -> Type {
    let mut attrs: Vec<(&str, Type)> =
        vec![("subject", name_type()), ("signature_valid", Type::Bool)];
    attrs.extend(sans_types());
    attrs.extend(key_types());
    Type::object(attrs)
}

impl Function for ParseCsr {
    fn name(&self) -> &'static str {
        NAME
    }

    fn definition(&self) -> Definition {
        Definition::new(
            "Reads a PEM certificate signing request: subject, requested names and key.",
            csr_type(),
        )
        .description("Parses a PKCS#10 CSR (`-----BEGIN CERTIFICATE REQUEST-----`) and returns the subject, the subject alternative names it requests, its key, and whether its self-signature verifies. Useful to check a CSR in a `precondition` before `pca_end_cert` sends it to the CA. Works offline and without provider configuration.\n\nThe attributes have the same shapes as those of `parse_certificate`. A value that is not a PEM CSR fails the call with an error naming the `pem` argument.")
        .param(
            Parameter::new("pem", Type::String)
                .description("A PEM certificate signing request."),
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let text = string_arg(args, 0)?;
        let blocks = pem_blocks(
            text,
            &["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"],
            "certificate signing request",
            0,
        )?;
        let (_, csr) = X509CertificationRequest::from_der(&blocks[0]).map_err(|e| {
            FunctionError::argument(
                0,
                format!("The PEM block is not a valid PKCS#10 request: {e}"),
            )
        })?;
        let info = &csr.certification_request_info;
        let mut s = Sans::default();
        if let Some(exts) = csr.requested_extensions() {
            for e in exts {
                if let ParsedExtension::SubjectAlternativeName(san) = e {
                    s = sans(&san.general_names);
                }
            }
        }
        let out = CsrInfo {
            subject: name(&info.subject),
            sans: s,
            key: key(&info.subject_pki),
            signature_valid: csr.verify_signature().is_ok(),
        };
        result(&csr_type(), &out)
    }
}
