//! What the data sources share beyond `resources::common`: the `ca_tag` argument, errors that
//! name the attribute that points at something missing, and serial number input.

use crate::client::ClientError;
use crate::framework::diag::Diagnostics;
use crate::framework::path::AttrPath;
use crate::framework::schema::Attribute;
use crate::framework::validate::Validator;
use crate::resources::ca_user::ca_tag_validator;
use crate::resources::common::{api_error, colon_hex};

/// The required `ca_tag` argument.
pub fn ca_tag_attribute(what: &str) -> Attribute {
    Attribute::string("ca_tag")
        .required()
        .validate(ca_tag_validator())
        .description(format!("The `ca_tag` of the CA {what}."))
}

/// Records a failed read: a missing object as an error on `attr` (the argument that named
/// it), anything else as an API error.
pub fn read_error(
    diags: &mut Diagnostics,
    err: &ClientError,
    attr: &str,
    missing: String,
    summary: &str,
) {
    if err.is_not_found() {
        diags.error_at(AttrPath::root(attr), "Not Found", missing);
    } else {
        api_error(diags, summary, err);
    }
}

/// The "no CA" message for a `ca_tag`.
pub fn no_ca(tag: &str) -> String {
    format!(
        "There is no CA with ca_tag {tag:?} in this account (check the tag, the account and the site)."
    )
}

/// A serial number as the API spells it (lower-case colon hex without leading zero octets)
/// from what users write: colon hex (`3a:1f:…`, either case, one or two digits per octet)
/// or plain hex (`3A1F…`, as `openssl x509 -serial` prints it). `None` when it is neither or
/// longer than 20 octets.
pub fn parse_serial(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
        return None;
    }
    let bytes: Vec<u8> = if s.contains(':') {
        s.split(':')
            .map(|o| {
                if (1..=2).contains(&o.len()) {
                    u8::from_str_radix(o, 16).ok()
                } else {
                    None
                }
            })
            .collect::<Option<Vec<u8>>>()?
    } else {
        let padded = if s.len() % 2 == 1 {
            format!("0{s}")
        } else {
            s.to_owned()
        };
        (0..padded.len() / 2)
            .map(|i| {
                padded
                    .get(2 * i..2 * i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()?
    };
    let significant = bytes.iter().skip_while(|b| **b == 0).count();
    if significant > 20 {
        return None;
    }
    Some(colon_hex(&bytes))
}

/// The `serial_number` rule: see [`parse_serial`].
pub fn serial_validator() -> Validator {
    Validator::string(
        "a certificate serial number: colon-separated hex (as the API writes it) or plain hex",
        |s| {
            if parse_serial(s).is_some() {
                Ok(())
            } else {
                Err(format!(
                    "must be a certificate serial number of at most 20 octets, in colon-separated hex such as \"3a:1f:00:9c\" or plain hex such as \"3A1F009C\"; got {s:?}"
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        assert_eq!(parse_serial("3A:1f:00").as_deref(), Some("3a:1f:00"));
        assert_eq!(parse_serial("00:3a").as_deref(), Some("3a"));
        assert_eq!(parse_serial("3A1F00").as_deref(), Some("3a:1f:00"));
        assert_eq!(parse_serial("a1f").as_deref(), Some("0a:1f"));
        assert_eq!(parse_serial("a:1f").as_deref(), Some("0a:1f"));
        for bad in ["", "xyz", "3a::1f", "3a:1f2", &"ab".repeat(21)] {
            assert_eq!(parse_serial(bad), None, "{bad}");
        }
        assert!(parse_serial(&"ab".repeat(20)).is_some());
    }
}
