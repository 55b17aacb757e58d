//! The feed: serving (token, long-poll, read-only), parsing and following;
//! the server's limits against hostile peers; signed feeds.

mod limits;
mod pace;
mod parsing;
mod serving;
mod signed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use kiosk_core::edits::{Announcement, Priority};
use kiosk_core::feed::{self, etag_of, Feed, Notices, Published, ServerLimits, FEED_FORMAT, HOLD};
use kiosk_core::fetch::{fetch, FetchLimits, Fetched, Validator};
use kiosk_core::import::{self, Format, ImportOptions};
use kiosk_core::model::Schedule;
use kiosk_core::sync::{check, Checked, Source, SyncState};
use serde_json::Value;

const TOKEN: &str = "feed-token-for-tests";
const ORIGIN: &str = "http://127.0.0.1:9/feed.json";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn announcement(id: &str, text: &str) -> Announcement {
    Announcement {
        id: id.into(),
        text: text.into(),
        rooms: Some(vec!["main".into()]),
        priority: Priority::Urgent,
        starts: at("2020-02-26T15:00:00Z"),
        expires: Some(at("2020-02-26T16:00:00Z")),
    }
}

/// The demo with one session cancelled.
fn schedule() -> Schedule {
    let mut schedule = kiosk_core::demo::demo().schedule;
    schedule
        .sessions
        .iter_mut()
        .find(|s| s.id == "d1-cloudprovider")
        .expect("the demo has d1-cloudprovider")
        .cancelled = true;
    schedule
}

/// The demo with `title` for d1-cloudprovider, and one announcement.
fn feed(version: u64, title: &str) -> Feed {
    let mut schedule = schedule();
    schedule
        .sessions
        .iter_mut()
        .find(|s| s.id == "d1-cloudprovider")
        .unwrap()
        .title = title.into();
    Feed::new(
        version,
        schedule,
        Notices::announcements(vec![announcement("ann-1", "Lunch moves to the terrace")]),
    )
}

fn bytes(version: u64, title: &str) -> Vec<u8> {
    feed(version, title).to_bytes()
}

/// The ETag the server gives `bytes(version, title)`.
fn tag(version: u64, title: &str) -> String {
    etag_of(&bytes(version, title))
}

/// Publish `bytes(version, title)` (unsigned), as the publisher would.
fn publish(published: &Published, version: u64, title: &str) -> bool {
    published.set(version, tag(version, title), bytes(version, title))
}

/// A server publishing version 1; its base address (`http://127.0.0.1:N`).
fn start() -> (Arc<Published>, String) {
    let published = Published::new();
    publish(&published, 1, "Version one");
    let server = feed::serve(
        "127.0.0.1:0",
        TOKEN,
        published.clone(),
        ServerLimits::default(),
    )
    .expect("serve the feed");
    assert!(server.addr.ip().is_loopback());
    assert_ne!(server.addr.port(), 0, "the bound port is reported");
    (published, format!("http://{}", server.addr))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

struct Reply {
    status: u16,
    etag: Option<String>,
    header: Vec<(String, String)>,
    body: Vec<u8>,
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let header = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect::<Vec<_>>();
    let etag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.body_mut().read_to_vec().unwrap();
    Reply {
        status: response.status().as_u16(),
        etag,
        header,
        body,
    }
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = agent().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    reply(request.call().expect("an HTTP answer"))
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

fn title_of(feed_bytes: &[u8]) -> String {
    let (validated, _) = feed::parse(ORIGIN, feed_bytes).expect("a valid feed");
    validated
        .schedule
        .sessions
        .iter()
        .find(|s| s.id == "d1-cloudprovider")
        .unwrap()
        .title
        .clone()
}
