//! Real local stand-ins for tests (feature `testing`): an HTTP receiver that
//! records requests and answers from a script (Slack, webhooks, check
//! targets), a minimal SMTP server, an authoritative DNS server
//! ([`DnsStandIn`]), a tripwire that counts connections, and Standard
//! Webhooks verification; in [`tls`], test certificates and a TLS server; in
//! [`rdap`], a domain registry.
//!
//! Stand-ins listen on [`STAND_IN_HOST`] (127.0.0.2) and tests allow exactly
//! [`STAND_IN_ALLOW`], never the whole of loopback: the guard stays on, so a
//! path that skipped it would reach a [`Tripwire`] on 127.0.0.1 and fail its test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod rdap;
pub mod tls;

use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

mod dns;

pub use dns::DnsStandIn;

/// The address stand-ins listen on.
pub const STAND_IN_HOST: &str = "127.0.0.2";
/// The one range tests exempt from the guard (`--allow-targets`).
pub const STAND_IN_ALLOW: &str = "127.0.0.2/32";

/// One request a receiver saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    /// A header's value, or "".
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A scripted reply: a status and extra headers.
pub type Reply = (u16, Vec<(&'static str, String)>);

/// An HTTP server that records every request and answers with the current
/// status (200 unless changed), optionally after a script of replies.
#[derive(Clone)]
pub struct Recorder {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    status: Arc<AtomicU16>,
    script: Arc<Mutex<Vec<Reply>>>,
    hits: Arc<AtomicUsize>,
    delay_ms: Arc<AtomicU64>,
    body: Arc<Mutex<String>>,
}

impl Recorder {
    /// Starts a recorder on [`STAND_IN_HOST`]; `url` ends with `path`.
    pub async fn start(path: &str) -> Self {
        let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let recorder = Self {
            url: format!("http://{addr}{path}"),
            seen: Arc::default(),
            status: Arc::new(AtomicU16::new(200)),
            script: Arc::default(),
            hits: Arc::default(),
            delay_ms: Arc::default(),
            body: Arc::new(Mutex::new("ok".to_owned())),
        };
        let app = axum::Router::new().fallback(record).with_state(recorder.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        recorder
    }

    /// Waits this long before answering each later request.
    pub fn set_delay(&self, delay: std::time::Duration) {
        self.delay_ms.store(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    /// Answers every later request with `status`.
    pub fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Answers every later request with this body (`ok` until changed), as
    /// `text/plain`; a JSON API's assertions read it all the same.
    pub fn set_body(&self, body: impl Into<String>) {
        *self.body.lock().unwrap() = body.into();
    }

    /// Answers the next requests with these replies, then the current status.
    pub fn script(&self, replies: Vec<Reply>) {
        *self.script.lock().unwrap() = replies;
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn record(
    State(recorder): State<Recorder>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    recorder.hits.fetch_add(1, Ordering::SeqCst);
    let delay = recorder.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    recorder.seen.lock().unwrap().push(Seen { path: uri.path().to_owned(), headers, body });
    let scripted = {
        let mut script = recorder.script.lock().unwrap();
        (!script.is_empty()).then(|| script.remove(0))
    };
    let (status, extra) =
        scripted.unwrap_or_else(|| (recorder.status.load(Ordering::SeqCst), Vec::new()));
    let mut out = HeaderMap::new();
    for (name, value) in extra {
        out.insert(name, value.parse().unwrap());
    }
    let body = recorder.body.lock().unwrap().clone();
    (StatusCode::from_u16(status).unwrap(), out, body)
}

/// Checks a Standard Webhooks signature independently of the sender's code.
pub fn verify_standard_webhook(secret: &str, seen: &Seen) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let signed = format!(
        "{}.{}.{}",
        seen.header("webhook-id"),
        seen.header("webhook-timestamp"),
        String::from_utf8_lossy(&seen.body)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(signed.as_bytes());
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    seen.header("webhook-signature").split(' ').any(|sig| sig == expected)
}

/// A message the SMTP stand-in accepted.
#[derive(Clone, Debug, Default)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// A minimal SMTP server on [`STAND_IN_HOST`] speaking the real protocol:
/// greets, answers EHLO, MAIL, RCPT (with `rcpt_reply`), DATA and QUIT, and
/// keeps each message.
pub async fn smtp_stand_in(rcpt_reply: &'static str) -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let listener = TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let mut mail = Mail::default();
                let _ = write.write_all(b"220 stand-in ESMTP ready\r\n").await;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let command = line.trim_end().to_owned();
                    let verb = command.split([' ', ':']).next().unwrap_or("").to_uppercase();
                    let answer = match verb.as_str() {
                        "EHLO" | "HELO" => "250 stand-in greets you".to_owned(),
                        "MAIL" => {
                            mail.from = command.clone();
                            "250 sender ok".to_owned()
                        }
                        "RCPT" => {
                            mail.to.push(command.clone());
                            rcpt_reply.to_owned()
                        }
                        "RSET" | "NOOP" => "250 ok".to_owned(),
                        "DATA" => {
                            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                            let mut data = String::new();
                            loop {
                                let mut data_line = String::new();
                                if lines.read_line(&mut data_line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if data_line == ".\r\n" {
                                    break;
                                }
                                data.push_str(&data_line);
                            }
                            mail.data = data;
                            store.lock().unwrap().push(std::mem::take(&mut mail));
                            "250 queued as 1".to_owned()
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => "502 command not implemented".to_owned(),
                    };
                    if write.write_all(format!("{answer}\r\n").as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, mails)
}

/// A listener on a denied address that counts every connection it accepts,
/// answers a minimal HTTP 200 (so a request that got through would look
/// delivered) and hangs up. A guarded path must leave it at zero.
#[derive(Clone)]
pub struct Tripwire {
    pub addr: std::net::SocketAddr,
    hits: Arc<AtomicUsize>,
}

impl Tripwire {
    /// Listens on `ip` (e.g. "127.0.0.1" or "::1"), on a free port.
    pub async fn start(ip: &str) -> Self {
        let ip: std::net::IpAddr = ip.parse().unwrap();
        assert!(ip.is_loopback(), "tripwires listen on loopback only");
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let tripwire =
            Self { addr: listener.local_addr().unwrap(), hits: Arc::new(AtomicUsize::new(0)) };
        let hits = tripwire.hits.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                hits.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let reply =
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                    let _ = socket.write_all(reply).await;
                });
            }
        });
        tripwire
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many connections reached it.
    pub fn connections(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
