//! The `_mta-sts` id: a UTC timestamp of the caller's clock followed by a hash of the
//! policy text, so it is 1-32 alphanumerics (RFC 8461 §3.1) and changes whenever the
//! policy does.

/// 32-bit FNV-1a: small, dependency-free, and stable across platforms.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0x811c_9dc5_u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

/// A UTC date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilTime {
    pub year: u64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl CivilTime {
    /// Unix seconds as a proleptic Gregorian UTC date (H. Hinnant's `civil_from_days`).
    pub fn from_unix(secs: u64) -> CivilTime {
        let (year, month, day) =
            crate::civil::civil_from_days(i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 86_400));
        let rem = secs % 86_400;
        let (year, month, day) = (u64::try_from(year).unwrap_or(0), month as u64, day as u64);
        // Every narrowing below is of a value already bounded by the arithmetic above.
        CivilTime {
            year,
            month: month as u8,
            day: day as u8,
            hour: (rem / 3_600) as u8,
            minute: (rem % 3_600 / 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// `YYYYMMDDhhmmss` (more year digits after 9999).
    pub fn compact(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DD hh:mm:ss UTC`.
    pub fn readable(&self) -> String {
        format!(
            "{} {:02}:{:02}:{:02} UTC",
            self.date(),
            self.hour,
            self.minute,
            self.second
        )
    }
}

/// The id for a policy issued at `issued_at` (Unix seconds): `YYYYMMDDhhmmss` in UTC and
/// eight hex digits of the FNV-1a hash of the exact policy bytes. At most 30 characters
/// even for the largest `u64`, so always a valid `sts-id`.
pub fn policy_id(issued_at: u64, policy: &str) -> String {
    format!(
        "{}{:08x}",
        CivilTime::from_unix(issued_at).compact(),
        fnv1a32(policy.as_bytes())
    )
}
