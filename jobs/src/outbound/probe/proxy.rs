//! Going through a monitor's HTTP proxy: the guard checks the proxy's
//! address (it is what RunState connects to); the target is the proxy's to
//! reach. HTTPS goes through a `CONNECT` tunnel, plain HTTP is sent to the
//! proxy in absolute form.

use base64::Engine;
use http::HeaderValue;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

use crate::outbound::OutboundError;

/// The most of a proxy's answer to `CONNECT` that is read.
const HEAD_MAX: usize = 8 * 1024;

/// The proxy's host and port, refusing anything but `http://`.
pub(super) fn endpoint(proxy: &Url) -> Result<(&str, u16), OutboundError> {
    if proxy.scheme() != "http" {
        return Err(OutboundError::InvalidUrl(format!(
            "the proxy must be an http:// URL, not {}",
            proxy.scheme()
        )));
    }
    match (proxy.host_str(), proxy.port_or_known_default()) {
        (Some(host), Some(port)) => Ok((host, port)),
        _ => Err(OutboundError::InvalidUrl("the proxy URL has no host".into())),
    }
}

/// `Proxy-Authorization` from the proxy URL's user and password, if any.
pub(super) fn authorization(proxy: &Url) -> Option<HeaderValue> {
    if proxy.username().is_empty() {
        return None;
    }
    let user = percent_decode(proxy.username());
    let password = percent_decode(proxy.password().unwrap_or_default());
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    HeaderValue::from_str(&format!("Basic {token}")).ok()
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Asks the proxy for a tunnel to `host:port` over `tcp`, and hands the
/// stream back once it answers 2xx. Reads byte by byte up to the blank line,
/// so nothing of the tunnel itself is consumed.
pub(super) async fn tunnel(
    mut tcp: TcpStream,
    proxy: &Url,
    host: &str,
    port: u16,
) -> Result<TcpStream, OutboundError> {
    let mut request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some(auth) = authorization(proxy) {
        request.push_str("Proxy-Authorization: ");
        request.push_str(auth.to_str().unwrap_or_default());
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let io = |e: std::io::Error| OutboundError::from_io(&e);
    tcp.write_all(request.as_bytes()).await.map_err(io)?;
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= HEAD_MAX {
            return Err(OutboundError::Http("the proxy's answer to CONNECT is too long".into()));
        }
        let byte = tcp.read_u8().await.map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                OutboundError::Connect("the proxy closed the connection".into())
            }
            _ => io(e),
        })?;
        head.push(byte);
    }
    let line = String::from_utf8_lossy(&head);
    let line = line.lines().next().unwrap_or_default();
    let code = line.split_whitespace().nth(1).and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(200..=299) => Ok(tcp),
        _ => Err(OutboundError::Connect(format!(
            "the proxy refused the tunnel: {}",
            domain::text::remote(line)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_proxy_url_become_basic_auth() {
        let url = Url::parse("http://ops%40corp:p%3Ass@proxy.example:3128").unwrap();
        let auth = authorization(&url).unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode("ops@corp:p:ss");
        assert_eq!(auth.to_str().unwrap(), format!("Basic {expected}"));
        assert_eq!(authorization(&Url::parse("http://proxy.example:3128").unwrap()), None);
        assert_eq!(endpoint(&url).unwrap(), ("proxy.example", 3128));
        assert!(endpoint(&Url::parse("socks5://proxy.example").unwrap()).is_err());
    }
}
