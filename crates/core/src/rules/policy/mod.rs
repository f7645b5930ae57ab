//! Rules over the policy file (RFC 8461 §3.2).

use crate::mta_sts::policy::{Key, PolicyDoc};

crate::rules::rule_group!(RULES, check_all, PolicyDoc<'_>;
    empty, not_utf8, bom, bad_line_ending, lf_line_endings, mixed_line_endings, no_final_newline,
    blank_line, leading_wsp, line_syntax, field_name_invalid, ext_value_invalid, case_variant_field,
    unknown_field, duplicate_field, too_large, legacy_json, version_missing, version_invalid,
    mode_missing, mode_invalid, mode_legacy_report, max_age_missing, max_age_invalid,
    max_age_too_large, max_age_zero, max_age_short, max_age_leading_zero, mx_missing,
    mx_with_mode_none, mx_empty, mx_invalid, mx_trailing_dot, mx_wildcard_invalid, mx_ulabel,
    mx_length, mx_numeric, mx_broad_wildcard, mx_duplicate, mx_redundant, mode_testing, mode_none,
);

/// The registered field an unknown name was probably meant to be: the same letters once
/// case and `-`, `_`, `.` are ignored (`max-age`, `maxage`, `Max-Age`), or a registered
/// name with digits after it (`mx1`, `mx2`).
pub(crate) fn likely_meant(name: &[u8]) -> Option<Key> {
    // Compared as they go, without copying: unknown names can be every line of a file.
    fn squash(s: &[u8]) -> impl Iterator<Item = u8> + '_ {
        s.iter()
            .filter(|b| !matches!(b, b'-' | b'_' | b'.'))
            .map(u8::to_ascii_lowercase)
    }
    Key::ALL
        .into_iter()
        .find(|k| squash(k.name().as_bytes()).eq(squash(name)))
}

/// Seconds as a rough human duration ("1 day", "2 weeks").
pub(crate) fn human(secs: u64) -> String {
    crate::generate::human_duration(secs)
}
