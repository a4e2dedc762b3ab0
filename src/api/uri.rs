//! RFC 3986 percent-encoding, path segments and query strings (spec §1.3, A12).
//!
//! The signature covers the request URI byte for byte (§1.3), so the client builds the query
//! string once with [`query_string`] and sends exactly those bytes; the emulator verifies the
//! signature over the raw URI it received and decodes parameters with [`parse_query`] /
//! [`percent_decode`].
//!
//! Encoding rule: the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) is kept; every other
//! byte of the UTF-8 text becomes `%XX` with upper-case hex. Path segments additionally keep
//! `:` (A12: serial numbers such as `3a:1f:…` go unescaped). A space is `%20`, never `+`.

use std::fmt::Write as _;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode(s: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Percent-encodes a query-string key or value: unreserved bytes kept, everything else
/// `%XX` (upper-case hex).
///
/// ```
/// assert_eq!(pca::api::uri::encode_query_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
/// ```
pub fn encode_query_component(s: &str) -> String {
    encode(s, is_unreserved)
}

/// Percent-encodes one path segment: unreserved bytes and `:` kept (A12), everything else
/// `%XX`. The dot segments `.` and `..` are encoded as `%2E` / `%2E%2E` so that no URL
/// normaliser can collapse them.
///
/// ```
/// assert_eq!(pca::api::uri::encode_path_segment("3a:1f:00"), "3a:1f:00");
/// assert_eq!(pca::api::uri::encode_path_segment("a/b c"), "a%2Fb%20c");
/// assert_eq!(pca::api::uri::encode_path_segment(".."), "%2E%2E");
/// ```
pub fn encode_path_segment(s: &str) -> String {
    if s == "." || s == ".." {
        return "%2E".repeat(s.len());
    }
    encode(s, |b| is_unreserved(b) || b == b':')
}

/// Builds a query string (without the leading `?`) from pairs, in the order given, each key
/// and value encoded with [`encode_query_component`], joined by `=` and `&`. An empty slice
/// gives `""`. Deterministic: the same pairs always give the same bytes, which go both on
/// the wire and into the string to sign (§1.3).
///
/// ```
/// use pca::api::uri::query_string;
/// assert_eq!(query_string(&[("caType", "PRIVATE_SUB"), ("issuerTag", "1a2b-3c")]),
///            "caType=PRIVATE_SUB&issuerTag=1a2b-3c");
/// ```
pub fn query_string<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode_query_component(k.as_ref()));
        out.push('=');
        out.push_str(&encode_query_component(v.as_ref()));
    }
    out
}

/// Joins a path and a query string into the request URI that is signed (§1.3):
/// `path` alone when the query is empty (no trailing `?`), else `path?query`.
///
/// ```
/// use pca::api::uri::request_uri;
/// assert_eq!(request_uri("/api/v1/ca", "pageNo=1"), "/api/v1/ca?pageNo=1");
/// assert_eq!(request_uri("/api/v1/ca", ""), "/api/v1/ca");
/// ```
pub fn request_uri(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes (either hex case). A `%` not followed by two hex digits is kept
/// literally; invalid UTF-8 after decoding is replaced with U+FFFD. `+` is left alone (this
/// API never uses form encoding); see [`parse_query`] for the query side.
///
/// ```
/// assert_eq!(pca::api::uri::percent_decode("3a%3A1f%3a00"), "3a:1f:00");
/// ```
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex_value),
                bytes.get(i + 2).copied().and_then(hex_value),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a raw query string (without `?`) into decoded `(key, value)` pairs, in order.
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` has an empty value; `+` is read
/// as a space for compatibility with form-style clients.
///
/// ```
/// use pca::api::uri::parse_query;
/// assert_eq!(parse_query("caType=PRIVATE_SUB&issuerTag=a%2Db"),
///            vec![("caType".to_owned(), "PRIVATE_SUB".to_owned()),
///                 ("issuerTag".to_owned(), "a-b".to_owned())]);
/// ```
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_components_encode_everything_but_unreserved() {
        assert_eq!(encode_query_component("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode_query_component(":/?#[]@!$&'()*+,;= %"),
            "%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%20%25"
        );
        assert_eq!(encode_query_component("한"), "%ED%95%9C");
    }

    #[test]
    fn path_segments_keep_colons() {
        assert_eq!(
            encode_path_segment("3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20"),
            "3a:1f:00:9c:44:e2:7b:10:5d:aa:01:23:45:67:89:ab:cd:ef:10:20"
        );
        assert_eq!(encode_path_segment("a?b#c/d%"), "a%3Fb%23c%2Fd%25");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment("..."), "...");
    }

    #[test]
    fn query_string_keeps_order_and_is_empty_for_no_pairs() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(query_string(&none), "");
        assert_eq!(query_string(&[("b", "2"), ("a", "1")]), "b=2&a=1");
        assert_eq!(query_string(&[("k", "")]), "k=");
        let owned = vec![("pageNo".to_owned(), "10".to_owned())];
        assert_eq!(query_string(&owned), "pageNo=10");
    }

    #[test]
    fn decoding_inverts_encoding() {
        for s in [
            "", "plain", "a b+c", "3a:1f", "%", "%4", "%zz", "é/?&=", "100%",
        ] {
            assert_eq!(percent_decode(&encode_query_component(s)), s, "{s:?}");
            assert_eq!(percent_decode(&encode_path_segment(s)), s, "{s:?}");
        }
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%e9"), "\u{fffd}");
    }

    #[test]
    fn parse_query_round_trips_query_string() {
        let pairs = [("caType", "PRIVATE_SUB"), ("issuerTag", "x y&z"), ("e", "")];
        let parsed = parse_query(&query_string(&pairs));
        let expect: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(parsed, expect);
        assert_eq!(
            parse_query("a&&b=1+2"),
            vec![
                ("a".to_owned(), String::new()),
                ("b".to_owned(), "1 2".to_owned())
            ]
        );
        assert!(parse_query("").is_empty());
    }
}
