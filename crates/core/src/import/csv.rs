//! CSV with a header row: one session a row (`docs/import-sessionize-csv-ical.md`).
//!
//! The delimiter (`,`, `;` or a tab) is told from the header line; the text
//! is UTF-8 with or without a BOM. Columns are found by name, case-insensitive,
//! with aliases; unknown columns are ignored. Wall-clock times are in the
//! configured venue zone.
//!
//! Also home to a few helpers the Sessionize and iCalendar importers share.

use std::collections::{HashMap, HashSet};

use jiff::{civil, SignedDuration, Timestamp};

use crate::draft::{Draft, DraftConference, DraftSession, DraftTime};
use crate::error::{Error, Problem, Result};
use crate::import::ImportOptions;
use crate::model::{Room, SessionKind, Speaker, Track};

// ---------------------------------------------------------------------------
// Shared helpers (Sessionize, CSV, iCalendar).

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

/// The conference's zone for formats whose times may carry no zone: the
/// configured venue zone; else, when every time is an instant, the first
/// instant's offset as a fixed zone, with a warning; else an error that
/// says to configure one.
pub(crate) fn zone_for_wall_clock(
    origin: &str,
    format: &str,
    options: &ImportOptions,
    sessions: &[DraftSession],
    warnings: &mut Vec<Problem>,
) -> Result<String> {
    if let Some(tz) = options
        .venue_timezone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        return Ok(tz.to_string());
    }
    let local = sessions
        .iter()
        .find(|s| matches!(s.start, DraftTime::Local(_)) || matches!(s.end, DraftTime::Local(_)));
    if let Some(s) = local {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems: vec![Problem {
                place: s.place.clone(),
                message: format!(
                    "{format} times carry no time zone; set `venue_timezone` in the config \
                     to the venue's IANA zone (e.g. venue_timezone = \"Europe/Paris\")"
                ),
            }],
        });
    }
    warnings.push(Problem {
        place: "conference.timezone".into(),
        message: "no `venue_timezone` is configured; times are shown in UTC (set \
                  `venue_timezone` in the config to show the venue's time)"
            .into(),
    });
    Ok("UTC".to_string())
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

pub(crate) fn add_duration(t: &DraftTime, d: SignedDuration) -> Option<DraftTime> {
    match t {
        DraftTime::Instant(ts) => ts.checked_add(d).ok().map(DraftTime::Instant),
        DraftTime::Local(dt) => dt.checked_add(d).ok().map(DraftTime::Local),
    }
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
        None => format!("{}-{}", ts_text(start), slug(room)),
    }
}

fn ts_text(t: &DraftTime) -> String {
    match t {
        DraftTime::Instant(ts) => ts.strftime("%Y-%m-%dT%H%MZ").to_string(),
        DraftTime::Local(dt) => dt.strftime("%Y-%m-%d-%H%M").to_string(),
    }
}

// ---------------------------------------------------------------------------
// CSV.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Id,
    Title,
    Subtitle,
    Room,
    Track,
    Kind,
    Day,
    Start,
    End,
    Duration,
    Speakers,
    Affiliation,
    Slides,
    Abstract,
}

/// Column names, normalised (lower case, `_`/`-` as spaces, single spaces).
/// The first name of each is the one the documentation and errors use.
const COLUMNS: &[(Col, &[&str])] = &[
    (Col::Id, &["id"]),
    (Col::Title, &["title", "session", "talk", "name"]),
    (Col::Subtitle, &["subtitle"]),
    (Col::Room, &["room", "location", "hall", "venue"]),
    (Col::Track, &["track", "section", "category"]),
    (Col::Kind, &["kind", "type"]),
    (Col::Day, &["day", "date"]),
    (
        Col::Start,
        &["start", "begin", "from", "start time", "starts"],
    ),
    (Col::End, &["end", "until", "to", "end time", "ends"]),
    (Col::Duration, &["duration", "length", "minutes"]),
    (
        Col::Speakers,
        &["speakers", "speaker", "presenter", "presenters", "authors"],
    ),
    (
        Col::Affiliation,
        &["affiliation", "organisation", "organization", "company"],
    ),
    (Col::Slides, &["slides", "slides url"]),
    (Col::Abstract, &["abstract", "description"]),
];

fn column_label(col: Col) -> &'static str {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == col)
        .and_then(|(_, names)| names.first())
        .copied()
        .unwrap_or("?")
}

fn normalise_header(h: &str) -> String {
    squash(&h.trim_start_matches('\u{feff}').replace(['_', '-'], " ")).to_lowercase()
}

/// The delimiter that occurs most often outside quotes on the first line.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        b';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        b'\t'
    } else {
        b','
    }
}

/// Cut-off before which a time earlier than the previous row's belongs to
/// the next calendar date.
const AFTER_MIDNIGHT_BEFORE: civil::Time = civil::Time::constant(6, 0, 0, 0);

/// Minutes (`45`, `45 min`) or `H:MM` (`1:30`).
fn parse_duration(s: &str) -> Option<SignedDuration> {
    let s = s.trim();
    let minutes: i64 = if let Some((h, m)) = s.split_once(':') {
        let ok = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
        if !ok(h) || !ok(m) || m.len() != 2 {
            return None;
        }
        let m: i64 = m.parse().ok()?;
        if m > 59 {
            return None;
        }
        h.parse::<i64>().ok()? * 60 + m
    } else {
        let digits = s
            .strip_suffix("minutes")
            .or_else(|| s.strip_suffix("mins"))
            .or_else(|| s.strip_suffix("min"))
            .or_else(|| s.strip_suffix('m'))
            .unwrap_or(s)
            .trim();
        if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()?
    };
    (minutes > 0).then(|| SignedDuration::from_mins(minutes))
}

struct Row<'a> {
    line: u64,
    fields: &'a ::csv::StringRecord,
    columns: &'a HashMap<Col, usize>,
}

impl Row<'_> {
    fn get(&self, col: Col) -> Option<&str> {
        let i = *self.columns.get(&col)?;
        self.fields.get(i).map(str::trim).filter(|s| !s.is_empty())
    }

    fn place(&self) -> String {
        format!("row {}", self.line)
    }

    fn cell(&self, col: Col) -> String {
        format!("row {}, column {:?}", self.line, self.header_of(col))
    }

    fn header_of(&self, col: Col) -> &'static str {
        column_label(col)
    }
}

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let text = crate::import::utf8(origin, bytes)?;
    if text.trim().is_empty() {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    if let Some(at) = text.find('\0') {
        let (line, column) = crate::import::line_column(text.as_bytes(), at);
        return Err(Error::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message: "the file holds binary data (a NUL byte), not CSV text".into(),
        });
    }
    let delimiter = detect_delimiter(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let syntax = |e: ::csv::Error| {
        let (line, column) = match e.position() {
            Some(p) => (usize::try_from(p.line()).unwrap_or(usize::MAX), 1),
            None => (1, 1),
        };
        Error::Syntax {
            origin: origin.to_string(),
            line,
            column,
            message: format!("not valid CSV: {e}"),
        }
    };
    let mut records = reader.records();
    let header = match records.next() {
        Some(r) => r.map_err(syntax)?,
        None => {
            return Err(Error::Empty {
                origin: origin.to_string(),
            })
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());

    let mut warnings = Vec::new();
    let mut columns: HashMap<Col, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let norm = normalise_header(name);
        let Some((col, _)) = COLUMNS
            .iter()
            .find(|(_, names)| names.contains(&norm.as_str()))
        else {
            continue;
        };
        if columns.contains_key(col) {
            warnings.push(Problem {
                place: format!("row {header_line}, column {:?}", name.trim()),
                message: format!(
                    "a second {:?} column; the first one is used",
                    column_label(*col)
                ),
            });
        } else {
            columns.insert(*col, i);
        }
    }
    let found = header
        .iter()
        .map(|h| format!("{:?}", h.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut header_problems = Vec::new();
    for col in [Col::Title, Col::Room, Col::Start] {
        if !columns.contains_key(&col) {
            let names = COLUMNS
                .iter()
                .find(|(c, _)| *c == col)
                .map(|(_, n)| n.join(", "))
                .unwrap_or_default();
            header_problems.push(Problem {
                place: format!("row {header_line} (the header)"),
                message: format!(
                    "no {:?} column (named one of: {names}); the columns are: {found}",
                    column_label(col)
                ),
            });
        }
    }
    if !columns.contains_key(&Col::End) && !columns.contains_key(&Col::Duration) {
        header_problems.push(Problem {
            place: format!("row {header_line} (the header)"),
            message: format!(
                "no \"end\" or \"duration\" column, so sessions have no end; the columns are: {found}"
            ),
        });
    }
    if !header_problems.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems: header_problems,
        });
    }

    // Several speakers in one cell: `;`, or `,` when `;` separates the columns.
    let speaker_separator = if delimiter == b';' { ',' } else { ';' };

    let mut problems: Vec<Problem> = Vec::new();
    let mut rooms: Vec<Room> = Vec::new();
    let mut known_rooms: HashSet<String> = HashSet::new();
    let mut known_tracks: HashSet<String> = HashSet::new();
    let mut tracks: Vec<Track> = Vec::new();
    let mut speakers: Vec<Speaker> = Vec::new();
    let mut speaker_index: HashMap<String, usize> = HashMap::new();
    let mut sessions: Vec<DraftSession> = Vec::new();
    let mut last_day: Option<String> = None;
    let mut last_room: Option<String> = None;
    // (day cell, room) → the previous row's start, for sessions after midnight.
    let mut previous_start: HashMap<(String, String), civil::DateTime> = HashMap::new();
    let mut missing_id_rows = 0usize;

    for record in records {
        let record = record.map_err(syntax)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            line,
            fields: &record,
            columns: &columns,
        };
        let mut row_ok = true;
        let mut fail = |place: String, message: String| {
            problems.push(Problem { place, message });
        };

        // Day and room: blank means "as the row above".
        let day_cell = match row.get(Col::Day) {
            Some(d) => {
                last_day = Some(d.to_string());
                Some(d.to_string())
            }
            None => last_day.clone(),
        };
        let room_name = match row.get(Col::Room) {
            Some(r) => {
                let r = squash(r);
                last_room = Some(r.clone());
                Some(r)
            }
            None => last_room.clone(),
        };
        let Some(room_name) = room_name else {
            fail(
                row.cell(Col::Room),
                "no room, and no row above to take it from".into(),
            );
            continue;
        };
        if known_rooms.insert(room_name.clone()) {
            rooms.push(Room {
                id: room_name.clone(),
                name: room_name.clone(),
            });
        }
        let day = match &day_cell {
            Some(d) => match parse_date(d) {
                Some(date) => Some(date),
                None => {
                    fail(
                        row.cell(Col::Day),
                        format!("{d:?} is not a date; write it as YYYY-MM-DD, e.g. 2025-05-15"),
                    );
                    row_ok = false;
                    None
                }
            },
            None => None,
        };

        // Start.
        let start = match row.get(Col::Start) {
            None => {
                fail(row.cell(Col::Start), "no start time".into());
                None
            }
            Some(s) => {
                if let Some(t) = parse_date_time(s) {
                    Some(t)
                } else if let Some(time) = parse_clock(s) {
                    match day {
                        Some(date) => {
                            let mut dt = date.to_datetime(time);
                            let key = (day_cell.clone().unwrap_or_default(), room_name.clone());
                            if let Some(prev) = previous_start.get(&key) {
                                if dt < *prev && time < AFTER_MIDNIGHT_BEFORE {
                                    if let Ok(next) = date.tomorrow() {
                                        dt = next.to_datetime(time);
                                    }
                                }
                            }
                            previous_start.insert(key, dt);
                            Some(DraftTime::Local(dt))
                        }
                        None => {
                            if row_ok {
                                fail(
                                    row.cell(Col::Start),
                                    format!(
                                        "{s:?} is a time of day but the row has no day; \
                                         add a \"day\" column (YYYY-MM-DD) or write \
                                         \"2025-05-15 09:30\""
                                    ),
                                );
                            }
                            None
                        }
                    }
                } else {
                    fail(
                        row.cell(Col::Start),
                        format!(
                            "{s:?} is not a time; write \"09:30\" (with a day column), \
                             \"2025-05-15 09:30\" or \"2025-05-15T09:30:00+02:00\""
                        ),
                    );
                    None
                }
            }
        };

        // End: a time, or the start plus the duration.
        let duration = match row.get(Col::Duration) {
            Some(d) => match parse_duration(d) {
                Some(d) => Some(d),
                None => {
                    fail(
                        row.cell(Col::Duration),
                        format!("{d:?} is not a duration; write minutes (45) or H:MM (1:30)"),
                    );
                    row_ok = false;
                    None
                }
            },
            None => None,
        };
        let end = match (row.get(Col::End), &start) {
            (Some(e), Some(start)) => {
                if let Some(t) = parse_date_time(e) {
                    Some(t)
                } else if let Some(time) = parse_clock(e) {
                    match start {
                        DraftTime::Local(sdt) => {
                            let mut dt = sdt.date().to_datetime(time);
                            // 23:30–00:30: an end before the start, early in
                            // the morning, is on the next date.
                            if dt < *sdt && time < AFTER_MIDNIGHT_BEFORE {
                                if let Ok(next) = sdt.date().tomorrow() {
                                    dt = next.to_datetime(time);
                                }
                            }
                            Some(DraftTime::Local(dt))
                        }
                        DraftTime::Instant(_) => {
                            fail(
                                row.cell(Col::End),
                                format!(
                                    "{e:?} is a time of day but the start has a UTC offset; \
                                     write the end the same way as the start"
                                ),
                            );
                            None
                        }
                    }
                } else {
                    fail(
                        row.cell(Col::End),
                        format!(
                            "{e:?} is not a time; write \"10:15\", \"2025-05-15 10:15\" \
                             or \"2025-05-15T10:15:00+02:00\""
                        ),
                    );
                    None
                }
            }
            (None, Some(start)) => match duration {
                Some(d) => add_duration(start, d),
                None => {
                    if row_ok {
                        fail(row.cell(Col::End), "no end time and no duration".into());
                    }
                    None
                }
            },
            (_, None) => None,
        };
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        if let (Some(d), Some(given_end)) = (duration, row.get(Col::End)) {
            if add_duration(&start, d).as_ref() != Some(&end) {
                warnings.push(Problem {
                    place: row.place(),
                    message: format!(
                        "the end {given_end:?} and the duration ({} minutes) disagree; the end is used",
                        d.as_mins()
                    ),
                });
            }
        }

        // Speakers.
        let names: Vec<String> = row
            .get(Col::Speakers)
            .map(|cell| {
                cell.split(speaker_separator)
                    .map(squash)
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let affiliation = row.get(Col::Affiliation).map(squash);
        if affiliation.is_some() && names.len() > 1 {
            warnings.push(Problem {
                place: row.cell(Col::Affiliation),
                message: format!(
                    "an affiliation applies to a single speaker; this row has {}, so it is ignored",
                    names.len()
                ),
            });
        }
        let single = names.len() == 1;
        let mut speaker_ids = Vec::new();
        let mut session_speakers = HashSet::new();
        for name in names {
            let index = *speaker_index.entry(name.clone()).or_insert_with(|| {
                speakers.push(Speaker {
                    id: name.clone(),
                    name: name.clone(),
                    affiliation: None,
                });
                speakers.len() - 1
            });
            if let (Some(a), true) = (&affiliation, single) {
                if let Some(sp) = speakers.get_mut(index) {
                    if sp.affiliation.is_none() {
                        sp.affiliation = Some(a.clone());
                    }
                }
            }
            if session_speakers.insert(name.clone()) {
                speaker_ids.push(name);
            }
        }

        let track = row.get(Col::Track).map(squash);
        if let Some(t) = &track {
            if known_tracks.insert(t.clone()) {
                tracks.push(Track {
                    id: t.clone(),
                    name: t.clone(),
                    colour: None,
                });
            }
        }
        let kind = row
            .get(Col::Kind)
            .and_then(kind_from_word)
            .unwrap_or(SessionKind::Talk);
        let id = match row.get(Col::Id) {
            Some(id) => id.to_string(),
            None => {
                missing_id_rows += 1;
                generated_id(&start, &room_name, options.venue_timezone.as_deref())
            }
        };
        if !row_ok {
            continue;
        }
        sessions.push(DraftSession {
            place: format!("row {line} ({id:?})"),
            id,
            title: row.get(Col::Title).unwrap_or_default().to_string(),
            subtitle: row.get(Col::Subtitle).map(str::to_string),
            abstract_text: row.get(Col::Abstract).map(str::to_string),
            slides_url: row.get(Col::Slides).map(str::to_string),
            room: room_name,
            track,
            kind,
            start,
            end,
            speakers: speaker_ids,
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems,
        });
    }
    if sessions.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems: vec![Problem {
                place: format!("row {header_line} (the header)"),
                message: "the file has a header but no sessions".into(),
            }],
        });
    }
    if missing_id_rows > 0 && columns.contains_key(&Col::Id) {
        warnings.push(Problem {
            place: "column \"id\"".into(),
            message: format!(
                "{missing_id_rows} rows have no id; they get <day>-<room>-<start> ids, \
                 which change when the session moves"
            ),
        });
    }
    let timezone = zone_for_wall_clock(origin, "CSV", options, &sessions, &mut warnings)?;
    let name = name_from_origin(origin);
    Ok(Draft {
        warnings,
        conference: DraftConference {
            id: name.clone(),
            name,
            timezone,
            venue: None,
            day_change: None,
        },
        days: Vec::new(),
        rooms,
        tracks,
        speakers,
        sessions,
    })
}
