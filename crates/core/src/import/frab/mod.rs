//! frab / pretalx schedules (the c3voc schedule schema), in XML
//! ([`xml`]) and JSON ([`json`]). Both read into one [`FrabSchedule`], which
//! [`into_draft`] maps to a draft: the zone, the days, rooms, tracks,
//! speakers and sessions. See `docs/import-frab.md`.

mod info;
pub mod json;
pub mod xml;

use jiff::{civil, SignedDuration, Timestamp};

use super::common::Collected;
use super::ImportOptions;
use crate::draft::{Draft, DraftConference, DraftSession, DraftTime, Problems};
use crate::error::Result;
use crate::model::{Day, SessionKind};

/// A frab schedule as either format gives it, before any checking. Text is
/// as found (untrimmed); `None` is an absent element or field.
#[derive(Debug, Default)]
struct FrabSchedule {
    acronym: Option<String>,
    title: Option<String>,
    time_zone_name: Option<String>,
    day_change: Option<String>,
    /// Rooms the conference declares (JSON `conference.rooms`), in order.
    rooms: Vec<String>,
    /// `(track name, colour)` (JSON `conference.tracks`, XML `<conference><track name color>`).
    track_colours: Vec<(String, String)>,
    days: Vec<FrabDay>,
}

#[derive(Debug, Default)]
struct FrabDay {
    index: Option<String>,
    date: Option<String>,
    rooms: Vec<FrabRoom>,
}

#[derive(Debug, Default)]
struct FrabRoom {
    name: String,
    events: Vec<FrabEvent>,
}

#[derive(Debug, Default)]
struct FrabEvent {
    guid: Option<String>,
    id: Option<String>,
    date: Option<String>,
    start: Option<String>,
    duration: Option<String>,
    title: Option<String>,
    subtitle: Option<String>,
    track: Option<String>,
    kind: Option<String>,
    abstract_text: Option<String>,
    description: Option<String>,
    persons: Vec<FrabPerson>,
    /// Links, then attachments.
    links: Vec<FrabLink>,
    /// The talk's page.
    url: Option<String>,
    /// `en`, `de`, sometimes `de, en` or a name.
    language: Option<String>,
    /// XML `<recording><optout>`, JSON `do_not_record`: `true` or `false`.
    do_not_record: Option<String>,
    /// pretalx tags (JSON), as text.
    tags: Vec<String>,
}

#[derive(Debug, Default)]
struct FrabPerson {
    id: Option<String>,
    name: String,
}

#[derive(Debug, Default)]
struct FrabLink {
    href: String,
    title: String,
}

/// Map a frab schedule (from either format) into a draft; problems that
/// stop the import are returned together as [`crate::Error::Invalid`].
fn into_draft(origin: &str, frab: FrabSchedule, options: &ImportOptions) -> Result<Draft> {
    let mut p = Problems::default();
    let timezone = venue_zone(&frab, options, &mut p);
    let day_change = day_change(&frab, &mut p);
    let mut mapper = Mapper {
        track_colours: &frab.track_colours,
        change_at: day_change.unwrap_or_else(|| {
            civil::Time::midnight()
                .checked_add(crate::model::DEFAULT_DAY_CHANGE)
                .unwrap_or(civil::Time::midnight())
        }),
        parts: Collected::default(),
        days: Vec::new(),
        p,
    };
    for name in &frab.rooms {
        mapper.parts.room(name.trim());
    }
    for (index, day) in frab.days.iter().enumerate() {
        mapper.day(index, day);
    }
    let Mapper {
        parts, days, mut p, ..
    } = mapper;
    if parts.rooms.is_empty() {
        p.error("rooms", "the schedule has no rooms (no day lists a room)");
    }
    let warnings = p.into_warnings(origin)?;
    let title = clean(frab.title.as_deref());
    let acronym = clean(frab.acronym.as_deref());
    let conference = DraftConference {
        id: acronym
            .clone()
            .or_else(|| title.clone())
            .unwrap_or_default(),
        name: title.or(acronym).unwrap_or_default(),
        timezone,
        venue: None,
        day_change,
    };
    Ok(Draft {
        days,
        ..parts.into_draft(warnings, conference)
    })
}

/// The venue's zone: the schedule's (an IANA name, or frab's bare city
/// name), else the fixed offset its times carry, else the configured one.
fn venue_zone(frab: &FrabSchedule, options: &ImportOptions, p: &mut Problems) -> String {
    const PLACE: &str = "conference.time_zone_name";
    if let Some(name) = clean(frab.time_zone_name.as_deref()) {
        if crate::model::venue_zone(&name).is_ok() {
            return name;
        }
        if let Some(zone) = crate::model::zone_for_city(&name) {
            return zone;
        }
        p.error(
            PLACE,
            format!("unknown time zone {name:?}; use an IANA name such as \"Europe/Berlin\""),
        );
        return String::new();
    }
    let first_offset = frab
        .days
        .iter()
        .flat_map(|d| &d.rooms)
        .flat_map(|r| &r.events)
        .filter_map(|e| e.date.as_deref())
        .find_map(offset_of);
    if let Some(offset) = first_offset {
        p.warn(
            PLACE,
            format!(
                "the schedule names no time zone; using the fixed offset {offset} its times carry \
                 (a clock change during the event is not known)"
            ),
        );
        return offset;
    }
    if let Some(zone) = options.venue_zone() {
        p.warn(
            PLACE,
            format!("the schedule names no time zone; using the configured venue zone {zone}"),
        );
        return zone.to_string();
    }
    p.error(
        PLACE,
        "the schedule names no time zone and its times carry no UTC offset; set `venue_timezone` \
         in the config to the venue's IANA zone, e.g. \"Europe/Berlin\"",
    );
    String::new()
}

fn day_change(frab: &FrabSchedule, p: &mut Problems) -> Option<civil::Time> {
    let text = clean(frab.day_change.as_deref())?;
    let time = parse_clock(&text);
    if time.is_none() {
        p.error(
            "conference.day_change",
            format!("{text:?} is not a time of day; write \"04:00\""),
        );
    }
    time
}

/// Where an event is: its day and room, for its place and its start.
struct EventAt<'a> {
    day_n: &'a str,
    day_place: &'a str,
    date: Option<civil::Date>,
    room: &'a str,
}

/// The days walked in order, filling in the parts and the problems.
struct Mapper<'a> {
    track_colours: &'a [(String, String)],
    /// A start before it (`01:30`) is in the night after the conference day.
    change_at: civil::Time,
    parts: Collected,
    days: Vec<Day>,
    p: Problems,
}

impl Mapper<'_> {
    fn day(&mut self, index: usize, day: &FrabDay) {
        let day_n = clean(day.index.as_deref())
            .filter(|i| i.parse::<u32>().is_ok())
            .unwrap_or_else(|| (index + 1).to_string());
        let day_place = format!("day[{day_n}]");
        let date = match clean(day.date.as_deref()) {
            Some(text) => match text.parse::<civil::Date>() {
                Ok(d) => Some(d),
                Err(_) => {
                    self.p.error(
                        format!("{day_place}.date"),
                        format!("{text:?} is not a date; frab writes \"2019-12-27\""),
                    );
                    None
                }
            },
            None => {
                self.p
                    .error(format!("{day_place}.date"), "the day has no date");
                None
            }
        };
        if let Some(date) = date {
            self.days.push(Day { date, label: None });
        }
        for (ri, room) in day.rooms.iter().enumerate() {
            let room_name = room.name.trim();
            if room_name.is_empty() {
                self.p.error(
                    format!("{day_place} room[{}]", ri + 1),
                    "the room has no name; name it so its events can be shown",
                );
                continue;
            }
            self.parts.room(room_name);
            let at = EventAt {
                day_n: &day_n,
                day_place: &day_place,
                date,
                room: room_name,
            };
            for (ei, ev) in room.events.iter().enumerate() {
                if let Some(session) = self.event(&at, ei, ev) {
                    self.parts.sessions.push(session);
                }
            }
        }
    }

    fn event(&mut self, at: &EventAt, index: usize, ev: &FrabEvent) -> Option<DraftSession> {
        let start_text = clean(ev.start.as_deref());
        let id = clean(ev.guid.as_deref())
            .or_else(|| clean(ev.id.as_deref()))
            .unwrap_or_else(|| {
                let when = start_text
                    .clone()
                    .unwrap_or_else(|| (index + 1).to_string());
                format!("{}-{}-{when}", at.day_n, at.room)
            });
        let place = format!(
            "{} room {:?} event[{}] {id:?}",
            at.day_place,
            at.room,
            index + 1
        );
        let start = self.event_start(&place, ev, start_text.as_deref(), at.date);
        let duration = self.event_duration(&place, ev);
        let (start, duration) = (start?, duration?);
        let Some(end) = start.checked_add(duration) else {
            self.p.error(
                format!("{place}.duration"),
                "the event would end beyond the supported range of dates",
            );
            return None;
        };
        let people = ev
            .persons
            .iter()
            .map(|person| (person, person.name.trim()))
            .filter(|(_, name)| !name.is_empty())
            .map(|(person, name)| {
                let id = clean(person.id.as_deref())
                    .map(|i| format!("frab:{i}"))
                    .unwrap_or_else(|| name.to_string());
                (id, name.to_string())
            })
            .collect::<Vec<_>>();
        let speakers = self.parts.session_speakers(people);
        let track = clean(ev.track.as_deref());
        if let Some(t) = &track {
            self.parts.track(t, || {
                self.track_colours
                    .iter()
                    .find(|(name, _)| name.trim() == t)
                    .map(|(_, c)| c.trim().to_ascii_lowercase())
                    .filter(|c| crate::model::is_hex_colour(c))
            });
        }
        Some(DraftSession {
            id,
            title: clean(ev.title.as_deref()).unwrap_or_default(),
            subtitle: clean(ev.subtitle.as_deref()),
            abstract_text: clean(ev.abstract_text.as_deref())
                .or_else(|| clean(ev.description.as_deref())),
            room: at.room.to_string(),
            track,
            kind: kind_of(ev.kind.as_deref()),
            start,
            end,
            speakers,
            info: info::event_info(ev, &place, &mut self.p),
            place,
        })
    }

    /// From the event's `date` (a full date-time), else its `start` clock
    /// time on the day's date.
    fn event_start(
        &mut self,
        place: &str,
        ev: &FrabEvent,
        start_text: Option<&str>,
        date: Option<civil::Date>,
    ) -> Option<DraftTime> {
        if let Some(text) = clean(ev.date.as_deref()) {
            let parsed = parse_date_time(&text);
            if parsed.is_none() {
                self.p.error(
                    format!("{place}.date"),
                    format!("{text:?} is not a date and time; frab writes \"2019-12-27T11:00:00+01:00\""),
                );
            }
            return parsed;
        }
        let Some(text) = start_text else {
            self.p.error(
                format!("{place}.start"),
                "the event has neither a date nor a start time",
            );
            return None;
        };
        let Some(time) = parse_clock(text) else {
            self.p.error(
                format!("{place}.start"),
                format!("{text:?} is not a time of day; frab writes \"11:00\""),
            );
            return None;
        };
        // Before the day change: the night after the conference day.
        let date = date?;
        let on = if time < self.change_at {
            date.tomorrow().ok()
        } else {
            Some(date)
        };
        on.map(|d| DraftTime::Local(d.to_datetime(time)))
    }

    fn event_duration(&mut self, place: &str, ev: &FrabEvent) -> Option<SignedDuration> {
        let Some(text) = clean(ev.duration.as_deref()) else {
            self.p
                .error(format!("{place}.duration"), "the event has no duration");
            return None;
        };
        let duration = parse_hms(&text, true);
        if duration.is_none() {
            self.p.error(
                format!("{place}.duration"),
                format!("{text:?} is not a duration; frab writes \"00:30\" (HH:MM)"),
            );
        }
        duration
    }
}

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

/// An instant when the text carries an offset, else a venue wall-clock
/// time; a date alone is not a start.
fn parse_date_time(text: &str) -> Option<DraftTime> {
    if !text.trim().contains(['T', 't', ' ']) {
        return None;
    }
    DraftTime::parse(text)
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
