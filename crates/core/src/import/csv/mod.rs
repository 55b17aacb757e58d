//! CSV with a header row: one session a row (`docs/import-sessionize-csv-ical.md`).
//!
//! The delimiter (`,`, `;` or a tab) is told from the header line; the text
//! is UTF-8 with or without a BOM. Columns are found by name, case-insensitive,
//! with aliases; unknown columns are ignored. Wall-clock times are in the
//! configured venue zone.

mod info;

use std::collections::HashMap;

use jiff::{civil, SignedDuration};

use crate::draft::{invalid, Draft, DraftSession, DraftTime, Problems};
use crate::error::{Error, Result};
use crate::import::common::{
    conference_from_origin, generated_id, kind_from_word, line_column, parse_clock, parse_date,
    parse_date_time, squash, text, zone_for_wall_clock, Collected,
};
use crate::import::ImportOptions;
use crate::model::SessionKind;

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
    Url,
    Stream,
    Video,
    Language,
    Recording,
    Captions,
    SignLanguage,
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
    (Col::Url, &["url", "link", "page", "talk page", "web"]),
    (Col::Stream, &["stream", "stream url", "livestream"]),
    (Col::Video, &["video", "video url", "recording url"]),
    (Col::Language, &["language", "languages", "lang", "sprache"]),
    (Col::Recording, &["recording", "recorded"]),
    (Col::Captions, &["captions", "live captions", "subtitles"]),
    (
        Col::SignLanguage,
        &["sign language", "sign", "interpretation"],
    ),
];

fn column_names(col: Col) -> &'static [&'static str] {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == col)
        .map_or(&[], |(_, names)| *names)
}

fn column_label(col: Col) -> &'static str {
    column_names(col).first().copied().unwrap_or("?")
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

/// `time` on `date`, or on the next date when it is early in the morning
/// and before `previous` (a 23:30 row, then a 00:30 one).
fn after_midnight(
    date: civil::Date,
    time: civil::Time,
    previous: civil::DateTime,
) -> civil::DateTime {
    let dt = date.to_datetime(time);
    if dt < previous && time < AFTER_MIDNIGHT_BEFORE {
        if let Ok(next) = date.tomorrow() {
            return next.to_datetime(time);
        }
    }
    dt
}

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
        format!("row {}, column {:?}", self.line, column_label(col))
    }
}

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let text = text(origin, bytes)?;
    if let Some(at) = text.find('\0') {
        let (line, column) = line_column(text.as_bytes(), at);
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
        None => return Err(crate::import::common::empty(origin)),
    };
    let mut p = Problems::default();
    let header = Header::read(origin, &header, &mut p)?;
    let mut rows = Rows {
        // Several speakers in one cell: `;`, or `,` when `;` separates the columns.
        speaker_separator: if delimiter == b';' { ',' } else { ';' },
        venue_zone: options.venue_zone(),
        header: &header,
        p,
        parts: Collected::default(),
        last_day: None,
        last_room: None,
        previous_start: HashMap::new(),
        missing_id_rows: 0,
    };
    for record in records {
        rows.row(&record.map_err(syntax)?);
    }
    rows.finish(origin, options)
}

/// Which column holds what, and where the header is.
struct Header {
    columns: HashMap<Col, usize>,
    line: u64,
}

impl Header {
    fn read(origin: &str, header: &::csv::StringRecord, p: &mut Problems) -> Result<Header> {
        let line = header.position().map_or(1, |pos| pos.line());
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
                p.warn(
                    format!("row {line}, column {:?}", name.trim()),
                    format!(
                        "a second {:?} column; the first one is used",
                        column_label(*col)
                    ),
                );
            } else {
                columns.insert(*col, i);
            }
        }
        let found = header
            .iter()
            .map(|h| format!("{:?}", h.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let place = format!("row {line} (the header)");
        let mut missing = Problems::default();
        for col in [Col::Title, Col::Room, Col::Start] {
            if !columns.contains_key(&col) {
                missing.error(
                    place.clone(),
                    format!(
                        "no {:?} column (named one of: {}); the columns are: {found}",
                        column_label(col),
                        column_names(col).join(", ")
                    ),
                );
            }
        }
        if !columns.contains_key(&Col::End) && !columns.contains_key(&Col::Duration) {
            missing.error(
                place,
                format!(
                    "no \"end\" or \"duration\" column, so sessions have no end; the columns are: {found}"
                ),
            );
        }
        missing.check(origin)?;
        Ok(Header { columns, line })
    }
}

/// The rows read so far: what later rows take from earlier ones (a blank
/// day or room, the previous start for times after midnight) and the parts.
struct Rows<'a> {
    speaker_separator: char,
    venue_zone: Option<&'a str>,
    header: &'a Header,
    p: Problems,
    parts: Collected,
    last_day: Option<String>,
    last_room: Option<String>,
    /// (day cell, room) → the previous row's start.
    previous_start: HashMap<(String, String), civil::DateTime>,
    missing_id_rows: usize,
}

impl Rows<'_> {
    fn row(&mut self, record: &::csv::StringRecord) {
        if record.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        let header = self.header;
        let row = Row {
            line: record.position().map_or(0, |pos| pos.line()),
            fields: record,
            columns: &header.columns,
        };
        let Some((day_cell, room)) = self.day_and_room(&row) else {
            return;
        };
        let mut row_ok = true;
        let day = day_cell.as_deref().and_then(|d| {
            let date = parse_date(d);
            if date.is_none() {
                self.p.error(
                    row.cell(Col::Day),
                    format!("{d:?} is not a date; write it as YYYY-MM-DD, e.g. 2025-05-15"),
                );
                row_ok = false;
            }
            date
        });
        let start = self.start(
            &row,
            day.map(|d| (d, day_cell.unwrap_or_default(), &room)),
            row_ok,
        );
        let duration = row.get(Col::Duration).and_then(|d| {
            let duration = parse_duration(d);
            if duration.is_none() {
                self.p.error(
                    row.cell(Col::Duration),
                    format!("{d:?} is not a duration; write minutes (45) or H:MM (1:30)"),
                );
                row_ok = false;
            }
            duration
        });
        let Some(start) = start else { return };
        let Some(end) = self.end(&row, &start, duration, row_ok) else {
            return;
        };
        let id = match row.get(Col::Id) {
            Some(id) => id.to_string(),
            None => {
                self.missing_id_rows += 1;
                generated_id(&start, &room, self.venue_zone)
            }
        };
        let speakers = self.speakers(&row);
        let track = row.get(Col::Track).map(squash);
        if let Some(t) = &track {
            self.parts.track(t, || None);
        }
        if !row_ok {
            return;
        }
        self.parts.sessions.push(DraftSession {
            place: format!("row {} ({id:?})", row.line),
            id,
            title: row.get(Col::Title).unwrap_or_default().to_string(),
            subtitle: row.get(Col::Subtitle).map(str::to_string),
            abstract_text: row.get(Col::Abstract).map(str::to_string),
            room,
            track,
            kind: row
                .get(Col::Kind)
                .and_then(kind_from_word)
                .unwrap_or(SessionKind::Talk),
            start,
            end,
            speakers,
            info: info::row_info(&row, &mut self.p),
        });
    }

    /// The row's day cell and room: blank means "as the row above". `None`
    /// (an error) when there is no room to take.
    fn day_and_room(&mut self, row: &Row) -> Option<(Option<String>, String)> {
        let day_cell = match row.get(Col::Day) {
            Some(d) => Some(d.to_string()),
            None => self.last_day.clone(),
        };
        self.last_day.clone_from(&day_cell);
        let Some(room) = row.get(Col::Room).map(squash).or(self.last_room.clone()) else {
            self.p.error(
                row.cell(Col::Room),
                "no room, and no row above to take it from",
            );
            return None;
        };
        self.last_room = Some(room.clone());
        self.parts.room(&room);
        Some((day_cell, room))
    }

    /// The start: a full date and time, or a time of day on the row's day
    /// (`day` is its date, the day cell as written, and the room).
    fn start(
        &mut self,
        row: &Row,
        day: Option<(civil::Date, String, &String)>,
        row_ok: bool,
    ) -> Option<DraftTime> {
        let Some(s) = row.get(Col::Start) else {
            self.p.error(row.cell(Col::Start), "no start time");
            return None;
        };
        if let Some(t) = parse_date_time(s) {
            return Some(t);
        }
        let Some(time) = parse_clock(s) else {
            self.p.error(
                row.cell(Col::Start),
                format!(
                    "{s:?} is not a time; write \"09:30\" (with a day column), \
                     \"2025-05-15 09:30\" or \"2025-05-15T09:30:00+02:00\""
                ),
            );
            return None;
        };
        let Some((date, day_cell, room)) = day else {
            if row_ok {
                self.p.error(
                    row.cell(Col::Start),
                    format!(
                        "{s:?} is a time of day but the row has no day; \
                         add a \"day\" column (YYYY-MM-DD) or write \
                         \"2025-05-15 09:30\""
                    ),
                );
            }
            return None;
        };
        let key = (day_cell, room.clone());
        let dt = match self.previous_start.get(&key) {
            Some(prev) => after_midnight(date, time, *prev),
            None => date.to_datetime(time),
        };
        self.previous_start.insert(key, dt);
        Some(DraftTime::Local(dt))
    }

    /// The end: a time, or the start plus the duration; a row with both
    /// that disagree keeps the end, with a warning.
    fn end(
        &mut self,
        row: &Row,
        start: &DraftTime,
        duration: Option<SignedDuration>,
        row_ok: bool,
    ) -> Option<DraftTime> {
        let Some(e) = row.get(Col::End) else {
            let end = duration.and_then(|d| start.checked_add(d));
            if duration.is_none() && row_ok {
                self.p
                    .error(row.cell(Col::End), "no end time and no duration");
            }
            return end;
        };
        let end = if let Some(t) = parse_date_time(e) {
            t
        } else if let Some(time) = parse_clock(e) {
            let DraftTime::Local(sdt) = start else {
                self.p.error(
                    row.cell(Col::End),
                    format!(
                        "{e:?} is a time of day but the start has a UTC offset; \
                         write the end the same way as the start"
                    ),
                );
                return None;
            };
            // 23:30–00:30: an end before the start, early in the morning,
            // is on the next date.
            DraftTime::Local(after_midnight(sdt.date(), time, *sdt))
        } else {
            self.p.error(
                row.cell(Col::End),
                format!(
                    "{e:?} is not a time; write \"10:15\", \"2025-05-15 10:15\" \
                     or \"2025-05-15T10:15:00+02:00\""
                ),
            );
            return None;
        };
        if let Some(d) = duration {
            if start.checked_add(d).as_ref() != Some(&end) {
                self.p.warn(
                    row.place(),
                    format!(
                        "the end {e:?} and the duration ({} minutes) disagree; the end is used",
                        d.as_mins()
                    ),
                );
            }
        }
        Some(end)
    }

    /// The row's speakers (added when new); an affiliation names the
    /// speaker when there is one.
    fn speakers(&mut self, row: &Row) -> Vec<String> {
        let names: Vec<String> = row
            .get(Col::Speakers)
            .map(|cell| {
                cell.split(self.speaker_separator)
                    .map(squash)
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(affiliation) = row.get(Col::Affiliation).map(squash) {
            if let [name] = names.as_slice() {
                let speaker = self.parts.speaker(name, name);
                if speaker.affiliation.is_none() {
                    speaker.affiliation = Some(affiliation);
                }
            } else if names.len() > 1 {
                self.p.warn(
                    row.cell(Col::Affiliation),
                    format!(
                        "an affiliation applies to a single speaker; this row has {}, so it is ignored",
                        names.len()
                    ),
                );
            }
        }
        self.parts
            .session_speakers(names.into_iter().map(|n| (n.clone(), n)))
    }

    fn finish(mut self, origin: &str, options: &ImportOptions) -> Result<Draft> {
        self.p.check(origin)?;
        if self.parts.sessions.is_empty() {
            return Err(invalid(
                origin,
                format!("row {} (the header)", self.header.line),
                "the file has a header but no sessions",
            ));
        }
        if self.missing_id_rows > 0 && self.header.columns.contains_key(&Col::Id) {
            self.p.warn(
                "column \"id\"",
                format!(
                    "{} rows have no id; they get <day>-<room>-<start> ids, \
                     which change when the session moves",
                    self.missing_id_rows
                ),
            );
        }
        let timezone =
            zone_for_wall_clock(origin, "CSV", options, &self.parts.sessions, &mut self.p)?;
        let conference = conference_from_origin(origin, None, timezone);
        Ok(self.parts.into_draft(self.p.warnings, conference))
    }
}
