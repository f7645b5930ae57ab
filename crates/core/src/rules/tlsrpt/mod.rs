//! Rules over `_smtp._tls` TXT records (RFC 8460 §3): each record, then the RRset.

use crate::tlsrpt::rua::{self, Problem, Uri};
use crate::txt::proto::{RecordCx, SetCx};

crate::rules::rule_group!(RECORD_RULES, check_record, RecordCx<'_>;
    leading_wsp, version_not_first, version_invalid, no_fields, rua_missing, rua_empty, uri_invalid,
    uri_unencoded_char, uri_scheme, mailto_invalid, https_host, multiple_rua_fields, duplicate_uri,
    empty_field, trailing_garbage, field_syntax, ext_name_invalid, ext_value_invalid, unknown_field,
    wsp_before_semicolon,
);

crate::rules::rule_group!(SET_RULES, check_set, SetCx<'_>;
    zone_syntax, not_found, multiple, unrelated_record, multi_string,
);

/// Call `f` with every URI of every `rua` field (spans relative to the record data).
pub(crate) fn for_each_uri(cx: &RecordCx, mut f: impl FnMut(&Uri)) {
    for field in cx.named("rua") {
        for uri in rua::parse_list(cx.data, field.value) {
            f(&uri);
        }
    }
}
