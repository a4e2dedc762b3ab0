//! Serial numbers in the API's text form (§1.9): colon-separated lower-case hex octets.
//!
//! The text is the certificate's serial as an **unsigned big-endian value without leading
//! zero octets** (so `00:8a:…` in DER prints as `8a:…`, as `openssl x509 -serial` does). For
//! serials this engine makes ([`new_serial`]) that is exactly the 20 random bytes, and it is
//! also what [`cert_info`](super::cert_info) reports and what the OCSP responder passes to
//! its lookup, so a serial string always round-trips.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};

use super::PkiError;
use crate::api::model::SerialNo;

/// Length of the serials [`new_serial`] makes (the RFC 5280 maximum).
pub const SERIAL_LEN: usize = 20;

/// A fresh serial: 20 random bytes from the system RNG, the first one in `0x01..=0x7f`
/// (positive, and no leading zero so the DER INTEGER content is exactly these 20 bytes),
/// rendered as lower-case colon hex, e.g. `5d:0e:77:…:11` (59 characters).
///
/// Fails only if the operating system's RNG fails ([`PkiError::Internal`]).
pub fn new_serial() -> Result<String, PkiError> {
    let mut b = [0u8; SERIAL_LEN];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| PkiError::Internal("system random generator failed".into()))?;
    b[0] &= 0x7f;
    if b[0] == 0 {
        b[0] = 0x01;
    }
    Ok(format_serial(&b))
}

/// Formats serial bytes (DER INTEGER content or plain magnitude) canonically: leading zero
/// octets dropped (one kept for zero), lower-case hex, `:`-joined.
pub(crate) fn format_serial(bytes: &[u8]) -> String {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let magnitude = if first == bytes.len() {
        &[0u8][..]
    } else {
        &bytes[first..]
    };
    SerialNo::from_bytes(magnitude).0
}

/// Parses colon hex (either case; leading zero octets tolerated) into the magnitude bytes.
/// At most 20 significant octets (RFC 5280). Errors: [`PkiError::BadInput`].
pub(crate) fn parse_serial(text: &str) -> Result<Vec<u8>, PkiError> {
    let bad = || PkiError::BadInput(format!("serial number {text:?} is not colon-separated hex"));
    if !SerialNo::from(text).is_well_formed() {
        return Err(bad());
    }
    let mut out = Vec::new();
    for octet in text.split(':') {
        out.push(u8::from_str_radix(octet, 16).map_err(|_| bad())?);
    }
    let first = out.iter().position(|&b| b != 0).unwrap_or(out.len());
    out.drain(..first.min(out.len().saturating_sub(1)));
    if out.len() > SERIAL_LEN {
        return Err(PkiError::BadInput(format!(
            "serial number {text:?} is longer than {SERIAL_LEN} octets"
        )));
    }
    Ok(out)
}

/// The canonical text of a serial given as text (lower case, no leading zero octets).
pub fn canonical_serial(text: &str) -> Result<String, PkiError> {
    Ok(format_serial(&parse_serial(text)?))
}
