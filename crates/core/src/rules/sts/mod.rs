//! Rules over `_mta-sts` TXT records (RFC 8461 §3.1): each record, then the RRset.

use crate::txt::proto::{RecordCx, SetCx};

crate::rules::rule_group!(RECORD_RULES, check_record, RecordCx<'_>;
    non_ascii, quoted, leading_wsp, version_not_first, version_invalid, no_fields, id_missing,
    id_invalid, id_duplicate, empty_field, trailing_garbage, field_syntax, ext_name_invalid,
    ext_value_invalid, unknown_field, wsp_before_semicolon, trailing_semicolon,
);

crate::rules::rule_group!(SET_RULES, check_set, SetCx<'_>;
    zone_syntax, not_found, multiple, unrelated_record, multi_string,
);
