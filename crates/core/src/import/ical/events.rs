//! Each `VEVENT` read into a session: its times (DTSTART with DTEND or
//! DURATION), room (LOCATION), kind and track (CATEGORIES) and speakers
//! (X-SPEAKER, else the attendees' names).

use jiff::{civil, SignedDuration};

use super::reader::{Event, Prop};
use super::{Resolved, Zones};
use crate::draft::{
    classify_link, clean_opt, http_url, keep_within_limits, DraftSession, DraftTime, Problems,
};
use crate::import::common::{generated_id, kind_from_word, squash, Collected};
use crate::model::{Link, LinkKind, SessionInfo, SessionKind};

/// A DTSTART/DTEND value.
#[derive(Debug, Clone, Copy)]
pub(super) enum Stamp {
    Date,
    Utc(civil::DateTime),
    /// Floating (no TZID) or with a TZID.
    Wall(civil::DateTime),
}

pub(super) fn parse_stamp(prop: &Prop) -> std::result::Result<Stamp, String> {
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

/// One event as a session; `None` when it is skipped (a warning says why)
/// or wrong (an error says where).
pub(super) fn session(
    e: &Event,
    zones: &mut Zones,
    parts: &mut Collected,
    p: &mut Problems,
) -> Option<DraftSession> {
    let uid = e
        .get("UID")
        .map(|prop| prop.text().trim().to_string())
        .filter(|u| !u.is_empty());
    let place = match &uid {
        Some(u) => format!("event at line {} ({u:?})", e.line),
        None => format!("event at line {}", e.line),
    };
    let title = e
        .get("SUMMARY")
        .map(|prop| prop.text().trim().to_string())
        .unwrap_or_default();
    let named = if title.is_empty() {
        place.clone()
    } else {
        format!("{place} {title:?}")
    };
    if skipped(e, &named, p) {
        return None;
    }
    let (start, end) = times(e, zones, &place, &named, p)?;
    let Some(room) = e
        .get("LOCATION")
        .map(|prop| squash(&prop.text()))
        .filter(|r| !r.is_empty())
    else {
        p.error(place, "no LOCATION: a session needs a room");
        return None;
    };
    parts.room(&room);
    let (kind, track) = kind_and_track(e);
    if let Some(t) = &track {
        parts.track(t, || None);
    }
    let speakers = parts.session_speakers(speaker_names(e).into_iter().map(|n| (n.clone(), n)));
    let mut info = SessionInfo::default();
    // URL is the event's page (RFC 5545 3.8.4.6); ATTACH, a document by
    // address (slides, mostly), named by its FILENAME or type if any.
    if let Some(url) = e.get("URL").and_then(|prop| http_url(&prop.value)) {
        let kind = match classify_link(&url, "") {
            LinkKind::Other => LinkKind::Page,
            kind => kind,
        };
        info.links.push(Link { kind, url });
    }
    for prop in e.all("ATTACH") {
        if let Some(url) = http_url(&prop.value) {
            let name = [prop.param("FILENAME"), prop.param("FMTTYPE")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let kind = match classify_link(&url, &name) {
                LinkKind::Other if name.contains("pdf") || name.contains("presentation") => {
                    LinkKind::Slides
                }
                kind => kind,
            };
            info.links.push(Link { kind, url });
        }
    }
    keep_within_limits(p, &place, &mut info);
    let id = uid.unwrap_or_else(|| generated_id(&start, &room, Some(&zones.conference)));
    Some(DraftSession {
        place,
        id,
        title,
        subtitle: None,
        abstract_text: clean_opt(e.get("DESCRIPTION").map(Prop::text)),
        room,
        track,
        kind: kind.unwrap_or(SessionKind::Talk),
        start,
        end,
        speakers,
        info,
    })
}

/// Events the kiosk does not show, with a warning: cancelled ones and
/// changed occurrences of recurring ones. A recurring event shows once.
fn skipped(e: &Event, named: &str, p: &mut Problems) -> bool {
    if e.get("STATUS")
        .is_some_and(|prop| prop.value.trim().eq_ignore_ascii_case("CANCELLED"))
    {
        p.warn(named, "cancelled (STATUS:CANCELLED); skipped");
        return true;
    }
    if e.get("RECURRENCE-ID").is_some() {
        p.warn(
            named,
            "changes one occurrence of a recurring event (RECURRENCE-ID); \
             recurring events are not expanded, so it is skipped",
        );
        return true;
    }
    if e.get("RRULE").is_some() || e.get("RDATE").is_some() {
        p.warn(
            named,
            "repeats (RRULE/RDATE), but recurring events are not expanded: \
             only its first occurrence is shown",
        );
    }
    false
}

/// The start and end: DTSTART, and DTEND or DTSTART + DURATION. An
/// all-day event is skipped with a warning.
fn times(
    e: &Event,
    zones: &mut Zones,
    place: &str,
    named: &str,
    p: &mut Problems,
) -> Option<(DraftTime, DraftTime)> {
    let Some(dtstart) = e.get("DTSTART") else {
        p.error(place, "no DTSTART: an event needs a start time");
        return None;
    };
    let start = match zones.resolve(dtstart, place, "DTSTART", p) {
        Resolved::DateOnly => {
            p.warn(
                named,
                "an all-day event (a DTSTART with a date only); skipped",
            );
            return None;
        }
        Resolved::Failed => return None,
        Resolved::Time(t) => t,
    };
    if let Some(dtend) = e.get("DTEND") {
        return match zones.resolve(dtend, place, "DTEND", p) {
            Resolved::DateOnly => {
                p.error(
                    format!("{place}, DTEND (line {})", dtend.line),
                    "a date without a time, but DTSTART has a time",
                );
                None
            }
            Resolved::Failed => None,
            Resolved::Time(end) => Some((start, end)),
        };
    }
    let Some(d) = e.get("DURATION") else {
        p.error(place, "no DTEND and no DURATION: an event needs an end");
        return None;
    };
    let Some(duration) = parse_duration(&d.value) else {
        p.error(
            format!("{place}, DURATION (line {})", d.line),
            format!(
                "{:?} is not a duration; write it like PT45M, PT1H30M or P1D",
                d.value.trim()
            ),
        );
        return None;
    };
    let Some(end) = start.checked_add(duration) else {
        p.error(
            format!("{place}, DURATION (line {})", d.line),
            "the end is out of range",
        );
        return None;
    };
    Some((start, end))
}

/// The first category that names a kind is the kind; the first that does
/// not is the track.
fn kind_and_track(e: &Event) -> (Option<SessionKind>, Option<String>) {
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
    (kind, track)
}

/// X-SPEAKER names, else the names of the attendees who take part.
fn speaker_names(e: &Event) -> Vec<String> {
    let names: Vec<String> = e.all("X-SPEAKER").flat_map(Prop::list).collect();
    if !names.is_empty() {
        return names;
    }
    e.all("ATTENDEE")
        .filter(|prop| {
            !prop
                .param("ROLE")
                .is_some_and(|r| r.eq_ignore_ascii_case("NON-PARTICIPANT"))
        })
        .filter_map(|prop| prop.param("CN").map(squash))
        .filter(|n| !n.is_empty())
        .collect()
}
