//! Local changes made from the organizer's control panel: delays, skips,
//! cancellations, moves, corrections, added sessions, and announcements.
//!
//! Edits are kept **apart from the imported schedule** and re-applied over
//! every import ([`apply`]), matched by the sessions' stable ids, so a
//! re-sync never undoes a delay. Everything here is pure: no store, no clock.
//!
//! - [`Edit`]: one change, as stored (serde-tagged JSON, `{"kind": "delay", …}`).
//! - [`apply`]: the imported schedule with a list of edits applied; an edit
//!   that no longer fits (its session is gone after a re-import, or it would
//!   now overlap something) is reported in [`Applied::skipped`] and kept.
//! - [`apply_edit`]: one edit, strictly: refused with an [`EditError`] that
//!   names the session when it would create an overlap or invalid times.
//! - [`plan_delay`]: what a delay would move and where it stops, for the
//!   organizer to confirm.
//! - [`Announcement`]: a banner on the screens, and which one a screen shows.
//!
//! # The delay rule
//!
//! A delay of *N* minutes from instant `from` in a room shifts the session
//! in progress at `from` (or, between sessions, the next one to start) and
//! every later session in that room by *N* minutes, until a break or working
//! session can absorb it: its start moves *N* minutes later and its end
//! stays, provided at least [`MIN_ABSORB_MINUTES`] of it remain. A break too
//! short to absorb moves whole and the shift goes on. With nothing to absorb
//! it, the shift runs to the end of the conference day
//! ([`Schedule::day_end`]); sessions of later days never move. Gaps between
//! sessions do not absorb a delay (the changeover time is kept).

mod access;
mod announcement;
mod change;
mod delay;
mod describe;
mod emergency;
mod room_status;

use serde::{Deserialize, Serialize};

use jiff::Timestamp;

use crate::model::{Schedule, Session, SessionKind};

pub use access::Access;
pub use announcement::{
    current_announcement, next_announcement_change, Announcement, AnnouncementView, Priority,
    MAX_ANNOUNCEMENT_CHARS,
};
pub(crate) use change::find;
use change::{change_for, minutes_in_range, room_id};
pub use delay::{plan_delay, plan_edit, DelayPlan, Shift, MAX_DELAY_MINUTES, MIN_ABSORB_MINUTES};
pub use emergency::{
    current_emergency, next_emergency_change, Emergency, Pictogram, MAX_EMERGENCY_HEADLINE_CHARS,
    MAX_EMERGENCY_TEXT_CHARS,
};
pub use room_status::{active_status, Occupancy, RoomStatus, RoomStatusRequest};

/// One local change to the schedule. Stored as JSON tagged by `kind`
/// (`{"kind": "delay", "room": "main", "from": "…", "minutes": 10}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Edit {
    /// The session in progress at `from` in `room` (or the next to start)
    /// and the later ones shift by `minutes`, up to the break that absorbs
    /// it (see the module docs). `room` is a room id (or name).
    Delay {
        room: String,
        from: Timestamp,
        minutes: i64,
    },
    /// The session actually started at `at`: a delay by the difference from
    /// its start. Started early: only this session moves earlier.
    StartedAt { session: String, at: Timestamp },
    /// The session ends `minutes` later; the later ones in its room shift
    /// by the same rule as a delay.
    Extend { session: String, minutes: i64 },
    /// The session ends at `at`; nothing else moves.
    EndNow { session: String, at: Timestamp },
    /// Removed from the screens.
    Skip { session: String },
    /// Stays on the screens, shown as cancelled; never "now".
    Cancel { session: String },
    /// Takes place in another room (a room id or name), same times.
    Move { session: String, room: String },
    /// Corrects some fields; `None` keeps the field.
    EditSession {
        session: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Speaker ids, in billing order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speakers: Option<Vec<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<Timestamp>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        room: Option<String>,
        /// Languages, recording, captions, sign language: all replaced.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access: Option<Access>,
    },
    /// A session that is not in the imported schedule. Its id is local
    /// (`local-<n>`; the store assigns one when it is left empty).
    AddSession { session: Session },
}

/// Why an edit cannot be applied. Every message names the session or room.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error(
        "session {session:?} is not in the schedule (skipped, or removed by the latest import)"
    )]
    NoSession { session: String },
    #[error("there is no room {room:?}; the rooms are: {}", .known.join(", "))]
    NoRoom { room: String, known: Vec<String> },
    #[error("nothing to delay in {room}: no session is on at {from} or still to come that day")]
    NothingToDelay { room: String, from: String },
    #[error(
        "session {:?} ({}, {}) would overlap {:?} ({}, {}) in {}",
        .0.session, .0.title, .0.span, .0.other, .0.other_title, .0.other_span, .0.room
    )]
    Overlap(Box<Overlap>),
    #[error("session {session:?}: {message}")]
    InvalidSession { session: String, message: String },
    #[error("there is already a session with id {session:?}")]
    DuplicateId { session: String },
    #[error("announcement {id:?}: {message}")]
    InvalidAnnouncement { id: String, message: String },
    #[error("room status for {room:?}: {message}")]
    InvalidRoomStatus { room: String, message: String },
    #[error("emergency message {id:?}: {message}")]
    InvalidEmergency { id: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

impl EditError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EditError::NoSession { .. } => "no_session",
            EditError::NoRoom { .. } => "no_room",
            EditError::NothingToDelay { .. } => "nothing_to_delay",
            EditError::Overlap(_) => "overlap",
            EditError::InvalidSession { .. } => "invalid_session",
            EditError::DuplicateId { .. } => "duplicate_id",
            EditError::InvalidAnnouncement { .. } => "invalid_announcement",
            EditError::InvalidRoomStatus { .. } => "invalid_room_status",
            EditError::InvalidEmergency { .. } => "invalid_emergency",
            EditError::Invalid(_) => "invalid_edit",
        }
    }
}

/// Two sessions an edit would make overlap, with their titles and local
/// `HH:MM–HH:MM` spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub session: String,
    pub title: String,
    pub span: String,
    pub other: String,
    pub other_title: String,
    pub other_span: String,
    /// The room's name.
    pub room: String,
}

/// The schedule with edits applied, and the edits that did not apply.
#[derive(Debug, Clone)]
pub struct Applied {
    pub schedule: Schedule,
    /// `(index in the edit list, why)`: edits that no longer fit (their
    /// session is gone after a re-import, or they would now overlap). They
    /// are kept, and apply again if a later import brings the session back.
    pub skipped: Vec<(usize, String)>,
}

/// The imported schedule with `edits` applied in order. Never fails: an
/// edit that does not fit is left out and reported in [`Applied::skipped`].
pub fn apply(imported: &Schedule, edits: &[Edit]) -> Applied {
    let mut schedule = imported.clone();
    let mut skipped = Vec::new();
    for (index, edit) in edits.iter().enumerate() {
        match change_for(&schedule, edit).and_then(|c| c.check(&schedule).map(|()| c)) {
            Ok(change) => change.commit(&mut schedule),
            Err(e) => skipped.push((index, e.to_string())),
        }
    }
    Applied { schedule, skipped }
}

/// One edit applied strictly: refused if it names something that is not
/// there, or would create an overlap or invalid times.
pub fn apply_edit(schedule: &Schedule, edit: &Edit) -> Result<Schedule, EditError> {
    let change = change_for(schedule, edit)?;
    change.check(schedule)?;
    let mut out = schedule.clone();
    change.commit(&mut out);
    Ok(out)
}

/// Check an edit without applying it (what [`apply_edit`] would refuse).
pub fn check_edit(schedule: &Schedule, edit: &Edit) -> Result<(), EditError> {
    change_for(schedule, edit)?.check(schedule)
}

impl Edit {
    /// The session an edit is about, if it is about one.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Edit::Delay { .. } => None,
            Edit::StartedAt { session, .. }
            | Edit::Extend { session, .. }
            | Edit::EndNow { session, .. }
            | Edit::Skip { session }
            | Edit::Cancel { session }
            | Edit::Move { session, .. }
            | Edit::EditSession { session, .. } => Some(session),
            Edit::AddSession { session } => Some(&session.id),
        }
    }

    /// Write room names as room ids (the store does this before recording,
    /// so an edit keeps pointing at the same room if a source renames it).
    pub fn normalize_rooms(&mut self, schedule: &Schedule) {
        let room = match self {
            Edit::Delay { room, .. } | Edit::Move { room, .. } => Some(room),
            Edit::EditSession { room, .. } => room.as_mut(),
            Edit::AddSession { session } => Some(&mut session.room),
            _ => None,
        };
        if let Some(room) = room {
            if let Some(r) = schedule.room_by_name(room) {
                *room = r.id.clone();
            }
        }
    }
}

/// Whether a session kind can absorb a delay (its start moves, its end stays).
pub fn absorbs(kind: SessionKind) -> bool {
    matches!(kind, SessionKind::Break | SessionKind::WorkingSession)
}
