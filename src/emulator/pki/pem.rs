//! PEM reading and writing.
//!
//! Reading accepts what the API may carry (§1.9): blocks separated by anything, `\n` or
//! `\r\n` line ends, text before/between/after blocks. Writing always produces 64-column
//! base64 with `\n` line ends.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use x509_parser::pem::Pem;

use super::PkiError;

/// `CERTIFICATE`.
pub(crate) const LABEL_CERTIFICATE: &str = "CERTIFICATE";
/// `CERTIFICATE REQUEST` (PKCS#10).
pub(crate) const LABEL_CSR: &str = "CERTIFICATE REQUEST";
/// `NEW CERTIFICATE REQUEST` (older tools).
pub(crate) const LABEL_NEW_CSR: &str = "NEW CERTIFICATE REQUEST";
/// `PRIVATE KEY` (PKCS#8).
pub(crate) const LABEL_PRIVATE_KEY: &str = "PRIVATE KEY";
/// `X509 CRL`.
pub(crate) const LABEL_CRL: &str = "X509 CRL";

/// All PEM blocks of `text` as `(label, der)`, in order. Malformed blocks are an error; a text
/// without any block yields an empty list.
pub(crate) fn blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>, PkiError> {
    let mut out = Vec::new();
    for item in Pem::iter_from_buffer(text.as_bytes()) {
        let pem = item.map_err(|e| PkiError::BadPem(format!("malformed PEM block ({e})")))?;
        out.push((pem.label, pem.contents));
    }
    Ok(out)
}

/// The DER of every block of `text`, requiring each label to be one of `labels`.
pub(crate) fn blocks_labelled(text: &str, labels: &[&str]) -> Result<Vec<Vec<u8>>, PkiError> {
    blocks(text)?
        .into_iter()
        .map(|(label, der)| {
            if labels.contains(&label.as_str()) {
                Ok(der)
            } else {
                Err(PkiError::BadPem(format!(
                    "unexpected PEM block {label:?} (expected {})",
                    labels.join(" or ")
                )))
            }
        })
        .collect()
}

/// The DER of the one block of `text`; its label must be one of `labels`.
pub(crate) fn single_block(text: &str, labels: &[&str]) -> Result<Vec<u8>, PkiError> {
    let mut all = blocks_labelled(text, labels)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(PkiError::BadPem(format!(
            "no {} PEM block",
            labels.join(" or ")
        ))),
        n => Err(PkiError::BadPem(format!(
            "expected one PEM block, found {n}"
        ))),
    }
}

/// Encodes DER as PEM: `-----BEGIN {label}-----\n`, 64-column base64, `-----END {label}-----\n`.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// The DER inside the first PEM block of `text`, whatever its label (certificate, CRL,
/// CSR…): handy to serve a CRL as `application/pkix-crl`.
pub fn pem_to_der(text: &str) -> Result<Vec<u8>, PkiError> {
    blocks(text)?
        .into_iter()
        .next()
        .map(|(_, der)| der)
        .ok_or_else(|| PkiError::BadPem("no PEM block".into()))
}

/// Concatenates PEM certificates into one chain text (§2.6): each block normalised to end
/// with exactly one `\n`, in the given order, blank inputs skipped.
pub fn chain_pem(certs: &[&str]) -> String {
    let mut out = String::new();
    for c in certs {
        let t = c.trim();
        if t.is_empty() {
            continue;
        }
        out.push_str(t);
        out.push('\n');
    }
    out
}
