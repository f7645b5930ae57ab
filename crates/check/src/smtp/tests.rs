//! The probe against scripted in-process servers: what each SMTP answer becomes in the
//! evidence. The TLS path is tested against the test bed's real SMTP server (aiosmtpd)
//! (`tests/probe_testbed.rs`).

use super::*;
use crate::lookup::{BoxFuture, LookupAnswer};
use mtasts_core::probe::judge_mx_probe;
use std::net::IpAddr;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Answers every name with 127.0.0.1.
struct Loopback;

impl Lookup for Loopback {
    fn lookup<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, LookupAnswer> {
        Box::pin(async {
            LookupAnswer {
                addrs: vec![IpAddr::from([127, 0, 0, 1])],
                error: None,
            }
        })
    }
}

fn settings() -> FetchSettings {
    FetchSettings {
        allow_loopback: true,
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        ..FetchSettings::default()
    }
}

/// A server that sends `greeting`, then answers each command by its first word from
/// `answers` (`None`: close the connection), recording the commands it got.
async fn scripted(
    greeting: &'static str,
    answers: &'static [(&'static str, Option<&'static str>)],
) -> (u16, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let mut got = Vec::new();
        write.write_all(greeting.as_bytes()).await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            got.push(line.clone());
            let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            match answers.iter().find(|(v, _)| *v == verb) {
                Some((_, Some(answer))) => write.write_all(answer.as_bytes()).await.unwrap(),
                _ => break,
            }
            if verb == "QUIT" {
                break;
            }
        }
        got
    });
    (port, task)
}

#[tokio::test]
async fn a_server_without_starttls_is_recorded_and_judged() {
    let (port, server) = scripted(
        "220-mx.example.test ESMTP\r\n220 second greeting line\r\n",
        &[
            (
                "EHLO",
                Some("250-mx.example.test hi\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
            ),
            ("QUIT", Some("221 bye\r\n")),
        ],
    )
    .await;
    let e = probe_mx("mx.example.test", &Loopback, &settings(), port).await;
    assert_eq!(server.await.unwrap(), ["EHLO mtasts-check.invalid", "QUIT"]);
    assert_eq!(e.greeted, Some(true));
    assert_eq!(
        e.banner.as_deref(),
        Some("220-mx.example.test ESMTP\n220 second greeting line")
    );
    assert_eq!(
        e.ehlo,
        Some(vec![
            "mx.example.test hi".to_string(),
            "PIPELINING".into(),
            "8BITMIME".into()
        ])
    );
    assert_eq!(e.starttls_offered, Some(false));
    assert_eq!(e.error, None);
    assert_eq!(e.address.as_deref(), Some("127.0.0.1"));
    let report = judge_mx_probe(&e, None);
    assert!(report.has("MXC-STARTTLS"), "{:?}", report.diagnostics);
}

#[tokio::test]
async fn a_refused_starttls_keeps_the_reply() {
    let (port, server) = scripted(
        "220 mx ESMTP\r\n",
        &[
            ("EHLO", Some("250-mx\r\n250 STARTTLS\r\n")),
            ("STARTTLS", Some("454 4.7.0 TLS not available\r\n")),
            ("QUIT", Some("221 bye\r\n")),
        ],
    )
    .await;
    let e = probe_mx("mx.example.test", &Loopback, &settings(), port).await;
    assert_eq!(server.await.unwrap(), ["EHLO mtasts-check.invalid", "STARTTLS", "QUIT"]);
    assert_eq!(e.starttls_offered, Some(true));
    assert_eq!(e.starttls_reply.as_deref(), Some("454 4.7.0 TLS not available"));
    assert_eq!(e.tls_version, None);
    assert!(judge_mx_probe(&e, None).has("MXC-STARTTLS"));
}

#[tokio::test]
async fn a_server_that_is_not_smtp_is_an_smtp_error() {
    let (port, _server) = scripted("HTTP/1.1 400 Bad Request\r\n\r\n", &[]).await;
    let e = probe_mx("mx.example.test", &Loopback, &settings(), port).await;
    let error = e.error.clone().expect("an error");
    assert_eq!(error.kind, ProbeErrorKind::Smtp);
    assert!(
        error.message.contains("not an SMTP reply: `HTTP/1.1 400 Bad Request`"),
        "{}",
        error.message
    );
    assert_eq!(e.greeted, None);
    assert!(judge_mx_probe(&e, None).has("MXC-PROBE-FAILED"));
}

#[tokio::test]
async fn an_endless_line_stops_at_the_cap() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let junk = vec![b'2'; 64 * 1024];
        let _ = socket.write_all(&junk).await;
    });
    let e = probe_mx("mx.example.test", &Loopback, &settings(), port).await;
    let error = e.error.expect("an error");
    assert!(
        error.message.contains("a reply line longer than 2048 bytes"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let keep = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(socket);
    });
    let quick = FetchSettings {
        total_timeout: Duration::from_millis(300),
        ..settings()
    };
    let e = probe_mx("mx.example.test", &Loopback, &quick, port).await;
    keep.abort();
    let error = e.error.expect("an error");
    assert_eq!(error.kind, ProbeErrorKind::Timeout);
    assert!(
        error.message.contains("waiting for the greeting of 127.0.0.1"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn loopback_is_not_contacted_unless_allowed() {
    let strict = FetchSettings {
        allow_loopback: false,
        ..settings()
    };
    let e = probe_mx("mx.example.test", &Loopback, &strict, 25).await;
    let error = e.error.expect("an error");
    assert_eq!(error.kind, ProbeErrorKind::Dns);
    let dns = e.dns.expect("the lookup is recorded");
    assert!(
        dns.addresses[0]
            .error
            .as_deref()
            .is_some_and(|m| m.starts_with("not contacted: 127.0.0.1 is a loopback")),
        "{dns:?}"
    );
}

#[tokio::test]
async fn a_name_that_is_not_a_host_is_not_probed() {
    let e = probe_mx("https://mx.example.test/", &Loopback, &settings(), 25).await;
    assert_eq!(e.error.map(|x| x.kind), Some(ProbeErrorKind::Dns));
    assert_eq!(e.dns, None);
}
