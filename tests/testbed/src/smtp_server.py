"""The test bed's MX hosts: one SMTP server (aiosmtpd) that accepts no mail.

Run by the test bed (tests/testbed/src/servers.rs) with Debian's /usr/bin/python3 and one
argument, a JSON config file:

    {"port": P, "hostname": "...",
     "good_cert": "...", "good_key": "...",
     "wrong_cert": "...", "wrong_key": "...", "wrong_cert_names": ["mx.mxbadcert.bed.test"],
     "starttls_addr": "127.0.0.1", "plain_addr": "127.0.0.2"}

- starttls_addr:P offers STARTTLS; the certificate is chosen by SNI: the wrong one for the
  names in wrong_cert_names, the good one for every other name (and for no SNI).
- plain_addr:P offers no STARTTLS.

Any MAIL or RCPT is refused: the probe never sends mail, and nothing else should.
"""

import asyncio
import json
import logging
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError as e:
    print(
        f"python3-aiosmtpd is not installed ({e}): run `cargo xtask setup`",
        file=sys.stderr,
        flush=True,
    )
    sys.exit(3)

# The greeting's identification; the bed's readiness check looks for it, so that a port
# taken by another process is not mistaken for this server.
IDENT = "mtasts-testbed SMTP"


class AcceptNothing:
    """An aiosmtpd handler that refuses every sender and recipient."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "550 5.7.1 this test server accepts no mail"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.7.1 this test server accepts no mail"


def tls_context(config):
    def load(cert, key):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert, key)
        return context

    good = load(config["good_cert"], config["good_key"])
    wrong = load(config["wrong_cert"], config["wrong_key"])
    wrong_names = {n.lower() for n in config["wrong_cert_names"]}

    def choose_by_sni(ssl_object, server_name, _context):
        logging.info("TLS handshake, SNI %r", server_name)
        if server_name is not None and server_name.lower().rstrip(".") in wrong_names:
            ssl_object.context = wrong
        return None  # go on with the handshake

    good.sni_callback = choose_by_sni
    return good


async def main(config):
    loop = asyncio.get_running_loop()
    handler = AcceptNothing()
    port = config["port"]
    hostname = config["hostname"]
    context = tls_context(config)

    def with_starttls():
        return SMTP(handler, hostname=hostname, ident=IDENT, tls_context=context)

    def without_starttls():
        return SMTP(handler, hostname=hostname, ident=IDENT)

    servers = [
        await loop.create_server(with_starttls, config["starttls_addr"], port),
        await loop.create_server(without_starttls, config["plain_addr"], port),
    ]
    logging.info(
        "listening on %s:%d (STARTTLS) and %s:%d (no STARTTLS)",
        config["starttls_addr"],
        port,
        config["plain_addr"],
        port,
    )
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} CONFIG.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        settings = json.load(f)
    try:
        asyncio.run(main(settings))
    except OSError as e:
        # "Address already in use" reaches the bed's log: it then retries on another port.
        sys.exit(f"cannot listen: {e}")
