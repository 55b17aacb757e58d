//! Delays: which sessions a delay moves, and where it stops (the rule is in
//! the [module docs](super)).

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{absorbs, minutes_in_range, room_id, EditError};
use crate::model::{Schedule, Session};

/// The least that must remain of a break or working session for it to
/// absorb a delay; a shorter remainder moves it whole.
pub const MIN_ABSORB_MINUTES: i64 = 5;

/// The longest delay or extension accepted in one edit (12 hours).
pub const MAX_DELAY_MINUTES: i64 = 12 * 60;

/// One session a delay moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shift {
    pub session: String,
    pub title: String,
    pub old_start: Timestamp,
    pub new_start: Timestamp,
    pub old_end: Timestamp,
    pub new_end: Timestamp,
}

/// What a delay would do, for the organizer to confirm before it is made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelayPlan {
    /// The room's id.
    pub room: String,
    /// The delay in whole minutes (rounded down; a [`super::Edit::StartedAt`]
    /// may delay by seconds).
    pub minutes: i64,
    /// The sessions moved whole, in schedule order.
    pub shifted: Vec<Shift>,
    /// The break or working session that absorbs the delay: its start moves
    /// later, its end stays (`new_end == old_end`). Sessions after it do not move.
    pub absorbed_by: Option<Shift>,
    /// Nothing absorbs the delay: every later session that day moves.
    pub runs_to_day_end: bool,
    /// When the conference day of the first moved session ends.
    pub day_end: Timestamp,
}

/// What delaying `room` (an id or name) by `minutes` from `from` would move:
/// the session in progress at `from` (not a cancelled one), or else the next
/// to start that conference day, and the later ones up to the absorbing break.
pub fn plan_delay(
    schedule: &Schedule,
    room: &str,
    from: Timestamp,
    minutes: i64,
) -> Result<DelayPlan, EditError> {
    let by = minutes_in_range(minutes, "a delay")?;
    let room_id = room_id(schedule, room)?;
    let pivot = pivot(schedule, &room_id, from).ok_or_else(|| EditError::NothingToDelay {
        room: schedule
            .room(&room_id)
            .map(|r| r.name.clone())
            .unwrap_or(room_id.clone()),
        from: schedule.local_hm(from),
    })?;
    Ok(plan_from(schedule, pivot, by))
}

/// The session a delay from `from` starts with.
fn pivot<'a>(schedule: &'a Schedule, room_id: &str, from: Timestamp) -> Option<&'a Session> {
    let mut current: Option<&Session> = None;
    for s in schedule
        .sessions
        .iter()
        .filter(|s| s.room == room_id && !s.cancelled && s.contains(from))
    {
        if current.is_none_or(|c| s.start > c.start) {
            current = Some(s);
        }
    }
    current.or_else(|| {
        let day_end = schedule.day_end(from);
        schedule
            .sessions
            .iter()
            .find(|s| s.room == room_id && s.start >= from && s.start < day_end)
    })
}

fn shift(s: &Session, by: SignedDuration) -> Shift {
    Shift {
        session: s.id.clone(),
        title: s.title.clone(),
        old_start: s.start,
        new_start: s.start + by,
        old_end: s.end,
        new_end: s.end + by,
    }
}

/// `pivot` and the later sessions of its room move by `by`.
pub(super) fn plan_from(schedule: &Schedule, pivot: &Session, by: SignedDuration) -> DelayPlan {
    let mut plan = plan_after(schedule, pivot, by);
    plan.shifted.insert(0, shift(pivot, by));
    plan
}

/// The sessions after `anchor` in its room (not `anchor` itself) move by
/// `by`, up to the absorbing break or the end of `anchor`'s day.
pub(super) fn plan_after(schedule: &Schedule, anchor: &Session, by: SignedDuration) -> DelayPlan {
    let day_end = schedule.day_end(anchor.start);
    let position = schedule
        .sessions
        .iter()
        .position(|s| s.id == anchor.id)
        .unwrap_or(schedule.sessions.len());
    let min = SignedDuration::from_mins(MIN_ABSORB_MINUTES);
    let mut plan = DelayPlan {
        room: anchor.room.clone(),
        minutes: by.as_mins(),
        shifted: Vec::new(),
        absorbed_by: None,
        runs_to_day_end: true,
        day_end,
    };
    let later = schedule.sessions[position.saturating_add(1).min(schedule.sessions.len())..]
        .iter()
        .filter(|s| s.room == anchor.room && s.start < day_end);
    for s in later {
        if absorbs(s.kind) && !s.cancelled && s.end.duration_since(s.start + by) >= min {
            plan.absorbed_by = Some(Shift {
                new_end: s.end,
                ..shift(s, by)
            });
            plan.runs_to_day_end = false;
            break;
        }
        plan.shifted.push(shift(s, by));
    }
    plan
}

impl DelayPlan {
    /// The new versions of the sessions the plan moves.
    pub fn sessions(&self, schedule: &Schedule) -> Vec<Session> {
        self.shifted
            .iter()
            .chain(self.absorbed_by.iter())
            .filter_map(|m| {
                schedule.session(&m.session).map(|s| Session {
                    start: m.new_start,
                    end: m.new_end,
                    ..s.clone()
                })
            })
            .collect()
    }
}

/// What `edit` would move besides its own session, for the organizer to
/// confirm: the plan of a delay, of a late start or of an extension; `None`
/// for an edit that moves nothing else (an early start, a skip, …).
pub fn plan_edit(schedule: &Schedule, edit: &super::Edit) -> Result<Option<DelayPlan>, EditError> {
    use super::Edit;
    let find = |id: &str| super::find(schedule, id);
    Ok(match edit {
        Edit::Delay {
            room,
            from,
            minutes,
        } => Some(plan_delay(schedule, room, *from, *minutes)?),
        Edit::StartedAt { session, at } => {
            let s = find(session)?;
            let by = at.duration_since(s.start);
            by.is_positive().then(|| plan_from(schedule, s, by))
        }
        Edit::Extend { session, minutes } => {
            let s = find(session)?;
            Some(plan_after(
                schedule,
                s,
                minutes_in_range(*minutes, "an extension")?,
            ))
        }
        _ => None,
    })
}
