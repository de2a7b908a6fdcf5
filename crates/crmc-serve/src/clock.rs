//! The server clock as the RFC 3339 text a mutation's `at` carries.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch (0 if the clock is before it).
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `secs` since the epoch (UTC).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crmc_eval::time::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn round_trips_through_the_evaluator_parser() {
        for secs in [0, 951_782_400, 1_764_547_200, 1_798_761_599, 4_102_444_800] {
            let text = rfc3339(secs);
            assert_eq!(crmc_eval::time::parse_datetime(&text), Some(secs), "{text}");
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
