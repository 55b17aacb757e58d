//! What an edit would do, said before it is made: which sessions move, and
//! which break absorbs the shift (or that it runs to the day's end).

use jiff::Timestamp;

use super::intent::EditIntent;
use super::view::{Preview, ShiftRow};
use crate::edits::{self, DelayPlan, Edit, EditError, Shift};
use crate::i18n::{Catalogue, Language};
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

/// What `intent` would do to `schedule` (the one on screen) at `now`, in
/// English: see [`preview_in`].
pub fn preview(
    schedule: &Schedule,
    intent: EditIntent,
    now: Timestamp,
) -> Result<Preview, EditError> {
    preview_in(Language::En.catalogue(), schedule, intent, now)
}

/// What `intent` would do to `schedule` (the one on screen) at `now`: the
/// same resolution and checks as applying it, nothing stored, said in
/// `cat`'s language.
pub fn preview_in(
    cat: &Catalogue,
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
    let title_of = |id: &str| {
        schedule
            .session(id)
            .map_or_else(|| id.to_string(), |s| cat.quoted(&s.title))
    };
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
                Some(id) => cat.fill(
                    "panel.preview.from_session",
                    &[("session", &title_of(id)), ("time", &hm(*from))],
                ),
                None => cat.fill("panel.preview.from_now", &[("time", &hm(*from))]),
            };
            (
                cat.fill(
                    "panel.preview.delay",
                    &[("room", &room), ("minutes", &cat.count_minutes(*minutes))],
                ),
                from,
                false,
            )
        }
        Edit::StartedAt { session, at } => {
            let s = edits::find(schedule, session)?;
            let late = at.duration_since(s.start).as_mins();
            let title = cat.fill(
                "panel.preview.started",
                &[("session", &title_of(session)), ("time", &hm(*at))],
            );
            match late {
                0 => (title, cat.text("panel.preview.on_time").to_string(), true),
                m if m > 0 => (
                    cat.fill(
                        "panel.preview.late_title",
                        &[("title", &title), ("m", &m.to_string())],
                    ),
                    cat.fill("panel.preview.late", &[("minutes", &cat.count_minutes(m))]),
                    false,
                ),
                m => (
                    cat.fill(
                        "panel.preview.early_title",
                        &[("title", &title), ("m", &(-m).to_string())],
                    ),
                    cat.fill(
                        "panel.preview.early",
                        &[
                            ("start", &hm(*at)),
                            ("end", &hm(s.end + at.duration_since(s.start))),
                        ],
                    ),
                    false,
                ),
            }
        }
        Edit::Extend { session, minutes } => {
            let s = edits::find(schedule, session)?;
            let end = s.end + jiff::SignedDuration::from_mins(*minutes);
            (
                cat.fill(
                    "panel.preview.extend",
                    &[
                        ("session", &title_of(session)),
                        ("minutes", &cat.count_minutes(*minutes)),
                    ],
                ),
                cat.fill(
                    "panel.preview.extend_end",
                    &[("end", &hm(end)), ("old", &hm(s.end))],
                ),
                false,
            )
        }
        other => (other.describe_in(cat, schedule), String::new(), false),
    };
    Ok(from_plan(
        cat,
        schedule,
        title,
        summary,
        nothing,
        plan.as_ref(),
    ))
}

fn from_plan(
    cat: &Catalogue,
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
    let plan_sentence = cat.fill(
        "panel.preview.sentence",
        &[("text", &plan.summary_in(cat, schedule))],
    );
    let summary = [summary, plan_sentence]
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
