//! `provider::pca::parse_certificate(pem)`: what a PEM certificate says, as an object.

use super::x509::{cert_info, cert_info_type, parse_cert, pem_blocks};
use crate::framework::Value;
use crate::framework::function::{
    Definition, Function, FunctionError, Parameter, result, string_arg,
};

/// The function's name.
pub const NAME: &str = "parse_certificate";

/// `parse_certificate`.
pub struct ParseCertificate;

impl Function for ParseCertificate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn definition(&self) -> Definition {
        Definition::new(
            "Reads a PEM certificate: subject, issuer, serial number, validity, names, key and usages.",
            cert_info_type(),
        )
        .description("Parses the first certificate of a PEM document (a certificate, or a chain whose first block is the certificate of interest) and returns its fields. Nothing is sent anywhere: the function works offline and without provider configuration.\n\n`serial_number` uses the same lower-case colon hex as `pca_end_cert.serial_number`; `not_before` and `not_after` are RFC 3339 UTC; `sha256_fingerprint`, `subject_key_id` and `authority_key_id` are lower-case colon hex. `key_algorithm` is `RSA`, `ECDSA` or `ED25519`, and `key_type` the provider's name for the key (`RSA2048`, `RSA4096`, `EC256`, `EC384`, `EC521`), null for others. `key_usages` and `extended_key_usages` use the `tls` provider's names (`digital_signature`, `key_encipherment`, `cert_signing`, `crl_signing`, …; `server_auth`, `client_auth`, `code_signing`, `email_protection`, `ocsp_signing`, `time_stamping`; other purposes as dotted OIDs). Subject and issuer attributes are null when absent, and `dn` holds the whole name.\n\nA value that is not a PEM certificate fails the call with an error naming the `pem` argument.")
        .param(
            Parameter::new("pem", crate::framework::Type::String)
                .description("A PEM document whose first block is a certificate (`-----BEGIN CERTIFICATE-----`)."),
        )
    }

    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let text = string_arg(args, 0)?;
        let blocks = pem_blocks(text, &["CERTIFICATE"], "certificate", 0)?;
        let der = &blocks[0];
        let cert = parse_cert(der, 0)?;
        result(&cert_info_type(), &cert_info(der, &cert))
    }
}
