use crate::diagnostic::Sink;
use crate::text::show;
use crate::txt::proto::RecordCx;

crate::rules::rule!("STS-TXT-ID-INVALID", Error, "RFC 8461 §3.1", StsRecord, "id_invalid.md");

pub fn check(cx: &RecordCx, out: &mut Sink) {
    let Some(f) = cx.named("id").next() else { return };
    let v = cx.text(f.value);
    if !v.is_empty() && v.len() <= 32 && v.iter().all(u8::is_ascii_alphanumeric) {
        return;
    }
    let why = if v.is_empty() {
        "is empty".to_string()
    } else if let Some(bad) = v.iter().position(|b| !b.is_ascii_alphanumeric()) {
        format!("has `{}`; only letters and digits are allowed", show(&v[bad..bad + 1]))
    } else {
        format!("is {} characters long (at most 32)", v.len())
    };
    let cleaned: String = v.iter().filter(|b| b.is_ascii_alphanumeric()).map(|&b| b as char).take(32).collect();
    let hint = if cleaned.is_empty() || cleaned.as_bytes() == v { String::new() } else { format!(", e.g. `id={cleaned}`") };
    out.report(&RULE, f.value, format!("id `{}` {why}{hint}", show(v)));
}
