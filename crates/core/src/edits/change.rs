//! What an edit does to the sessions ([`Change`]), and the checks a changed
//! session must pass before it is taken: valid times, limits, known
//! references, no overlap in its room.

use jiff::SignedDuration;

use super::{plan_delay, Edit, EditError, Overlap, MAX_DELAY_MINUTES};
use crate::limits;
use crate::model::{Schedule, Session};

/// What an edit does to the sessions, before it is checked.
#[derive(Debug, Default)]
pub(super) struct Change {
    /// New versions of existing sessions (by id).
    set: Vec<Session>,
    remove: Option<String>,
    add: Option<Session>,
}

pub(crate) fn find<'a>(schedule: &'a Schedule, id: &str) -> Result<&'a Session, EditError> {
    schedule.session(id).ok_or_else(|| EditError::NoSession {
        session: id.to_string(),
    })
}

/// The room id for an id or name given by the control panel.
pub(super) fn room_id(schedule: &Schedule, room: &str) -> Result<String, EditError> {
    schedule
        .room_by_name(room)
        .map(|r| r.id.clone())
        .ok_or_else(|| EditError::NoRoom {
            room: room.to_string(),
            known: schedule.room_names(),
        })
}

pub(super) fn minutes_in_range(minutes: i64, what: &str) -> Result<SignedDuration, EditError> {
    if !(1..=MAX_DELAY_MINUTES).contains(&minutes) {
        return Err(EditError::Invalid(format!(
            "{what} must be between 1 and {MAX_DELAY_MINUTES} minutes, not {minutes}; \
             to take one back, undo it"
        )));
    }
    Ok(SignedDuration::from_mins(minutes))
}

pub(super) fn change_for(schedule: &Schedule, edit: &Edit) -> Result<Change, EditError> {
    let mut change = Change::default();
    match edit {
        Edit::Delay {
            room,
            from,
            minutes,
        } => {
            let plan = plan_delay(schedule, room, *from, *minutes)?;
            change.set = plan.sessions(schedule);
        }
        Edit::StartedAt { session, at } => {
            let s = find(schedule, session)?;
            let by = at.duration_since(s.start);
            if by.is_positive() {
                if by > SignedDuration::from_mins(MAX_DELAY_MINUTES) {
                    return Err(EditError::InvalidSession {
                        session: session.clone(),
                        message: format!(
                            "a start at {} is more than {MAX_DELAY_MINUTES} minutes late",
                            schedule.local_hm(*at)
                        ),
                    });
                }
                change.set = super::delay::plan_from(schedule, s, by).sessions(schedule);
            } else if by.is_negative() {
                change.set = vec![Session {
                    start: *at,
                    end: s.end + by,
                    ..s.clone()
                }];
            }
        }
        Edit::Extend { session, minutes } => {
            let s = find(schedule, session)?;
            let by = minutes_in_range(*minutes, "an extension")?;
            let plan = super::delay::plan_after(schedule, s, by);
            let mut set = vec![Session {
                end: s.end + by,
                ..s.clone()
            }];
            set.extend(plan.sessions(schedule));
            change.set = set;
        }
        Edit::EndNow { session, at } => {
            let s = find(schedule, session)?;
            change.set = vec![Session {
                end: *at,
                ..s.clone()
            }];
        }
        Edit::Skip { session } => {
            find(schedule, session)?;
            change.remove = Some(session.clone());
        }
        Edit::Cancel { session } => {
            let s = find(schedule, session)?;
            change.set = vec![Session {
                cancelled: true,
                ..s.clone()
            }];
        }
        Edit::Move { session, room } => {
            let s = find(schedule, session)?;
            change.set = vec![Session {
                room: room_id(schedule, room)?,
                ..s.clone()
            }];
        }
        Edit::EditSession {
            session,
            title,
            speakers,
            start,
            end,
            room,
            access,
        } => {
            let s = find(schedule, session)?;
            let mut new = s.clone();
            if let Some(a) = access {
                new.info = a.applied(session, &s.info)?;
            }
            if let Some(t) = title {
                new.title = t.trim().to_string();
            }
            if let Some(sp) = speakers {
                new.speakers = sp.clone();
            }
            if let Some(t) = start {
                new.start = *t;
            }
            if let Some(t) = end {
                new.end = *t;
            }
            if let Some(r) = room {
                new.room = room_id(schedule, r)?;
            }
            change.set = vec![new];
        }
        Edit::AddSession { session } => {
            if session.id.trim().is_empty() {
                return Err(EditError::Invalid("a new session needs an id".into()));
            }
            if schedule.session(&session.id).is_some() {
                return Err(EditError::DuplicateId {
                    session: session.id.clone(),
                });
            }
            let mut new = session.clone();
            new.room = room_id(schedule, &session.room)?;
            new.title = new.title.trim().to_string();
            change.add = Some(new);
        }
    }
    Ok(change)
}

pub(super) fn span(schedule: &Schedule, s: &Session) -> String {
    format!(
        "{}–{}",
        schedule.local_hm(s.start),
        schedule.local_hm(s.end)
    )
}

pub(super) fn overlaps(a: &Session, b: &Session) -> bool {
    a.room == b.room && !a.cancelled && !b.cancelled && a.start < b.end && b.start < a.end
}

impl Change {
    /// Refuse invalid sessions and overlaps the change would create (ones
    /// already in the source are allowed, as on import).
    pub(super) fn check(&self, schedule: &Schedule) -> Result<(), EditError> {
        let touched: Vec<&Session> = self.set.iter().chain(self.add.iter()).collect();
        for s in &touched {
            check_session(schedule, s)?;
        }
        let replaced = |id: &str| -> Option<&Session> { self.set.iter().find(|s| s.id == id) };
        // The rooms' sessions after the change.
        let rooms: std::collections::HashSet<&str> =
            touched.iter().map(|s| s.room.as_str()).collect();
        let after: Vec<&Session> = schedule
            .sessions
            .iter()
            .filter(|s| self.remove.as_deref() != Some(s.id.as_str()))
            .map(|s| replaced(&s.id).unwrap_or(s))
            .chain(self.add.iter())
            .filter(|s| rooms.contains(s.room.as_str()))
            .collect();
        for t in &touched {
            for o in &after {
                if o.id == t.id || !overlaps(t, o) {
                    continue;
                }
                let before = match (schedule.session(&t.id), schedule.session(&o.id)) {
                    (Some(a), Some(b)) => overlaps(a, b),
                    _ => false,
                };
                if !before {
                    let room = schedule
                        .room(&t.room)
                        .map(|r| r.name.clone())
                        .unwrap_or_else(|| t.room.clone());
                    return Err(EditError::Overlap(Box::new(Overlap {
                        session: t.id.clone(),
                        title: t.title.clone(),
                        span: span(schedule, t),
                        other: o.id.clone(),
                        other_title: o.title.clone(),
                        other_span: span(schedule, o),
                        room,
                    })));
                }
            }
        }
        Ok(())
    }

    pub(super) fn commit(self, schedule: &mut Schedule) {
        if let Some(id) = &self.remove {
            schedule.sessions.retain(|s| &s.id != id);
        }
        for new in self.set {
            if let Some(s) = schedule.sessions.iter_mut().find(|s| s.id == new.id) {
                *s = new;
            }
        }
        if let Some(new) = self.add {
            schedule.sessions.push(new);
        }
        schedule.sort_sessions();
    }
}

/// A session as an edit leaves it: valid times, a title, known references.
pub(super) fn check_session(schedule: &Schedule, s: &Session) -> Result<(), EditError> {
    let bad = |message: String| EditError::InvalidSession {
        session: s.id.clone(),
        message,
    };
    if s.end <= s.start {
        return Err(bad(format!(
            "it would end ({}) before it starts ({}): a session must end after it starts",
            schedule.local_hm(s.end),
            schedule.local_hm(s.start)
        )));
    }
    if s.end.duration_since(s.start) > SignedDuration::from_hours(24) {
        return Err(bad("it would last more than 24 hours".into()));
    }
    if s.title.is_empty() {
        return Err(bad("a session needs a title".into()));
    }
    let chars = s.title.chars().count();
    if chars > limits::MAX_TITLE_CHARS {
        return Err(bad(format!(
            "the title is {chars} characters long; at most {} are allowed",
            limits::MAX_TITLE_CHARS
        )));
    }
    if s.id.chars().count() > limits::MAX_ID_CHARS {
        return Err(bad(format!(
            "the id is longer than {} characters",
            limits::MAX_ID_CHARS
        )));
    }
    if schedule.room(&s.room).is_none() {
        return Err(EditError::NoRoom {
            room: s.room.clone(),
            known: schedule.room_names(),
        });
    }
    if let Some(t) = &s.track {
        if schedule.track(t).is_none() {
            return Err(bad(format!("there is no track {t:?}")));
        }
    }
    if s.speakers.len() > limits::MAX_SPEAKERS_PER_SESSION {
        return Err(bad(format!(
            "{} speakers; at most {} are allowed",
            s.speakers.len(),
            limits::MAX_SPEAKERS_PER_SESSION
        )));
    }
    for sp in &s.speakers {
        if schedule.speaker(sp).is_none() {
            return Err(bad(format!("there is no speaker {sp:?}")));
        }
    }
    Ok(())
}
