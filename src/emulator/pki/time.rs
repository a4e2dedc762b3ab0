//! Millisecond timestamps (the API's unit, §1.9) ↔ X.509 times (whole seconds).

use time::OffsetDateTime;

use super::PkiError;

/// Milliseconds in a day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Truncates epoch milliseconds to whole seconds (X.509 times carry seconds only), flooring
/// toward the past.
pub(crate) fn floor_to_second(ms: i64) -> i64 {
    ms.div_euclid(1000) * 1000
}

/// Epoch milliseconds → `OffsetDateTime` (sub-second part dropped). Only 1970 to 9999 is
/// accepted: the encoders assert a year in `0..10000`, and nothing here predates 1970.
pub(crate) fn to_datetime(ms: i64) -> Result<OffsetDateTime, PkiError> {
    let out_of_range = || PkiError::BadInput(format!("timestamp {ms} ms is out of range"));
    if ms < 0 {
        return Err(out_of_range());
    }
    let dt =
        OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).map_err(|_| out_of_range())?;
    if dt.year() > 9999 {
        return Err(out_of_range());
    }
    Ok(dt)
}

/// Epoch milliseconds → `std::time::Duration` since the epoch (must not be negative).
pub(crate) fn to_unix_duration(ms: i64) -> Result<std::time::Duration, PkiError> {
    let secs = u64::try_from(ms.div_euclid(1000))
        .map_err(|_| PkiError::BadInput(format!("timestamp {ms} ms is before 1970")))?;
    Ok(std::time::Duration::from_secs(secs))
}
