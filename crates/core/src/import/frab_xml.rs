//! frab / pretalx `schedule.xml` (the c3voc schedule schema), and the mapping
//! both frab formats share: [`frab_json`](super::frab_json) reads its JSON
//! into the same [`FrabSchedule`] and calls [`into_draft`].
//!
//! The XML is read as a stream of events (quick-xml), keeping only the
//! elements the kiosk uses; nothing else is held in memory. Elements nest at
//! most [`MAX_DEPTH`] deep, entity declarations (`<!DOCTYPE … <!ENTITY`) are
//! refused, and only the five XML entities and character references are
//! resolved. See `docs/import-frab.md`.

use std::collections::HashSet;

use jiff::{civil, SignedDuration, Timestamp};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::draft::{Draft, DraftConference, DraftSession, DraftTime};
use crate::error::{Error, Problem, Result};
use crate::import::{line_column, utf8, ImportOptions};
use crate::model::{Day, Room, SessionKind, Speaker, Track};

/// Deepest element nesting accepted (a schedule needs 6).
pub const MAX_DEPTH: usize = 64;

/// A frab schedule as either format gives it, before any checking. Text is
/// as found (untrimmed); `None` is an absent element or field.
#[derive(Debug, Default)]
pub(crate) struct FrabSchedule {
    pub acronym: Option<String>,
    pub title: Option<String>,
    pub time_zone_name: Option<String>,
    pub day_change: Option<String>,
    /// Rooms the conference declares (JSON `conference.rooms`), in order.
    pub rooms: Vec<String>,
    /// `(track name, colour)` (JSON `conference.tracks`, XML `<conference><track name color>`).
    pub track_colours: Vec<(String, String)>,
    pub days: Vec<FrabDay>,
}

#[derive(Debug, Default)]
pub(crate) struct FrabDay {
    pub index: Option<String>,
    pub date: Option<String>,
    pub rooms: Vec<FrabRoom>,
}

#[derive(Debug, Default)]
pub(crate) struct FrabRoom {
    pub name: String,
    pub events: Vec<FrabEvent>,
}

#[derive(Debug, Default)]
pub(crate) struct FrabEvent {
    pub guid: Option<String>,
    pub id: Option<String>,
    pub date: Option<String>,
    pub start: Option<String>,
    pub duration: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub track: Option<String>,
    pub kind: Option<String>,
    pub abstract_text: Option<String>,
    pub description: Option<String>,
    pub persons: Vec<FrabPerson>,
    /// Links, then attachments.
    pub links: Vec<FrabLink>,
}

#[derive(Debug, Default)]
pub(crate) struct FrabPerson {
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, Default)]
pub(crate) struct FrabLink {
    pub href: String,
    pub title: String,
}

/// Parse a frab/pretalx `schedule.xml` into a draft.
pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    let text = utf8(origin, bytes)?;
    let frab = read(origin, text)?;
    into_draft(origin, frab, options)
}

// ---------------------------------------------------------------- reading XML

/// What an open element feeds when it closes.
enum Slot {
    Other,
    Day,
    Room,
    Event,
    Person,
    Link,
    ConferenceField(&'static str),
    EventField(&'static str),
}

struct Open {
    name: String,
    at: usize,
    slot: Slot,
}

const CONFERENCE_FIELDS: [&str; 4] = ["acronym", "title", "time_zone_name", "day_change"];
const EVENT_FIELDS: [&str; 10] = [
    "date",
    "start",
    "duration",
    "title",
    "subtitle",
    "track",
    "type",
    "abstract",
    "description",
    "room",
];

fn syntax(origin: &str, text: &str, at: usize, message: impl Into<String>) -> Error {
    let (line, column) = line_column(text.as_bytes(), at);
    Error::Syntax {
        origin: origin.to_string(),
        line,
        column,
        message: message.into(),
    }
}

fn attribute(
    origin: &str,
    text: &str,
    at: usize,
    e: &BytesStart,
    key: &str,
) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|err| syntax(origin, text, at, format!("not well-formed XML: {err}")))?;
        if a.key.as_ref() == key {
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| syntax(origin, text, at, format!("not well-formed XML: {err}")))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

fn field(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|f| *f == name)
}

fn read(origin: &str, text: &str) -> Result<FrabSchedule> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Open> = Vec::new();
    let mut frab = FrabSchedule::default();
    let mut day: Option<FrabDay> = None;
    let mut room: Option<FrabRoom> = None;
    let mut event: Option<FrabEvent> = None;
    let mut person: Option<FrabPerson> = None;
    let mut link: Option<FrabLink> = None;
    // The text of the element being captured, if any.
    let mut capture: Option<String> = None;
    let mut seen_root = false;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(err) => {
                let pos = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                return Err(syntax(
                    origin,
                    text,
                    pos,
                    format!("not well-formed XML: {err}"),
                ));
            }
        };
        match ev {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if stack.len() >= MAX_DEPTH {
                    return Err(syntax(
                        origin,
                        text,
                        at,
                        format!("elements are nested more than {MAX_DEPTH} deep; a schedule needs far fewer"),
                    ));
                }
                if stack.is_empty() {
                    if seen_root {
                        return Err(syntax(
                            origin,
                            text,
                            at,
                            format!("<{name}> after the end of <schedule>: an XML file has one root element"),
                        ));
                    }
                    if name != "schedule" {
                        return Err(syntax(
                            origin,
                            text,
                            at,
                            format!("not a frab/pretalx schedule: the root element is <{name}>, not <schedule>"),
                        ));
                    }
                    seen_root = true;
                }
                let slot = {
                    let mut path: Vec<&str> = stack.iter().map(|o| o.name.as_str()).collect();
                    path.push(&name);
                    match path.as_slice() {
                        ["schedule", "conference", "track"] => {
                            let name = attribute(origin, text, at, &e, "name")?;
                            let colour = attribute(origin, text, at, &e, "color")?;
                            if let (Some(name), Some(colour)) = (name, colour) {
                                frab.track_colours.push((name, colour));
                            }
                            Slot::Other
                        }
                        ["schedule", "conference", f] => {
                            field(&CONFERENCE_FIELDS, f).map_or(Slot::Other, Slot::ConferenceField)
                        }
                        ["schedule", "day"] => {
                            day = Some(FrabDay {
                                index: attribute(origin, text, at, &e, "index")?,
                                date: attribute(origin, text, at, &e, "date")?,
                                rooms: Vec::new(),
                            });
                            Slot::Day
                        }
                        ["schedule", "day", "room"] => {
                            room = Some(FrabRoom {
                                name: attribute(origin, text, at, &e, "name")?.unwrap_or_default(),
                                events: Vec::new(),
                            });
                            Slot::Room
                        }
                        ["schedule", "day", "room", "event"] => {
                            event = Some(FrabEvent {
                                guid: attribute(origin, text, at, &e, "guid")?,
                                id: attribute(origin, text, at, &e, "id")?,
                                ..FrabEvent::default()
                            });
                            Slot::Event
                        }
                        ["schedule", "day", "room", "event", "persons", "person"] => {
                            person = Some(FrabPerson {
                                id: attribute(origin, text, at, &e, "id")?,
                                name: String::new(),
                            });
                            Slot::Person
                        }
                        ["schedule", "day", "room", "event", "links", "link"]
                        | ["schedule", "day", "room", "event", "attachments", "attachment"] => {
                            link = Some(FrabLink {
                                href: attribute(origin, text, at, &e, "href")?.unwrap_or_default(),
                                title: String::new(),
                            });
                            Slot::Link
                        }
                        ["schedule", "day", "room", "event", f] => {
                            field(&EVENT_FIELDS, f).map_or(Slot::Other, Slot::EventField)
                        }
                        _ => Slot::Other,
                    }
                };
                if !matches!(slot, Slot::Other | Slot::Day | Slot::Room | Slot::Event) {
                    capture = Some(String::new());
                }
                stack.push(Open { name, at, slot });
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return Err(syntax(
                        origin,
                        text,
                        at,
                        "a closing tag without an opening one",
                    ));
                };
                match open.slot {
                    Slot::Other => {}
                    Slot::Day => frab.days.extend(day.take()),
                    Slot::Room => {
                        if let (Some(d), Some(r)) = (day.as_mut(), room.take()) {
                            d.rooms.push(r);
                        }
                    }
                    Slot::Event => {
                        if let (Some(r), Some(ev)) = (room.as_mut(), event.take()) {
                            r.events.push(ev);
                        }
                    }
                    Slot::Person => {
                        if let (Some(ev), Some(mut p)) = (event.as_mut(), person.take()) {
                            p.name = capture.take().unwrap_or_default();
                            ev.persons.push(p);
                        }
                    }
                    Slot::Link => {
                        if let (Some(ev), Some(mut l)) = (event.as_mut(), link.take()) {
                            l.title = capture.take().unwrap_or_default();
                            ev.links.push(l);
                        }
                    }
                    Slot::ConferenceField(f) => {
                        let value = capture.take();
                        match f {
                            "acronym" => frab.acronym = value,
                            "title" => frab.title = value,
                            "time_zone_name" => frab.time_zone_name = value,
                            _ => frab.day_change = value,
                        }
                    }
                    Slot::EventField(f) => {
                        let value = capture.take();
                        if let Some(ev) = event.as_mut() {
                            match f {
                                "date" => ev.date = value,
                                "start" => ev.start = value,
                                "duration" => ev.duration = value,
                                "title" => ev.title = value,
                                "subtitle" => ev.subtitle = value,
                                "track" => ev.track = value,
                                "type" => ev.kind = value,
                                "abstract" => ev.abstract_text = value,
                                "description" => ev.description = value,
                                // The room is the enclosing <room>'s.
                                _ => {}
                            }
                        }
                    }
                }
            }
            Event::Text(t) => {
                if let Some(c) = capture.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(c) = capture.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved: Option<String> = match r.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch.to_string()),
                    Ok(None) => {
                        quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                    }
                    Err(err) => {
                        return Err(syntax(
                            origin,
                            text,
                            at,
                            format!("not well-formed XML: {err}"),
                        ));
                    }
                };
                let Some(resolved) = resolved else {
                    return Err(syntax(
                        origin,
                        text,
                        at,
                        format!("unknown entity &{};: only &amp; &lt; &gt; &quot; &apos; and character references are read", &*r),
                    ));
                };
                if let Some(c) = capture.as_mut() {
                    c.push_str(&resolved);
                }
            }
            Event::DocType(d) => {
                if d.xml10_content().to_ascii_uppercase().contains("<!ENTITY") {
                    return Err(syntax(
                        origin,
                        text,
                        at,
                        "the <!DOCTYPE> declares entities; they are refused (they can expand without bound), \
                         and a frab schedule needs none",
                    ));
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    let (line, column) = line_column(text.as_bytes(), open.at);
                    return Err(syntax(
                        origin,
                        text,
                        text.len(),
                        format!(
                            "the file ends before <{}> (line {line}, column {column}) is closed; is it cut short?",
                            open.name
                        ),
                    ));
                }
                if !seen_root {
                    return Err(syntax(
                        origin,
                        text,
                        text.len(),
                        "not a frab/pretalx schedule: no <schedule> element",
                    ));
                }
                break;
            }
            // `Empty` does not occur: empty elements are expanded.
            Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    Ok(frab)
}

// ------------------------------------------------------- mapping to a draft

/// Trim, and `None` when empty.
fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `H:MM`, `HH:MM` or `HH:MM:SS`, with a leading `-` when `signed`.
fn parse_hms(text: &str, signed: bool) -> Option<SignedDuration> {
    let t = text.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) if signed => (true, rest),
        _ => (false, t),
    };
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let number = |s: &str, max_len: usize| -> Option<i64> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let hours = number(parts[0], 4)?;
    let minutes = number(parts[1], 2).filter(|m| *m < 60 && parts[1].len() == 2)?;
    let seconds = match parts.get(2) {
        Some(s) => number(s, 2).filter(|v| *v < 60 && s.len() == 2)?,
        None => 0,
    };
    let secs = hours * 3600 + minutes * 60 + seconds;
    Some(SignedDuration::from_secs(if negative {
        -secs
    } else {
        secs
    }))
}

/// A wall-clock time of day, `HH:MM` (or `HH:MM:SS`).
fn parse_clock(text: &str) -> Option<civil::Time> {
    let d = parse_hms(text, false)?;
    if d >= SignedDuration::from_hours(24) {
        return None;
    }
    civil::Time::midnight().checked_add(d).ok()
}

/// An instant when the text carries an offset, else a venue wall-clock time.
fn parse_date_time(text: &str) -> Option<DraftTime> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(DraftTime::Instant(ts));
    }
    if !t.contains(['T', 't', ' ']) {
        return None;
    }
    t.parse::<civil::DateTime>().ok().map(DraftTime::Local)
}

/// The UTC offset a date-time carries, as `+01:00`, if it carries one.
fn offset_of(text: &str) -> Option<String> {
    let t = text.trim();
    t.parse::<Timestamp>().ok()?;
    let t = t.split('[').next().unwrap_or(t);
    if t.ends_with(['Z', 'z']) {
        return Some("UTC".to_string());
    }
    let time_part = &t[t.find(['T', 't', ' '])?..];
    let sign_at = time_part.rfind(['+', '-'])?;
    let offset = crate::model::parse_offset(&time_part[sign_at..])?;
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    Some(format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60))
}

fn kind_of(kind: Option<&str>) -> SessionKind {
    let k = kind.unwrap_or("").to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| k.contains(w));
    if has(&["break", "pause", "lunch", "coffee"]) {
        SessionKind::Break
    } else if has(&[
        "workshop",
        "meetup",
        "assembly",
        "self-organized",
        "self organized",
    ]) {
        SessionKind::WorkingSession
    } else if has(&["party", "concert", "social"]) {
        SessionKind::Social
    } else {
        SessionKind::Talk
    }
}

/// Map a frab schedule (from either format) into a draft: the zone, the
/// days, rooms, tracks, speakers and sessions; problems that stop the
/// import are returned together as [`Error::Invalid`].
pub(crate) fn into_draft(
    origin: &str,
    frab: FrabSchedule,
    options: &ImportOptions,
) -> Result<Draft> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut warnings: Vec<Problem> = Vec::new();
    let mut problem = |place: String, message: String| problems.push(Problem { place, message });

    // The venue's zone.
    let first_offset = frab
        .days
        .iter()
        .flat_map(|d| &d.rooms)
        .flat_map(|r| &r.events)
        .filter_map(|e| e.date.as_deref())
        .find_map(offset_of);
    let timezone = if let Some(name) = clean(frab.time_zone_name.as_deref()) {
        if crate::model::venue_zone(&name).is_ok() {
            name
        } else if let Some(zone) = crate::model::zone_for_city(&name) {
            zone
        } else {
            problem(
                "conference.time_zone_name".into(),
                format!("unknown time zone {name:?}; use an IANA name such as \"Europe/Berlin\""),
            );
            String::new()
        }
    } else if let Some(offset) = first_offset {
        warnings.push(Problem {
            place: "conference.time_zone_name".into(),
            message: format!(
                "the schedule names no time zone; using the fixed offset {offset} its times carry \
                 (a clock change during the event is not known)"
            ),
        });
        offset
    } else if let Some(zone) = clean(options.venue_timezone.as_deref()) {
        warnings.push(Problem {
            place: "conference.time_zone_name".into(),
            message: format!(
                "the schedule names no time zone; using the configured venue zone {zone}"
            ),
        });
        zone
    } else {
        problem(
            "conference.time_zone_name".into(),
            "the schedule names no time zone and its times carry no UTC offset; set `venue_timezone` \
             in the config to the venue's IANA zone, e.g. \"Europe/Berlin\""
                .into(),
        );
        String::new()
    };

    let day_change = match clean(frab.day_change.as_deref()) {
        Some(text) => match parse_clock(&text) {
            Some(t) => Some(t),
            None => {
                problem(
                    "conference.day_change".into(),
                    format!("{text:?} is not a time of day; write \"04:00\""),
                );
                None
            }
        },
        None => None,
    };
    let change_at = day_change.unwrap_or_else(|| {
        civil::Time::midnight()
            .checked_add(crate::model::DEFAULT_DAY_CHANGE)
            .unwrap_or(civil::Time::midnight())
    });

    let mut rooms: Vec<Room> = Vec::new();
    fn add_room(rooms: &mut Vec<Room>, name: &str) {
        if !name.is_empty() && !rooms.iter().any(|r| r.id == name) {
            rooms.push(Room {
                id: name.to_string(),
                name: name.to_string(),
            });
        }
    }
    for name in &frab.rooms {
        add_room(&mut rooms, name.trim());
    }
    let mut tracks: Vec<Track> = Vec::new();
    let mut speakers: Vec<Speaker> = Vec::new();
    let mut known_speakers: HashSet<String> = HashSet::new();
    let mut days: Vec<Day> = Vec::new();
    let mut sessions: Vec<DraftSession> = Vec::new();

    for (di, day) in frab.days.iter().enumerate() {
        let day_n = clean(day.index.as_deref())
            .filter(|i| i.parse::<u32>().is_ok())
            .unwrap_or_else(|| (di + 1).to_string());
        let day_place = format!("day[{day_n}]");
        let date = match clean(day.date.as_deref()) {
            Some(text) => match text.parse::<civil::Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    problem(
                        format!("{day_place}.date"),
                        format!("{text:?} is not a date; frab writes \"2019-12-27\""),
                    );
                    None
                }
            },
            None => {
                problem(format!("{day_place}.date"), "the day has no date".into());
                None
            }
        };
        if let Some(date) = date {
            days.push(Day { date, label: None });
        }
        for (ri, room) in day.rooms.iter().enumerate() {
            let room_name = room.name.trim();
            if room_name.is_empty() {
                problem(
                    format!("{day_place} room[{}]", ri + 1),
                    "the room has no name; name it so its events can be shown".into(),
                );
                continue;
            }
            add_room(&mut rooms, room_name);
            for (ei, ev) in room.events.iter().enumerate() {
                let start_text = clean(ev.start.as_deref());
                let id = clean(ev.guid.as_deref())
                    .or_else(|| clean(ev.id.as_deref()))
                    .unwrap_or_else(|| {
                        format!(
                            "{day_n}-{room_name}-{}",
                            start_text.clone().unwrap_or_else(|| (ei + 1).to_string())
                        )
                    });
                let place = format!("{day_place} room {room_name:?} event[{}] {id:?}", ei + 1);

                let start = if let Some(text) = clean(ev.date.as_deref()) {
                    let parsed = parse_date_time(&text);
                    if parsed.is_none() {
                        problem(
                            format!("{place}.date"),
                            format!("{text:?} is not a date and time; frab writes \"2019-12-27T11:00:00+01:00\""),
                        );
                    }
                    parsed
                } else if let Some(text) = &start_text {
                    match (parse_clock(text), date) {
                        (Some(t), Some(date)) => {
                            // Before the day change: the night after the conference day.
                            let on = if t < change_at {
                                date.tomorrow().ok()
                            } else {
                                Some(date)
                            };
                            on.map(|d| DraftTime::Local(d.to_datetime(t)))
                        }
                        (None, _) => {
                            problem(
                                format!("{place}.start"),
                                format!("{text:?} is not a time of day; frab writes \"11:00\""),
                            );
                            None
                        }
                        (Some(_), None) => None,
                    }
                } else {
                    problem(
                        format!("{place}.start"),
                        "the event has neither a date nor a start time".into(),
                    );
                    None
                };
                let duration = match clean(ev.duration.as_deref()) {
                    Some(text) => {
                        let d = parse_hms(&text, true);
                        if d.is_none() {
                            problem(
                                format!("{place}.duration"),
                                format!(
                                    "{text:?} is not a duration; frab writes \"00:30\" (HH:MM)"
                                ),
                            );
                        }
                        d
                    }
                    None => {
                        problem(
                            format!("{place}.duration"),
                            "the event has no duration".into(),
                        );
                        None
                    }
                };
                let (Some(start), Some(duration)) = (start, duration) else {
                    continue;
                };
                let end = match &start {
                    DraftTime::Instant(ts) => ts.checked_add(duration).ok().map(DraftTime::Instant),
                    DraftTime::Local(dt) => dt.checked_add(duration).ok().map(DraftTime::Local),
                };
                let Some(end) = end else {
                    problem(
                        format!("{place}.duration"),
                        "the event would end beyond the supported range of dates".into(),
                    );
                    continue;
                };

                let mut speaker_ids: Vec<String> = Vec::new();
                for p in &ev.persons {
                    let name = p.name.trim();
                    if name.is_empty() {
                        continue;
                    }
                    let sid = clean(p.id.as_deref())
                        .map(|i| format!("frab:{i}"))
                        .unwrap_or_else(|| name.to_string());
                    if known_speakers.insert(sid.clone()) {
                        speakers.push(Speaker {
                            id: sid.clone(),
                            name: name.to_string(),
                            affiliation: None,
                        });
                    }
                    if !speaker_ids.contains(&sid) {
                        speaker_ids.push(sid);
                    }
                }
                let track = clean(ev.track.as_deref());
                if let Some(t) = &track {
                    if !tracks.iter().any(|x| &x.id == t) {
                        let colour = frab
                            .track_colours
                            .iter()
                            .find(|(name, _)| name.trim() == t)
                            .map(|(_, c)| c.trim().to_ascii_lowercase())
                            .filter(|c| crate::model::is_hex_colour(c));
                        tracks.push(Track {
                            id: t.clone(),
                            name: t.clone(),
                            colour,
                        });
                    }
                }
                let slides_url = ev
                    .links
                    .iter()
                    .find(|l| {
                        let href = l.href.trim();
                        let http = href.starts_with("https://") || href.starts_with("http://");
                        http && (l.title.to_lowercase().contains("slide")
                            || href.to_lowercase().contains("slide"))
                    })
                    .map(|l| l.href.trim().to_string());
                sessions.push(DraftSession {
                    place,
                    id,
                    title: clean(ev.title.as_deref()).unwrap_or_default(),
                    subtitle: clean(ev.subtitle.as_deref()),
                    abstract_text: clean(ev.abstract_text.as_deref())
                        .or_else(|| clean(ev.description.as_deref())),
                    slides_url,
                    room: room_name.to_string(),
                    track,
                    kind: kind_of(ev.kind.as_deref()),
                    start,
                    end,
                    speakers: speaker_ids,
                });
            }
        }
    }
    if rooms.is_empty() {
        problem(
            "rooms".into(),
            "the schedule has no rooms (no day lists a room)".into(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Invalid {
            origin: origin.to_string(),
            problems,
        });
    }
    let title = clean(frab.title.as_deref());
    let acronym = clean(frab.acronym.as_deref());
    Ok(Draft {
        warnings,
        conference: DraftConference {
            id: acronym
                .clone()
                .or_else(|| title.clone())
                .unwrap_or_default(),
            name: title.or(acronym).unwrap_or_default(),
            timezone,
            venue: None,
            day_change,
        },
        days,
        rooms,
        tracks,
        speakers,
        sessions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_clocks() {
        assert_eq!(
            parse_hms("00:30", true),
            Some(SignedDuration::from_mins(30))
        );
        assert_eq!(parse_hms("1:30", true), Some(SignedDuration::from_mins(90)));
        assert_eq!(
            parse_hms("01:30:15", true),
            Some(SignedDuration::from_secs(5415))
        );
        assert_eq!(
            parse_hms("-00:30", true),
            Some(SignedDuration::from_mins(-30))
        );
        assert_eq!(parse_hms("-00:30", false), None);
        for bad in ["xx:yy", "", "1", "1:3", "1:60", "::", "1:30:5", "+1:30"] {
            assert_eq!(parse_hms(bad, true), None, "{bad}");
        }
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("04:00"), civil::Time::new(4, 0, 0, 0).ok());
    }

    #[test]
    fn offsets() {
        assert_eq!(
            offset_of("2019-12-27T11:00:00+01:00").as_deref(),
            Some("+01:00")
        );
        assert_eq!(
            offset_of("2019-12-27T11:00:00-0530").as_deref(),
            Some("-05:30")
        );
        assert_eq!(offset_of("2019-12-27T11:00:00Z").as_deref(), Some("UTC"));
        assert_eq!(offset_of("2019-12-27T11:00:00"), None);
    }
}
