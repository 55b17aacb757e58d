//! The emergency takeover: a full-screen message on chosen rooms' screens
//! or every screen (evacuation, severe weather), over everything else, until
//! it expires or is cleared. Templates for it are prepared in the config.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::announcement::{next_change, screen_expiry, screen_rooms, screen_text, shows_in};
use super::EditError;
use crate::model::Schedule;

/// The headline: read from across a hall, in one or two lines.
pub const MAX_EMERGENCY_HEADLINE_CHARS: usize = 80;
/// What to do, in a few short sentences.
pub const MAX_EMERGENCY_TEXT_CHARS: usize = 400;

/// A symbol beside the headline; always with text, never alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Pictogram {
    /// Leave the building (an exit).
    Evacuate,
    Fire,
    /// Severe weather: stay inside.
    Weather,
    Medical,
    /// A general warning.
    Warning,
}

impl Pictogram {
    pub const ALL: [Pictogram; 5] = [
        Pictogram::Evacuate,
        Pictogram::Fire,
        Pictogram::Weather,
        Pictogram::Medical,
        Pictogram::Warning,
    ];

    /// The symbol's meaning in words, for people who cannot see it.
    pub fn label(self) -> &'static str {
        match self {
            Pictogram::Evacuate => "Emergency exit",
            Pictogram::Fire => "Fire",
            Pictogram::Weather => "Severe weather",
            Pictogram::Medical => "First aid",
            Pictogram::Warning => "Warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emergency {
    /// `emergency-<n>`, assigned by the store when left empty.
    #[serde(default)]
    pub id: String,
    pub headline: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub pictogram: Option<Pictogram>,
    /// Room ids; `None`: every screen.
    #[serde(default)]
    pub rooms: Option<Vec<String>>,
    pub starts: Timestamp,
    /// Off the screens at (exclusive); `None`: until cleared.
    #[serde(default)]
    pub expires: Option<Timestamp>,
}

impl Emergency {
    /// Trim and check: a headline, a text that fits, rooms known to
    /// `schedule`, an expiry after the start and `now`.
    pub fn validate(
        mut self,
        schedule: Option<&Schedule>,
        now: Timestamp,
    ) -> Result<Emergency, EditError> {
        let id = self.id.clone();
        let bad = |message: String| EditError::InvalidEmergency {
            id: id.clone(),
            message,
        };
        self.headline = screen_text(&self.headline, "the headline", MAX_EMERGENCY_HEADLINE_CHARS)
            .map_err(bad)?;
        self.text = if self.text.trim().is_empty() {
            String::new()
        } else {
            screen_text(&self.text, "the text", MAX_EMERGENCY_TEXT_CHARS).map_err(bad)?
        };
        screen_rooms(&mut self.rooms, schedule).map_err(bad)?;
        screen_expiry(self.starts, self.expires, now).map_err(bad)?;
        Ok(self)
    }

    pub fn is_active(&self, at: Timestamp) -> bool {
        self.starts <= at && self.expires.is_none_or(|e| at < e)
    }

    pub fn shows_in(&self, room_ids: &[&str]) -> bool {
        shows_in(self.rooms.as_deref(), room_ids)
    }
}

/// The emergency a screen of `room_ids` shows at `at`: the latest to start
/// of the active ones for it (the newer in the list among equals).
pub fn current_emergency<'a>(
    emergencies: &'a [Emergency],
    room_ids: &[&str],
    at: Timestamp,
) -> Option<&'a Emergency> {
    emergencies
        .iter()
        .enumerate()
        .filter(|(_, e)| e.is_active(at) && e.shows_in(room_ids))
        .max_by_key(|(i, e)| (e.starts, *i))
        .map(|(_, e)| e)
}

/// The first instant after `at` at which an emergency for these rooms
/// starts or expires.
pub fn next_emergency_change(
    emergencies: &[Emergency],
    room_ids: &[&str],
    at: Timestamp,
) -> Option<Timestamp> {
    next_change(
        emergencies
            .iter()
            .map(|e| (e.rooms.as_deref(), e.starts, e.expires)),
        room_ids,
        at,
    )
}
