//! The draft model: what an importer produces before validation. Every part
//! carries its `place` in the source so problems can say where they are.
//! [`validate`] turns a draft into a [`Schedule`] or a list of problems.

use jiff::{civil, tz::TimeZone, Timestamp};

use crate::error::{Error, Problem, Result};
use crate::limits;
use crate::model::{Conference, Day, Room, Schedule, Session, SessionKind, Speaker, Track};

/// A time as a source gave it: an instant, or a wall-clock time in the venue's zone.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftTime {
    Instant(Timestamp),
    Local(civil::DateTime),
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
    pub slides_url: Option<String>,
    pub room: String,
    pub track: Option<String>,
    pub kind: SessionKind,
    pub start: DraftTime,
    pub end: DraftTime,
    pub speakers: Vec<String>,
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

struct Checker {
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Checker {
    fn error(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }

    fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }

    fn text(&mut self, place: &str, field: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.error(
                format!("{place}.{field}"),
                format!("is {chars} characters long; at most {max} are allowed"),
            );
        }
    }

    fn unique<'a>(&mut self, what: &str, ids: impl Iterator<Item = (String, &'a str)>) {
        let mut seen = std::collections::HashMap::new();
        for (place, id) in ids {
            if id.is_empty() {
                self.error(format!("{place}.id"), format!("a {what} needs an id"));
            } else if let Some(first) = seen.insert(id, place.clone()) {
                self.error(
                    place,
                    format!("duplicate {what} id {id:?} (first used at {first})"),
                );
            }
        }
    }
}

fn resolve(tz: &TimeZone, time: &DraftTime) -> std::result::Result<Timestamp, String> {
    match time {
        DraftTime::Instant(ts) => Ok(*ts),
        DraftTime::Local(dt) => {
            let ambiguous = tz.to_ambiguous_timestamp(*dt);
            if ambiguous.is_ambiguous()
                && matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. })
            {
                return Err(format!(
                    "{dt} does not exist in {} (the clocks skip it)",
                    tz.iana_name().unwrap_or("the venue's zone")
                ));
            }
            ambiguous.compatible().map_err(|e| e.to_string())
        }
    }
}

/// Check a draft and turn it into a schedule. `origin` names the source
/// (a file path or URL) in the error.
pub fn validate(origin: &str, draft: Draft) -> Result<Validated> {
    let mut c = Checker {
        errors: Vec::new(),
        warnings: draft.warnings.clone(),
    };
    let conf = &draft.conference;
    if conf.name.is_empty() {
        c.error("conference.name", "the conference needs a name");
    }
    c.text("conference", "name", &conf.name, limits::MAX_NAME_CHARS);
    let venue_tz = if conf.timezone.is_empty() {
        c.error(
            "conference.timezone",
            "the conference needs the venue's IANA time zone, e.g. \"Europe/Berlin\"",
        );
        None
    } else {
        match crate::model::venue_zone(&conf.timezone) {
            Ok(tz) => Some(tz),
            Err(_) => {
                c.error(
                    "conference.timezone",
                    format!(
                        "unknown time zone {:?}; use an IANA name such as \"America/New_York\"",
                        conf.timezone
                    ),
                );
                None
            }
        }
    };

    for (what, count, max) in [
        ("rooms", draft.rooms.len(), limits::MAX_ROOMS),
        ("tracks", draft.tracks.len(), limits::MAX_TRACKS),
        ("speakers", draft.speakers.len(), limits::MAX_SPEAKERS),
        ("sessions", draft.sessions.len(), limits::MAX_SESSIONS),
    ] {
        if count > max {
            c.error(what, format!("{count} {what}; at most {max} are allowed"));
        }
    }
    if !c.errors.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems: c.errors,
        });
    }
    if draft.rooms.is_empty() {
        c.error("rooms", "the schedule has no rooms");
    }

    c.unique(
        "room",
        draft
            .rooms
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("rooms[{i}]"), r.id.as_str())),
    );
    c.unique(
        "track",
        draft
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("tracks[{i}]"), t.id.as_str())),
    );
    c.unique(
        "speaker",
        draft
            .speakers
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("speakers[{i}]"), s.id.as_str())),
    );
    c.unique(
        "session",
        draft
            .sessions
            .iter()
            .map(|s| (s.place.clone(), s.id.as_str())),
    );
    for (i, room) in draft.rooms.iter().enumerate() {
        let place = format!("rooms[{i}]");
        if room.name.is_empty() {
            c.error(format!("{place}.name"), "a room needs a name");
        }
        c.text(&place, "name", &room.name, limits::MAX_NAME_CHARS);
        c.text(&place, "id", &room.id, limits::MAX_ID_CHARS);
    }
    for (i, track) in draft.tracks.iter().enumerate() {
        let place = format!("tracks[{i}]");
        c.text(&place, "name", &track.name, limits::MAX_NAME_CHARS);
        if let Some(colour) = &track.colour {
            if !crate::model::is_hex_colour(colour) {
                c.error(
                    format!("{place}.colour"),
                    format!("{colour:?} is not a colour of the form \"#rrggbb\""),
                );
            }
        }
    }
    for (i, speaker) in draft.speakers.iter().enumerate() {
        let place = format!("speakers[{i}]");
        if speaker.name.is_empty() {
            c.error(format!("{place}.name"), "a speaker needs a name");
        }
        c.text(&place, "name", &speaker.name, limits::MAX_NAME_CHARS);
        if let Some(a) = &speaker.affiliation {
            c.text(&place, "affiliation", a, limits::MAX_NAME_CHARS);
        }
    }

    // Sets, not scans: a 5,000-session congress has thousands of speakers.
    use std::collections::HashSet;
    let room_ids: HashSet<&str> = draft.rooms.iter().map(|r| r.id.as_str()).collect();
    let track_ids: HashSet<&str> = draft.tracks.iter().map(|t| t.id.as_str()).collect();
    let speaker_ids: HashSet<&str> = draft.speakers.iter().map(|s| s.id.as_str()).collect();
    let mut sessions = Vec::with_capacity(draft.sessions.len());
    for s in &draft.sessions {
        let place = s.place.as_str();
        if s.title.is_empty() {
            c.warn(format!("{place}.title"), "the title is empty");
        }
        c.text(place, "id", &s.id, limits::MAX_ID_CHARS);
        c.text(place, "title", &s.title, limits::MAX_TITLE_CHARS);
        if let Some(v) = &s.subtitle {
            c.text(place, "subtitle", v, limits::MAX_TITLE_CHARS);
        }
        if let Some(v) = &s.abstract_text {
            c.text(place, "abstract", v, limits::MAX_ABSTRACT_CHARS);
        }
        if let Some(v) = &s.slides_url {
            c.text(place, "slides_url", v, limits::MAX_URL_CHARS);
            if !(v.starts_with("https://") || v.starts_with("http://")) {
                c.error(
                    format!("{place}.slides_url"),
                    format!("{v:?} is not an http(s) address"),
                );
            }
        }
        if !room_ids.contains(s.room.as_str()) {
            c.error(
                format!("{place}.room"),
                format!(
                    "unknown room {:?}; the rooms are: {}",
                    s.room,
                    draft
                        .rooms
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if let Some(track) = &s.track {
            if !track_ids.contains(track.as_str()) {
                c.error(format!("{place}.track"), format!("unknown track {track:?}"));
            }
        }
        if s.speakers.len() > limits::MAX_SPEAKERS_PER_SESSION {
            c.error(
                format!("{place}.speakers"),
                format!(
                    "{} speakers; at most {} are allowed",
                    s.speakers.len(),
                    limits::MAX_SPEAKERS_PER_SESSION
                ),
            );
        }
        for (j, sp) in s.speakers.iter().enumerate() {
            if !speaker_ids.contains(sp.as_str()) {
                c.error(
                    format!("{place}.speakers[{j}]"),
                    format!("unknown speaker {sp:?}"),
                );
            }
        }
        let Some(tz) = &venue_tz else { continue };
        let start = resolve(tz, &s.start).map_err(|m| c.error(format!("{place}.start"), m));
        let end = resolve(tz, &s.end).map_err(|m| c.error(format!("{place}.end"), m));
        let (Ok(start), Ok(end)) = (start, end) else {
            continue;
        };
        if end <= start {
            let show = |t: Timestamp| {
                t.to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            };
            c.error(
                place,
                format!(
                    "ends ({}) before it starts ({}): a session must end after it starts",
                    show(end),
                    show(start)
                ),
            );
            continue;
        }
        sessions.push(Session {
            id: s.id.clone(),
            title: s.title.clone(),
            subtitle: s.subtitle.clone(),
            abstract_text: s.abstract_text.clone(),
            slides_url: s.slides_url.clone(),
            room: s.room.clone(),
            track: s.track.clone(),
            kind: s.kind,
            start,
            end,
            speakers: s.speakers.clone(),
            cancelled: false,
        });
    }

    if !c.errors.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems: c.errors,
        });
    }
    let venue_tz = venue_tz.expect("no errors means the zone resolved");
    let schedule = Schedule::new(
        Conference {
            id: conf.id.clone(),
            name: conf.name.clone(),
            timezone: conf.timezone.clone(),
            venue: conf.venue.clone(),
            day_change: conf
                .day_change
                .map(|t| t.duration_since(civil::Time::midnight()))
                .unwrap_or(crate::model::DEFAULT_DAY_CHANGE),
        },
        venue_tz,
        draft.days,
        draft.rooms,
        draft.tracks,
        draft.speakers,
        sessions,
    );
    // Overlaps in one room are allowed (a source may be wrong for a while),
    // but said; the display shows the later-starting one.
    for room in &schedule.rooms {
        let mut last: Option<&Session> = None;
        for s in schedule.sessions.iter().filter(|s| s.room == room.id) {
            if let Some(prev) = last {
                if s.start < prev.end {
                    c.warn(
                        format!("session {:?}", s.id),
                        format!(
                            "overlaps {:?} in room {:?} ({}–{} and {}–{})",
                            prev.id,
                            room.name,
                            schedule.local_hm(prev.start),
                            schedule.local_hm(prev.end),
                            schedule.local_hm(s.start),
                            schedule.local_hm(s.end)
                        ),
                    );
                }
            }
            if last.is_none_or(|p| s.end > p.end) {
                last = Some(s);
            }
        }
    }
    Ok(Validated {
        schedule,
        warnings: c.warnings,
    })
}
