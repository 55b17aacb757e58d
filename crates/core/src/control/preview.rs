//! What an edit would do, said before it is made: which sessions move, and
//! which break absorbs the shift (or that it runs to the day's end).

use jiff::Timestamp;

use super::intent::EditIntent;
use super::view::{Preview, ShiftRow};
use crate::edits::{self, plural, DelayPlan, Edit, EditError, Shift};
use crate::model::Schedule;

fn row(schedule: &Schedule, m: &Shift) -> ShiftRow {
    ShiftRow {
        session_id: m.session.clone(),
        title: m.title.clone(),
        old_start_local: schedule.local_hm(m.old_start),
        new_start_local: schedule.local_hm(m.new_start),
        old_end_local: schedule.local_hm(m.old_end),
        new_end_local: schedule.local_hm(m.new_end),
    }
}

fn title_of(schedule: &Schedule, id: &str) -> String {
    schedule
        .session(id)
        .map_or_else(|| id.to_string(), |s| format!("“{}”", s.title))
}

/// What `intent` would do to `schedule` (the one on screen) at `now`: the
/// same resolution and checks as applying it, nothing stored.
pub fn preview(
    schedule: &Schedule,
    intent: EditIntent,
    now: Timestamp,
) -> Result<Preview, EditError> {
    let from_session = match &intent {
        EditIntent::Delay { from_session, .. } => from_session.clone(),
        _ => None,
    };
    let edit = intent.resolve_checked(schedule, now)?;
    let plan = edits::plan_edit(schedule, &edit)?;
    let hm = |t: Timestamp| schedule.local_hm(t);
    let (title, summary, nothing) = match &edit {
        Edit::Delay {
            room,
            from,
            minutes,
        } => {
            let room = schedule
                .room_by_name(room)
                .map_or_else(|| room.clone(), |r| r.name.clone());
            let from = match &from_session {
                Some(id) => format!("From {} ({}).", title_of(schedule, id), hm(*from)),
                None => format!("From now ({}).", hm(*from)),
            };
            (
                format!("Delay {room} by {}", plural(*minutes, "minute")),
                from,
                false,
            )
        }
        Edit::StartedAt { session, at } => {
            let s = edits::find(schedule, session)?;
            let late = at.duration_since(s.start).as_mins();
            let title = format!("{} started at {}", title_of(schedule, session), hm(*at));
            match late {
                0 => (title, "On time: nothing changes.".to_string(), true),
                m if m > 0 => (
                    format!("{title} (+{m} min)"),
                    format!(
                        "{} late: it and the later sessions shift.",
                        plural(m, "minute")
                    ),
                    false,
                ),
                m => (
                    format!("{title} ({} min early)", -m),
                    format!(
                        "Only this session moves: now {}–{}.",
                        hm(*at),
                        hm(s.end + at.duration_since(s.start))
                    ),
                    false,
                ),
            }
        }
        Edit::Extend { session, minutes } => {
            let s = edits::find(schedule, session)?;
            let end = s.end + jiff::SignedDuration::from_mins(*minutes);
            (
                format!(
                    "Extend {} by {}",
                    title_of(schedule, session),
                    plural(*minutes, "minute")
                ),
                format!("It ends {} instead of {}.", hm(end), hm(s.end)),
                false,
            )
        }
        other => (other.describe(schedule), String::new(), false),
    };
    Ok(from_plan(schedule, title, summary, nothing, plan.as_ref()))
}

fn from_plan(
    schedule: &Schedule,
    title: String,
    summary: String,
    nothing: bool,
    plan: Option<&DelayPlan>,
) -> Preview {
    let Some(plan) = plan else {
        return Preview {
            title,
            summary,
            shifted: Vec::new(),
            absorbed_by: None,
            runs_to_day_end: false,
            nothing,
        };
    };
    let summary = [summary, format!("{}.", plan.summary(schedule))]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Preview {
        title,
        summary,
        shifted: plan.shifted.iter().map(|m| row(schedule, m)).collect(),
        absorbed_by: plan.absorbed_by.as_ref().map(|m| row(schedule, m)),
        runs_to_day_end: plan.runs_to_day_end,
        nothing,
    }
}
