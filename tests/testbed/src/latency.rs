//! The latency injector: a TCP proxy that holds each new connection for a while before
//! any byte passes, like a far-away server's first round trip.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

/// Forward each connection accepted on `listeners` to `upstream` after `delay`, on the
/// current tokio runtime until it stops.
pub(crate) fn spawn_proxy(
    listeners: Vec<std::net::TcpListener>,
    upstream: SocketAddr,
    delay: Duration,
) -> Result<(), String> {
    for listener in listeners {
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("latency proxy: cannot make a listener non-blocking: {e}"))?;
        let listener =
            TcpListener::from_std(listener).map_err(|e| format!("latency proxy: cannot register a listener: {e}"))?;
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    // Out of file descriptors and the like: wait and go on.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                tokio::spawn(forward(client, upstream, delay));
            }
        });
    }
    Ok(())
}

async fn forward(mut client: TcpStream, upstream: SocketAddr, delay: Duration) {
    tokio::time::sleep(delay).await;
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return; // the client sees the connection close
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}

/// A port free on both 127.0.0.1 and [::1] for TCP, bound to `std` listeners that the
/// caller hands to the proxy (so no other process can take it in between).
pub(crate) fn bind_dual() -> Result<Vec<std::net::TcpListener>, String> {
    for _ in 0..100 {
        let v4 = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("latency proxy: cannot bind 127.0.0.1:0: {e}"))?;
        let port = v4.local_addr().map_err(|e| e.to_string())?.port();
        if let Ok(v6) = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, port)) {
            return Ok(vec![v4, v6]);
        }
    }
    Err("latency proxy: no port free on both 127.0.0.1 and ::1 in 100 tries".to_string())
}
