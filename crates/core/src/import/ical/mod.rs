//! iCalendar (RFC 5545): one session per `VEVENT`
//! (`docs/import-sessionize-csv-ical.md`): [`reader`] reads the lines and
//! blocks, [`events`] maps each event, and this module chooses the zones.
//!
//! `VTIMEZONE` blocks are ignored: `TZID`s must be IANA names (else
//! `X-WR-TIMEZONE` stands in for them).

mod events;
mod reader;

use std::collections::HashSet;

use jiff::tz::TimeZone;

use crate::draft::{wall_clock_instant, Draft, DraftTime, Problems};
use crate::error::Result;
use crate::import::common::{conference_from_origin, squash, text, Collected};
use crate::import::ImportOptions;
use events::{parse_stamp, Stamp};
use reader::{Parsed, Prop};

pub fn parse(origin: &str, bytes: &[u8], options: &ImportOptions) -> Result<Draft> {
    let parsed = reader::read(origin, text(origin, bytes)?)?;
    let mut p = Problems::default();
    let mut zones = Zones::choose(&parsed, options, &mut p);
    let mut parts = Collected::default();
    for e in &parsed.events {
        if let Some(session) = events::session(e, &mut zones, &mut parts, &mut p) {
            parts.sessions.push(session);
        }
    }
    p.check(origin)?;
    let name = parsed
        .calendar_text("X-WR-CALNAME")
        .or_else(|| parsed.calendar_text("NAME"))
        .map(|n| squash(&n));
    let conference = conference_from_origin(origin, name, zones.conference);
    Ok(parts.into_draft(p.warnings, conference))
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

/// A DTSTART or DTEND, resolved.
enum Resolved {
    /// A date without a time (an all-day event).
    DateOnly,
    Time(DraftTime),
    /// A problem was recorded.
    Failed,
}

/// The zones a calendar's times are read in.
struct Zones {
    /// The conference's: times in it stay wall-clock times, so a clock
    /// change during the event is the venue's.
    conference: String,
    x_wr_tz: Option<String>,
    /// For times with no TZID and no `Z`.
    floating: Option<String>,
    /// Unknown TZIDs already warned about (once each, not once a time).
    warned_tzids: HashSet<String>,
}

impl Zones {
    /// The conference zone: X-WR-TIMEZONE, else the TZID most used, else
    /// the configured venue zone, else UTC (each fallback with a warning).
    fn choose(parsed: &Parsed, options: &ImportOptions, p: &mut Problems) -> Zones {
        let x_wr_tz = match parsed.calendar_text("X-WR-TIMEZONE") {
            Some(tz) if is_iana(&tz) => Some(tz),
            Some(tz) => {
                p.warn(
                    "X-WR-TIMEZONE",
                    format!("{tz:?} is not an IANA time zone; ignored"),
                );
                None
            }
            None => None,
        };
        let configured = options.venue_zone().map(str::to_string);
        let (most_used_tzid, any_wall) = most_used_tzid(parsed);
        let conference = if let Some(z) = x_wr_tz.clone().or(most_used_tzid) {
            z
        } else if let Some(z) = configured.clone() {
            if !any_wall {
                p.warn(
                    "conference.timezone",
                    format!(
                        "the calendar names no time zone (its times are UTC); times are shown in \
                         the configured venue_timezone {z:?}"
                    ),
                );
            }
            z
        } else {
            p.warn(
                "conference.timezone",
                "the calendar names no time zone and no `venue_timezone` is configured; \
                 times are shown in UTC",
            );
            "UTC".to_string()
        };
        Zones {
            conference,
            floating: x_wr_tz.clone().or(configured),
            x_wr_tz,
            warned_tzids: HashSet::new(),
        }
    }

    /// A DTSTART/DTEND as a draft time: a wall-clock time in the
    /// conference zone, or an instant from any other zone.
    fn resolve(&mut self, prop: &Prop, place: &str, field: &str, p: &mut Problems) -> Resolved {
        let at = format!("{place}, {field} (line {})", prop.line);
        let (dt, zone) = match parse_stamp(prop) {
            Err(m) => {
                p.error(at, m);
                return Resolved::Failed;
            }
            Ok(Stamp::Date) => return Resolved::DateOnly,
            Ok(Stamp::Utc(dt)) => (dt, "UTC".to_string()),
            Ok(Stamp::Wall(dt)) => match self.wall_zone(prop, &at, p) {
                Some(zone) => (dt, zone),
                None => return Resolved::Failed,
            },
        };
        if zone == self.conference {
            return Resolved::Time(DraftTime::Local(dt));
        }
        let Ok(tz) = crate::model::venue_zone(&zone) else {
            p.error(at, format!("unknown time zone {zone:?}"));
            return Resolved::Failed;
        };
        match wall_clock_instant(&tz, dt) {
            Ok(ts) => Resolved::Time(DraftTime::Instant(ts)),
            Err(m) => {
                p.error(at, m);
                Resolved::Failed
            }
        }
    }

    /// The zone of a time without `Z`: its TZID if that is an IANA name,
    /// else X-WR-TIMEZONE (warned once per TZID); the floating zone when
    /// it has no TZID. `None`: a problem was recorded.
    fn wall_zone(&mut self, prop: &Prop, at: &str, p: &mut Problems) -> Option<String> {
        match tzid_of(prop) {
            Some(t) if is_iana(&t) => Some(t),
            Some(t) => match &self.x_wr_tz {
                Some(x) => {
                    if self.warned_tzids.insert(t.clone()) {
                        p.warn(
                            at,
                            format!(
                                "TZID {t:?} is not an IANA time zone; the calendar's \
                                 X-WR-TIMEZONE {x:?} is used for it"
                            ),
                        );
                    }
                    Some(x.clone())
                }
                None => {
                    p.error(
                        at,
                        format!(
                            "unknown time zone TZID {t:?}: it is not an IANA name \
                             (such as \"Europe/Berlin\") and the calendar has no \
                             X-WR-TIMEZONE to use instead"
                        ),
                    );
                    None
                }
            },
            None => {
                if self.floating.is_none() {
                    p.error(
                        at,
                        "a floating time (no TZID, no Z) and the calendar has \
                         no X-WR-TIMEZONE; set `venue_timezone` in the config \
                         (e.g. venue_timezone = \"Europe/Paris\")",
                    );
                }
                self.floating.clone()
            }
        }
    }
}

/// The IANA TZID the events' times use most (the first on a tie), and
/// whether any time is a wall-clock one without a usable TZID.
fn most_used_tzid(parsed: &Parsed) -> (Option<String>, bool) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut any_wall = false;
    for e in &parsed.events {
        for prop in ["DTSTART", "DTEND"].into_iter().filter_map(|n| e.get(n)) {
            match tzid_of(prop) {
                Some(t) if is_iana(&t) => match counts.iter_mut().find(|(n, _)| *n == t) {
                    Some((_, c)) => *c += 1,
                    None => counts.push((t, 1)),
                },
                Some(_) => any_wall = true,
                None => {
                    let v = prop.value.trim();
                    any_wall |= !v.ends_with(['Z', 'z']) && v.len() > 8;
                }
            }
        }
    }
    let most_used = counts
        .iter()
        .enumerate()
        .max_by(|(ia, (_, a)), (ib, (_, b))| a.cmp(b).then(ib.cmp(ia)))
        .map(|(_, (n, _))| n.clone());
    (most_used, any_wall)
}
