//! The feed one kiosk publishes and others follow: the schedule as screens
//! show it (imports with the organizer's local changes applied) and the
//! announcements, as one JSON document (`summit-kiosk-feed/1`), signed with
//! the organizer's key when one is configured ([`sign`]).
//!
//! - [`server`] answers `GET /feed.json` to holders of the bearer token, on
//!   its own tokio runtime, with limits on everything a peer controls and a
//!   long-poll by ETag: a request carrying the current ETag is held up to
//!   [`HOLD`] until the feed changes.
//! - [`Publisher`] makes each version: monotonic across leader restarts
//!   (publish time in ms, kept in the store), signed, its ETag the hash of
//!   the signed document, so the same content keeps its ETag.
//! - [`open`] is the follower's side: unwrap, check the signature against
//!   the trusted keys, and [`validate_feed`] like any import.
//!
//! Any static web server can serve the same file (written by
//! `summit-kiosk serve --write FILE`), polled with `If-None-Match`.

mod conns;
mod error;
mod notices;
mod publish;
mod screens;
pub mod server;
pub mod sign;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::edits::{Announcement, Emergency, RoomStatus};
use crate::glance::Moved;
use crate::model::Schedule;

pub use error::FeedError;
pub use publish::{etag_of, Current, Published, Publisher};
pub use server::{serve, serve_with_fleet, Server, ServerLimits};
pub use sign::{key_id, Envelope, SigningKey, Trust, SIGNED_FEED_FORMAT};

/// The `format` field of a feed document.
pub const FEED_FORMAT: &str = "summit-kiosk-feed/1";
/// How long a request for an unchanged feed is held open (under a
/// follower's 10 s response timeout).
pub const HOLD: Duration = Duration::from_secs(8);

/// The most emergency messages a feed may carry.
pub const MAX_FEED_EMERGENCIES: usize = 100;

/// What the organizer put on the screens besides the schedule: every
/// follower shows the same. Flat in the document; each part may be absent
/// (an earlier leader's feed has announcements only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Notices {
    #[serde(default)]
    pub announcements: Vec<Announcement>,
    /// Each room's latest status ("filling up", "full").
    #[serde(default)]
    pub room_statuses: Vec<RoomStatus>,
    /// Emergency messages not cleared.
    #[serde(default)]
    pub emergencies: Vec<Emergency>,
    /// The planned times of sessions the organizer's changes moved (the
    /// schedule carries the new ones), so followers show the lateness too.
    #[serde(default)]
    pub moved: Vec<Moved>,
}

impl Notices {
    /// What a kiosk with these records shows besides its schedule.
    pub fn of(records: &crate::control::Records) -> Notices {
        Notices {
            announcements: records.announcements.clone(),
            room_statuses: records.room_statuses.clone(),
            emergencies: records.emergencies.clone(),
            moved: records.moved.clone(),
        }
    }

    /// Only announcements (what earlier leaders sent).
    pub fn announcements(announcements: Vec<Announcement>) -> Notices {
        Notices {
            announcements,
            ..Notices::default()
        }
    }
}

/// The document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    pub format: String,
    /// The publishing kiosk's version of what it shows: grows with every
    /// change (imports, local changes, announcements, statuses, emergencies).
    pub version: u64,
    pub schedule: Schedule,
    #[serde(flatten)]
    pub notices: Notices,
}

impl Feed {
    pub fn new(version: u64, schedule: Schedule, notices: Notices) -> Feed {
        Feed {
            format: FEED_FORMAT.into(),
            version,
            schedule,
            notices,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a feed serializes")
    }

    /// Whether `bytes` look like a feed, signed or not (its first key names
    /// the format).
    pub fn sniff(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(256)];
        let text = String::from_utf8_lossy(head);
        text.contains(FEED_FORMAT) || text.contains(SIGNED_FEED_FORMAT)
    }
}

/// A feed as a follower took it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub feed: Feed,
    /// The trusted key whose signature holds; `None` when no key is trusted.
    pub signed_by: Option<String>,
}

fn feed_error(origin: &str, source: FeedError) -> crate::Error {
    crate::Error::Feed {
        origin: origin.to_string(),
        source,
    }
}

/// Take a feed (signed envelope or plain document) from `origin`: with
/// trusted keys, only an envelope whose signature holds for one of them.
/// The schedule is not validated yet ([`validate_feed`]).
pub fn open(origin: &str, bytes: &[u8], trust: &Trust) -> crate::Result<Opened> {
    #[derive(Deserialize)]
    struct Head {
        format: String,
    }
    let what = "a Summit Kiosk feed";
    let head: Head =
        serde_json::from_slice(bytes).map_err(|e| crate::Error::json_syntax(origin, &e, what))?;
    let (document, signed_by) = if head.format == SIGNED_FEED_FORMAT {
        let envelope: Envelope = serde_json::from_slice(bytes)
            .map_err(|e| crate::Error::json_syntax(origin, &e, "a signed Summit Kiosk feed"))?;
        let signed_by = trust
            .verify(envelope.feed.as_bytes(), Some(&envelope.signature))
            .map_err(|e| feed_error(origin, e))?;
        (
            std::borrow::Cow::Owned(envelope.feed.into_bytes()),
            signed_by,
        )
    } else {
        trust
            .verify(bytes, None)
            .map_err(|e| feed_error(origin, e))?;
        (std::borrow::Cow::Borrowed(bytes), None)
    };
    let feed: Feed = serde_json::from_slice(&document)
        .map_err(|e| crate::Error::json_syntax(origin, &e, what))?;
    if feed.format != FEED_FORMAT {
        return Err(crate::Error::Syntax {
            origin: origin.to_string(),
            line: 1,
            column: 1,
            message: format!("feed format {:?} is not {FEED_FORMAT:?}", feed.format),
        });
    }
    Ok(Opened { feed, signed_by })
}

/// Read a feed (from a URL or a file), signed or not, without checking any
/// signature, and validate it ([`validate_feed`]).
pub fn parse(origin: &str, bytes: &[u8]) -> crate::Result<(crate::draft::Validated, Notices)> {
    validate_feed(origin, open(origin, bytes, &Trust::none())?.feed)
}

/// Validate a feed's schedule as any import is validated (limits,
/// references, times); cancelled marks are kept. The notices come back as
/// they were published, held to the rules of local ones (see [`notices`]).
pub fn validate_feed(
    origin: &str,
    feed: Feed,
) -> crate::Result<(crate::draft::Validated, Notices)> {
    use crate::draft::{validate, Draft, DraftConference, DraftSession, DraftTime};
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
    let notices = notices::check(origin, &validated.schedule, feed.notices)?;
    Ok((validated, notices))
}
