//! The feed one kiosk publishes and others follow: the schedule as screens
//! show it (imports with the organizer's local changes applied) and the
//! announcements, as one JSON document (`summit-kiosk-feed/1`).
//!
//! [`serve`] answers `GET /feed.json` (read-only) to clients with the bearer
//! token (`Authorization: Bearer …` or `?token=…`). Each version has an
//! ETag; a request carrying the current ETag in `If-None-Match` is held up
//! to [`HOLD`] until the feed changes (long-poll), so a follower polling in
//! a loop sees a change within a second. Any static web server can serve
//! the same file (written by `summit-kiosk serve --write FILE`), polled.

use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::Schedule;

/// The `format` field of a feed document.
pub const FEED_FORMAT: &str = "summit-kiosk-feed/1";
/// How long a request for an unchanged feed is held open (under a
/// follower's 10 s response timeout).
pub const HOLD: Duration = Duration::from_secs(8);
/// Requests served at once (each held one is a thread).
pub const MAX_CONCURRENT: usize = 64;

/// The document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    pub format: String,
    /// The publishing kiosk's version of what it shows: grows with every
    /// change (imports, local changes, announcements).
    pub version: u64,
    pub schedule: Schedule,
    #[serde(default)]
    pub announcements: Vec<crate::edits::Announcement>,
}

impl Feed {
    pub fn new(
        version: u64,
        schedule: Schedule,
        announcements: Vec<crate::edits::Announcement>,
    ) -> Feed {
        Feed {
            format: FEED_FORMAT.into(),
            version,
            schedule,
            announcements,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a feed serializes")
    }

    /// Whether `bytes` look like a feed (its first key names the format).
    pub fn sniff(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(256)];
        let text = String::from_utf8_lossy(head);
        text.contains(FEED_FORMAT)
    }
}

/// Read a feed document (from a URL or a file) and validate its schedule as
/// any import is validated (limits, references, times); cancelled marks are
/// kept. The announcements come back as they were published.
pub fn parse(
    origin: &str,
    bytes: &[u8],
) -> crate::Result<(crate::draft::Validated, Vec<crate::edits::Announcement>)> {
    use crate::draft::{validate, Draft, DraftConference, DraftSession, DraftTime};
    let feed: Feed = serde_json::from_slice(bytes)
        .map_err(|e| crate::Error::json_syntax(origin, &e, "a Summit Kiosk feed"))?;
    if feed.format != FEED_FORMAT {
        return Err(crate::Error::Syntax {
            origin: origin.to_string(),
            line: 1,
            column: 1,
            message: format!("feed format {:?} is not {FEED_FORMAT:?}", feed.format),
        });
    }
    let s = feed.schedule;
    let cancelled: std::collections::HashSet<String> = s
        .sessions
        .iter()
        .filter(|x| x.cancelled)
        .map(|x| x.id.clone())
        .collect();
    let draft = Draft {
        warnings: Vec::new(),
        conference: DraftConference {
            id: s.conference.id.clone(),
            name: s.conference.name.clone(),
            timezone: s.conference.timezone.clone(),
            venue: s.conference.venue.clone(),
            day_change: jiff::civil::Time::midnight()
                .checked_add(s.conference.day_change)
                .ok(),
        },
        days: s.days.clone(),
        rooms: s.rooms.clone(),
        tracks: s.tracks.clone(),
        speakers: s.speakers.clone(),
        sessions: s
            .sessions
            .iter()
            .enumerate()
            .map(|(i, x)| DraftSession {
                place: format!("schedule.sessions[{i}] ({:?})", x.id),
                id: x.id.clone(),
                title: x.title.clone(),
                subtitle: x.subtitle.clone(),
                abstract_text: x.abstract_text.clone(),
                room: x.room.clone(),
                track: x.track.clone(),
                kind: x.kind,
                start: DraftTime::Instant(x.start),
                end: DraftTime::Instant(x.end),
                speakers: x.speakers.clone(),
                info: x.info.clone(),
            })
            .collect(),
    };
    let mut validated = validate(origin, draft)?;
    for session in &mut validated.schedule.sessions {
        session.cancelled = cancelled.contains(&session.id);
    }
    if feed.announcements.len() > 1000 {
        return Err(crate::Error::Syntax {
            origin: origin.to_string(),
            line: 1,
            column: 1,
            message: format!("{} announcements; at most 1000", feed.announcements.len()),
        });
    }
    // Held to the rules a local announcement meets (length, characters,
    // rooms); "now" is the distant past so a listed one never counts as
    // expired here (the screen decides when it shows).
    let mut announcements = Vec::with_capacity(feed.announcements.len());
    for (i, a) in feed.announcements.into_iter().enumerate() {
        let a = a
            .validate(Some(&validated.schedule), jiff::Timestamp::MIN)
            .map_err(|e| crate::Error::Syntax {
                origin: origin.to_string(),
                line: 1,
                column: 1,
                message: format!("announcements[{i}]: {e}"),
            })?;
        announcements.push(a);
    }
    Ok((validated, announcements))
}

/// What the server publishes now; [`Published::set`] wakes held requests.
pub struct Published {
    state: Mutex<(u64, Arc<Vec<u8>>)>,
    changed: Condvar,
}

impl Published {
    pub fn new(version: u64, bytes: Vec<u8>) -> Arc<Published> {
        Arc::new(Published {
            state: Mutex::new((version, Arc::new(bytes))),
            changed: Condvar::new(),
        })
    }

    /// Publish a new version (ignored unless it is newer).
    pub fn set(&self, version: u64, bytes: Vec<u8>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if version > state.0 {
            *state = (version, Arc::new(bytes));
            self.changed.notify_all();
        }
    }

    pub fn current(&self) -> (u64, Arc<Vec<u8>>) {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        (state.0, state.1.clone())
    }

    /// The current version if it is not `seen`, else wait up to `hold` for one.
    fn wait_past(&self, seen: u64, hold: Duration) -> (u64, Arc<Vec<u8>>) {
        let deadline = Instant::now() + hold;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while state.0 == seen {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        (state.0, state.1.clone())
    }
}

fn etag(version: u64) -> String {
    format!("\"v{version}\"")
}

/// Compare in constant time (the token is a secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A running feed server; dropping it does not stop it (it lives as long
/// as the process).
pub struct Server {
    pub addr: SocketAddr,
}

/// Serve `published` at `addr` to holders of `token`, on background threads.
pub fn serve(addr: &str, token: &str, published: Arc<Published>) -> std::io::Result<Server> {
    if token.trim().len() < 8 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the feed token must be at least 8 characters",
        ));
    }
    let server = tiny_http::Server::http(addr).map_err(std::io::Error::other)?;
    let bound = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| std::io::Error::other("the feed server has no IP address"))?;
    let token = token.trim().to_string();
    let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    std::thread::Builder::new()
        .name("feed-server".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                use std::sync::atomic::Ordering;
                if busy.load(Ordering::Relaxed) >= MAX_CONCURRENT {
                    let _ = request.respond(plain(503, "busy; try again"));
                    continue;
                }
                busy.fetch_add(1, Ordering::Relaxed);
                let (published, token, busy) = (published.clone(), token.clone(), busy.clone());
                std::thread::spawn(move || {
                    answer(request, &published, &token);
                    busy.fetch_sub(1, Ordering::Relaxed);
                });
            }
        })?;
    tracing::info!(addr = %bound, "serving the feed at /feed.json");
    Ok(Server { addr: bound })
}

fn plain(status: u16, text: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    tiny_http::Response::from_string(text).with_status_code(status)
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn answer(request: tiny_http::Request, published: &Published, token: &str) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let bearer = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .and_then(|h| h.value.as_str().strip_prefix("Bearer ").map(str::to_string));
    let in_query = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(str::to_string);
    let authorised = [bearer, in_query]
        .iter()
        .flatten()
        .any(|t| same(t.trim().as_bytes(), token.as_bytes()));
    if *request.method() != tiny_http::Method::Get {
        let _ = request.respond(plain(405, "the feed is read-only"));
        return;
    }
    if path != "/feed.json" {
        let _ = request.respond(plain(404, "the feed is at /feed.json"));
        return;
    }
    if !authorised {
        let _ = request.respond(
            plain(401, "a bearer token is needed")
                .with_header(header("WWW-Authenticate", "Bearer")),
        );
        return;
    }
    let seen = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("If-None-Match"))
        .map(|h| h.value.as_str().to_string());
    let (version, bytes) = published.current();
    let (version, bytes) = match seen {
        Some(tag) if tag == etag(version) => published.wait_past(version, HOLD),
        _ => (version, bytes),
    };
    let tag = header("ETag", &etag(version));
    if seen_matches(&request, version) {
        let _ = request.respond(plain(304, "").with_header(tag));
        return;
    }
    let response = tiny_http::Response::from_data(bytes.as_ref().clone())
        .with_header(tag)
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-cache"));
    let _ = request.respond(response);
}

fn seen_matches(request: &tiny_http::Request, version: u64) -> bool {
    request
        .headers()
        .iter()
        .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag(version))
}
