//! The generator: correct policies, records and hosting files from a few answers.

/// Seconds as a rough human duration: "1 hour", "1 day", "2 weeks", "1 year".
pub fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 6] = [
        (31_557_600, "year"),
        (604_800, "week"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    if secs == 0 {
        return "0 seconds".to_string();
    }
    for (size, name) in UNITS {
        if secs >= size {
            let n = secs / size;
            let exact = secs % size == 0;
            let about = if exact { "" } else { "about " };
            return format!("{about}{n} {name}{}", if n == 1 { "" } else { "s" });
        }
    }
    unreachable!("secs >= 1")
}
