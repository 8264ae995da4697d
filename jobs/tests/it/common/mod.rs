//! Real servers on loopback for the outbound and check tests: plain HTTP/1.1
//! written by hand, so a test can misbehave exactly as a hostile target would
//! (endless bodies, silence, redirect loops), and count every TCP connection.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// A request as the server read it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response, sent after `delay`.
    Full { status: u16, headers: Vec<(String, String)>, body: Vec<u8>, delay: Duration },
    /// 200 with a chunked body that never ends.
    Endless,
    /// 200 declaring `Content-Length: n`, then sending bytes until the client leaves.
    Declared(u64),
    /// Reads the request and never answers.
    Silent,
    /// Headers announcing a 1 MB body, then silence for 60 s.
    Stalled,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200).body(body)
    }

    /// An empty response with `status`.
    pub fn status(status: u16) -> Self {
        Self::Full { status, headers: Vec::new(), body: Vec::new(), delay: Duration::ZERO }
    }

    /// A 302 to `location`.
    pub fn redirect(location: impl Into<String>) -> Self {
        Self::status(302).header("location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        if let Self::Full { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.into()));
        }
        self
    }

    /// Sets the body.
    pub fn body(mut self, new: impl Into<Vec<u8>>) -> Self {
        if let Self::Full { body, .. } = &mut self {
            *body = new.into();
        }
        self
    }

    /// Waits before sending the headers.
    pub fn after(mut self, wait: Duration) -> Self {
        if let Self::Full { delay, .. } = &mut self {
            *delay = wait;
        }
        self
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A server on one loopback address; it stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Request>>>,
    task: JoinHandle<()>,
}

impl Server {
    /// Serves plain HTTP on `ip` (a loopback address) at a free port.
    pub async fn start(
        ip: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::spawn(ip, None, Arc::new(handler)).await
    }

    /// Serves HTTPS with `acceptor`'s certificate.
    pub async fn start_tls(
        ip: &str,
        acceptor: TlsAcceptor,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::spawn(ip, Some(acceptor), Arc::new(handler)).await
    }

    /// A server that answers 200 to everything; for counting connections.
    pub async fn counting(ip: &str) -> Self {
        Self::start(ip, |_| Reply::ok("reached")).await
    }

    async fn spawn(ip: &str, tls: Option<TlsAcceptor>, handler: Handler) -> Self {
        let ip: std::net::IpAddr = ip.parse().expect("a loopback address");
        assert!(ip.is_loopback(), "test servers listen on loopback only");
        let listener = TcpListener::bind((ip, 0)).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (Arc::clone(&connections), Arc::clone(&requests));
        let task = tokio::spawn(async move {
            // Owning the connection tasks here means dropping the server ends them too.
            let mut conns = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let (handler, seen, tls) = (Arc::clone(&handler), Arc::clone(&seen), tls.clone());
                conns.spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, &handler, &seen).await;
                            }
                        }
                        None => serve(stream, &handler, &seen).await,
                    }
                });
                while conns.try_join_next().is_some() {}
            }
        });
        Self { addr, connections, requests, task }
    }

    /// How many TCP connections were accepted. It waits a moment first: a
    /// connection the kernel completed may not have been accepted yet, and a
    /// count of zero must not pass for that reason.
    pub async fn connections(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(50)).await;
        self.connections.load(Ordering::SeqCst)
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }

    /// `http://addr/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `https://addr/path`.
    pub fn https_url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    handler: &Handler,
    seen: &Mutex<Vec<Request>>,
) {
    let mut stream = BufReader::new(stream);
    let Some(request) = read_request(&mut stream).await else { return };
    seen.lock().expect("lock").push(request.clone());
    let reply = handler(&request);
    let _ = write_reply(stream.get_mut(), reply).await;
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut BufReader<S>) -> Option<Request> {
    let mut line = String::new();
    stream.read_line(&mut line).await.ok()?;
    let mut parts = line.split_whitespace();
    let mut request = Request {
        method: parts.next()?.to_owned(),
        path: parts.next()?.to_owned(),
        ..Request::default()
    };
    loop {
        line.clear();
        stream.read_line(&mut line).await.ok()?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        request.headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    request.body = vec![0; length.min(1 << 20)];
    stream.read_exact(&mut request.body).await.ok()?;
    Some(request)
}

async fn write_reply<S: AsyncWrite + Unpin>(stream: &mut S, reply: Reply) -> std::io::Result<()> {
    let chunk = vec![b'x'; 64 * 1024];
    match reply {
        Reply::Full { status, headers, body, delay } => {
            tokio::time::sleep(delay).await;
            let mut head = format!("HTTP/1.1 {status} Test\r\nconnection: close\r\n");
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length")) {
                head.push_str(&format!("content-length: {}\r\n", body.len()));
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
        }
        Reply::Endless => {
            stream.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").await?;
            // Bounded all the same (1 GiB), in case a client under test never stops.
            for _ in 0..16 * 1024 {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
            }
        }
        Reply::Declared(length) => {
            stream
                .write_all(
                    format!("HTTP/1.1 200 OK\r\ncontent-length: {length}\r\n\r\n").as_bytes(),
                )
                .await?;
            for _ in 0..16 * 1024 {
                stream.write_all(&chunk).await?;
            }
        }
        Reply::Silent => tokio::time::sleep(Duration::from_secs(60)).await,
        Reply::Stalled => {
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\n").await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    }
    stream.flush().await
}
