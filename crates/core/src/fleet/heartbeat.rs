//! The heartbeat: what one screen says of itself. It comes from the network
//! (or a broker), so the receiver reads it as hostile input: the bytes are
//! capped before parsing, every string and list is bounded, ids are plain
//! ASCII, and the thumbnail is decoded from base64 and checked as a JPEG of
//! at most [`THUMBNAIL_WIDTH`] pixels before anything keeps it.
//!
//! Fields a newer kiosk adds are ignored; a missing one takes its default,
//! so a last will (`{"format": …, "screen_id": …, "online": false}`) is a
//! heartbeat too.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::{
    ClockOffset, FleetError, HEARTBEAT_FORMAT, MAX_HEARTBEAT_BYTES, MAX_INTERVAL_SECS,
    MAX_THUMBNAIL_BYTES, MIN_INTERVAL_SECS,
};
use crate::limits::{MAX_NAME_CHARS, MAX_TITLE_CHARS};

/// The longest screen id: `[A-Za-z0-9._-]`.
pub const MAX_SCREEN_ID_CHARS: usize = 64;
/// The longest human name of a screen.
pub const MAX_SCREEN_NAME_CHARS: usize = 100;
/// Rooms a lobby screen reports at most.
pub const MAX_ROOMS_REPORTED: usize = 16;
/// The longest error or source name in a report.
const MAX_DETAIL_CHARS: usize = 500;
/// The longest version or clock text (`10:20`, `Thu`, `0.1.0`).
const MAX_SHORT_CHARS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub format: String,
    pub screen_id: String,
    /// The human name (`screen_name`, default the host name).
    #[serde(default)]
    pub screen_name: String,
    /// False in a last will or a goodbye: the screen's connection is gone.
    #[serde(default = "online")]
    pub online: bool,
    /// Counts this run's reports from 1; with `started_ms` it orders them.
    #[serde(default)]
    pub seq: u64,
    /// When this run of the kiosk started (its clock, ms).
    #[serde(default)]
    pub started_ms: i64,
    /// How often it reports when nothing changes (s).
    #[serde(default)]
    pub interval_secs: u32,
    #[serde(default)]
    pub role: Role,
    /// What each room on it shows: one for a room screen, each room for a lobby.
    #[serde(default)]
    pub showing: Vec<RoomShowing>,
    #[serde(default)]
    pub schedule: ScheduleReport,
    #[serde(default)]
    pub sync: SyncReport,
    /// The app's version.
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub uptime_secs: u64,
    /// Proportional set size of the kiosk and its web engine's processes.
    #[serde(default)]
    pub memory_pss_bytes: Option<u64>,
    /// Its clock against the leader's, from the last exchange.
    #[serde(default)]
    pub clock: Option<ClockOffset>,
    /// When it was sent, by the screen's clock (ms): the exchange's t0.
    #[serde(default)]
    pub sent_ms: i64,
    /// How long before sending the display last painted; `None`: never yet.
    #[serde(default)]
    pub last_render_age_ms: Option<u64>,
    /// A JPEG of what is on screen, base64, at most once a minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}

fn online() -> bool {
    true
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Role {
    Room {
        room: String,
    },
    #[default]
    Lobby,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomShowing {
    pub room: String,
    #[serde(default)]
    pub now: Option<ShownSession>,
    #[serde(default)]
    pub next: Option<ShownSession>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownSession {
    pub id: String,
    pub title: String,
    /// `HH:MM` in the venue's zone, as the screen shows it.
    pub start_local: String,
    pub end_local: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleReport {
    #[serde(default)]
    pub conference: String,
    /// The screen's own store revision.
    #[serde(default)]
    pub revision: i64,
    /// The version of the leader's feed it shows (`None`: it follows none).
    #[serde(default)]
    pub feed_version: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncLevel {
    /// It follows no source.
    #[default]
    None,
    Ok,
    /// Its source fails; the screen keeps what it shows.
    Failing,
    /// Failing for longer than its `offline_after`: the badge is on screen.
    Offline,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    #[serde(default)]
    pub state: SyncLevel,
    /// The source shown (named without credentials).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// A heartbeat as taken: validated, its thumbnail decoded and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Without its thumbnail (kept apart, as bytes).
    pub heartbeat: Heartbeat,
    pub thumbnail: Option<Vec<u8>>,
}

impl Heartbeat {
    /// A heartbeat of `screen_id` with nothing reported yet.
    pub fn new(screen_id: &str, screen_name: &str) -> Heartbeat {
        Heartbeat {
            format: HEARTBEAT_FORMAT.into(),
            screen_id: screen_id.into(),
            screen_name: screen_name.into(),
            online: true,
            seq: 0,
            started_ms: 0,
            interval_secs: super::DEFAULT_INTERVAL.as_secs() as u32,
            role: Role::Lobby,
            showing: Vec::new(),
            schedule: ScheduleReport::default(),
            sync: SyncReport::default(),
            version: String::new(),
            uptime_secs: 0,
            memory_pss_bytes: None,
            clock: None,
            sent_ms: 0,
            last_render_age_ms: None,
            thumbnail: None,
        }
    }

    /// The last will a screen leaves with its broker: "offline".
    pub fn last_will(screen_id: &str, screen_name: &str, started_ms: i64) -> Heartbeat {
        Heartbeat {
            online: false,
            started_ms,
            interval_secs: 0,
            ..Heartbeat::new(screen_id, screen_name)
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a heartbeat serializes")
    }

    /// Attach a thumbnail (JPEG bytes).
    pub fn with_thumbnail(mut self, jpeg: Option<&[u8]>) -> Heartbeat {
        self.thumbnail = jpeg.map(|j| base64::engine::general_purpose::STANDARD.encode(j));
        self
    }

    /// Read and check a heartbeat from untrusted bytes.
    pub fn parse(bytes: &[u8]) -> Result<Received, FleetError> {
        if bytes.len() > MAX_HEARTBEAT_BYTES {
            return Err(FleetError::TooLarge {
                size: bytes.len(),
                limit: MAX_HEARTBEAT_BYTES,
            });
        }
        let mut heartbeat: Heartbeat =
            serde_json::from_slice(bytes).map_err(|e| FleetError::malformed(&e))?;
        if heartbeat.format != HEARTBEAT_FORMAT {
            return Err(FleetError::field(
                "format",
                format!("{:?} is not {HEARTBEAT_FORMAT:?}", clip(&heartbeat.format)),
            ));
        }
        heartbeat.check()?;
        let thumbnail = match heartbeat.thumbnail.take() {
            None => None,
            Some(text) => Some(decode_thumbnail(&text)?),
        };
        Ok(Received {
            heartbeat,
            thumbnail,
        })
    }

    fn check(&self) -> Result<(), FleetError> {
        check_screen_id(&self.screen_id)?;
        text("screen_name", &self.screen_name, MAX_SCREEN_NAME_CHARS)?;
        if self.online && !(MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(&self.interval_secs) {
            return Err(FleetError::field(
                "interval_secs",
                format!(
                    "{} is not between {MIN_INTERVAL_SECS} and {MAX_INTERVAL_SECS}",
                    self.interval_secs
                ),
            ));
        }
        if let Role::Room { room } = &self.role {
            text("role.room", room, MAX_NAME_CHARS)?;
        }
        if self.showing.len() > MAX_ROOMS_REPORTED {
            return Err(FleetError::field(
                "showing",
                format!("{} rooms; at most {MAX_ROOMS_REPORTED}", self.showing.len()),
            ));
        }
        for (i, room) in self.showing.iter().enumerate() {
            let at = |f: &str| format!("showing[{i}].{f}");
            text(&at("room"), &room.room, MAX_NAME_CHARS)?;
            for (which, session) in [("now", &room.now), ("next", &room.next)] {
                if let Some(s) = session {
                    text(
                        &at(&format!("{which}.id")),
                        &s.id,
                        crate::limits::MAX_ID_CHARS,
                    )?;
                    text(&at(&format!("{which}.title")), &s.title, MAX_TITLE_CHARS)?;
                    text(
                        &at(&format!("{which}.start_local")),
                        &s.start_local,
                        MAX_SHORT_CHARS,
                    )?;
                    text(
                        &at(&format!("{which}.end_local")),
                        &s.end_local,
                        MAX_SHORT_CHARS,
                    )?;
                }
            }
        }
        text(
            "schedule.conference",
            &self.schedule.conference,
            MAX_NAME_CHARS,
        )?;
        text("version", &self.version, MAX_SHORT_CHARS)?;
        for (field, value) in [
            ("sync.source", &self.sync.source),
            ("sync.error", &self.sync.error),
        ] {
            if let Some(v) = value {
                text(field, v, MAX_DETAIL_CHARS)?;
            }
        }
        Ok(())
    }
}

/// What a display snapshot shows, as a heartbeat says it: a room screen's
/// role and its room, or a lobby and each of its rooms.
pub fn showing_of(snapshot: &crate::snapshot::DisplaySnapshot) -> (Role, Vec<RoomShowing>) {
    let brief = |s: &crate::snapshot::SessionView| ShownSession {
        id: s.id.clone(),
        title: s.title.clone(),
        start_local: s.start_local.clone(),
        end_local: s.end_local.clone(),
    };
    let rooms: Vec<RoomShowing> = snapshot
        .rooms
        .iter()
        .take(MAX_ROOMS_REPORTED)
        .map(|r| RoomShowing {
            room: r.room.clone(),
            now: r.current.as_ref().map(|c| brief(&c.session)),
            next: r.next.as_ref().map(brief),
        })
        .collect();
    let role = match rooms.as_slice() {
        [one] if snapshot.view == "room" => Role::Room {
            room: one.room.clone(),
        },
        _ => Role::Lobby,
    };
    (role, rooms)
}

/// A screen id: 1 to 64 of `[A-Za-z0-9._-]` (it is a path segment and an
/// MQTT topic level, so nothing that could mean anything else there).
pub fn check_screen_id(id: &str) -> Result<(), FleetError> {
    let fine = !id.is_empty()
        && id.len() <= MAX_SCREEN_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id != "."
        && id != "..";
    if fine {
        Ok(())
    } else {
        Err(FleetError::field(
            "screen_id",
            format!(
                "{:?} is not 1 to {MAX_SCREEN_ID_CHARS} letters, digits, '.', '_' or '-'",
                clip(id)
            ),
        ))
    }
}

/// A screen's name: at most [`MAX_SCREEN_NAME_CHARS`], no control characters.
pub fn check_screen_name(name: &str) -> Result<(), FleetError> {
    text("screen_name", name, MAX_SCREEN_NAME_CHARS)
}

fn text(field: &str, value: &str, max: usize) -> Result<(), FleetError> {
    let chars = value.chars().count();
    if chars > max {
        return Err(FleetError::field(
            field,
            format!("is {chars} characters long; at most {max}"),
        ));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(FleetError::field(field, "holds control characters"));
    }
    Ok(())
}

/// The first few characters of a hostile string, for a message.
fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

fn decode_thumbnail(text: &str) -> Result<Vec<u8>, FleetError> {
    // Decoded size is 3/4 of the text: refuse before decoding.
    if text.len() / 4 * 3 > MAX_THUMBNAIL_BYTES + 3 {
        return Err(FleetError::field(
            "thumbnail",
            format!("over the limit of {MAX_THUMBNAIL_BYTES} bytes"),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| FleetError::field("thumbnail", format!("not base64: {e}")))?;
    if bytes.len() > MAX_THUMBNAIL_BYTES {
        return Err(FleetError::field(
            "thumbnail",
            format!("over the limit of {MAX_THUMBNAIL_BYTES} bytes"),
        ));
    }
    super::thumbnail::check(&bytes).map_err(|m| FleetError::field("thumbnail", m))?;
    Ok(bytes)
}
