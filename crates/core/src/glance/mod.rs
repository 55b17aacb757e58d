//! What attendees need at a glance, added to a [`DisplaySnapshot`]: the QR
//! code beside the talk, "running 10 min late" with the planned times, how
//! full a room is, the emergency takeover, the lobby's grid. Badges are
//! made with each session's view ([`badges`]). Everything is decided here;
//! the screen only renders it.

pub mod badges;
pub mod lobby;
pub mod qr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::QrConfig;
use crate::edits::{
    active_status, current_emergency, next_emergency_change, Emergency, Occupancy, Pictogram,
    RoomStatus,
};
use crate::i18n::display as words;
use crate::i18n::Catalogue;
use crate::model::{LinkKind, Schedule};
use crate::snapshot::{DisplaySnapshot, RoomSnapshot, SessionView, WallMode};

pub use badges::{badges, badges_in, Badge, BadgeKind};
pub use lobby::LobbyLayout;
pub use qr::QrView;

/// A session's times as first published, when the organizer's changes
/// moved it (shown struck through beside the new ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedView {
    /// `HH:MM`, venue time.
    pub start_local: String,
    pub end_local: String,
    /// The start in the screen's clock (`2:30 PM`, `14:30`).
    pub when: String,
    /// `14:00–14:30` in the screen's clock.
    pub span: String,
}

/// A room behind its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateView {
    pub minutes: i64,
    /// `Running 10 min late`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoomStatusView {
    pub occupancy: Occupancy,
    /// `Full`, `Filling up`.
    pub text: String,
    /// `Overflow: Breakout A`.
    pub overflow: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PictogramView {
    pub name: Pictogram,
    /// What it means, in words.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencyView {
    pub id: String,
    pub headline: String,
    pub text: String,
    pub pictogram: Option<PictogramView>,
}

/// A session the organizer's changes moved, with its times as imported:
/// what "planned" means on screen. A leader's feed carries them, so its
/// followers show the same lateness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub session: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// The sessions of `effective` whose times differ from `imported`'s.
pub fn moved(imported: &Schedule, effective: &Schedule) -> Vec<Moved> {
    let by_id: std::collections::HashMap<&str, &crate::model::Session> = imported
        .sessions
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    effective
        .sessions
        .iter()
        .filter_map(|s| {
            let i = by_id.get(s.id.as_str())?;
            ((i.start, i.end) != (s.start, s.end)).then(|| Moved {
                session: s.id.clone(),
                start: i.start,
                end: i.end,
            })
        })
        .collect()
}

/// What [`decorate`] needs besides the snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Glance<'a> {
    /// The schedule shown (imports with the organizer's changes).
    pub schedule: Option<&'a Schedule>,
    /// The sessions moved from their planned times ([`moved`]).
    pub moved: &'a [Moved],
    pub qr: &'a QrConfig,
    /// Each room's latest status (see [`crate::store::Store::room_statuses`]).
    pub statuses: &'a [RoomStatus],
    pub emergencies: &'a [Emergency],
}

/// Add what attendees need at a glance to `snapshot` (made by
/// [`crate::snapshot::display_snapshot`], with the wall and announcements
/// set): an emergency takes the screen (no wall, no banner); each room
/// gets its planned times, lateness, QR code and status; the lobby its
/// grid and page. `next_change_at` comes forward to the next change of any
/// of them.
pub fn decorate(snapshot: &mut DisplaySnapshot, glance: &Glance) {
    let Some(schedule) = glance.schedule.filter(|_| snapshot.has_schedule) else {
        return;
    };
    let at = snapshot.at;
    let cat = snapshot.language.catalogue();
    let mut changes: Vec<Timestamp> = snapshot.next_change_at.into_iter().collect();
    if snapshot.view == "lobby" {
        let (layout, page, turn) = lobby::layout(snapshot.rooms.len(), at);
        let rooms = std::mem::take(&mut snapshot.rooms);
        snapshot.rooms = rooms
            .into_iter()
            .enumerate()
            .filter(|(i, _)| page.contains(i))
            .map(|(_, r)| r)
            .collect();
        snapshot.lobby = Some(layout);
        snapshot.page_text =
            (layout.pages > 1).then(|| words::page(cat, layout.page, layout.pages));
        changes.extend(turn);
    }
    let with_qr = snapshot.lobby.is_none_or(|l| l.qr);
    for room in &mut snapshot.rooms {
        decorate_room(cat, room, schedule, glance, at, with_qr, &mut changes);
    }
    let room_ids: Vec<&str> = snapshot.rooms.iter().map(|r| r.room_id.as_str()).collect();
    changes.extend(next_emergency_change(glance.emergencies, &room_ids, at));
    if let Some(e) = current_emergency(glance.emergencies, &room_ids, at) {
        snapshot.emergency = Some(EmergencyView {
            id: e.id.clone(),
            headline: e.headline.clone(),
            text: e.text.clone(),
            pictogram: e.pictogram.map(|p| PictogramView {
                name: p,
                label: words::pictogram(cat, p).to_string(),
            }),
        });
        // Highest priority: nothing else competes for the eye.
        snapshot.wall = WallMode::Off;
        snapshot.announcement = None;
    }
    snapshot.next_change_at = changes.into_iter().filter(|t| *t > at).min();
}

fn decorate_room(
    cat: &Catalogue,
    room: &mut RoomSnapshot,
    schedule: &Schedule,
    glance: &Glance,
    at: Timestamp,
    with_qr: bool,
    changes: &mut Vec<Timestamp>,
) {
    let planned = |view: &mut SessionView| {
        let m = glance.moved.iter().find(|m| m.session == view.id)?;
        let (start, end) = (
            cat.time(m.start, &schedule.venue_tz),
            cat.time(m.end, &schedule.venue_tz),
        );
        view.planned = Some(PlannedView {
            start_local: schedule.local_hm(m.start),
            end_local: schedule.local_hm(m.end),
            span: format!("{start}–{end}"),
            when: start,
        });
        Some((m.start, m.end))
    };
    // The room is as late as its next change from one session to another:
    // the end of the one on, else the start of the next.
    let late = if let Some(current) = room.current.as_mut() {
        planned(&mut current.session).map(|(_, end)| current.session.end.duration_since(end))
    } else {
        None
    };
    let next_late = room
        .next
        .as_mut()
        .and_then(|next| planned(next).map(|(start, _)| next.start.duration_since(start)));
    if let Some(after) = room.after.as_mut() {
        planned(after);
    }
    let late = if room.current.is_some() {
        late
    } else {
        next_late
    };
    room.late = late
        .map(|d| d.as_mins())
        .filter(|m| *m > 0)
        .map(|minutes| LateView {
            minutes,
            text: words::running_late(cat, minutes),
        });

    let room_model = schedule.room(&room.room_id);
    if let (Some(current), Some(r), true) = (&room.current, room_model, with_qr) {
        room.qr = schedule
            .session(&current.session.id)
            .and_then(|s| qr::session_qr(cat, glance.qr, r, s));
    }

    if let Some(status) = active_status(glance.statuses, schedule, &room.room_id, at) {
        changes.extend(status.ends(schedule));
        let stream = status.stream_url.as_deref().or_else(|| {
            let session = status
                .session
                .as_deref()
                .and_then(|id| schedule.session(id))?;
            session.info.link(LinkKind::Stream)
        });
        room.status = Some(RoomStatusView {
            occupancy: status.occupancy,
            text: words::occupancy(cat, status.occupancy).to_string(),
            overflow: status
                .overflow
                .as_deref()
                .and_then(|id| schedule.room(id))
                .map(|r| words::overflow(cat, &r.name)),
        });
        // Those who cannot get in need the stream more than the slides.
        if let Some(stream) = stream
            .filter(|_| with_qr)
            .and_then(|url| qr::qr_view(cat, url, words::watch_stream(cat)))
        {
            room.qr = Some(stream);
        }
    } else if let Some(status) = glance.statuses.iter().find(|s| s.room == room.room_id) {
        // Set for later (a clock running behind the panel's): it starts then.
        changes.extend(Some(status.set_at).filter(|t| *t > at));
    }
}
