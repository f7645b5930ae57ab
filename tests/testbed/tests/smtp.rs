//! The bed's SMTP server, checked with a plain TCP client: the greeting on both addresses,
//! STARTTLS offered on 127.0.0.1 only, and no mail accepted.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use mtasts_testbed::TestBed;

const STARTTLS_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 1);
const PLAIN_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

/// One SMTP connection, line by line.
struct Smtp {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Smtp {
    fn connect(ip: Ipv4Addr, port: u16) -> Smtp {
        let addr = SocketAddr::from((ip, port));
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
            .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"));
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Smtp { writer: stream, reader }
    }

    /// One (multi-line) reply: its lines without CRLF.
    fn reply(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("a reply line");
            assert!(n > 0, "connection closed after {lines:?}");
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines;
            }
        }
    }

    fn command(&mut self, command: &str) -> Vec<String> {
        self.writer.write_all(format!("{command}\r\n").as_bytes()).unwrap();
        self.reply()
    }
}

fn start() -> TestBed {
    TestBed::start().unwrap_or_else(|e| panic!("the test bed did not start: {e}"))
}

/// EHLO's extension keywords (the lines after the first, without the code).
fn extensions(reply: &[String]) -> Vec<String> {
    reply.iter().skip(1).map(|l| l[4..].to_ascii_uppercase()).collect()
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
fn greets_on_both_addresses_and_offers_starttls_on_127_0_0_1_only() {
    let bed = start();
    for (ip, starttls) in [(STARTTLS_ADDR, true), (PLAIN_ADDR, false)] {
        let mut smtp = Smtp::connect(ip, bed.smtp_port());
        let greeting = smtp.reply();
        assert!(greeting[0].starts_with("220 "), "{ip}: {greeting:?}");
        let ehlo = smtp.command("EHLO client.invalid");
        assert!(ehlo.iter().all(|l| l.starts_with("250")), "{ip}: {ehlo:?}");
        let offered = extensions(&ehlo).iter().any(|e| e == "STARTTLS");
        assert_eq!(offered, starttls, "{ip}: {ehlo:?}");
        let quit = smtp.command("QUIT");
        assert!(quit[0].starts_with("221"), "{ip}: {quit:?}");
    }
}

#[test]
#[ignore = "needs bind9, dnsdist, nginx, aiosmtpd: run by cargo xtask test"]
fn accepts_no_mail() {
    let bed = start();
    let mut smtp = Smtp::connect(STARTTLS_ADDR, bed.smtp_port());
    smtp.reply();
    smtp.command("EHLO client.invalid");
    let mail = smtp.command("MAIL FROM:<someone@bed.test>");
    assert!(mail[0].starts_with("550 "), "{mail:?}");
}
