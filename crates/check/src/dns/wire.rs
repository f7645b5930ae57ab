//! RFC 1035 messages for DNS over HTTPS, with the `domain` crate (NLnet Labs).
//!
//! Chosen by measured size in wasm32 (a cdylib that builds one query and reads TXT, MX,
//! CNAME, A and AAAA answers; opt-level z, LTO, gzip -9, before wasm-opt):
//! `domain` 0.11 19.5 KiB, `simple-dns` 0.11 29.8 KiB, `hickory-proto` 0.25 242 KiB.
//! `domain` is also exact where it matters here: it gives each TXT character-string's
//! bytes as sent (simple-dns exposes TXT only as attributes or a lossy UTF-8 string).

use domain::base::iana::Rcode;
use domain::base::{Message, MessageBuilder, Name, ParsedName, Rtype};
use domain::rdata::AllRecordData;
use mtasts_core::check::{DnsAnswer, DnsRecord, Question, RType, txt_presentation};
use std::str::FromStr;

/// The wire form of a query for `q` with recursion desired and message ID 0 (RFC 8484
/// §4.1: ID 0 keeps GET requests cacheable).
pub fn query(q: &Question) -> Result<Vec<u8>, String> {
    let name = Name::<Vec<u8>>::from_str(&q.name).map_err(|e| format!("`{}` is not a DNS name: {e}", q.name))?;
    let mut builder = MessageBuilder::new_vec();
    builder.header_mut().set_rd(true);
    builder.header_mut().set_id(0);
    let mut builder = builder.question();
    builder
        .push((&name, Rtype::from_int(q.rtype.code())))
        .map_err(|e| format!("cannot build a query for `{}`: {e}", q.name))?;
    Ok(builder.finish())
}

/// Read a response to `q`: response code, AD bit and the answer section, each record in
/// presentation format. A malformed message, or one that answers another question, is
/// an error (`DnsAnswer::error`), never a panic.
pub fn answer(q: &Question, bytes: &[u8]) -> DnsAnswer {
    let mut out = DnsAnswer {
        name: q.name.clone(),
        rtype: Some(q.rtype),
        ..DnsAnswer::default()
    };
    match read(q, bytes, &mut out) {
        Ok(()) => {}
        Err(e) => {
            out.error = Some(e);
            out.rcode = None;
            out.records.clear();
        }
    }
    out
}

fn read(q: &Question, bytes: &[u8], out: &mut DnsAnswer) -> Result<(), String> {
    let msg = Message::from_octets(bytes).map_err(|_| "the response is too short to be a DNS message".to_string())?;
    let header = msg.header();
    if !header.qr() {
        return Err("the response is a query, not an answer".into());
    }
    let question = msg
        .first_question()
        .ok_or_else(|| "the response has no question section".to_string())?;
    let asked = question.qname().to_string();
    if !asked.trim_end_matches('.').eq_ignore_ascii_case(&q.name) || question.qtype() != Rtype::from_int(q.rtype.code())
    {
        return Err(format!(
            "the response answers `{asked} {}`, not `{} {}`",
            question.qtype(),
            q.name,
            q.rtype.as_str()
        ));
    }
    out.rcode = Some(rcode_name(header.rcode()));
    out.authenticated = header.ad();
    let section = msg.answer().map_err(|e| format!("malformed answer section: {e}"))?;
    for rr in section.limit_to::<AllRecordData<_, ParsedName<_>>>() {
        let rr = rr.map_err(|e| format!("malformed record in the answer: {e}"))?;
        let data = match rr.data() {
            AllRecordData::Txt(txt) => {
                let strings: Vec<&[u8]> = txt.iter().collect();
                txt_presentation(&strings)
            }
            AllRecordData::Mx(mx) => format!("{} {}.", mx.preference(), dotless(&mx.exchange().to_string())),
            AllRecordData::Cname(c) => format!("{}.", dotless(&c.cname().to_string())),
            AllRecordData::A(a) => a.addr().to_string(),
            AllRecordData::Aaaa(a) => a.addr().to_string(),
            other => other.to_string(),
        };
        out.records.push(DnsRecord {
            name: dotless(&rr.owner().to_string()).to_ascii_lowercase(),
            rtype: rr.rtype().to_string(),
            ttl: rr.ttl().as_secs(),
            data,
        });
    }
    Ok(())
}

fn dotless(name: &str) -> &str {
    if name == "." {
        name
    } else {
        name.strip_suffix('.').unwrap_or(name)
    }
}

fn rcode_name(rcode: Rcode) -> String {
    match rcode.to_int() {
        0 => "NOERROR".into(),
        1 => "FORMERR".into(),
        2 => "SERVFAIL".into(),
        3 => "NXDOMAIN".into(),
        4 => "NOTIMP".into(),
        5 => "REFUSED".into(),
        n => format!("RCODE{n}"),
    }
}

/// Whether `r` holds the answer type asked for (and not the CNAME chain before it).
pub fn is_type(r: &DnsRecord, rtype: RType) -> bool {
    r.rtype.eq_ignore_ascii_case(rtype.as_str())
}
