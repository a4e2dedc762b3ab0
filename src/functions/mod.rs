//! Provider functions (Terraform 1.8+): `provider::pca::<name>(…)`. One function per file,
//! pure (no API call, no provider configuration); the X.509 reading they share is in
//! [`x509`].

pub mod chain_is_ordered;
pub mod parse_certificate;
pub mod parse_csr;
pub mod x509;

use crate::framework::function::Function;
use std::sync::Arc;

/// Every function of the provider.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![
        Arc::new(parse_certificate::ParseCertificate),
        Arc::new(parse_csr::ParseCsr),
        Arc::new(chain_is_ordered::ChainIsOrdered),
    ]
}

#[cfg(test)]
mod tests;
