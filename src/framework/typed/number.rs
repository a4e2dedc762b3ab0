//! Numbers: exact integers out of [`Number`], range-checked, and numbers from Rust values.

use super::error::{BridgeError, Result};
use crate::protocol::value::Number;

/// Why a number is not usable as an integer.
enum IntError {
    NotInteger,
    TooLarge,
}

/// The number as `(negative, magnitude)` when it is an integer whose magnitude fits `u128`.
fn integer_parts(n: &Number) -> Result<(bool, u128), IntError> {
    match n {
        Number::Int(i) => Ok((*i < 0, u128::from(i.unsigned_abs()))),
        Number::UInt(u) => Ok((false, u128::from(*u))),
        Number::Float(f) => {
            if f.is_nan() || (f.is_finite() && f.fract() != 0.0) {
                Err(IntError::NotInteger)
            } else if f.is_infinite() || f.abs() >= 2f64.powi(128) {
                Err(IntError::TooLarge)
            } else {
                // Integral and below 2^128: the conversion is exact.
                Ok((*f < 0.0, f.abs() as u128))
            }
        }
        Number::Big(s) => decimal_integer_parts(s),
    }
}

/// Parses a decimal string (`-12`, `4.20e1`, `1e400`) as an integer `(negative, magnitude)`.
fn decimal_integer_parts(s: &str) -> Result<(bool, u128), IntError> {
    let t = s.trim();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(p) => {
            let exp_text = &rest[p + 1..];
            match exp_text.parse::<i64>() {
                Ok(e) => (&rest[..p], e),
                // An exponent too large for i64 (with digits only): huge or tiny.
                Err(_) if !exp_text.is_empty() => {
                    let digits = exp_text.trim_start_matches(['-', '+']);
                    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                        let zero = rest[..p].bytes().all(|b| b == b'0' || b == b'.');
                        return if zero {
                            Ok((false, 0))
                        } else if exp_text.starts_with('-') {
                            Err(IntError::NotInteger)
                        } else {
                            Err(IntError::TooLarge)
                        };
                    }
                    return Err(IntError::NotInteger);
                }
                Err(_) => return Err(IntError::NotInteger),
            }
        }
        None => (rest, 0),
    };
    let (int, frac) = match mant.find('.') {
        Some(p) => (&mant[..p], &mant[p + 1..]),
        None => (mant, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(IntError::NotInteger);
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Ok((false, 0));
    }
    let trailing = (digits.len() - significant.len()) as i64;
    let exp = exp
        .saturating_sub(frac.len() as i64)
        .saturating_add(trailing);
    if exp < 0 {
        return Err(IntError::NotInteger);
    }
    if (significant.len() as i64)
        .checked_add(exp)
        .is_none_or(|n| n > 39)
    {
        return Err(IntError::TooLarge);
    }
    let mut mag: u128 = 0;
    for b in significant.bytes() {
        mag = mag
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(b - b'0')))
            .ok_or(IntError::TooLarge)?;
    }
    for _ in 0..exp {
        mag = mag.checked_mul(10).ok_or(IntError::TooLarge)?;
    }
    Ok((neg, mag))
}

/// Converts a number to the integer type `I` (named `ty` in errors), refusing non-integers
/// and values out of range.
pub(super) fn number_to_int<I>(n: &Number, ty: &str) -> Result<I>
where
    I: TryFrom<i128> + TryFrom<u128>,
{
    let out_of_range = || BridgeError::new(format!("value {} out of range for {ty}", show(n)));
    let (neg, mag) = integer_parts(n).map_err(|e| match e {
        IntError::NotInteger => {
            BridgeError::new(format!("value {} is not an integer ({ty})", show(n)))
        }
        IntError::TooLarge => out_of_range(),
    })?;
    if neg && mag != 0 {
        let signed = 0i128.checked_sub_unsigned(mag).ok_or_else(out_of_range)?;
        I::try_from(signed).map_err(|_| out_of_range())
    } else {
        I::try_from(mag).map_err(|_| out_of_range())
    }
}

/// A number for error messages: finite floats in their shortest form (`1e300`, not 301
/// digits), everything else as [`Number`]'s `Display`.
pub(super) fn show(n: &Number) -> String {
    match n {
        Number::Float(f) if f.is_finite() => format!("{f:?}"),
        other => other.to_string(),
    }
}

/// A number from an `i128`, compact when it fits 64 bits.
pub(super) fn number_from_i128(i: i128) -> Number {
    if let Ok(i) = i64::try_from(i) {
        Number::Int(i)
    } else if let Ok(u) = u64::try_from(i) {
        Number::UInt(u)
    } else {
        Number::Big(i.to_string())
    }
}

/// A number from an `f64`; NaN has no Terraform representation.
pub(super) fn number_from_f64(f: f64) -> Result<Number> {
    if f.is_nan() {
        Err(BridgeError::new("NaN is not a valid number"))
    } else {
        Ok(Number::from_f64(f))
    }
}
