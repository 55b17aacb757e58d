//! iCalendar (RFC 5545): one session per `VEVENT`
//! (`docs/import-sessionize-csv-ical.md`).
//!
//! The reader is a small line-based one of its own rather than the
//! `icalendar` crate's recursive parser, so that errors name the physical
//! line of the file and deeply nested or truncated input cannot exhaust the
//! stack. It unfolds lines, reads parameters (quoted or not) and unescapes
//! TEXT values (`\\`, `\;`, `\,`, `\n`). `VTIMEZONE` blocks are ignored:
//! `TZID`s must be IANA names (else `X-WR-TIMEZONE` stands in for them).

use std::collections::HashSet;

use jiff::{civil, tz::TimeZone, SignedDuration};

use crate::draft::{clean_opt, Draft, DraftConference, DraftSession, DraftTime};
use crate::error::{Error, Problem, Result};
use crate::import::csv::{add_duration, generated_id, kind_from_word, name_from_origin, squash};
use crate::import::ImportOptions;
use crate::model::{Room, SessionKind, Speaker, Track};

/// One content line: `NAME;KEY=VAL,VAL;KEY="VAL":VALUE`.
#[derive(Debug, Clone)]
struct Prop {
    /// Upper case.
    name: String,
    /// Keys upper case; values unquoted.
    params: Vec<(String, Vec<String>)>,
    /// Raw (still escaped) value.
    value: String,
    line: usize,
}

impl Prop {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    fn text(&self) -> String {
        unescape(&self.value)
    }

    fn list(&self) -> Vec<String> {
        split_list(&self.value)
    }
}

#[derive(Debug, Default)]
struct Event {
    line: usize,
    props: Vec<Prop>,
}

impl Event {
    fn get(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props.iter().filter(move |p| p.name == name)
    }
}

/// Unescape a TEXT value.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other @ (',' | ';' | '\\' | ':' | '"')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Split a TEXT list at unescaped commas, then unescape each part.
fn split_list(raw: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                if let Some(n) = chars.next() {
                    current.push(n);
                }
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| squash(&unescape(p)))
        .filter(|p| !p.is_empty())
        .collect()
}

fn syntax(origin: &str, line: usize, column: usize, message: impl Into<String>) -> Error {
    Error::Syntax {
        origin: origin.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// Parse one unfolded content line.
fn content_line(origin: &str, line: usize, text: &str) -> Result<Prop> {
    let bad = |at: usize, what: &str| {
        let column = text[..at.min(text.len())].chars().count() + 1;
        syntax(origin, line, column, what.to_string())
    };
    let name_end = text.find([';', ':']).ok_or_else(|| {
        bad(
            text.len(),
            "not an iCalendar content line (NAME:VALUE); is the file cut short or not iCalendar?",
        )
    })?;
    let name = text[..name_end].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(bad(0, &format!("{name:?} is not a property name")));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    let mut at = name_end;
    while let Some(after) = rest.strip_prefix(';') {
        at += 1;
        let eq = after
            .find('=')
            .ok_or_else(|| bad(at, "a parameter without \"=\""))?;
        let key = after[..eq].trim().to_ascii_uppercase();
        let mut values = Vec::new();
        let mut r = &after[eq + 1..];
        at += eq + 1;
        loop {
            if let Some(q) = r.strip_prefix('"') {
                let close = q
                    .find('"')
                    .ok_or_else(|| bad(at, "a quoted parameter value without its closing quote"))?;
                values.push(q[..close].to_string());
                r = &q[close + 1..];
                at += close + 2;
            } else {
                let stop = r.find([',', ';', ':']).unwrap_or(r.len());
                values.push(r[..stop].to_string());
                r = &r[stop..];
                at += stop;
            }
            match r.strip_prefix(',') {
                Some(more) => {
                    r = more;
                    at += 1;
                }
                None => break,
            }
        }
        params.push((key, values));
        rest = r;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| bad(at, "expected \":\" before the value"))?;
    Ok(Prop {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_string(),
        line,
    })
}

struct Parsed {
    calendar: Vec<Prop>,
    events: Vec<Event>,
}

fn read(origin: &str, text: &str) -> Result<Parsed> {
    // Unfold: a line starting with a space or tab continues the one before.
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut last_line = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        last_line = i + 1;
        if let Some(cont) = raw.strip_prefix([' ', '\t']) {
            if let Some((_, prev)) = logical.last_mut() {
                prev.push_str(cont);
                continue;
            }
        }
        if raw.trim().is_empty() {
            continue;
        }
        logical.push((i + 1, raw.to_string()));
    }

    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut calendar = Vec::new();
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    let mut seen_calendar = false;
    for (line, text) in logical {
        let prop = content_line(origin, line, &text)?;
        match prop.name.as_str() {
            "BEGIN" => {
                let what = prop.value.trim().to_ascii_uppercase();
                if stack.is_empty() && what != "VCALENDAR" {
                    return Err(syntax(
                        origin,
                        line,
                        1,
                        format!("BEGIN:{what} outside BEGIN:VCALENDAR"),
                    ));
                }
                if what == "VCALENDAR" {
                    seen_calendar = true;
                }
                if what == "VEVENT" && stack.len() == 1 {
                    current = Some(Event {
                        line,
                        props: Vec::new(),
                    });
                }
                stack.push((what, line));
            }
            "END" => {
                let what = prop.value.trim().to_ascii_uppercase();
                match stack.pop() {
                    Some((open, _)) if open == what => {}
                    Some((open, open_line)) => {
                        return Err(syntax(
                            origin,
                            line,
                            1,
                            format!(
                                "END:{what}, but BEGIN:{open} (line {open_line}) is still open"
                            ),
                        ))
                    }
                    None => {
                        return Err(syntax(
                            origin,
                            line,
                            1,
                            format!("END:{what} without a BEGIN:{what}"),
                        ))
                    }
                }
                if what == "VEVENT" && stack.len() == 1 {
                    if let Some(e) = current.take() {
                        events.push(e);
                    }
                }
            }
            _ => match stack.len() {
                0 => {
                    return Err(syntax(
                        origin,
                        line,
                        1,
                        format!("{} outside BEGIN:VCALENDAR", prop.name),
                    ))
                }
                1 => calendar.push(prop),
                2 if stack.last().is_some_and(|(n, _)| n == "VEVENT") => {
                    if let Some(e) = current.as_mut() {
                        e.props.push(prop);
                    }
                }
                _ => {}
            },
        }
    }
    if let Some((open, open_line)) = stack.last() {
        return Err(syntax(
            origin,
            last_line,
            1,
            format!(
                "the file ends inside BEGIN:{open} (line {open_line}): it is cut short; \
                 export it again"
            ),
        ));
    }
    if !seen_calendar {
        return Err(syntax(
            origin,
            1,
            1,
            "not an iCalendar file: no BEGIN:VCALENDAR",
        ));
    }
    Ok(Parsed { calendar, events })
}

/// A DTSTART/DTEND value.
#[derive(Debug, Clone, Copy)]
enum Stamp {
    Date,
    Utc(civil::DateTime),
    /// Floating (no TZID) or with a TZID.
    Wall(civil::DateTime),
}

fn parse_stamp(prop: &Prop) -> std::result::Result<Stamp, String> {
    let v = prop.value.trim();
    let is_date = prop
        .param("VALUE")
        .is_some_and(|t| t.eq_ignore_ascii_case("DATE"))
        || (v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()));
    let bad =
        || format!("{v:?} is not an iCalendar date-time like 20250515T093000 or 20250515T073000Z");
    let digits = |s: &str| -> Option<i32> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let date = |s: &str| -> Option<civil::Date> {
        let y = digits(s.get(0..4)?)?;
        let m = digits(s.get(4..6)?)?;
        let d = digits(s.get(6..8)?)?;
        civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
    };
    if is_date {
        return date(v)
            .filter(|_| v.len() == 8)
            .map(|_| Stamp::Date)
            .ok_or_else(bad);
    }
    let (body, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (v, false),
    };
    let (d, t) = body.split_once(['T', 't']).ok_or_else(bad)?;
    if d.len() != 8 || !(t.len() == 6 || t.len() == 4) {
        return Err(bad());
    }
    let d = date(d).ok_or_else(bad)?;
    let h = digits(&t[0..2]).ok_or_else(bad)?;
    let m = digits(&t[2..4]).ok_or_else(bad)?;
    let s = if t.len() == 6 {
        digits(&t[4..6]).ok_or_else(bad)?
    } else {
        0
    };
    // A leap second (60) is read as 59.
    let time = civil::Time::new(
        i8::try_from(h).map_err(|_| bad())?,
        i8::try_from(m).map_err(|_| bad())?,
        i8::try_from(s.min(59)).map_err(|_| bad())?,
        0,
    )
    .map_err(|_| bad())?;
    let dt = d.to_datetime(time);
    Ok(if utc { Stamp::Utc(dt) } else { Stamp::Wall(dt) })
}

/// `PT45M`, `PT1H30M`, `P1D`, `P1W`, `P1DT2H` (exact; no negative durations).
fn parse_duration(v: &str) -> Option<SignedDuration> {
    let v = v.trim();
    let v = v.strip_prefix('+').unwrap_or(v);
    let body = v.strip_prefix(['P', 'p'])?;
    let mut secs: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut units = 0;
    for c in body.chars() {
        if c.is_ascii_digit() {
            if number.len() > 9 {
                return None;
            }
            number.push(c);
            continue;
        }
        let c = c.to_ascii_uppercase();
        if c == 'T' {
            if in_time || !number.is_empty() {
                return None;
            }
            in_time = true;
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let unit = match (c, in_time) {
            ('W', false) => 7 * 86_400,
            ('D', false) => 86_400,
            ('H', true) => 3_600,
            ('M', true) => 60,
            ('S', true) => 1,
            _ => return None,
        };
        secs = secs.checked_add(n.checked_mul(unit)?)?;
        units += 1;
    }
    if !number.is_empty() || units == 0 || secs <= 0 {
        return None;
    }
    Some(SignedDuration::from_secs(secs))
}

fn is_iana(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// A TZID as written, without a leading `/` (a "globally unique" TZID).
fn tzid_of(prop: &Prop) -> Option<String> {
    prop.param("TZID")
        .map(|t| t.trim().trim_start_matches('/').to_string())
        .filter(|t| !t.is_empty())
}

struct Zones {
    conference: String,
    x_wr_tz: Option<String>,
    floating: Option<String>,
    warned_tzids: HashSet<String>,
}

/// A DTSTART/DTEND as a draft time: `None` for a date without a time,
/// `Some(Err(()))` when a problem was recorded.
fn resolve(
    zones: &mut Zones,
    prop: &Prop,
    place: &str,
    field: &str,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<std::result::Result<DraftTime, ()>> {
    let stamp = match parse_stamp(prop) {
        Ok(s) => s,
        Err(m) => {
            problems.push(Problem {
                place: format!("{place}, {field} (line {})", prop.line),
                message: m,
            });
            return Some(Err(()));
        }
    };
    let (dt, zone) = match stamp {
        Stamp::Date => return None,
        Stamp::Utc(dt) => (dt, "UTC".to_string()),
        Stamp::Wall(dt) => match tzid_of(prop) {
            Some(t) if is_iana(&t) => (dt, t),
            Some(t) => match &zones.x_wr_tz {
                Some(x) => {
                    if zones.warned_tzids.insert(t.clone()) {
                        warnings.push(Problem {
                            place: format!("{place}, {field} (line {})", prop.line),
                            message: format!(
                                "TZID {t:?} is not an IANA time zone; the calendar's \
                                     X-WR-TIMEZONE {x:?} is used for it"
                            ),
                        });
                    }
                    (dt, x.clone())
                }
                None => {
                    problems.push(Problem {
                        place: format!("{place}, {field} (line {})", prop.line),
                        message: format!(
                            "unknown time zone TZID {t:?}: it is not an IANA name \
                                 (such as \"Europe/Berlin\") and the calendar has no \
                                 X-WR-TIMEZONE to use instead"
                        ),
                    });
                    return Some(Err(()));
                }
            },
            None => match &zones.floating {
                Some(z) => (dt, z.clone()),
                None => {
                    problems.push(Problem {
                        place: format!("{place}, {field} (line {})", prop.line),
                        message: "a floating time (no TZID, no Z) and the calendar has \
                                      no X-WR-TIMEZONE; set `venue_timezone` in the config \
                                      (e.g. venue_timezone = \"Europe/Paris\")"
                            .into(),
                    });
                    return Some(Err(()));
                }
            },
        },
    };
    if zone == zones.conference {
        return Some(Ok(DraftTime::Local(dt)));
    }
    let tz = match crate::model::venue_zone(&zone) {
        Ok(tz) => tz,
        Err(_) => {
            problems.push(Problem {
                place: format!("{place}, {field} (line {})", prop.line),
                message: format!("unknown time zone {zone:?}"),
            });
            return Some(Err(()));
        }
    };
    let ambiguous = tz.to_ambiguous_timestamp(dt);
    if matches!(ambiguous.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
        problems.push(Problem {
            place: format!("{place}, {field} (line {})", prop.line),
            message: format!("{dt} does not exist in {zone} (the clocks skip it)"),
        });
        return Some(Err(()));
    }
    match ambiguous.compatible() {
        Ok(ts) => Some(Ok(DraftTime::Instant(ts))),
        Err(err) => {
            problems.push(Problem {
                place: format!("{place}, {field} (line {})", prop.line),
                message: err.to_string(),
            });
            Some(Err(()))
        }
    }
}

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let text = crate::import::utf8(origin, bytes)?;
    if text.trim().is_empty() {
        return Err(Error::Empty {
            origin: origin.to_string(),
        });
    }
    let parsed = read(origin, text)?;
    let cal = |name: &str| {
        parsed
            .calendar
            .iter()
            .find(|p| p.name == name)
            .map(Prop::text)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let mut warnings: Vec<Problem> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();

    // Zones.
    let x_wr_tz = match cal("X-WR-TIMEZONE") {
        Some(tz) if is_iana(&tz) => Some(tz),
        Some(tz) => {
            warnings.push(Problem {
                place: "X-WR-TIMEZONE".into(),
                message: format!("{tz:?} is not an IANA time zone; ignored"),
            });
            None
        }
        None => None,
    };
    let configured = options
        .venue_timezone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut tzid_counts: Vec<(String, usize)> = Vec::new();
    let mut any_wall = false;
    for e in &parsed.events {
        for name in ["DTSTART", "DTEND"] {
            if let Some(p) = e.get(name) {
                match tzid_of(p) {
                    Some(t) if is_iana(&t) => match tzid_counts.iter_mut().find(|(n, _)| *n == t) {
                        Some((_, c)) => *c += 1,
                        None => tzid_counts.push((t, 1)),
                    },
                    Some(_) => any_wall = true,
                    None => {
                        any_wall |=
                            !p.value.trim().ends_with(['Z', 'z']) && p.value.trim().len() > 8
                    }
                }
            }
        }
    }
    let most_used_tzid = tzid_counts
        .iter()
        .enumerate()
        .max_by(|(ia, (_, a)), (ib, (_, b))| a.cmp(b).then(ib.cmp(ia)))
        .map(|(_, (n, _))| n.clone());
    let conference_zone = if let Some(z) = x_wr_tz.clone().or(most_used_tzid) {
        z
    } else if let Some(z) = configured.clone() {
        if !any_wall {
            warnings.push(Problem {
                place: "conference.timezone".into(),
                message: format!(
                    "the calendar names no time zone (its times are UTC); times are shown in \
                     the configured venue_timezone {z:?}"
                ),
            });
        }
        z
    } else {
        warnings.push(Problem {
            place: "conference.timezone".into(),
            message: "the calendar names no time zone and no `venue_timezone` is configured; \
                      times are shown in UTC"
                .into(),
        });
        "UTC".to_string()
    };
    let mut zones = Zones {
        conference: conference_zone.clone(),
        floating: x_wr_tz.clone().or(configured.clone()),
        x_wr_tz,
        warned_tzids: HashSet::new(),
    };

    let mut rooms: Vec<Room> = Vec::new();
    let mut known_rooms: HashSet<String> = HashSet::new();
    let mut known_tracks: HashSet<String> = HashSet::new();
    let mut known_speakers: HashSet<String> = HashSet::new();
    let mut tracks: Vec<Track> = Vec::new();
    let mut speakers: Vec<Speaker> = Vec::new();
    let mut sessions: Vec<DraftSession> = Vec::new();

    for e in &parsed.events {
        let uid = e
            .get("UID")
            .map(|p| p.text().trim().to_string())
            .filter(|u| !u.is_empty());
        let place = match &uid {
            Some(u) => format!("event at line {} ({u:?})", e.line),
            None => format!("event at line {}", e.line),
        };
        let title = e
            .get("SUMMARY")
            .map(|p| p.text().trim().to_string())
            .unwrap_or_default();
        let named = if title.is_empty() {
            place.clone()
        } else {
            format!("{place} {title:?}")
        };
        if e.get("STATUS")
            .is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED"))
        {
            warnings.push(Problem {
                place: named,
                message: "cancelled (STATUS:CANCELLED); skipped".into(),
            });
            continue;
        }
        if e.get("RECURRENCE-ID").is_some() {
            warnings.push(Problem {
                place: named,
                message: "changes one occurrence of a recurring event (RECURRENCE-ID); \
                          recurring events are not expanded, so it is skipped"
                    .into(),
            });
            continue;
        }
        if e.get("RRULE").is_some() || e.get("RDATE").is_some() {
            warnings.push(Problem {
                place: named.clone(),
                message: "repeats (RRULE/RDATE), but recurring events are not expanded: \
                          only its first occurrence is shown"
                    .into(),
            });
        }
        let Some(dtstart) = e.get("DTSTART") else {
            problems.push(Problem {
                place: place.clone(),
                message: "no DTSTART: an event needs a start time".into(),
            });
            continue;
        };
        let start = match resolve(
            &mut zones,
            dtstart,
            &place,
            "DTSTART",
            &mut problems,
            &mut warnings,
        ) {
            None => {
                warnings.push(Problem {
                    place: named,
                    message: "an all-day event (a DTSTART with a date only); skipped".into(),
                });
                continue;
            }
            Some(Err(())) => continue,
            Some(Ok(t)) => t,
        };
        let end = if let Some(dtend) = e.get("DTEND") {
            match resolve(
                &mut zones,
                dtend,
                &place,
                "DTEND",
                &mut problems,
                &mut warnings,
            ) {
                None => {
                    problems.push(Problem {
                        place: format!("{place}, DTEND (line {})", dtend.line),
                        message: "a date without a time, but DTSTART has a time".into(),
                    });
                    continue;
                }
                Some(Err(())) => continue,
                Some(Ok(t)) => t,
            }
        } else if let Some(d) = e.get("DURATION") {
            let Some(dur) = parse_duration(&d.value) else {
                problems.push(Problem {
                    place: format!("{place}, DURATION (line {})", d.line),
                    message: format!(
                        "{:?} is not a duration; write it like PT45M, PT1H30M or P1D",
                        d.value.trim()
                    ),
                });
                continue;
            };
            let Some(end) = add_duration(&start, dur) else {
                problems.push(Problem {
                    place: format!("{place}, DURATION (line {})", d.line),
                    message: "the end is out of range".into(),
                });
                continue;
            };
            end
        } else {
            problems.push(Problem {
                place: place.clone(),
                message: "no DTEND and no DURATION: an event needs an end".into(),
            });
            continue;
        };
        let Some(room) = e
            .get("LOCATION")
            .map(|p| squash(&p.text()))
            .filter(|r| !r.is_empty())
        else {
            problems.push(Problem {
                place: place.clone(),
                message: "no LOCATION: a session needs a room".into(),
            });
            continue;
        };
        if known_rooms.insert(room.clone()) {
            rooms.push(Room {
                id: room.clone(),
                name: room.clone(),
            });
        }
        let mut kind = None;
        let mut track = None;
        for category in e.all("CATEGORIES").flat_map(Prop::list) {
            match kind_from_word(&category) {
                Some(k) if kind.is_none() => kind = Some(k),
                Some(_) => {}
                None if track.is_none() => track = Some(category),
                None => {}
            }
        }
        if let Some(t) = &track {
            if known_tracks.insert(t.clone()) {
                tracks.push(Track {
                    id: t.clone(),
                    name: t.clone(),
                    colour: None,
                });
            }
        }
        let mut names: Vec<String> = e.all("X-SPEAKER").flat_map(Prop::list).collect();
        if names.is_empty() {
            names = e
                .all("ATTENDEE")
                .filter(|p| {
                    !p.param("ROLE")
                        .is_some_and(|r| r.eq_ignore_ascii_case("NON-PARTICIPANT"))
                })
                .filter_map(|p| p.param("CN").map(squash))
                .filter(|n| !n.is_empty())
                .collect();
        }
        let mut speaker_ids = Vec::new();
        let mut session_speakers = HashSet::new();
        for name in names {
            if known_speakers.insert(name.clone()) {
                speakers.push(Speaker {
                    id: name.clone(),
                    name: name.clone(),
                    affiliation: None,
                });
            }
            if session_speakers.insert(name.clone()) {
                speaker_ids.push(name);
            }
        }
        let slides_url = e
            .get("URL")
            .map(|p| p.value.trim().to_string())
            .filter(|u| {
                let lower = u.to_ascii_lowercase();
                lower.starts_with("https://") || lower.starts_with("http://")
            });
        let id = uid.unwrap_or_else(|| generated_id(&start, &room, Some(&conference_zone)));
        sessions.push(DraftSession {
            place,
            id,
            title,
            subtitle: None,
            abstract_text: clean_opt(e.get("DESCRIPTION").map(Prop::text)),
            slides_url,
            room,
            track,
            kind: kind.unwrap_or(SessionKind::Talk),
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
    let name = cal("X-WR-CALNAME")
        .or_else(|| cal("NAME"))
        .map(|n| squash(&n))
        .unwrap_or_else(|| name_from_origin(origin));
    Ok(Draft {
        warnings,
        conference: DraftConference {
            id: name_from_origin(origin),
            name,
            timezone: conference_zone,
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
