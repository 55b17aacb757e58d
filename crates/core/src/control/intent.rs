//! Intents from the control panel: what the organizer asked for, with times
//! as the venue's wall clock (`"00:05"`) and lengths in minutes. The core
//! resolves each wall-clock time to an instant **within the conference day**
//! of the session it is about: with the day change at 04:00, a 23:50 talk
//! that "started at 00:05" started 15 minutes late, not 1,425 minutes early.

use jiff::{civil, SignedDuration, Timestamp};
use serde::Deserialize;
use ts_rs::TS;

use crate::edits::{Access, Announcement, Edit, EditError, Priority};
use crate::model::{Schedule, Session, SessionKind};

/// One change to the schedule, as the panel sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EditIntent {
    /// Delay a room by `minutes`: from now, or from a session's start.
    Delay {
        room: String,
        minutes: i32,
        #[serde(default)]
        #[ts(optional)]
        from_session: Option<String>,
    },
    /// The session started at this wall-clock time (`HH:MM`).
    StartedAt {
        session: String,
        at: String,
    },
    Extend {
        session: String,
        minutes: i32,
    },
    EndNow {
        session: String,
    },
    Skip {
        session: String,
    },
    Cancel {
        session: String,
    },
    Move {
        session: String,
        room: String,
    },
    /// Corrects some fields; an absent one stays. Speakers by name; times
    /// as `HH:MM` within the session's conference day.
    EditSession {
        session: String,
        #[serde(default)]
        #[ts(optional)]
        title: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        speakers: Option<Vec<String>>,
        #[serde(default)]
        #[ts(optional)]
        start: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        end: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        room: Option<String>,
        /// The session's badges, all replaced.
        #[serde(default)]
        #[ts(optional)]
        access: Option<Access>,
    },
    /// A new session on conference day `day` (`YYYY-MM-DD`, a day tab's key).
    AddSession {
        room: String,
        title: String,
        #[serde(default)]
        speakers: Vec<String>,
        session_kind: SessionKind,
        day: String,
        start: String,
        end: String,
    },
}

/// A new announcement, as the panel sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct AnnouncementIntent {
    pub text: String,
    /// Room ids; `None`: every screen.
    #[serde(default)]
    #[ts(optional)]
    pub rooms: Option<Vec<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub priority: Option<Priority>,
    /// `HH:MM` today (the conference day now); empty or `now`: now.
    #[serde(default)]
    #[ts(optional)]
    pub start: Option<String>,
    /// Shown this long; `None`: until removed.
    #[serde(default)]
    #[ts(optional)]
    pub minutes: Option<u32>,
}

/// A wall-clock time typed by a person: `9`, `905`, `0905`, `9:05`,
/// `9.05`, `09h05`.
pub fn parse_clock(text: &str) -> Option<civil::Time> {
    let t = text.trim();
    if !t.is_ascii() {
        return None;
    }
    let number = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i8>().ok())
            .flatten()
    };
    let (hour, minute) = match t.find([':', '.', 'h', 'H']) {
        Some(i) => (number(&t[..i], 1..=2)?, number(&t[i + 1..], 2..=2)?),
        None if t.len() <= 2 => (number(t, 1..=2)?, 0),
        None => {
            let (h, m) = t.split_at(t.len() - 2);
            (number(h, 1..=2)?, number(m, 2..=2)?)
        }
    };
    civil::Time::new(hour, minute, 0, 0).ok()
}

fn bad_clock(text: &str, what: &str) -> EditError {
    EditError::Invalid(format!(
        "{what}: {text:?} is not a time; type it as HH:MM, for example 10:47"
    ))
}

/// The instant of wall-clock time `hm` within conference day `day`: a time
/// before the day change belongs to the night after the day's date (with
/// the change at 04:00, `00:05` of the 26th's day is the 27th at 00:05).
/// A time skipped by a DST change is taken as the instant after the gap.
pub fn resolve_in_day(
    schedule: &Schedule,
    day: civil::Date,
    time: civil::Time,
) -> Result<Timestamp, EditError> {
    let since_midnight = time.duration_since(civil::Time::midnight());
    let date = if since_midnight < schedule.conference.day_change {
        day.tomorrow()
    } else {
        Ok(day)
    };
    date.and_then(|d| {
        schedule
            .venue_tz
            .to_ambiguous_timestamp(d.to_datetime(time))
            .compatible()
    })
    .map_err(|e| {
        EditError::Invalid(format!(
            "{time} on {day} is not a time this kiosk can show: {e}"
        ))
    })
}

/// `hm` (as typed) within the conference day of `session`.
pub fn resolve_for_session(
    schedule: &Schedule,
    session: &Session,
    hm: &str,
    what: &str,
) -> Result<Timestamp, EditError> {
    let time = parse_clock(hm).ok_or_else(|| bad_clock(hm, what))?;
    resolve_in_day(schedule, schedule.conference_day(session.start), time)
}

fn session<'a>(schedule: &'a Schedule, id: &str) -> Result<&'a Session, EditError> {
    schedule.session(id).ok_or_else(|| EditError::NoSession {
        session: id.to_string(),
    })
}

/// Speaker names (as typed) to the schedule's speaker ids, in order.
fn speaker_ids(
    schedule: &Schedule,
    session: &str,
    names: &[String],
) -> Result<Vec<String>, EditError> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|name| {
            schedule
                .speakers
                .iter()
                .find(|s| s.name == name)
                .or_else(|| schedule.speakers.iter().find(|s| s.name.to_lowercase() == name.to_lowercase()))
                .map(|s| s.id.clone())
                .ok_or_else(|| EditError::InvalidSession {
                    session: session.to_string(),
                    message: format!(
                        "there is no speaker named {name:?} in the schedule; name speakers of this event"
                    ),
                })
        })
        .collect()
}

impl EditIntent {
    /// [`EditIntent::resolve`], then checked as the store will check it, so
    /// a refusal keeps its own code (`overlap`, `nothing_to_delay`, …).
    pub fn resolve_checked(self, schedule: &Schedule, now: Timestamp) -> Result<Edit, EditError> {
        let edit = self.resolve(schedule, now)?;
        match &edit {
            // The store names a new session; check it under a free name
            // that reads well in a refusal.
            Edit::AddSession { session } => {
                let mut id = String::from("(new session)");
                while schedule.session(&id).is_some() {
                    id.push('\'');
                }
                crate::edits::check_edit(
                    schedule,
                    &Edit::AddSession {
                        session: Session {
                            id,
                            ..session.clone()
                        },
                    },
                )?
            }
            other => crate::edits::check_edit(schedule, other)?,
        }
        Ok(edit)
    }

    /// The session the intent is about, if any.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            EditIntent::Delay { from_session, .. } => from_session.as_deref(),
            EditIntent::StartedAt { session, .. }
            | EditIntent::Extend { session, .. }
            | EditIntent::EndNow { session }
            | EditIntent::Skip { session }
            | EditIntent::Cancel { session }
            | EditIntent::Move { session, .. }
            | EditIntent::EditSession { session, .. } => Some(session),
            EditIntent::AddSession { .. } => None,
        }
    }

    /// The edit this intent asks for on `schedule` (the one on screen) at
    /// `now`: wall-clock times resolved in the session's conference day,
    /// speaker names to ids. The store checks it again when it records it.
    pub fn resolve(self, schedule: &Schedule, now: Timestamp) -> Result<Edit, EditError> {
        Ok(match self {
            EditIntent::Delay {
                room,
                minutes,
                from_session,
            } => {
                let from = match &from_session {
                    Some(id) => session(schedule, id)?.start,
                    None => now,
                };
                Edit::Delay {
                    room,
                    from,
                    minutes: i64::from(minutes),
                }
            }
            EditIntent::StartedAt { session: id, at } => {
                let s = session(schedule, &id)?;
                let at = resolve_for_session(schedule, s, &at, "started at")?;
                Edit::StartedAt { session: id, at }
            }
            EditIntent::Extend { session, minutes } => Edit::Extend {
                session,
                minutes: i64::from(minutes),
            },
            EditIntent::EndNow { session } => Edit::EndNow { session, at: now },
            EditIntent::Skip { session } => Edit::Skip { session },
            EditIntent::Cancel { session } => Edit::Cancel { session },
            EditIntent::Move { session, room } => Edit::Move { session, room },
            EditIntent::EditSession {
                session: id,
                title,
                speakers,
                start,
                end,
                room,
                access,
            } => {
                let s = session(schedule, &id)?;
                let time = |hm: Option<String>, what: &str| {
                    hm.filter(|t| !t.trim().is_empty())
                        .map(|t| resolve_for_session(schedule, s, &t, what))
                        .transpose()
                };
                let start = time(start, "start")?;
                let end = time(end, "end")?;
                Edit::EditSession {
                    speakers: speakers
                        .map(|names| speaker_ids(schedule, &id, &names))
                        .transpose()?,
                    session: id,
                    title,
                    start: start.filter(|t| *t != s.start),
                    end: end.filter(|t| *t != s.end),
                    room,
                    access: access.filter(|a| *a != Access::of(&s.info)),
                }
            }
            EditIntent::AddSession {
                room,
                title,
                speakers,
                session_kind,
                day,
                start,
                end,
            } => {
                let date: civil::Date = day.trim().parse().map_err(|_| {
                    EditError::Invalid(format!("{day:?} is not a day of this event"))
                })?;
                let clock = |hm: &str, what: &str| {
                    let time = parse_clock(hm).ok_or_else(|| bad_clock(hm, what))?;
                    resolve_in_day(schedule, date, time)
                };
                Edit::AddSession {
                    session: Session {
                        id: String::new(),
                        speakers: speaker_ids(schedule, "new session", &speakers)?,
                        title,
                        subtitle: None,
                        abstract_text: None,
                        room,
                        track: None,
                        kind: session_kind,
                        start: clock(&start, "start")?,
                        end: clock(&end, "end")?,
                        cancelled: false,
                        info: Default::default(),
                    },
                }
            }
        })
    }
}

impl AnnouncementIntent {
    /// The announcement asked for at `now`: its start resolved within the
    /// conference day of `now`, its expiry `minutes` after the start.
    pub fn resolve(
        self,
        schedule: Option<&Schedule>,
        now: Timestamp,
    ) -> Result<Announcement, EditError> {
        let start = self
            .start
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("now"));
        let starts = match (start, schedule) {
            (None, _) => now,
            (Some(hm), Some(s)) => {
                let time = parse_clock(hm).ok_or_else(|| bad_clock(hm, "the start"))?;
                resolve_in_day(s, s.conference_day(now), time)?
            }
            (Some(_), None) => {
                return Err(EditError::Invalid(
                    "no schedule yet, so the venue's time zone is unknown: post it for now".into(),
                ))
            }
        };
        Ok(Announcement {
            id: String::new(),
            text: self.text,
            rooms: self.rooms,
            priority: self.priority.unwrap_or_default(),
            starts,
            expires: self
                .minutes
                .map(|m| starts + SignedDuration::from_mins(i64::from(m))),
        })
    }
}
