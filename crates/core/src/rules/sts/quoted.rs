use crate::diagnostic::{Edit, Fix, Severity, Sink, Span};
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-QUOTED", Error, "RFC 8461 §3.1", StsRecord, "quoted.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let d = cx.data;
    if d.len() >= 2 && d[0] == b'"' && d[d.len() - 1] == b'"' {
        out.report_fix(
            &RULE,
            Span::new(0, d.len()),
            "the record data is wrapped in `\"`: the quotes of zone-file syntax were typed into the record",
            Fix::new("remove the quotes", vec![Edit::delete(Span::new(0, 1)), Edit::delete(Span::new(d.len() - 1, d.len()))]),
        );
        return;
    }
    let Some(at) = d.iter().position(|&b| b == b'"') else { return };
    // Quotes inside an extension value are legal; anywhere else they break the record.
    let in_extension = cx.t.rest().iter().any(|f| {
        f.value.start <= at && at < f.value.end && cx.text(f.name) != cx.proto.required.as_bytes()
    });
    let severity = if in_extension { Severity::Warning } else { Severity::Error };
    out.report_as(&RULE, severity, Span::new(at, at + 1), "a `\"` in the record: zone-file quotes were probably typed into the record");
}
