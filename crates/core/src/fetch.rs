//! Fetching a schedule from a URL (http and https): bounded in time and bytes,
//! at most 5 redirects, conditional with ETag / Last-Modified so an unchanged
//! feed costs a 304, and a back-off with jitter that honours `Retry-After`.

use std::io::Read;
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::limits;

#[derive(Debug, Clone)]
pub struct FetchLimits {
    pub connect: Duration,
    /// From the request sent to the response's headers.
    pub response: Duration,
    /// Between reads of the body.
    pub body: Duration,
    /// The whole exchange, redirects included.
    pub total: Duration,
    pub max_bytes: u64,
    pub max_redirects: u32,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            connect: Duration::from_secs(5),
            response: Duration::from_secs(10),
            body: Duration::from_secs(10),
            total: Duration::from_secs(60),
            max_bytes: limits::MAX_SCHEDULE_BYTES,
            max_redirects: 5,
        }
    }
}

/// What the last good response said about its version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validator {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Sent by a kiosk's feed server on every answer to `GET /feed.json`: it
/// holds a request carrying its current ETag for this many seconds (a
/// long-poll), so a follower may ask again as soon as an answer comes.
pub const HOLD_HEADER: &str = "summit-feed-hold";

/// The longest hold a server's [`HOLD_HEADER`] is believed up to: past
/// the response time-out a held request would fail anyway.
pub const MAX_ADVERTISED_HOLD: Duration = Duration::from_secs(60);

/// A fetch's answer, and the hold its server advertised (`None`: it does
/// not hold requests, or said nothing that parses).
#[derive(Debug)]
pub struct Answer {
    pub fetched: Fetched,
    pub hold: Option<Duration>,
}

/// [`HOLD_HEADER`]'s value: whole seconds, 1 up to [`MAX_ADVERTISED_HOLD`].
pub fn parse_hold(value: &str) -> Option<Duration> {
    let secs = value.trim().parse::<u64>().ok().filter(|s| *s > 0)?;
    Some(Duration::from_secs(secs).min(MAX_ADVERTISED_HOLD))
}

#[derive(Debug)]
pub enum Fetched {
    NotModified,
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validator: Validator,
    },
}

fn fail(url: &str, message: impl Into<String>) -> Error {
    Error::Fetch {
        url: url.to_string(),
        message: message.into(),
        retry_after: None,
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(24 * 3600)));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let secs = when.duration_since(jiff::Timestamp::now()).as_secs();
    Some(Duration::from_secs(secs.clamp(0, 24 * 3600) as u64))
}

fn describe(url: &str, e: ureq::Error, limits: &FetchLimits) -> Error {
    let message = match &e {
        ureq::Error::Timeout(which) => {
            format!("timed out ({which}); the server is too slow or stalled")
        }
        ureq::Error::TooManyRedirects => format!("more than {} redirects", limits.max_redirects),
        ureq::Error::BodyExceedsLimit(n) => format!("the response is over the limit of {n} bytes"),
        ureq::Error::HostNotFound => "no such host".into(),
        ureq::Error::ConnectionFailed => "cannot connect".into(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the response ended early (truncated)".into()
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".into()
        }
        other => other.to_string(),
    };
    fail(url, message)
}

fn agent(limits: &FetchLimits) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(limits.connect))
        .timeout_recv_response(Some(limits.response))
        .timeout_recv_body(Some(limits.body))
        .timeout_global(Some(limits.total))
        .max_redirects(limits.max_redirects)
        .max_redirects_will_error(true)
        .http_status_as_error(false)
        .user_agent(concat!("summit-kiosk/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// The server's clock: the `Date` header of a HEAD request to `url` (for
/// `doctor`, which compares it with this machine's).
pub fn server_date(url: &str, limits: &FetchLimits) -> Result<jiff::Timestamp> {
    let response = agent(limits)
        .head(url)
        .call()
        .map_err(|e| describe(url, e, limits))?;
    let date = response
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| fail(url, "the response has no Date header"))?;
    jiff::fmt::rfc2822::parse(date)
        .map(|z| z.timestamp())
        .map_err(|e| fail(url, format!("its Date header {date:?} is not a date: {e}")))
}

/// GET `url`, conditionally on `known`; a `?token=` in it is sent as
/// `Authorization: Bearer` and errors name the URL without it.
pub fn fetch(url: &str, known: &Validator, limits: &FetchLimits) -> Result<Fetched> {
    fetch_source(&crate::sync::UrlSource::parse(url), known, limits)
}

/// GET `source`, conditionally on `known`, with its token as a bearer
/// token; errors name the source by its name (no credentials).
pub fn fetch_source(
    source: &crate::sync::UrlSource,
    known: &Validator,
    limits: &FetchLimits,
) -> Result<Fetched> {
    fetch_answer(source, known, limits).map(|a| a.fetched)
}

/// [`fetch_source`], with the hold the server advertised.
pub fn fetch_answer(
    source: &crate::sync::UrlSource,
    known: &Validator,
    limits: &FetchLimits,
) -> Result<Answer> {
    let url = source.name.as_str();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(fail(
            url,
            "only http:// and https:// addresses can be fetched",
        ));
    }
    let mut request = agent(limits).get(&source.url);
    if let Some(token) = &source.token {
        request = request.header("Authorization", &format!("Bearer {}", token.expose()));
    }
    if let Some(etag) = &known.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(modified) = &known.last_modified {
        request = request.header("If-Modified-Since", modified);
    }
    let mut response = request.call().map_err(|e| describe(url, e, limits))?;
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let hold = header(HOLD_HEADER).as_deref().and_then(parse_hold);
    if status.as_u16() == 304 {
        return Ok(Answer {
            fetched: Fetched::NotModified,
            hold,
        });
    }
    if !status.is_success() {
        return Err(Error::Fetch {
            url: url.to_string(),
            message: format!(
                "the server answered HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim_end()
            .to_string(),
            retry_after: header("retry-after").as_deref().and_then(retry_after),
        });
    }
    let content_type = header("content-type");
    let validator = Validator {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    if let Some(len) = header("content-length").and_then(|v| v.trim().parse::<u64>().ok()) {
        if len > limits.max_bytes {
            return Err(fail(
                url,
                format!(
                    "the response is {len} bytes, over the limit of {} bytes",
                    limits.max_bytes
                ),
            ));
        }
    }
    let mut bytes = Vec::new();
    let reader = response.body_mut().as_reader();
    reader
        .take(limits.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(
            |e| match e.into_inner().map(|inner| inner.downcast::<ureq::Error>()) {
                Some(Ok(ureq_err)) => describe(url, *ureq_err, limits),
                Some(Err(other)) => fail(url, other.to_string()),
                None => fail(url, "the response ended early (truncated)"),
            },
        )?;
    if bytes.len() as u64 > limits.max_bytes {
        return Err(fail(
            url,
            format!(
                "the response is over the limit of {} bytes",
                limits.max_bytes
            ),
        ));
    }
    Ok(Answer {
        fetched: Fetched::Body {
            bytes,
            content_type,
            validator,
        },
        hold,
    })
}

/// Refuse a body that is plainly not a schedule, whatever it parses as.
pub fn check_content_type(url: &str, content_type: Option<&str>, bytes: &[u8]) -> Result<()> {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("text/html") || looks_like_html(bytes) {
        return Err(fail(
            url,
            "the server sent a web page (text/html), not a schedule",
        ));
    }
    for kind in [
        "image/",
        "audio/",
        "video/",
        "font/",
        "application/zip",
        "application/pdf",
    ] {
        if ct.starts_with(kind) {
            return Err(fail(
                url,
                format!("the server says this is {ct}, not a schedule"),
            ));
        }
    }
    Ok(())
}

/// How long to wait after `failures` failures in a row: doubling from `base`
/// up to `max`, with jitter (so twenty kiosks do not retry in step), or what
/// the server asked for in `Retry-After` if that is longer.
pub fn backoff(
    failures: u32,
    server_asked: Option<Duration>,
    base: Duration,
    max: Duration,
) -> Duration {
    let exp = base.saturating_mul(1u32 << failures.min(16)).min(max);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // 50–100 % of the exponential delay.
    let jittered = exp.mul_f64(0.5 + f64::from(nanos % 1000) / 2000.0);
    match server_asked {
        Some(asked) if asked > jittered => asked,
        _ => jittered,
    }
}

/// A web page rather than a schedule (a login page, an error page).
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}
