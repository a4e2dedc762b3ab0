//! Terraform numbers without precision loss.

use std::fmt;

/// 2^53: integral floats up to this magnitude convert to `i64` and back exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_992.0;
/// 2^63, exactly representable as `f64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
/// 2^64, exactly representable as `f64`.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// A Terraform number. Terraform sends numbers as msgpack int, uint, float or a decimal
/// string (for values that fit neither); all are kept exactly.
#[derive(Debug, Clone)]
pub enum Number {
    /// A signed 64-bit integer.
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// A finite or infinite float that is not an integer.
    Float(f64),
    /// Any other number, as a decimal string in JSON number syntax (for example `1e400`
    /// or `0.1000000000000000000001`). [`Number::parse`] keeps the digits it was given when
    /// they are already valid JSON number syntax, and otherwise rewrites them to an
    /// equivalent `digits e exponent` form.
    Big(String),
}

impl Number {
    /// Parses a decimal number (`-12`, `3.5`, `1e400`); `None` when it is not a number.
    /// Integers and floats that round-trip exactly use the compact variants.
    pub fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        if let Ok(i) = t.parse::<i64>() {
            return Some(Number::Int(i));
        }
        if let Ok(u) = t.parse::<u64>() {
            return Some(Number::UInt(u));
        }
        if !is_decimal(t) {
            return None;
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() && exact_float(t, f) => Some(Number::from_f64(f)),
            _ if is_json_number(t) => Some(Number::Big(t.to_owned())),
            _ => Some(Number::Big(canonical(t))),
        }
    }

    /// A number from a float: integral floats in range become [`Number::Int`].
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&f) {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }

    /// The value as `i64` when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::UInt(u) => i64::try_from(*u).ok(),
            // Every integral float in [-2^63, 2^63) fits.
            Number::Float(f) if f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(f) => {
                Some(*f as i64)
            }
            Number::Float(_) => None,
            Number::Big(s) => s.parse().ok(),
        }
    }

    /// The value as `u64` when it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Number::Int(i) => u64::try_from(*i).ok(),
            Number::UInt(u) => Some(*u),
            // Every integral float in [0, 2^64) fits.
            Number::Float(f) if f.fract() == 0.0 && (0.0..TWO_POW_64).contains(f) => {
                Some(*f as u64)
            }
            Number::Float(_) => None,
            Number::Big(s) => s.parse().ok(),
        }
    }

    /// The nearest `f64` (lossy for big numbers).
    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::UInt(u) => *u as f64,
            Number::Float(f) => *f,
            Number::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
}

fn is_decimal(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i > start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s2 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits |= i > s2;
    }
    if !digits {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let s3 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s3 {
            return false;
        }
    }
    i == b.len()
}

/// True when `t` (already known to satisfy [`is_decimal`]) follows the JSON number grammar
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// The decimal text `t` rewritten as `-?digits` or `-?digitsE±exp` (valid JSON number syntax).
fn canonical(t: &str) -> String {
    let (neg, digits, exp) = normalise(t);
    if digits.is_empty() {
        return "0".to_owned();
    }
    let sign = if neg { "-" } else { "" };
    if exp == 0 {
        format!("{sign}{digits}")
    } else {
        format!("{sign}{digits}e{exp}")
    }
}

/// True when the decimal text `t` denotes exactly the float `f` (checked by comparing the
/// shortest round-trip representation of `f` with `t` after normalisation).
fn exact_float(t: &str, f: f64) -> bool {
    // `t` parsed to `f`; it is that float's own text when it has no more significant digits
    // than the shortest round-trip form. Two shortest forms may differ in the last digit
    // (ryu, which serde_json uses, and std break ties differently), so compare lengths.
    normalise(t).1.len() <= normalise(&format!("{f:e}")).1.len()
}

/// Normalises a decimal string to `(negative, digits without leading/trailing zeros, exponent)`.
fn normalise(t: &str) -> (bool, String, i64) {
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(p) => (&rest[..p], parse_exponent(&rest[p + 1..])),
        None => (rest, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(p) => (&mant[..p], &mant[p + 1..]),
        None => (mant, ""),
    };
    let mut digits = format!("{int}{frac}");
    let mut exp = exp.saturating_sub(i64::try_from(frac.len()).unwrap_or(i64::MAX));
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..lead);
    while digits.ends_with('0') {
        digits.pop();
        exp = exp.saturating_add(1);
    }
    if digits.is_empty() {
        return (false, String::new(), 0);
    }
    (neg, digits, exp)
}

/// An exponent's digits as `i64`, saturating for absurdly long exponents.
fn parse_exponent(e: &str) -> i64 {
    match e.parse::<i64>() {
        Ok(x) => x,
        Err(_) if e.starts_with('-') => i64::MIN,
        Err(_) => i64::MAX,
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::UInt(a), Number::UInt(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            _ => normalise(&self.to_string()) == normalise(&other.to_string()),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::UInt(u) => write!(f, "{u}"),
            Number::Float(x) if x.is_infinite() => {
                f.write_str(if *x > 0.0 { "Infinity" } else { "-Infinity" })
            }
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(s) => f.write_str(s),
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number::Int(i)
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Self {
        match i64::try_from(u) {
            Ok(i) => Number::Int(i),
            Err(_) => Number::UInt(u),
        }
    }
}

impl From<i32> for Number {
    fn from(i: i32) -> Self {
        Number::Int(i64::from(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn either_shortest_form_of_a_float_is_that_float() {
        // serde_json (ryu) writes this float as ...812, std as ...813: both are the float.
        let f = 22855475778696.813_f64;
        assert_eq!(Number::parse("22855475778696.812"), Some(Number::Float(f)));
        assert_eq!(Number::parse("22855475778696.813"), Some(Number::Float(f)));
        // More digits than the float needs stay exact decimal text.
        assert!(matches!(
            Number::parse("0.1000000000000000055511"),
            Some(Number::Big(_))
        ));
    }

    fn big(n: Option<Number>) -> Option<String> {
        match n {
            Some(Number::Big(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn parse_picks_compact_variants() {
        assert!(matches!(Number::parse("-12"), Some(Number::Int(-12))));
        assert!(matches!(Number::parse("+12"), Some(Number::Int(12))));
        assert!(matches!(
            Number::parse("18446744073709551615"),
            Some(Number::UInt(u64::MAX))
        ));
        assert!(matches!(Number::parse("3.5"), Some(Number::Float(f)) if f == 3.5));
        assert!(matches!(Number::parse(".5"), Some(Number::Float(f)) if f == 0.5));
        assert!(matches!(Number::parse("1e3"), Some(Number::Int(1000))));
        assert!(matches!(Number::parse("-0.0"), Some(Number::Int(0))));
        for bad in [
            "", " ", "abc", "1e", "--1", "1.2.3", "Infinity", "NaN", "0x10", "1_000",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn parse_keeps_json_syntax_and_canonicalises_the_rest() {
        assert_eq!(
            big(Number::parse("123456789012345678901234567890")).as_deref(),
            Some("123456789012345678901234567890")
        );
        assert_eq!(
            big(Number::parse("0.10000000000000000000001")).as_deref(),
            Some("0.10000000000000000000001")
        );
        assert_eq!(big(Number::parse("1E+400")).as_deref(), Some("1E+400"));
        assert_eq!(big(Number::parse("+1e400")).as_deref(), Some("1e400"));
        assert_eq!(big(Number::parse("00.1e400")).as_deref(), Some("1e399"));
        assert_eq!(
            big(Number::parse("-.10000000000000000000001")).as_deref(),
            Some("-10000000000000000000001e-23")
        );
    }

    #[test]
    fn absurd_exponents_do_not_overflow() {
        let huge = Number::parse("1e99999999999999999999999").unwrap();
        let tiny = Number::parse("1e-99999999999999999999999").unwrap();
        assert_eq!(huge, huge.clone());
        assert_ne!(huge, tiny);
        assert_eq!(
            Number::parse("1e9223372036854775807").unwrap(),
            Number::parse("10e9223372036854775806").unwrap()
        );
    }

    #[test]
    fn equality_is_numeric() {
        assert_eq!(Number::Int(1), Number::Float(1.0));
        assert_eq!(Number::Float(-0.0), Number::Int(0));
        assert_eq!(
            Number::Float(1e20),
            Number::Big("100000000000000000000".into())
        );
        assert_eq!(
            Number::UInt(u64::MAX),
            Number::Big("1.8446744073709551615e19".into())
        );
        assert_ne!(
            Number::Float(0.1),
            Number::Big("0.1000000000000000000001".into())
        );
        assert_eq!(Number::Float(f64::INFINITY), Number::Float(f64::INFINITY));
        assert_ne!(
            Number::Float(f64::INFINITY),
            Number::Float(f64::NEG_INFINITY)
        );
    }

    #[test]
    fn integral_floats_convert() {
        assert_eq!(
            Number::Float(1e18).as_i64(),
            Some(1_000_000_000_000_000_000)
        );
        assert_eq!(Number::Float(-TWO_POW_63).as_i64(), Some(i64::MIN));
        assert_eq!(Number::Float(TWO_POW_63).as_i64(), None);
        assert_eq!(Number::Float(TWO_POW_63).as_u64(), Some(1 << 63));
        assert_eq!(Number::Float(TWO_POW_64).as_u64(), None);
        assert_eq!(Number::Float(0.5).as_i64(), None);
        assert_eq!(Number::Float(f64::INFINITY).as_u64(), None);
        assert_eq!(Number::Float(-1.0).as_u64(), None);
    }

    #[test]
    fn from_f64_keeps_floats_that_are_not_small_integers() {
        assert!(matches!(Number::from_f64(2.0), Number::Int(2)));
        assert!(matches!(Number::from_f64(0.5), Number::Float(_)));
        assert!(matches!(Number::from_f64(1e20), Number::Float(_)));
        assert!(matches!(Number::from_f64(f64::INFINITY), Number::Float(_)));
        assert!(matches!(Number::from_f64(f64::NAN), Number::Float(_)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parse_never_panics_and_display_round_trips(s in "[-+]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][-+]?[0-9]{1,4})?|\\PC{0,12}") {
            if let Some(n) = Number::parse(&s) {
                let back = Number::parse(&n.to_string());
                prop_assert_eq!(back, Some(n));
            }
        }

        #[test]
        fn floats_round_trip_through_text(f in prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO) {
            let n = Number::from_f64(f);
            prop_assert_eq!(Number::parse(&n.to_string()), Some(n));
            prop_assert_eq!(Number::parse(&format!("{f:e}")), Some(Number::from_f64(f)));
        }
    }
}
