//! How full a room is, as the organizer at its door says: "filling up" or
//! "full", with where to go instead (an overflow room, a stream). It holds
//! until it is cleared or the session it was set for ends.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::EditError;
use crate::draft::http_url;
use crate::limits;
use crate::model::Schedule;
use crate::snapshot::current_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Occupancy {
    FillingUp,
    Full,
}

impl Occupancy {
    /// What the screens say (never the colour alone).
    pub fn text(self) -> &'static str {
        match self {
            Occupancy::FillingUp => "Filling up",
            Occupancy::Full => "Full",
        }
    }
}

/// What the organizer asks for; [`RoomStatus::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomStatusRequest {
    /// A room id or name.
    pub room: String,
    pub occupancy: Occupancy,
    /// Where to go instead: a room id or name.
    #[serde(default)]
    pub overflow: Option<String>,
    /// A stream to watch instead; without one, the session's own stream link.
    #[serde(default)]
    pub stream_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomStatus {
    /// A room id.
    pub room: String,
    pub occupancy: Occupancy,
    /// A room id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_url: Option<String>,
    /// The session on (or next) when it was set: the status ends with it.
    /// `None` (nothing left that day): until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub set_at: Timestamp,
}

impl RoomStatus {
    /// The status `request` asks for at `now`: the rooms known to
    /// `schedule`, the overflow another room, the stream an http(s) address.
    pub fn new(
        schedule: &Schedule,
        request: RoomStatusRequest,
        now: Timestamp,
    ) -> Result<RoomStatus, EditError> {
        let room_id = |name: &str| {
            schedule
                .room_by_name(name)
                .map(|r| r.id.clone())
                .ok_or_else(|| EditError::NoRoom {
                    room: name.to_string(),
                    known: schedule.room_names(),
                })
        };
        let room = room_id(&request.room)?;
        let bad = |message: &str| EditError::InvalidRoomStatus {
            room: request.room.clone(),
            message: message.to_string(),
        };
        let overflow = match request.overflow.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(room_id(name)?),
        };
        if overflow.as_deref() == Some(room.as_str()) {
            return Err(bad("the overflow room is the room itself"));
        }
        let stream_url = match request.stream_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if url.chars().count() > limits::MAX_URL_CHARS => {
                return Err(bad("the stream address is too long"))
            }
            Some(url) => Some(http_url(url).ok_or_else(|| {
                bad(&format!(
                    "the stream address {url:?} is not an http(s) address"
                ))
            })?),
        };
        let today = schedule.conference_day(now);
        let session = current_session(schedule, &room, now)
            .or_else(|| {
                schedule.sessions.iter().find(|s| {
                    s.room == room
                        && s.start > now
                        && !s.cancelled
                        && schedule.conference_day(s.start) == today
                })
            })
            .map(|s| s.id.clone());
        Ok(RoomStatus {
            room,
            occupancy: request.occupancy,
            overflow,
            stream_url,
            session,
            set_at: now,
        })
    }

    /// When it stops showing: the end of its session in `schedule` (the
    /// effective one: a delay keeps it longer). `None`: until cleared. A
    /// session gone from the schedule ends it at once.
    pub fn ends(&self, schedule: &Schedule) -> Option<Timestamp> {
        let id = self.session.as_deref()?;
        Some(schedule.session(id).map_or(self.set_at, |s| s.end))
    }

    pub fn is_active(&self, schedule: &Schedule, at: Timestamp) -> bool {
        self.set_at <= at && self.ends(schedule).is_none_or(|end| at < end)
    }
}

/// The status shown for `room_id` at `at`, of the rooms' latest statuses.
pub fn active_status<'a>(
    statuses: &'a [RoomStatus],
    schedule: &Schedule,
    room_id: &str,
    at: Timestamp,
) -> Option<&'a RoomStatus> {
    statuses
        .iter()
        .rev()
        .find(|s| s.room == room_id && s.is_active(schedule, at))
}
