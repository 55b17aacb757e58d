//! The feed server: `GET /feed.json` for holders of the bearer token, on
//! tokio + hyper, on its own runtime threads (never the UI's).
//!
//! Everything a peer controls is bounded before it costs anything: the
//! request head (8 KiB, 431 beyond; a slow head is cut after
//! [`ServerLimits::header_timeout`], which also ends idle keep-alive
//! connections), bodies (any `Content-Length` above 0 is a 413, any
//! `Transfer-Encoding` a 400, answered at once; the body is never read), a
//! peer that stops reading ([`ServerLimits::write_stall`]), and the number
//! of connections: when the table is full the oldest connection that is
//! not being answered is pushed out for the new one, and only when every
//! one is being answered is the new one told 503 with `Retry-After`. Held
//! long-polls are tasks waiting on a watch channel, not threads.
//!
//! A panic in a connection is contained in its task; if the accept loop or
//! the runtime fails, it is logged and started again with back-off on the
//! same socket ([`supervise`]). Nothing here can take the display down.
//!
//! A kiosk that keeps a fleet also takes screens' heartbeats on
//! `POST /screens/<id>` ([`super::screens`]): the one body it reads, small,
//! rate-limited and timed.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::io::AsyncWriteExt;

use super::conns::{ConnState, StallGuard, Table};
use super::{Current, Published, HOLD};
use crate::fleet::Inbox;

/// File descriptors kept for the rest of the app (SQLite, the file
/// watcher, photo workers, WebKit) below the process's limit.
pub const FD_HEADROOM: u64 = 256;
/// The most connections, whatever the file-descriptor limit allows.
pub const MAX_CONNECTIONS: usize = 4096;
/// `Retry-After` of a 503 (seconds).
const RETRY_AFTER_SECS: u64 = 2;
/// 503 answers being written at once; past that a refused peer is just closed.
const MAX_REFUSING: usize = 64;

/// What the server allows a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Bytes of a request head (request line and headers).
    pub max_header_bytes: usize,
    /// Time to send a whole request head, and to start the next one on a
    /// kept-alive connection.
    pub header_timeout: Duration,
    /// How long a request for the version the peer has is held.
    pub hold: Duration,
    /// How long a peer may take nothing of a response before it is dropped.
    pub write_stall: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            max_header_bytes: 8 * 1024,
            header_timeout: Duration::from_secs(5),
            hold: HOLD,
            write_stall: Duration::from_secs(10),
            max_connections: MAX_CONNECTIONS,
        }
    }
}

impl ServerLimits {
    /// The defaults, with the connection cap under this process's file
    /// limit (raised to its hard limit first) less [`FD_HEADROOM`].
    pub fn for_this_process() -> ServerLimits {
        let soft = match raise_fd_limit() {
            Ok((soft, _)) => soft,
            Err(e) => {
                tracing::warn!("cannot read or raise the open-file limit: {e}");
                1024
            }
        };
        ServerLimits {
            max_connections: connection_cap(soft),
            ..ServerLimits::default()
        }
    }
}

/// The connection cap for an open-file limit of `soft`.
pub fn connection_cap(soft: u64) -> usize {
    let room = soft.saturating_sub(FD_HEADROOM).max(16);
    usize::try_from(room)
        .unwrap_or(usize::MAX)
        .min(MAX_CONNECTIONS)
}

/// Raise this process's soft `RLIMIT_NOFILE` to its hard limit; the new
/// (soft, hard) limits.
pub fn raise_fd_limit() -> io::Result<(u64, u64)> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    Ok((limit.rlim_cur, limit.rlim_max))
}

/// A running feed server; it lives as long as the process.
pub struct Server {
    pub addr: SocketAddr,
    pub limits: ServerLimits,
    table: Arc<Table>,
}

impl Server {
    /// Connections open now.
    pub fn open_connections(&self) -> usize {
        self.table.len()
    }
}

struct Shared {
    published: Arc<Published>,
    /// The fleet, when this kiosk keeps one (heartbeats are taken).
    fleet: Option<Arc<Inbox>>,
    token_digest: [u8; 32],
    limits: ServerLimits,
    table: Arc<Table>,
    refusing: AtomicUsize,
}

/// Serve `published` at `addr` to holders of `token`, on a runtime of its
/// own. The socket is bound before this returns (so a bad address is an
/// error here); everything after is supervised.
pub fn serve(
    addr: &str,
    token: &str,
    published: Arc<Published>,
    limits: ServerLimits,
) -> io::Result<Server> {
    serve_with_fleet(addr, token, published, limits, None)
}

/// [`serve`], also taking screens' heartbeats into `fleet`.
pub fn serve_with_fleet(
    addr: &str,
    token: &str,
    published: Arc<Published>,
    limits: ServerLimits,
    fleet: Option<Arc<Inbox>>,
) -> io::Result<Server> {
    let token = token.trim();
    if token.chars().count() < 8 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the feed token must be at least 8 characters",
        ));
    }
    let listener = bind(addr)?;
    let bound = listener.local_addr()?;
    let table = Table::new(limits.max_connections);
    let shared = Arc::new(Shared {
        published,
        fleet,
        token_digest: Sha256::digest(token.as_bytes()).into(),
        limits,
        table: table.clone(),
        refusing: AtomicUsize::new(0),
    });
    std::thread::Builder::new()
        .name("feed-server".into())
        .spawn(move || {
            supervise(
                "the feed server",
                Duration::from_secs(1),
                Duration::from_secs(30),
                || run(&listener, shared.clone()),
            )
        })?;
    tracing::info!(addr = %bound, max_connections = limits.max_connections, "serving the feed at /feed.json");
    Ok(Server {
        addr: bound,
        limits,
        table,
    })
}

/// Connections the kernel queues before they are accepted: a thousand
/// followers come back at once after a change, and a full queue drops
/// their SYNs (each then waits a second to retry).
const LISTEN_BACKLOG: i32 = 4096;

/// The listening socket, non-blocking, with a backlog for a thousand.
fn bind(addr: &str) -> io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = io::Error::new(io::ErrorKind::InvalidInput, "no address to listen on");
    for addr in addr.to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        socket.set_reuse_address(true)?;
        match socket
            .bind(&addr.into())
            .and_then(|()| socket.listen(LISTEN_BACKLOG))
        {
            Ok(()) => {
                socket.set_nonblocking(true)?;
                return Ok(socket.into());
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Run `body` until it returns `Ok`: an error or a panic is logged and
/// `body` runs again after a wait that doubles from `first` up to `max`
/// (back to `first` once it ran for a minute). How many times it failed.
pub fn supervise(
    what: &str,
    first: Duration,
    max: Duration,
    mut body: impl FnMut() -> io::Result<()>,
) -> u32 {
    let mut wait = first;
    let mut failures = 0;
    loop {
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut body));
        let error = match outcome {
            Ok(Ok(())) => return failures,
            Ok(Err(e)) => e.to_string(),
            Err(panic) => panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into()),
        };
        failures += 1;
        if started.elapsed() > Duration::from_secs(60) {
            wait = first;
        }
        tracing::error!("{what} failed ({error}); starting it again in {wait:?}");
        std::thread::sleep(wait);
        wait = (wait * 2).min(max);
    }
}

fn run(listener: &std::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(1)
        .thread_name("feed-server-rt")
        .enable_all()
        .build()?;
    let listener = listener.try_clone()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        accept_loop(listener, shared).await
    })
}

/// Errors of `accept` that say nothing about the listening socket itself.
fn transient(e: &io::Error) -> bool {
    !matches!(
        e.raw_os_error(),
        Some(libc::EBADF | libc::EINVAL | libc::ENOTSOCK | libc::EOPNOTSUPP)
    )
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    let mut last_warning: Option<Instant> = None;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) if transient(&e) => {
                // Out of file descriptors (or a peer that left before it was
                // taken): wait a little rather than spin; say so now and then.
                if last_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    tracing::warn!("the feed server cannot take a connection: {e}");
                    last_warning = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        match shared.table.admit() {
            Some(ticket) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let state = ticket.state.clone();
                    connection(stream, peer, state, shared).await;
                    drop(ticket);
                });
            }
            None => refuse_busy(stream, &shared),
        }
    }
}

/// Every connection is being answered: say 503 with `Retry-After` (briefly,
/// and only so many at once) and close.
fn refuse_busy(mut stream: tokio::net::TcpStream, shared: &Arc<Shared>) {
    if shared.refusing.fetch_add(1, Ordering::AcqRel) >= MAX_REFUSING {
        shared.refusing.fetch_sub(1, Ordering::AcqRel);
        return;
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        let text = format!("busy; try again in {RETRY_AFTER_SECS} s\n");
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {RETRY_AFTER_SECS}\r\n\
             Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{text}",
            text.len()
        );
        let _ =
            tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
        shared.refusing.fetch_sub(1, Ordering::AcqRel);
    });
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    state: Arc<ConnState>,
    shared: Arc<Shared>,
) {
    let _ = stream.set_nodelay(true);
    let limits = shared.limits;
    let io = TokioIo::new(StallGuard::new(stream, limits.write_stall));
    let conn_state = state.clone();
    let service = hyper::service::service_fn(move |request| {
        let (shared, state) = (shared.clone(), conn_state.clone());
        async move {
            let _busy = state.request();
            Ok::<_, Infallible>(answer(request, &shared, peer).await)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size((limits.max_header_bytes * 2).max(8192))
        .max_headers(64)
        .keep_alive(true);
    tokio::select! {
        served = builder.serve_connection(io, service) => {
            if let Err(e) = served {
                tracing::debug!("feed connection ended: {e}");
            }
        }
        () = state.evict.notified() => tracing::debug!("feed connection pushed out for a new one"),
    }
}

pub(super) fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(format!("{text}\n"))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A refusal after which the connection is closed (its body, if any, is
/// never read).
pub(super) fn closing(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = plain(status, text);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

pub(super) fn authorised(request: &Request<Incoming>, token_digest: &[u8; 32]) -> bool {
    let bearer = request
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, value) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(value)
        });
    let in_query = request
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter_map(|kv| kv.strip_prefix("token="));
    // Every candidate is hashed and compared in full: the time taken says
    // nothing about how much of the token was right, nor its length.
    bearer.chain(in_query).fold(false, |ok, candidate| {
        let digest: [u8; 32] = Sha256::digest(candidate.trim().as_bytes()).into();
        ok | bool::from(digest.ct_eq(token_digest))
    })
}

fn matches(if_none_match: Option<&HeaderValue>, etag: &str) -> bool {
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

fn feed_response(current: &Current, hold: Duration) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(current.bytes.clone()));
    let headers = response.headers_mut();
    headers.insert(crate::fetch::HOLD_HEADER, hold_value(hold));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(tag) = HeaderValue::from_str(&current.etag) {
        headers.insert(header::ETAG, tag);
    }
    response
}

async fn answer(
    request: Request<Incoming>,
    shared: &Shared,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    if let Some(fleet) = &shared.fleet {
        if request.uri().path().starts_with("/screens/") {
            return super::screens::answer(request, &shared.token_digest, fleet, peer).await;
        }
    }
    let headers = request.headers();
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return closing(StatusCode::BAD_REQUEST, "the feed takes no request body");
    }
    let length = headers.get(header::CONTENT_LENGTH);
    if length.is_some_and(|v| v.as_bytes() != b"0") {
        return closing(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the feed takes no request body",
        );
    }
    if request.method() != Method::GET {
        let mut response = closing(StatusCode::METHOD_NOT_ALLOWED, "the feed is read-only");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    if request.uri().path() != "/feed.json" {
        return plain(StatusCode::NOT_FOUND, "the feed is at /feed.json");
    }
    if !authorised(&request, &shared.token_digest) {
        let mut response = closing(StatusCode::UNAUTHORIZED, "a bearer token is needed");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    let mut changes = shared.published.subscribe();
    let Some(current) = changes.borrow_and_update().clone() else {
        let mut response = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "nothing is published yet; try again soon",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        return response;
    };
    let seen = request.headers().get(header::IF_NONE_MATCH);
    if !matches(seen, &current.etag) {
        return feed_response(&current, shared.limits.hold);
    }
    let newer = tokio::time::timeout(
        shared.limits.hold,
        changes.wait_for(|c| c.as_ref().is_some_and(|c| c.etag != current.etag)),
    )
    .await;
    match newer {
        Ok(Ok(newer)) => match newer.as_ref() {
            Some(newer) => feed_response(newer, shared.limits.hold),
            None => not_modified(&current, shared.limits.hold),
        },
        _ => not_modified(&current, shared.limits.hold),
    }
}

fn not_modified(current: &Current, hold: Duration) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    response
        .headers_mut()
        .insert(crate::fetch::HOLD_HEADER, hold_value(hold));
    if let Ok(tag) = HeaderValue::from_str(&current.etag) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// Tells a follower this server holds a request for the version it has
/// (whole seconds, at least 1), so it may ask again as soon as one returns.
fn hold_value(hold: Duration) -> HeaderValue {
    HeaderValue::from(hold.as_secs().max(1))
}
