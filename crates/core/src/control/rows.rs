//! The parts of the panel's view, each built from the records and said in
//! the venue's time (see [`super::build`]).

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};

use super::build::{Records, SourceInput};
use super::view::*;
use crate::edits::Announcement;
use crate::model::{self, Schedule, Session};
use crate::photos::rendition_name;
use crate::snapshot::{current_session, room_snapshot};
use crate::store::Photo;

/// Times said in the venue's zone, relative to the conference day of now.
pub(super) struct Venue {
    pub(super) tz: TimeZone,
    pub(super) day_change: SignedDuration,
    pub(super) today: civil::Date,
    pub(super) now: Timestamp,
}

impl Venue {
    pub(super) fn new(schedule: Option<&Schedule>, now: Timestamp) -> Venue {
        let (tz, day_change) = match schedule {
            Some(s) => (s.venue_tz.clone(), s.conference.day_change),
            None => (TimeZone::UTC, model::DEFAULT_DAY_CHANGE),
        };
        let today = model::conference_day(&tz, day_change, now);
        Venue {
            tz,
            day_change,
            today,
            now,
        }
    }

    pub(super) fn day_of(&self, t: Timestamp) -> civil::Date {
        model::conference_day(&self.tz, self.day_change, t)
    }

    pub(super) fn format(&self, t: Timestamp, pattern: &str) -> String {
        t.to_zoned_datetime(self.tz.clone())
            .strftime(pattern)
            .to_string()
    }

    /// `10:20`, or `Thu 27 Feb 10:20` on another conference day.
    pub(super) fn stamp(&self, t: Timestamp, pattern: &str) -> String {
        if self.day_of(t) == self.today {
            self.format(t, pattern)
        } else {
            format!(
                "{} {}",
                self.format(t, "%a %-d %b"),
                self.format(t, pattern)
            )
        }
    }

    /// `from 10:20 until 11:20`, `from 10:20, until removed`.
    pub(super) fn span(&self, starts: Timestamp, expires: Option<Timestamp>) -> String {
        match expires {
            Some(e) => format!(
                "from {} until {}",
                self.stamp(starts, "%H:%M"),
                self.stamp(e, "%H:%M")
            ),
            None => format!("from {}, until removed", self.stamp(starts, "%H:%M")),
        }
    }

    fn ago(&self, t: Timestamp) -> String {
        let min = (self.now.duration_since(t).as_secs_f64() / 60.0).round() as i64;
        match min {
            m if m < 1 => "just now".into(),
            m if m < 120 => format!("{m} min ago"),
            m => format!("{} h ago", (m as f64 / 60.0).round() as i64),
        }
    }
}

fn day_label(date: civil::Date) -> String {
    date.strftime("%a %-d %b").to_string()
}

pub(super) fn minutes_between(a: Timestamp, b: Timestamp) -> i32 {
    i32::try_from(b.duration_since(a).as_mins()).unwrap_or(0)
}

/// The conference days with sessions (skipped ones count), and the day to
/// list: the one asked for, else today, else the next, else the last.
pub(super) fn day_tabs(
    schedule: Option<&Schedule>,
    skipped: &[&Session],
    venue: &Venue,
    asked: Option<&str>,
) -> (Vec<DayTab>, Option<civil::Date>) {
    let mut dates: Vec<civil::Date> = schedule
        .into_iter()
        .flat_map(|s| s.sessions.iter())
        .chain(skipped.iter().copied())
        .map(|s| venue.day_of(s.start))
        .collect();
    dates.sort();
    dates.dedup();
    let asked = asked.and_then(|a| a.parse::<civil::Date>().ok());
    let day = asked
        .filter(|d| dates.contains(d))
        .or_else(|| dates.iter().copied().find(|d| *d >= venue.today))
        .or_else(|| dates.last().copied());
    let tabs = dates
        .iter()
        .map(|d| DayTab {
            key: d.to_string(),
            label: day_label(*d),
            today: *d == venue.today,
        })
        .collect();
    (tabs, day)
}

fn brief(schedule: &Schedule, s: &Session) -> SessionBrief {
    SessionBrief {
        id: s.id.clone(),
        title: s.title.clone(),
        start_local: schedule.local_hm(s.start),
        end_local: schedule.local_hm(s.end),
    }
}

pub(super) fn room_cards(
    schedule: &Schedule,
    now: Timestamp,
    delay_of: &dyn Fn(&Session) -> i32,
    statuses: &[crate::edits::RoomStatus],
) -> Vec<RoomCard> {
    schedule
        .rooms
        .iter()
        .map(|room| {
            let snap = room_snapshot(schedule, &room.id, now);
            let current = snap
                .current
                .as_ref()
                .and_then(|c| schedule.session(&c.session.id));
            let next = snap.next.as_ref().and_then(|n| schedule.session(&n.id));
            RoomCard {
                id: room.id.clone(),
                name: room.name.clone(),
                state: snap.state,
                late_minutes: current.or(next).map_or(0, delay_of),
                current: current.map(|s| brief(schedule, s)),
                next: next.map(|s| brief(schedule, s)),
                status: super::glance::status_view(schedule, statuses, &room.id, now),
            }
        })
        .collect()
}

fn phase(schedule: &Schedule, s: &Session, now: Timestamp, skipped: bool) -> Phase {
    if skipped {
        Phase::Skipped
    } else if s.cancelled {
        Phase::Cancelled
    } else if s.end <= now {
        Phase::Past
    } else if current_session(schedule, &s.room, now).is_some_and(|c| c.id == s.id) {
        Phase::Now
    } else if s.contains(now) {
        Phase::Overlapped
    } else {
        Phase::Upcoming
    }
}

pub(super) fn session_rows(
    schedule: &Schedule,
    skipped: &[&Session],
    day: civil::Date,
    venue: &Venue,
    delay_of: &dyn Fn(&Session) -> i32,
    records: &Records,
) -> Vec<SessionRow> {
    let mut rows: Vec<(&Session, bool)> = schedule
        .sessions
        .iter()
        .map(|s| (s, false))
        .chain(skipped.iter().map(|s| (*s, true)))
        .filter(|(s, _)| venue.day_of(s.start) == day)
        .collect();
    rows.sort_by(|(a, _), (b, _)| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
    // A skipped session's names come from the import it is still in.
    let names_from = |skip: bool| match (skip, records.imported.as_ref()) {
        (true, Some(imported)) => imported,
        _ => schedule,
    };
    rows.into_iter()
        .map(|(s, skip)| SessionRow {
            id: s.id.clone(),
            room_id: s.room.clone(),
            title: s.title.clone(),
            speakers: s
                .speakers
                .iter()
                .filter_map(|id| names_from(skip).speaker(id))
                .map(|sp| SpeakerName {
                    name: sp.name.clone(),
                    affiliation: sp.affiliation.clone(),
                })
                .collect(),
            kind: s.kind,
            start_local: schedule.local_hm(s.start),
            end_local: schedule.local_hm(s.end),
            phase: phase(schedule, s, venue.now, skip),
            delay_minutes: if skip { 0 } else { delay_of(s) },
            local: records
                .imported
                .as_ref()
                .is_some_and(|i| i.session(&s.id).is_none()),
            cancelled: s.cancelled,
            skipped: skip,
            access: crate::edits::Access::of(&s.info),
        })
        .collect()
}

pub(super) fn announcement_rows(
    schedule: Option<&Schedule>,
    announcements: &[Announcement],
    venue: &Venue,
) -> Vec<AnnouncementRow> {
    let mut rows: Vec<(&Announcement, AnnouncementStatus)> = announcements
        .iter()
        .map(|a| {
            let status = if a.is_active(venue.now) {
                AnnouncementStatus::OnScreen
            } else if a.starts > venue.now {
                AnnouncementStatus::Scheduled
            } else {
                AnnouncementStatus::Ended
            };
            (a, status)
        })
        .collect();
    rows.sort_by_key(|(a, status)| {
        (
            *status != AnnouncementStatus::OnScreen,
            std::cmp::Reverse(a.starts),
        )
    });
    rows.into_iter()
        .map(|(a, status)| AnnouncementRow {
            id: a.id.clone(),
            text: a.text.clone(),
            priority: a.priority,
            status,
            when: venue.span(a.starts, a.expires),
            rooms: rooms_text(schedule, a.rooms.as_deref()),
        })
        .collect()
}

/// `All rooms`, or the rooms' names.
pub(super) fn rooms_text(schedule: Option<&Schedule>, rooms: Option<&[String]>) -> String {
    match rooms {
        None => "All rooms".into(),
        Some(ids) => ids
            .iter()
            .map(|id| {
                schedule
                    .and_then(|s| s.room(id))
                    .map_or_else(|| id.clone(), |r| r.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(super) fn photo_rows(
    photos: &[Photo],
    approve_mode: bool,
    edges: &[u32],
    venue: &Venue,
) -> Vec<PhotoRow> {
    let edge = edges
        .iter()
        .copied()
        .min()
        .unwrap_or(crate::photos::DEFAULT_LONG_EDGES[0]);
    let mut rows: Vec<&Photo> = photos.iter().collect();
    rows.sort_by_key(|p| std::cmp::Reverse(p.added_at));
    rows.into_iter()
        .map(|p| PhotoRow {
            id: p.hash.clone(),
            credit: p.credit.clone(),
            hidden: p.hidden,
            approved: p.approved,
            // The wall's own rule (`Playlist::from_photos`).
            status: match (p.hidden, p.approved) {
                (true, _) => PhotoStatus::Hidden,
                (false, true) => PhotoStatus::OnWall,
                (false, false) if approve_mode => PhotoStatus::AwaitingApproval,
                (false, false) => PhotoStatus::NotApproved,
            },
            added: venue.stamp(p.added_at, "%H:%M"),
            thumb_url: format!("photo://localhost/{}", rendition_name(&p.hash, edge)),
        })
        .collect()
}

pub(super) fn source_rows(sources: &[SourceInput<'_>], venue: &Venue) -> Vec<SourceRow> {
    sources
        .iter()
        .map(|s| {
            let st = s.state;
            let (level, status) = match (&st.last_error, st.last_success) {
                (Some(_), _) => (Level::Bad, "Failing"),
                (None, Some(_)) => (Level::Ok, "OK"),
                (None, None) => (Level::Muted, "Not synced yet"),
            };
            SourceRow {
                name: s.name.to_string(),
                active: s.active,
                level,
                status: status.into(),
                last_success: st.last_success.map_or_else(
                    || "Never synced".into(),
                    |t| {
                        format!(
                            "Last success {} ({})",
                            venue.stamp(t, "%H:%M"),
                            venue.ago(t)
                        )
                    },
                ),
                error: st.last_error.as_ref().map(|e| match st.failing_since {
                    Some(since) => format!("Failing since {}: {e}", venue.stamp(since, "%H:%M")),
                    None => e.clone(),
                }),
                next_check: s
                    .next_check
                    .map(|t| format!("Next check {}", venue.stamp(t, "%H:%M:%S"))),
            }
        })
        .collect()
}

pub(super) fn sync_badge(sources: &[SourceInput<'_>], venue: &Venue) -> Badge {
    let Some(active) = sources.iter().find(|s| s.active).or(sources.first()) else {
        return Badge {
            level: Level::Muted,
            text: "No schedule source".into(),
            detail: "No schedule source is configured.".into(),
        };
    };
    let st = active.state;
    let (level, text) = match (&st.last_error, st.failing_since, st.last_success) {
        (Some(_), Some(since), _) => (
            Level::Bad,
            format!("Sync failing since {}", venue.stamp(since, "%H:%M")),
        ),
        (Some(_), None, _) => (Level::Bad, "Last sync failed".into()),
        (None, _, Some(t)) => (Level::Ok, format!("Synced {}", venue.stamp(t, "%H:%M"))),
        (None, _, None) => (Level::Muted, "Not synced yet".into()),
    };
    let detail = format!(
        "{}: {}",
        active.name,
        st.last_error.as_deref().unwrap_or(&text)
    );
    Badge {
        level,
        text,
        detail,
    }
}
