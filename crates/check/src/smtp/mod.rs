//! The native MX probe: connect to an MX host on port 25 the way a sending MTA does,
//! read the greeting, `EHLO`, `STARTTLS`, shake hands with SNI = the MX name, `QUIT`,
//! and record what happened as an [`MxProbeEvidence`] for
//! [`mtasts_core::probe::judge_mx_probe`].
//!
//! # What it never does
//!
//! It sends no mail: the only commands are `EHLO`, `STARTTLS` and `QUIT` (no
//! `MAIL FROM`). Like the policy fetch it resolves the host **once** through the
//! caller's [`Lookup`], vets every address with [`vet_address`] (public unicast only;
//! loopback only with [`FetchSettings::allow_loopback`]) and connects to the vetted
//! address itself. Replies are read within a line cap ([`LINE_LIMIT`]) and a reply
//! cap ([`REPLY_LIMIT`]), each step within the probe's overall time limit.
//!
//! # Certificates
//!
//! The handshake uses the policy fetch's recording verifier (webpki-roots plus
//! [`FetchSettings::extra_roots_pem`], the name checked against the MX host): the verdict
//! is recorded and the handshake goes on, so the certificate facts are kept even when a
//! sender would refuse it; `MXC-CERT` judges them.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mtasts_core::fetch::Dns;
use mtasts_core::probe::{MxProbeEvidence, ProbeError, ProbeErrorKind, ProbeTimings};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::fetch::{FetchSettings, Found, Looked, lookup_and_vet, tls, validate_domain};
use crate::lookup::Lookup;

/// The name this probe gives in `EHLO`: a name under `.invalid` (RFC 2606), honest that
/// no mail comes from it.
pub const EHLO_NAME: &str = "mtasts-check.invalid";
/// The longest reply line read, CRLF included (RFC 5321 §4.5.3.1.5 allows 512; servers
/// send longer banners).
pub const LINE_LIMIT: usize = 2048;
/// The most bytes one (multi-line) reply may take.
pub const REPLY_LIMIT: usize = 16 * 1024;
/// How long `QUIT` may take once the facts are in.
const QUIT_TIMEOUT: Duration = Duration::from_secs(2);

/// Probe the MX host `host` (as in the MX record) on `smtp_port` (25; the test bed uses
/// another) and record what happened. Every failure is a fact in the evidence: a name
/// that may not be probed or addresses that may not be contacted give `error.kind`
/// `dns`.
pub async fn probe_mx(host: &str, lookup: &dyn Lookup, settings: &FetchSettings, smtp_port: u16) -> MxProbeEvidence {
    let started = Instant::now();
    let mut e = MxProbeEvidence::new(host.trim());
    e.port = Some(smtp_port);
    e.probed_at = SystemTime::now().duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs());
    let mut timings = ProbeTimings::default();
    probe_into(&mut e, &mut timings, host, lookup, settings, smtp_port, started).await;
    timings.total = Some(ms(started.elapsed()));
    e.timings_ms = Some(timings);
    e
}

async fn probe_into(
    e: &mut MxProbeEvidence,
    timings: &mut ProbeTimings,
    host: &str,
    lookup: &dyn Lookup,
    settings: &FetchSettings,
    smtp_port: u16,
    started: Instant,
) {
    let ascii = match validate_domain(host) {
        Ok(ascii) => ascii,
        Err(why) => {
            e.error = Some(failure(
                ProbeErrorKind::Dns,
                format!("the MX host `{}` is not probed: {why}", host.trim()),
            ));
            return;
        }
    };
    let roots = match tls::root_store(&settings.extra_roots_pem) {
        Ok(roots) => Arc::new(roots),
        Err(why) => {
            e.error = Some(failure(ProbeErrorKind::Other, why));
            return;
        }
    };
    let deadline = tokio::time::Instant::from_std(started + settings.total_timeout);
    let limit = settings.total_timeout.as_secs_f64();

    // One lookup only: the addresses vetted are the addresses connected to.
    let Found {
        found,
        mut addresses,
        vetted,
        ..
    } = match lookup_and_vet(&ascii, lookup, settings.allow_loopback, deadline).await {
        Looked::TimedOut => {
            e.error = Some(failure(
                ProbeErrorKind::Timeout,
                format!("the address lookup of {ascii} did not finish within the {limit} s limit"),
            ));
            return;
        }
        Looked::NoAddress(why) => {
            timings.dns = Some(ms(started.elapsed()));
            e.error = Some(failure(ProbeErrorKind::Dns, format!("{ascii} has no address: {why}")));
            e.dns = Some(Dns {
                addresses: Vec::new(),
                host_error: Some(why),
            });
            return;
        }
        Looked::Found(found) => found,
    };
    timings.dns = Some(ms(started.elapsed()));
    if vetted.is_empty() {
        e.error = Some(failure(
            ProbeErrorKind::Dns,
            format!("{ascii} resolves only to addresses this checker may not contact"),
        ));
        e.dns = Some(Dns {
            addresses,
            host_error: None,
        });
        return;
    }

    let mut chosen: Option<Attempt> = None;
    for index in vetted {
        let ip = found[index];
        let (config, verdict_slot) = match tls::client_config(roots.clone()) {
            Ok(pair) => pair,
            Err(why) => {
                e.error = Some(failure(ProbeErrorKind::Other, why));
                break;
            }
        };
        let mut attempt = Attempt {
            address: ip.to_string(),
            ..Attempt::default()
        };
        let addr = SocketAddr::new(ip, smtp_port);
        let run = converse(addr, &ascii, settings, config, started, &mut attempt);
        if tokio::time::timeout_at(deadline, run).await.is_err() {
            let doing = match attempt.stage {
                Stage::Started => format!("connecting to {addr}"),
                Stage::Connected => format!("waiting for the greeting of {addr}"),
                Stage::Greeted => format!("EHLO with {addr}"),
                Stage::Asked => format!("STARTTLS with {addr}"),
                Stage::Secured => format!("QUIT with {addr}"),
            };
            attempt.failure = Some(failure(
                ProbeErrorKind::Timeout,
                format!("{doing} did not finish within the {limit} s limit"),
            ));
        }
        attempt.verdict = verdict_slot.lock().map(|v| v.clone()).unwrap_or_default();
        if let Some(f) = &attempt.failure {
            addresses[index].error = Some(f.message.clone());
        }
        // Past the greeting the server has spoken for itself: its answers are the facts.
        let spoke = attempt.stage >= Stage::Greeted;
        if chosen.as_ref().is_none_or(|best| attempt.stage > best.stage) {
            chosen = Some(attempt);
        }
        if spoke || Instant::now() >= started + settings.total_timeout {
            break;
        }
    }
    e.dns = Some(Dns {
        addresses,
        host_error: None,
    });
    if let Some(a) = chosen {
        e.address = Some(a.address);
        e.greeted = a.greeted;
        e.banner = a.banner;
        e.ehlo = a.ehlo;
        e.starttls_offered = a.starttls_offered;
        e.starttls_reply = a.starttls_reply;
        e.tls_version = a.tls_version;
        e.certificate = tls::certificate(&a.verdict);
        timings.connect = a.timings.connect;
        timings.banner = a.timings.banner;
        timings.ehlo = a.timings.ehlo;
        timings.starttls = a.timings.starttls;
        timings.tls = a.timings.tls;
        if e.error.is_none() {
            e.error = a.failure;
        }
    }
}

/// How far one conversation got.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    #[default]
    Started,
    Connected,
    Greeted,
    /// `STARTTLS` was sent.
    Asked,
    Secured,
}

/// What one conversation (one address) recorded.
#[derive(Debug, Default)]
struct Attempt {
    address: String,
    stage: Stage,
    greeted: Option<bool>,
    banner: Option<String>,
    ehlo: Option<Vec<String>>,
    starttls_offered: Option<bool>,
    starttls_reply: Option<String>,
    tls_version: Option<String>,
    verdict: tls::Verdict,
    timings: ProbeTimings,
    failure: Option<ProbeError>,
}

fn failure(kind: ProbeErrorKind, message: String) -> ProbeError {
    ProbeError {
        kind,
        message,
        tls_alert: None,
    }
}

/// Milliseconds, saturating.
fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The conversation with one address. Records into `a` as it goes, so the caller's time
/// limit keeps what was learned.
async fn converse(
    addr: SocketAddr,
    host: &str,
    settings: &FetchSettings,
    config: rustls::ClientConfig,
    started: Instant,
    a: &mut Attempt,
) {
    let mut tcp = match tokio::time::timeout(settings.connect_timeout, TcpStream::connect(addr)).await {
        Err(_) => {
            a.failure = Some(failure(
                ProbeErrorKind::Timeout,
                format!(
                    "connecting to {addr} did not finish within {} s",
                    settings.connect_timeout.as_secs_f64()
                ),
            ));
            return;
        }
        Ok(Err(err)) => {
            a.failure = Some(failure(ProbeErrorKind::Connect, format!("connecting to {addr}: {err}")));
            return;
        }
        Ok(Ok(tcp)) => tcp,
    };
    a.stage = Stage::Connected;
    a.timings.connect = Some(ms(started.elapsed()));
    let _ = tcp.set_nodelay(true);
    let mut reader = ReplyReader::default();

    // The greeting: 220, or (RFC 5321 §3.1) 554 for a server that takes no mail.
    let banner = match reader.read_reply(&mut tcp).await {
        Ok(reply) => reply,
        Err(why) => {
            a.failure = Some(failure(ProbeErrorKind::Smtp, format!("the greeting of {addr}: {why}")));
            return;
        }
    };
    a.timings.banner = Some(ms(started.elapsed()));
    a.banner = Some(banner.text());
    a.greeted = Some(banner.code == 220);
    if banner.code != 220 {
        a.failure = Some(failure(
            ProbeErrorKind::Smtp,
            format!("{addr} greeted with `{}`, not 220", banner.first_line()),
        ));
        quit(&mut tcp, &mut reader).await;
        return;
    }
    a.stage = Stage::Greeted;

    let ehlo = match command(&mut tcp, &mut reader, &format!("EHLO {EHLO_NAME}")).await {
        Ok(reply) => reply,
        Err(why) => {
            a.failure = Some(failure(ProbeErrorKind::Smtp, format!("EHLO with {addr}: {why}")));
            return;
        }
    };
    a.timings.ehlo = Some(ms(started.elapsed()));
    if ehlo.code != 250 {
        // Without EHLO there is no STARTTLS (RFC 3207 §4): senders fall back to HELO and
        // plain text.
        a.starttls_offered = Some(false);
        a.failure = Some(failure(
            ProbeErrorKind::Smtp,
            format!("{addr} refused EHLO: `{}`", ehlo.first_line()),
        ));
        quit(&mut tcp, &mut reader).await;
        return;
    }
    let offered = ehlo.lines.iter().skip(1).any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|keyword| keyword.eq_ignore_ascii_case("STARTTLS"))
    });
    a.ehlo = Some(ehlo.lines);
    a.starttls_offered = Some(offered);
    if !offered {
        quit(&mut tcp, &mut reader).await;
        return;
    }

    a.stage = Stage::Asked;
    let reply = match command(&mut tcp, &mut reader, "STARTTLS").await {
        Ok(reply) => reply,
        Err(why) => {
            a.failure = Some(failure(ProbeErrorKind::Smtp, format!("STARTTLS with {addr}: {why}")));
            return;
        }
    };
    a.timings.starttls = Some(ms(started.elapsed()));
    a.starttls_reply = Some(reply.text());
    if reply.code != 220 {
        quit(&mut tcp, &mut reader).await;
        return;
    }
    // Bytes the server sent after its 220 belong to no TLS record: dropped, never acted
    // upon (the STARTTLS command injection problem, RFC 3207 §4.2, CVE-2011-0411).
    reader.buffer.clear();

    let server_name = match ServerName::try_from(host.to_string()) {
        Ok(name) => name,
        Err(err) => {
            a.failure = Some(failure(
                ProbeErrorKind::Other,
                format!("`{host}` as a TLS server name: {err}"),
            ));
            return;
        }
    };
    let mut stream = match TlsConnector::from(Arc::new(config)).connect(server_name, tcp).await {
        Ok(stream) => stream,
        Err(err) => {
            let tls_error = err.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
            a.failure = Some(ProbeError {
                kind: ProbeErrorKind::Tls,
                message: format!("the TLS handshake with {addr} after STARTTLS: {err}"),
                tls_alert: tls_error.and_then(tls::alert_of),
            });
            return;
        }
    };
    a.stage = Stage::Secured;
    a.timings.tls = Some(ms(started.elapsed()));
    a.tls_version = stream.get_ref().1.protocol_version().map(tls::version_name);
    quit(&mut stream, &mut reader).await;
    let _ = poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx)).await;
}

/// `QUIT` politely and read the `221`, briefly; the facts are in whatever it answers.
async fn quit<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, reader: &mut ReplyReader) {
    let _ = tokio::time::timeout(QUIT_TIMEOUT, command(stream, reader, "QUIT")).await;
}

/// Send `line` + CRLF and read the reply.
async fn command<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    reader: &mut ReplyReader,
    line: &str,
) -> Result<Reply, String> {
    let bytes = format!("{line}\r\n");
    write_all(stream, bytes.as_bytes())
        .await
        .map_err(|e| format!("sending `{line}`: {e}"))?;
    reader.read_reply(stream).await
}

async fn write_all<S: AsyncWrite + Unpin>(stream: &mut S, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *stream).poll_write(cx, bytes)).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
    }
    poll_fn(|cx| Pin::new(&mut *stream).poll_flush(cx)).await
}

/// One SMTP reply: its code and the text of each line (without code and separator).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    /// The reply as sent, lines joined by `\n`: `250-a\n250 b`.
    fn text(&self) -> String {
        let last = self.lines.len().saturating_sub(1);
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let sep = if i == last { ' ' } else { '-' };
            out.push_str(&format!("{}{sep}{line}", self.code));
        }
        out.trim_end().to_string()
    }

    fn first_line(&self) -> String {
        format!("{} {}", self.code, self.lines.first().map_or("", String::as_str))
            .trim_end()
            .to_string()
    }
}

/// Reads CRLF-terminated reply lines with the caps.
#[derive(Default)]
struct ReplyReader {
    buffer: Vec<u8>,
}

impl ReplyReader {
    /// The next line, without its line end (a bare LF is tolerated).
    async fn read_line<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<String, String> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buffer.len() >= LINE_LIMIT {
                return Err(format!("a reply line longer than {LINE_LIMIT} bytes"));
            }
            let mut chunk = [0u8; 1024];
            let room = (LINE_LIMIT - self.buffer.len()).min(chunk.len());
            let n = read_some(stream, &mut chunk[..room])
                .await
                .map_err(|e| format!("reading the reply: {e}"))?;
            if n == 0 {
                return Err(if self.buffer.is_empty() {
                    "the server closed the connection".to_string()
                } else {
                    "the server closed the connection inside a reply line".to_string()
                });
            }
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    /// A whole reply: `NNN-text` lines up to the `NNN text` (or bare `NNN`) line.
    async fn read_reply<S: AsyncRead + Unpin>(&mut self, stream: &mut S) -> Result<Reply, String> {
        let mut code = None;
        let mut lines = Vec::new();
        let mut size = 0;
        loop {
            let line = self.read_line(stream).await?;
            size += line.len() + 2;
            if size > REPLY_LIMIT {
                return Err(format!("a reply longer than {REPLY_LIMIT} bytes"));
            }
            let bytes = line.as_bytes();
            let this = bytes
                .get(..3)
                .filter(|d| d.iter().all(u8::is_ascii_digit))
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|d| d.parse::<u16>().ok())
                .filter(|_| matches!(bytes.get(3), None | Some(b' ' | b'-')))
                .ok_or_else(|| format!("not an SMTP reply: `{}`", show(&line)))?;
            if code.is_some_and(|c| c != this) {
                return Err(format!("a multi-line reply changes its code: `{}`", show(&line)));
            }
            code = Some(this);
            lines.push(line.get(4..).unwrap_or("").to_string());
            if bytes.get(3) != Some(&b'-') {
                return Ok(Reply { code: this, lines });
            }
        }
    }
}

async fn read_some<S: AsyncRead + Unpin>(stream: &mut S, out: &mut [u8]) -> std::io::Result<usize> {
    let mut buf = ReadBuf::new(out);
    poll_fn(|cx| Pin::new(&mut *stream).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().len())
}

/// `text` for a message: control characters escaped, cut at 200 characters.
fn show(text: &str) -> String {
    let mut out: String = text.chars().take(200).flat_map(char::escape_debug).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
