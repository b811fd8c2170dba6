//! Calendar arithmetic for the few places that need dates: Beijing time for the notes and file
//! names of outputs, and spreadsheet serial dates (days since 1899-12-30) read from workbooks.
//!
//! Howard Hinnant's `days_from_civil` / `civil_from_days` on the proleptic Gregorian calendar: a
//! dependency on a date crate for three conversions is not worth its weight.

/// Days between 1899-12-30 (serial day 0 of Excel and LibreOffice) and 1970-01-01.
const SERIAL_EPOCH: i64 = 25_569;

/// A calendar date from days since 1970-01-01.
///
/// ```
/// use nianbao::date::civil_from_days;
/// assert_eq!(civil_from_days(0), (1970, 1, 1));
/// assert_eq!(civil_from_days(19_727), (2024, 1, 5));
/// assert_eq!(civil_from_days(-25_566), (1900, 1, 2));
/// ```
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a calendar date.
///
/// ```
/// use nianbao::date::days_from_civil;
/// assert_eq!(days_from_civil(2024, 1, 5), 19_727);
/// assert_eq!(days_from_civil(1970, 1, 1), 0);
/// ```
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A spreadsheet serial day (days since 1899-12-30) as days since 1970-01-01, and back.
///
/// ```
/// use nianbao::date::{days_from_serial, serial_from_days};
/// assert_eq!(days_from_serial(45_296), 19_727);
/// assert_eq!(serial_from_days(19_727), 45_296);
/// ```
pub fn days_from_serial(serial: i64) -> i64 {
    serial - SERIAL_EPOCH
}

/// Days since 1970-01-01 as a spreadsheet serial day.
pub fn serial_from_days(days: i64) -> i64 {
    days + SERIAL_EPOCH
}

/// The date and time now in Beijing (UTC+8): year, month, day, hour, minute, second.
pub fn beijing_now() -> (i64, u8, u8, u8, u8, u8) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    beijing(secs)
}

/// The date and time in Beijing (UTC+8) of a moment in seconds since 1970 (UTC).
///
/// ```
/// // 2024-12-31 16:30:05 UTC is 2025-01-01 00:30:05 in Beijing.
/// assert_eq!(nianbao::date::beijing(1_735_662_605), (2025, 1, 1, 0, 30, 5));
/// ```
pub fn beijing(utc_secs: i64) -> (i64, u8, u8, u8, u8, u8) {
    let secs = utc_secs + 8 * 3600;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    // Each part is below 60 (a month below 13, a day below 32): the casts cannot cut.
    (
        year,
        month as u8,
        day as u8,
        (s / 3600) as u8,
        (s / 60 % 60) as u8,
        (s % 60) as u8,
    )
}
