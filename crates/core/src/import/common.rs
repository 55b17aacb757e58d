//! What the importers share: the text of a file, the parts of a schedule
//! collected once each, the venue zone for times that carry none, and the
//! readers of dates, clock times and names that the spreadsheet-like formats
//! (Sessionize, CSV, iCalendar) write alike.
//!
//! Problems and the wall-clock → instant rule are in [`crate::draft`], since
//! [`crate::draft::validate`] uses them too.

use std::collections::{HashMap, HashSet};

use jiff::{civil, Timestamp};

use crate::draft::{invalid, Draft, DraftConference, DraftSession, DraftTime, Problems};
use crate::error::{Error, Problem, Result};
use crate::import::ImportOptions;
use crate::model::{Room, SessionKind, Speaker, Track};

/// Line and column (1-based) of a byte offset, for syntax errors.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The text of `bytes` as UTF-8 (a BOM dropped), or a syntax error naming
/// the first bad byte's place.
pub fn utf8<'a>(origin: &str, bytes: &'a [u8]) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(bytes, e.valid_up_to());
        Error::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message: "the file is not UTF-8 text; save it as UTF-8".into(),
        }
    })
}

/// The UTF-8 text of a file that must hold something: an empty (or blank)
/// one is [`Error::Empty`], which says more than a parser's "unexpected end".
pub(crate) fn text<'a>(origin: &str, bytes: &'a [u8]) -> Result<&'a str> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(empty(origin));
    }
    let text = utf8(origin, bytes)?;
    if text.trim().is_empty() {
        return Err(empty(origin));
    }
    Ok(text)
}

pub(crate) fn empty(origin: &str) -> Error {
    Error::Empty {
        origin: origin.to_string(),
    }
}

/// The rooms, tracks and speakers an importer meets, each added once (by
/// id) in the order first met, and the sessions.
#[derive(Default)]
pub(crate) struct Collected {
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    pub speakers: Vec<Speaker>,
    pub sessions: Vec<DraftSession>,
    room_ids: HashSet<String>,
    track_ids: HashSet<String>,
    speaker_index: HashMap<String, usize>,
}

impl Collected {
    /// A room whose id is its name.
    pub fn room(&mut self, name: &str) {
        if !name.is_empty() && self.room_ids.insert(name.to_string()) {
            self.rooms.push(Room {
                id: name.to_string(),
                name: name.to_string(),
            });
        }
    }

    /// A track whose id is its name; `colour` is asked when it is new.
    pub fn track(&mut self, name: &str, colour: impl FnOnce() -> Option<String>) {
        if self.track_ids.insert(name.to_string()) {
            self.tracks.push(Track {
                id: name.to_string(),
                name: name.to_string(),
                colour: colour(),
            });
        }
    }

    /// The speaker with `id`, added (named `name`) when new.
    pub fn speaker(&mut self, id: &str, name: &str) -> &mut Speaker {
        let index = match self.speaker_index.get(id) {
            Some(i) => *i,
            None => {
                self.speakers.push(Speaker {
                    id: id.to_string(),
                    name: name.to_string(),
                    affiliation: None,
                });
                self.speaker_index
                    .insert(id.to_string(), self.speakers.len() - 1);
                self.speakers.len() - 1
            }
        };
        &mut self.speakers[index]
    }

    /// A speaker from a file's own list, kept as listed: a duplicate id is
    /// for validation to report, not to be merged here.
    pub fn listed_speaker(&mut self, speaker: Speaker) {
        self.speaker_index
            .entry(speaker.id.clone())
            .or_insert(self.speakers.len());
        self.speakers.push(speaker);
    }

    /// A session's speakers from `(id, name)` pairs: each added when new,
    /// each listed once, in billing order.
    pub fn session_speakers(
        &mut self,
        people: impl IntoIterator<Item = (String, String)>,
    ) -> Vec<String> {
        // A set, not a scan: a hostile cell may list a million names, and
        // the per-session limit is only checked in validation.
        let mut seen = HashSet::new();
        let mut ids: Vec<String> = Vec::new();
        for (id, name) in people {
            self.speaker(&id, &name);
            if seen.insert(id.clone()) {
                ids.push(id);
            }
        }
        ids
    }

    pub fn into_draft(self, warnings: Vec<Problem>, conference: DraftConference) -> Draft {
        Draft {
            warnings,
            conference,
            days: Vec::new(),
            rooms: self.rooms,
            tracks: self.tracks,
            speakers: self.speakers,
            sessions: self.sessions,
        }
    }
}

/// A conference known by its file's name (formats that do not name one),
/// or by `name` when the file gives one.
pub(crate) fn conference_from_origin(
    origin: &str,
    name: Option<String>,
    timezone: String,
) -> DraftConference {
    let file_name = name_from_origin(origin);
    DraftConference {
        name: name.unwrap_or_else(|| file_name.clone()),
        id: file_name,
        timezone,
        venue: None,
        day_change: None,
    }
}

/// The conference name when a format has none: the file stem of `origin`
/// (`/x/devconf.csv` → `devconf`, `https://h/p/devconf.ics?x=1` → `devconf`).
pub(crate) fn name_from_origin(origin: &str) -> String {
    let mut s = origin.trim();
    if s.contains("://") {
        s = s.split(['?', '#']).next().unwrap_or(s);
    }
    let s = s.trim_end_matches(['/', '\\']);
    let file = s.rsplit(['/', '\\']).next().unwrap_or(s);
    let stem = match file.rfind('.') {
        Some(i) if i > 0 => &file[..i],
        _ => file,
    };
    let stem = stem.trim();
    if stem.is_empty() {
        "Schedule".to_string()
    } else {
        stem.to_string()
    }
}

/// The conference's zone for formats whose times may carry no zone: the
/// configured venue zone; else, when every time is an instant, UTC with a
/// warning; else an error that says to configure one.
pub(crate) fn zone_for_wall_clock(
    origin: &str,
    format: &str,
    options: &ImportOptions,
    sessions: &[DraftSession],
    p: &mut Problems,
) -> Result<String> {
    if let Some(tz) = options.venue_zone() {
        return Ok(tz.to_string());
    }
    let local = sessions
        .iter()
        .find(|s| matches!(s.start, DraftTime::Local(_)) || matches!(s.end, DraftTime::Local(_)));
    if let Some(s) = local {
        return Err(invalid(
            origin,
            s.place.clone(),
            format!(
                "{format} times carry no time zone; set `venue_timezone` in the config \
                 to the venue's IANA zone (e.g. venue_timezone = \"Europe/Paris\")"
            ),
        ));
    }
    p.warn(
        "conference.timezone",
        "no `venue_timezone` is configured; times are shown in UTC (set \
         `venue_timezone` in the config to show the venue's time)",
    );
    Ok("UTC".to_string())
}

/// Trim and collapse runs of white space into one space (names of rooms,
/// tracks and speakers, so `"  Salle  Lumière "` is `"Salle Lumière"`).
pub(crate) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The session kind a word names: break/pause/lunch/coffee → break,
/// workshop/working session → working session, social/party/dinner →
/// social. `None` for anything else.
pub(crate) fn kind_from_word(word: &str) -> Option<SessionKind> {
    let w = word.trim().to_lowercase().replace(['_', '-'], " ");
    let any = |words: &[&str]| words.iter().any(|k| w.contains(k));
    if any(&["break", "pause", "lunch", "coffee"]) {
        Some(SessionKind::Break)
    } else if any(&["workshop", "working session"]) {
        Some(SessionKind::WorkingSession)
    } else if any(&["social", "party", "dinner"]) {
        Some(SessionKind::Social)
    } else {
        None
    }
}

/// `HH:MM` or `HH:MM:SS` (one-digit hours allowed).
pub(crate) fn parse_clock(s: &str) -> Option<civil::Time> {
    let s = s.trim();
    let mut parts = s.split(':');
    let h = parts.next()?;
    let m = parts.next()?;
    let sec = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let num = |p: &str, max: i8, width: std::ops::RangeInclusive<usize>| -> Option<i8> {
        if !width.contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse::<i8>().ok().filter(|v| *v <= max)
    };
    let h = num(h, 23, 1..=2)?;
    let m = num(m, 59, 2..=2)?;
    let sec = match sec {
        Some(p) => num(p, 59, 2..=2)?,
        None => 0,
    };
    civil::Time::new(h, m, sec, 0).ok()
}

/// `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<civil::Date> {
    let s = s.trim();
    if s.len() != 10 || s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    s.parse::<civil::Date>().ok()
}

/// A date and time: RFC 3339 with an offset (an instant), or
/// `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` (wall-clock time).
pub(crate) fn parse_date_time(s: &str) -> Option<DraftTime> {
    let s = s.trim();
    if s.len() < 16 {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(DraftTime::Instant(ts));
    }
    let (date, time) = s.split_at_checked(10)?;
    let date = parse_date(date)?;
    let time = time.strip_prefix(['T', 't', ' '])?;
    let time = parse_clock(time)?;
    Some(DraftTime::Local(date.to_datetime(time)))
}

/// A room id from a name, for generated session ids: lower case, runs of
/// anything but letters and digits turned into one `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `<YYYY-MM-DD>-<room slug>-<HHMM>`: a session id that stays the same when
/// rows are added, removed or reordered.
pub(crate) fn generated_id(start: &DraftTime, room: &str, zone: Option<&str>) -> String {
    let local = match start {
        DraftTime::Local(dt) => Some(*dt),
        DraftTime::Instant(ts) => zone
            .and_then(|z| crate::model::venue_zone(z).ok())
            .map(|tz| ts.to_zoned_datetime(tz).datetime()),
    };
    match local {
        Some(dt) => format!("{}-{}-{}", dt.date(), slug(room), dt.strftime("%H%M")),
        None => {
            let when = match start {
                DraftTime::Instant(ts) => ts.strftime("%Y-%m-%dT%H%MZ").to_string(),
                DraftTime::Local(dt) => dt.strftime("%Y-%m-%d-%H%M").to_string(),
            };
            format!("{when}-{}", slug(room))
        }
    }
}
