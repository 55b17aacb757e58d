//! The draft model: what an importer produces before validation. Every part
//! carries its `place` in the source so problems can say where they are.
//! [`validate`] turns a draft into a [`Schedule`] or a list of problems.
//!
//! Also what every importer shares about problems and times: [`Problems`]
//! collects what is wrong with its place, and [`wall_clock_instant`] is the
//! one rule for turning a venue wall-clock time into an instant.

mod info;
mod validate;

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};

use crate::error::{Error, Problem, Result};
use crate::model::{Day, Room, Schedule, SessionInfo, SessionKind, Speaker, Track};

pub use info::{classify_link, http_url, keep_within_limits, language_tag, read_tag};
pub use validate::validate;

/// A time as a source gave it: an instant, or a wall-clock time in the venue's zone.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftTime {
    Instant(Timestamp),
    Local(civil::DateTime),
}

impl DraftTime {
    /// An instant when the text carries an offset (`…Z`, `…-05:00`), else a
    /// wall-clock date and time as jiff reads it (`2024-05-01T09:00`).
    pub fn parse(text: &str) -> Option<DraftTime> {
        let t = text.trim();
        if let Ok(ts) = t.parse::<Timestamp>() {
            return Some(DraftTime::Instant(ts));
        }
        t.parse::<civil::DateTime>().ok().map(DraftTime::Local)
    }

    /// The instant this time is in `tz` (see [`wall_clock_instant`]).
    pub fn resolve(&self, tz: &TimeZone) -> std::result::Result<Timestamp, String> {
        match self {
            DraftTime::Instant(ts) => Ok(*ts),
            DraftTime::Local(dt) => wall_clock_instant(tz, *dt),
        }
    }

    /// This time moved by `d`, kept as an instant or a wall-clock time as it
    /// was (a wall-clock end stays in the venue's zone across a clock change).
    pub fn checked_add(&self, d: SignedDuration) -> Option<DraftTime> {
        match self {
            DraftTime::Instant(ts) => ts.checked_add(d).ok().map(DraftTime::Instant),
            DraftTime::Local(dt) => dt.checked_add(d).ok().map(DraftTime::Local),
        }
    }
}

/// The instant a wall-clock time in `tz` names. A time the clocks skip (the
/// spring-forward gap) is an error, because no session starts at a moment
/// that never happens; a time that occurs twice (the autumn fold) is the
/// earlier one, when a venue's printed programme means it.
pub fn wall_clock_instant(
    tz: &TimeZone,
    dt: civil::DateTime,
) -> std::result::Result<Timestamp, String> {
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        return Err(format!(
            "{dt} does not exist in {} (the clocks skip it)",
            tz.iana_name().unwrap_or("the venue's zone")
        ));
    }
    ambiguous.compatible().map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Default)]
pub struct DraftConference {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub venue: Option<String>,
    /// Local time the conference day changes; `None`: 04:00.
    pub day_change: Option<civil::Time>,
}

#[derive(Debug, Clone)]
pub struct DraftSession {
    pub place: String,
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub abstract_text: Option<String>,
    pub room: String,
    pub track: Option<String>,
    pub kind: SessionKind,
    pub start: DraftTime,
    pub end: DraftTime,
    pub speakers: Vec<String>,
    /// Links, languages, recording, captions, sign language; checked and
    /// normalised by [`validate`].
    pub info: SessionInfo,
}

#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// Problems an importer met that do not stop the import (carried into
    /// [`Validated::warnings`]).
    pub warnings: Vec<Problem>,
    pub conference: DraftConference,
    pub days: Vec<Day>,
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    pub speakers: Vec<Speaker>,
    pub sessions: Vec<DraftSession>,
}

/// A valid schedule and the warnings met on the way (overlaps and the like).
#[derive(Debug, Clone)]
pub struct Validated {
    pub schedule: Schedule,
    pub warnings: Vec<Problem>,
}

/// Trim a text field and collapse it to `None` when empty.
pub fn clean_opt(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// What an importer (or [`validate`]) met, each with its place in the
/// source: errors stop the import and are all reported together, warnings
/// do not and travel with the result.
#[derive(Debug, Default)]
pub struct Problems {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

impl Problems {
    pub fn error(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }

    pub fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }

    /// [`Error::Invalid`] with every error met so far, if there is one.
    pub fn check(&mut self, origin: &str) -> Result<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(Error::Invalid {
            origin: origin.to_string(),
            problems: std::mem::take(&mut self.errors),
        })
    }

    /// The warnings, or [`Error::Invalid`] with every error.
    pub fn into_warnings(mut self, origin: &str) -> Result<Vec<Problem>> {
        self.check(origin)?;
        Ok(self.warnings)
    }
}

/// [`Error::Invalid`] with one problem: for what stops an import at once.
pub fn invalid(origin: &str, place: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Invalid {
        origin: origin.to_string(),
        problems: vec![Problem {
            place: place.into(),
            message: message.into(),
        }],
    }
}
