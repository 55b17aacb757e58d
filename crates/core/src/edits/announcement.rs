//! Announcements: a banner on the screens of some rooms (or all), from an
//! instant until an optional expiry, normal or urgent.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::EditError;
use crate::model::Schedule;

/// The most characters an announcement may have (it must be read at a glance).
pub const MAX_ANNOUNCEMENT_CHARS: usize = 280;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// `ann-<n>`, assigned by the store when left empty.
    #[serde(default)]
    pub id: String,
    pub text: String,
    /// Room ids it shows in; `None`: every screen.
    #[serde(default)]
    pub rooms: Option<Vec<String>>,
    #[serde(default)]
    pub priority: Priority,
    pub starts: Timestamp,
    /// Shown until (exclusive); `None`: until removed.
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

/// The announcement a screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnouncementView {
    pub id: String,
    pub text: String,
    pub priority: Priority,
    pub urgent: bool,
    pub starts: Timestamp,
    pub expires: Option<Timestamp>,
}

impl From<&Announcement> for AnnouncementView {
    fn from(a: &Announcement) -> Self {
        AnnouncementView {
            id: a.id.clone(),
            text: a.text.clone(),
            priority: a.priority,
            urgent: a.priority == Priority::Urgent,
            starts: a.starts,
            expires: a.expires,
        }
    }
}

impl Announcement {
    /// Trim the text and check it: not empty, at most
    /// [`MAX_ANNOUNCEMENT_CHARS`], no control characters but line breaks,
    /// rooms known to `schedule` (when there is one), an expiry after both
    /// the start and `now`.
    pub fn validate(
        mut self,
        schedule: Option<&Schedule>,
        now: Timestamp,
    ) -> Result<Announcement, EditError> {
        let id = self.id.clone();
        let bad = |message: String| EditError::InvalidAnnouncement {
            id: id.clone(),
            message,
        };
        self.text = screen_text(&self.text, "the text", MAX_ANNOUNCEMENT_CHARS).map_err(bad)?;
        screen_rooms(&mut self.rooms, schedule).map_err(bad)?;
        screen_expiry(self.starts, self.expires, now).map_err(bad)?;
        Ok(self)
    }

    /// On at `at`: started, not expired.
    pub fn is_active(&self, at: Timestamp) -> bool {
        self.starts <= at && self.expires.is_none_or(|e| at < e)
    }

    /// Shown on a screen of these rooms (a lobby screen lists every room).
    pub fn shows_in(&self, room_ids: &[&str]) -> bool {
        shows_in(self.rooms.as_deref(), room_ids)
    }
}

/// A text for a screen, trimmed: not empty, at most `max` characters, no
/// control characters but line breaks. The error says which (`what`).
pub(super) fn screen_text(text: &str, what: &str, max: usize) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(format!(
            "{what} is {chars} characters long; at most {max} fit on a screen"
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(format!(
            "{what} has control characters (only line breaks are allowed)"
        ));
    }
    Ok(text.to_string())
}

/// The rooms a message is for as room ids, sorted: `None` is every screen;
/// an empty choice or an unknown room (when there is a schedule) is refused.
pub(super) fn screen_rooms(
    rooms: &mut Option<Vec<String>>,
    schedule: Option<&Schedule>,
) -> Result<(), String> {
    let Some(rooms) = rooms else { return Ok(()) };
    if rooms.is_empty() {
        return Err("no room chosen; choose at least one, or every screen".into());
    }
    if let Some(schedule) = schedule {
        for room in rooms.iter_mut() {
            match schedule.room_by_name(room) {
                Some(r) => *room = r.id.clone(),
                None => {
                    return Err(format!(
                        "there is no room {room:?}; the rooms are: {}",
                        schedule.room_names().join(", ")
                    ))
                }
            }
        }
    }
    rooms.sort();
    rooms.dedup();
    Ok(())
}

/// An expiry after the start and after `now`, if there is one.
pub(super) fn screen_expiry(
    starts: Timestamp,
    expires: Option<Timestamp>,
    now: Timestamp,
) -> Result<(), String> {
    match expires {
        Some(e) if e <= starts => Err("it would expire before it starts".into()),
        Some(e) if e <= now => Err("it would already have expired".into()),
        _ => Ok(()),
    }
}

/// Shown on a screen of these rooms: `rooms` is `None` (every screen) or
/// names one of them (a lobby screen lists every room).
pub(super) fn shows_in(rooms: Option<&[String]>, room_ids: &[&str]) -> bool {
    rooms.is_none_or(|rooms| rooms.iter().any(|r| room_ids.contains(&r.as_str())))
}

/// What a screen of `room_ids` shows at `at`: of the active announcements
/// for it, the urgent before the normal, then the latest to start, then the
/// later in the list (the newer).
pub fn current_announcement<'a>(
    announcements: &'a [Announcement],
    room_ids: &[&str],
    at: Timestamp,
) -> Option<&'a Announcement> {
    announcements
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_active(at) && a.shows_in(room_ids))
        .max_by_key(|(i, a)| (a.priority, a.starts, *i))
        .map(|(_, a)| a)
}

/// The first instant after `at` at which an announcement for these rooms
/// starts or expires.
pub fn next_announcement_change(
    announcements: &[Announcement],
    room_ids: &[&str],
    at: Timestamp,
) -> Option<Timestamp> {
    next_change(
        announcements
            .iter()
            .map(|a| (a.rooms.as_deref(), a.starts, a.expires)),
        room_ids,
        at,
    )
}

/// The first start or expiry after `at` of the spans `(rooms, starts,
/// expires)` shown on a screen of `room_ids`.
pub(super) fn next_change<'a>(
    spans: impl Iterator<Item = (Option<&'a [String]>, Timestamp, Option<Timestamp>)>,
    room_ids: &[&str],
    at: Timestamp,
) -> Option<Timestamp> {
    spans
        .filter(|(rooms, _, _)| shows_in(*rooms, room_ids))
        .flat_map(|(_, starts, expires)| [Some(starts), expires])
        .flatten()
        .filter(|t| *t > at)
        .min()
}
