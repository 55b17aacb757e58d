//! Edits and delay plans said in words, for the audit log and the control
//! panel, in the panel's language (`panel_language`) and venue time. The
//! words are the catalogue's (`panel.audit.*`, `panel.plan.*`); titles,
//! names and rooms stay as the schedule writes them.

use jiff::Timestamp;

use super::{plan_delay, DelayPlan, Edit};
use crate::i18n::Catalogue;
use crate::model::Schedule;

impl Catalogue {
    /// `1 minute`, `10 minutes` (`1 Minute`, `10 Minuten`).
    pub fn count_minutes(&self, n: i64) -> String {
        if n == 1 {
            self.text("panel.n.minute").to_string()
        } else {
            self.fill("panel.n.minutes", &[("n", &n.to_string())])
        }
    }

    /// A session's title in this language's quotation marks: `“Keynote”`.
    pub fn quoted(&self, title: &str) -> String {
        self.fill("panel.quoted", &[("title", title)])
    }

    /// A session by id as the organizer knows it: `“Keynote” (09:00)`.
    pub fn session_at(&self, schedule: &Schedule, id: &str) -> String {
        match schedule.session(id) {
            Some(s) => self.fill(
                "panel.audit.session",
                &[
                    ("title", &self.quoted(&s.title)),
                    ("time", &schedule.local_hm(s.start)),
                ],
            ),
            None => self.fill("panel.audit.session_id", &[("id", id)]),
        }
    }
}

impl Edit {
    /// A sentence for the audit log and the control panel, in English (the
    /// reference catalogue): see [`Edit::describe_in`].
    pub fn describe(&self, schedule: &Schedule) -> String {
        self.describe_in(crate::i18n::Language::En.catalogue(), schedule)
    }

    /// A sentence in `cat`'s language and venue time, e.g. `Delayed Main
    /// hall by 10 minutes from 10:05 (3 sessions move …; “Coffee break”
    /// absorbs it …)`. `schedule` is the one the edit applies to.
    pub fn describe_in(&self, cat: &Catalogue, schedule: &Schedule) -> String {
        let hm = |t: Timestamp| schedule.local_hm(t);
        let session = |id: &str| cat.session_at(schedule, id);
        let room_name = |id: &str| match schedule.room_by_name(id) {
            Some(r) => r.name.clone(),
            None => id.to_string(),
        };
        match self {
            Edit::Delay {
                room,
                from,
                minutes,
            } => {
                let text = cat.fill(
                    "panel.audit.delayed",
                    &[
                        ("room", &room_name(room)),
                        ("minutes", &cat.count_minutes(*minutes)),
                        ("time", &hm(*from)),
                    ],
                );
                match plan_delay(schedule, room, *from, *minutes) {
                    Ok(plan) => cat.fill(
                        "panel.audit.with_plan",
                        &[("what", &text), ("plan", &plan.summary_in(cat, schedule))],
                    ),
                    Err(_) => text,
                }
            }
            Edit::StartedAt { session: id, at } => {
                let late = schedule
                    .session(id)
                    .map(|s| at.duration_since(s.start).as_mins());
                let (key, minutes) = match late {
                    Some(m) if m > 0 => ("panel.audit.started_late", m),
                    Some(m) if m < 0 => ("panel.audit.started_early", -m),
                    _ => ("panel.audit.started", 0),
                };
                cat.fill(
                    key,
                    &[
                        ("session", &session(id)),
                        ("time", &hm(*at)),
                        ("minutes", &cat.count_minutes(minutes)),
                    ],
                )
            }
            Edit::Extend {
                session: id,
                minutes,
            } => cat.fill(
                "panel.audit.extended",
                &[
                    ("session", &session(id)),
                    ("minutes", &cat.count_minutes(*minutes)),
                ],
            ),
            Edit::EndNow { session: id, at } => cat.fill(
                "panel.audit.ended",
                &[("session", &session(id)), ("time", &hm(*at))],
            ),
            Edit::Skip { session: id } => {
                cat.fill("panel.audit.skipped", &[("session", &session(id))])
            }
            Edit::Cancel { session: id } => {
                cat.fill("panel.audit.cancelled", &[("session", &session(id))])
            }
            Edit::Move { session: id, room } => cat.fill(
                "panel.audit.moved",
                &[("session", &session(id)), ("room", &room_name(room))],
            ),
            Edit::EditSession {
                session: id,
                title,
                speakers,
                start,
                end,
                room,
                access,
            } => {
                let mut what = Vec::new();
                if let Some(t) = title {
                    what.push(cat.fill("panel.audit.part_title", &[("title", &cat.quoted(t))]));
                }
                if speakers.is_some() {
                    what.push(cat.text("panel.audit.part_speakers").to_string());
                }
                if let Some(s) = start {
                    what.push(cat.fill("panel.audit.part_start", &[("time", &hm(*s))]));
                }
                if let Some(e) = end {
                    what.push(cat.fill("panel.audit.part_end", &[("time", &hm(*e))]));
                }
                if let Some(r) = room {
                    what.push(cat.fill("panel.audit.part_room", &[("room", &room_name(r))]));
                }
                if let Some(a) = access {
                    what.push(badges_part(cat, a));
                }
                cat.fill(
                    "panel.audit.changed",
                    &[("session", &session(id)), ("what", &what.join(", "))],
                )
            }
            Edit::AddSession { session: s } => cat.fill(
                "panel.audit.added",
                &[
                    ("title", &cat.quoted(&s.title)),
                    ("room", &room_name(&s.room)),
                    ("start", &hm(s.start)),
                    ("end", &hm(s.end)),
                ],
            ),
        }
    }
}

/// `badges English, Recorded` or `no badges`: the badges as the screens show them.
fn badges_part(cat: &Catalogue, a: &super::Access) -> String {
    let info = crate::model::SessionInfo {
        languages: a
            .languages
            .iter()
            .map(|l| crate::draft::language_tag(l).unwrap_or_else(|| l.clone()))
            .collect(),
        recording: a.recording,
        captions: a.captions,
        sign_language: a.sign_language.clone(),
        ..Default::default()
    };
    let badges: Vec<String> = crate::glance::badges(&info)
        .into_iter()
        .map(|b| b.text)
        .collect();
    if badges.is_empty() {
        cat.text("panel.audit.part_no_badges").to_string()
    } else {
        cat.fill("panel.audit.part_badges", &[("badges", &badges.join(", "))])
    }
}

impl DelayPlan {
    /// A sentence for the organizer in English: see [`DelayPlan::summary_in`].
    pub fn summary(&self, schedule: &Schedule) -> String {
        self.summary_in(crate::i18n::Language::En.catalogue(), schedule)
    }

    /// A sentence for the organizer, in `cat`'s language and venue time:
    /// `3 sessions move 10 minutes later, the last “Q&A” now 11:25–11:40;
    /// “Coffee break” absorbs it (now 11:40–11:45)`.
    pub fn summary_in(&self, cat: &Catalogue, schedule: &Schedule) -> String {
        let hm = |t: Timestamp| schedule.local_hm(t);
        let minutes = cat.count_minutes(self.minutes);
        let mut text = match self.shifted.len() {
            1 => cat.fill("panel.plan.moves_one", &[("minutes", &minutes)]),
            n => cat.fill(
                "panel.plan.moves",
                &[("n", &n.to_string()), ("minutes", &minutes)],
            ),
        };
        if let Some(last) = self.shifted.last() {
            text.push_str(&cat.fill(
                "panel.plan.last",
                &[
                    ("title", &cat.quoted(&last.title)),
                    ("start", &hm(last.new_start)),
                    ("end", &hm(last.new_end)),
                ],
            ));
        }
        text.push_str(&match &self.absorbed_by {
            Some(a) => cat.fill(
                "panel.plan.absorbs",
                &[
                    ("title", &cat.quoted(&a.title)),
                    ("start", &hm(a.new_start)),
                    ("end", &hm(a.new_end)),
                ],
            ),
            None => cat.text("panel.plan.day_end").to_string(),
        });
        text
    }
}
