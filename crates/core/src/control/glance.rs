//! The panel's part in what attendees see at a glance: how full a room is,
//! the emergency takeover (prepared templates, a confirm step in the UI),
//! and the choices for a session's badges.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rows::{rooms_text, Venue};
use crate::config::EmergencyTemplate;
use crate::edits::{
    active_status, Emergency, Occupancy, Pictogram, RoomStatus, RoomStatusRequest,
    MAX_EMERGENCY_HEADLINE_CHARS, MAX_EMERGENCY_TEXT_CHARS,
};
use crate::limits;
use crate::model::{Recording, Schedule};

/// A room's status as the panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomStatusBrief {
    pub occupancy: Occupancy,
    /// `Full`, `Filling up`.
    pub text: String,
    /// The overflow room's name.
    pub overflow: Option<String>,
    /// `until 10:32 (end of “ETL …”)`, `until cleared`.
    pub until: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EmergencyRow {
    pub id: String,
    pub headline: String,
    pub text: String,
    pub pictogram: Option<Pictogram>,
    /// `All rooms`, or the rooms' names.
    pub rooms: String,
    /// `from 10:20, until removed`.
    pub when: String,
    /// On the screens now (else it starts later or has expired).
    pub on_screen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TemplateView {
    pub name: String,
    pub headline: String,
    pub text: String,
    pub pictogram: Option<Pictogram>,
    pub minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GlanceView {
    /// Not cleared, on screen first.
    pub emergencies: Vec<EmergencyRow>,
    pub templates: Vec<TemplateView>,
    pub pictograms: Vec<Choice>,
    pub occupancies: Vec<Choice>,
    pub recordings: Vec<Choice>,
    pub headline_chars: u32,
    pub text_chars: u32,
    pub sign_language_chars: u32,
    pub url_chars: u32,
}

/// Set (`occupancy`) or clear (none) a room's status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RoomStatusIntent {
    /// A room id.
    pub room: String,
    #[serde(default)]
    #[ts(optional)]
    pub occupancy: Option<Occupancy>,
    /// A room id.
    #[serde(default)]
    #[ts(optional)]
    pub overflow: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub stream_url: Option<String>,
}

impl RoomStatusIntent {
    /// What to set; `None`: clear the room's status.
    pub fn request(self) -> Option<RoomStatusRequest> {
        Some(RoomStatusRequest {
            occupancy: self.occupancy?,
            room: self.room,
            overflow: self.overflow,
            stream_url: self.stream_url,
        })
    }
}

/// An emergency message as confirmed in the panel.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EmergencyIntent {
    pub headline: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    #[ts(optional)]
    pub pictogram: Option<Pictogram>,
    /// Room ids; `None`: every screen.
    #[serde(default)]
    #[ts(optional)]
    pub rooms: Option<Vec<String>>,
    /// Off by itself after this long; `None`: until cleared.
    #[serde(default)]
    #[ts(optional)]
    pub minutes: Option<u32>,
}

impl EmergencyIntent {
    /// The message, on from `now`.
    pub fn resolve(self, now: Timestamp) -> Emergency {
        Emergency {
            id: String::new(),
            headline: self.headline,
            text: self.text,
            pictogram: self.pictogram,
            rooms: self.rooms,
            starts: now,
            expires: self
                .minutes
                .map(|m| now + SignedDuration::from_mins(i64::from(m))),
        }
    }
}

pub(super) fn status_view(
    schedule: &Schedule,
    statuses: &[RoomStatus],
    room: &str,
    now: Timestamp,
) -> Option<RoomStatusBrief> {
    let status = active_status(statuses, schedule, room, now)?;
    let until = match (
        status.ends(schedule),
        status
            .session
            .as_deref()
            .and_then(|id| schedule.session(id)),
    ) {
        (Some(end), Some(s)) => format!("until {} (end of “{}”)", schedule.local_hm(end), s.title),
        (Some(end), None) => format!("until {}", schedule.local_hm(end)),
        (None, _) => "until cleared".into(),
    };
    Some(RoomStatusBrief {
        occupancy: status.occupancy,
        text: status.occupancy.text().into(),
        overflow: status
            .overflow
            .as_deref()
            .and_then(|id| schedule.room(id))
            .map(|r| r.name.clone()),
        until,
    })
}

pub(super) fn glance_view(
    schedule: Option<&Schedule>,
    emergencies: &[Emergency],
    templates: &[EmergencyTemplate],
    venue: &Venue,
) -> GlanceView {
    let mut rows: Vec<EmergencyRow> = emergencies
        .iter()
        .filter(|e| e.expires.is_none_or(|x| x > venue.now))
        .map(|e| EmergencyRow {
            id: e.id.clone(),
            headline: e.headline.clone(),
            text: e.text.clone(),
            pictogram: e.pictogram,
            rooms: rooms_text(schedule, e.rooms.as_deref()),
            when: venue.span(e.starts, e.expires),
            on_screen: e.is_active(venue.now),
        })
        .collect();
    rows.sort_by_key(|r| !r.on_screen);
    let choice = |value: &str, label: &str| Choice {
        value: value.into(),
        label: label.into(),
    };
    GlanceView {
        emergencies: rows,
        templates: templates
            .iter()
            .map(|t| TemplateView {
                name: t.name.clone(),
                headline: t.headline.clone(),
                text: t.text.clone(),
                pictogram: t.pictogram,
                minutes: t.expires_minutes,
            })
            .collect(),
        pictograms: Pictogram::ALL
            .into_iter()
            .map(|p| {
                let value = serde_json::to_value(p).expect("a pictogram serialises");
                choice(value.as_str().unwrap_or_default(), p.label())
            })
            .collect(),
        occupancies: vec![
            choice("filling_up", Occupancy::FillingUp.text()),
            choice("full", Occupancy::Full.text()),
        ],
        recordings: [
            (Recording::Unknown, "Not said"),
            (Recording::Recorded, "Recorded"),
            (Recording::Streamed, "Streamed live"),
            (Recording::NotRecorded, "Not recorded"),
        ]
        .into_iter()
        .map(|(r, label)| choice(r.as_str(), label))
        .collect(),
        headline_chars: MAX_EMERGENCY_HEADLINE_CHARS as u32,
        text_chars: MAX_EMERGENCY_TEXT_CHARS as u32,
        sign_language_chars: limits::MAX_SIGN_LANGUAGE_CHARS as u32,
        url_chars: limits::MAX_URL_CHARS as u32,
    }
}
