//! A scripted HTTP/1.1 server on loopback for the tests of the HTTP clients: every request is
//! recorded and answered by a closure (a reply, a stall or a dropped connection), with
//! `Connection: close`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Announce this length instead of the real one (to cut a body short).
    pub content_length: Option<usize>,
}

pub fn reply(status: u16) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: Vec::new(),
        content_length: None,
    }
}

impl Reply {
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn body(mut self, b: impl AsRef<[u8]>) -> Reply {
        self.body = b.as_ref().to_vec();
        self
    }
    pub fn json(self, v: &serde_json::Value) -> Reply {
        self.header("Content-Type", "application/json")
            .body(v.to_string())
    }
    pub fn announce(mut self, n: usize) -> Reply {
        self.content_length = Some(n);
        self
    }
}

pub enum Action {
    Reply(Reply),
    /// Read the request, then send nothing for this long and close.
    Stall(Duration),
    /// Read the request and close the connection without an answer.
    Close,
}

/// Gets the request, every earlier request and the server's port.
type Handler = dyn Fn(&Req, &[Req], u16) -> Action + Send + Sync;

/// A listening server; dropping it stops the accept loop. The fields are public for tests that
/// run their own loop (a proxy) and still want the log and the shutdown.
pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Vec<Req>>>,
    pub stop: Arc<AtomicBool>,
    pub thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves at most 400 connections for at most 60 s, each on its own thread. The handler
    /// gets the request and the number of earlier requests with the same method and target.
    pub fn start(handler: impl Fn(&Req, usize) -> Action + Send + Sync + 'static) -> Server {
        Self::start_limited(400, handler)
    }

    /// Like [`Server::start`], but stops listening (the port is closed) after `limit`
    /// connections.
    pub fn start_limited(
        limit: usize,
        handler: impl Fn(&Req, usize) -> Action + Send + Sync + 'static,
    ) -> Server {
        Self::run(limit, true, move |req, earlier, _| {
            let same = earlier
                .iter()
                .filter(|r| r.method == req.method && r.target == req.target)
                .count();
            handler(req, same)
        })
    }

    /// Serves at most 200 connections for at most 60 s, one at a time. The handler gets the
    /// request, all earlier requests and the server's port.
    pub fn serial(handler: impl Fn(&Req, &[Req], u16) -> Reply + Send + Sync + 'static) -> Server {
        Self::run(200, false, move |req, earlier, port| {
            Action::Reply(handler(req, earlier, port))
        })
    }

    fn run(
        limit: usize,
        threaded: bool,
        handler: impl Fn(&Req, &[Req], u16) -> Action + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log2, stop2) = (log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut served = 0;
            while served < limit && Instant::now() < deadline && !stop2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        let (h, l) = (handler.clone(), log2.clone());
                        let serve = move || serve(stream, &*h, &l, port);
                        if threaded {
                            std::thread::spawn(serve);
                        } else {
                            serve();
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.host())
    }

    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Req> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Requests with this method whose target starts with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|r| r.method == method && r.target.starts_with(prefix))
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Req>>, port: u16) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    // Earlier requests, and this one logged, under one lock (threaded servers).
    let earlier = {
        let mut l = log.lock().expect("log");
        let earlier = l.clone();
        l.push(req.clone());
        earlier
    };
    match handler(&req, &earlier, port) {
        Action::Reply(r) => write_reply(&mut stream, &req.method, &r),
        Action::Stall(d) => std::thread::sleep(d),
        Action::Close => {}
    }
}

pub fn read_request(stream: &mut impl Read) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len.min(4 << 20) {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some(Req {
        method,
        target,
        headers,
        body,
    })
}

pub fn write_reply(stream: &mut impl Write, method: &str, r: &Reply) {
    let reason = match r.status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Scripted",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", r.status);
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if r.status != 304 {
        out.push_str(&format!(
            "Content-Length: {}\r\n",
            r.content_length.unwrap_or(r.body.len())
        ));
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    if method != "HEAD" && r.status != 304 {
        bytes.extend_from_slice(&r.body);
    }
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
}
