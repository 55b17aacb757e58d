//! The control panel's view, built from what the store held at the last
//! change ([`Records`], [`PhotoRecords`]), the sources' states and the
//! clock: a pure function, cheap enough to answer every poll.

use jiff::{civil, tz::TimeZone, SignedDuration, Timestamp};

use super::view::*;
use crate::edits::{self, Announcement, Edit, MAX_ANNOUNCEMENT_CHARS, MAX_DELAY_MINUTES};
use crate::limits;
use crate::model::{self, Schedule, Session};
use crate::photos::rendition_name;
use crate::snapshot::{current_session, room_snapshot};
use crate::store::{AuditEntry, Photo, RevisionInfo, Store};
use crate::sync::SyncState;

/// How many audit entries the panel lists.
pub const AUDIT_ROWS: usize = 200;
/// How often the panel asks for its view again.
pub const POLL_MS: u32 = 2000;

/// What the store holds that the screens and the panel show, read once
/// after each change (never per poll).
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// What the screens show: the import with the organizer's edits.
    pub effective: Option<Schedule>,
    pub imported: Option<Schedule>,
    /// Sessions skipped by an edit in force (off the screens, still listed).
    pub skipped: Vec<String>,
    pub revision: i64,
    pub announcements: Vec<Announcement>,
    pub revisions: Vec<RevisionInfo>,
    /// Newest first, at most [`AUDIT_ROWS`].
    pub audit: Vec<AuditEntry>,
}

impl Records {
    /// One read of the store: the import loaded once, the edits applied once.
    pub fn read(store: &Store) -> crate::Result<Records> {
        let imported = store.load()?;
        let active: Vec<Edit> = store.active_edits()?.into_iter().map(|e| e.edit).collect();
        let effective = imported.as_ref().map(|i| edits::apply(i, &active).schedule);
        let skipped = active
            .iter()
            .filter_map(|e| match e {
                Edit::Skip { session } => Some(session.clone()),
                _ => None,
            })
            .collect();
        Ok(Records {
            effective,
            imported,
            skipped,
            revision: store.revision()?,
            announcements: store.announcements()?,
            revisions: store.revisions_list()?,
            audit: store.audit(AUDIT_ROWS)?,
        })
    }
}

/// The photos as the store last listed them.
#[derive(Debug, Clone, Default)]
pub struct PhotoRecords {
    pub photos: Vec<Photo>,
    pub quarantined: Vec<QuarantinedFile>,
}

impl PhotoRecords {
    pub fn read(store: &Store) -> crate::Result<PhotoRecords> {
        Ok(PhotoRecords {
            photos: store.photos()?,
            quarantined: store
                .photo_files()?
                .into_iter()
                .filter_map(|f| {
                    f.quarantine.map(|reason| QuarantinedFile {
                        path: f.path,
                        reason,
                    })
                })
                .collect(),
        })
    }
}

/// A sync source as the shell knows it now.
#[derive(Debug, Clone)]
pub struct SourceInput<'a> {
    pub name: &'a str,
    pub state: &'a SyncState,
    /// The schedule shown came from it.
    pub active: bool,
    /// When it is checked next (a file is also checked when it changes).
    pub next_check: Option<Timestamp>,
}

pub struct PanelInput<'a> {
    pub now: Timestamp,
    pub records: &'a Records,
    pub photos: &'a PhotoRecords,
    pub approve_mode: bool,
    pub sources: Vec<SourceInput<'a>>,
    /// The configured rendition sizes (long edge); the smallest is the thumbnail.
    pub photo_edges: &'a [u32],
    /// The day tab asked for (a key); else today, or the next day with sessions.
    pub day: Option<&'a str>,
}

/// The lock as the panel shows it: `retry_after` is the wait before the
/// next PIN try.
pub fn lock_view(locked: bool, retry_after: Option<SignedDuration>, conference: &str) -> LockView {
    let wait = retry_after.filter(|w| w.is_positive());
    let clamp = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    LockView {
        locked,
        retry_after_ms: wait.map(|w| clamp(w.as_millis() as i64)),
        retry_in_secs: wait.map(|w| clamp((w.as_millis() as i64 + 999) / 1000)),
        conference: conference.to_string(),
        pin_max_chars: crate::pin::MAX_PIN_CHARS as u32,
    }
}

/// Times said in the venue's zone, relative to the conference day of now.
struct Venue {
    tz: TimeZone,
    day_change: SignedDuration,
    today: civil::Date,
    now: Timestamp,
}

impl Venue {
    fn new(schedule: Option<&Schedule>, now: Timestamp) -> Venue {
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

    fn day_of(&self, t: Timestamp) -> civil::Date {
        model::conference_day(&self.tz, self.day_change, t)
    }

    fn format(&self, t: Timestamp, pattern: &str) -> String {
        t.to_zoned_datetime(self.tz.clone())
            .strftime(pattern)
            .to_string()
    }

    /// `10:20`, or `Thu 27 Feb 10:20` on another conference day.
    fn stamp(&self, t: Timestamp, pattern: &str) -> String {
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

fn minutes_between(a: Timestamp, b: Timestamp) -> i32 {
    i32::try_from(b.duration_since(a).as_mins()).unwrap_or(0)
}

/// The panel's view.
pub fn control_view(input: &PanelInput<'_>) -> ControlView {
    let records = input.records;
    let schedule = records.effective.as_ref();
    let venue = Venue::new(schedule, input.now);
    let delay_of = |s: &Session| {
        records
            .imported
            .as_ref()
            .and_then(|i| i.session(&s.id))
            .map_or(0, |orig| minutes_between(orig.start, s.start))
    };
    let skipped: Vec<&Session> = records
        .skipped
        .iter()
        .filter_map(|id| records.imported.as_ref()?.session(id))
        .filter(|s| schedule.is_some_and(|e| e.session(&s.id).is_none()))
        .collect();
    let (days, day) = day_tabs(schedule, &skipped, &venue, input.day);
    let rooms = schedule.map_or_else(Vec::new, |s| room_cards(s, input.now, &delay_of));
    let sessions = match (schedule, day) {
        (Some(s), Some(day)) => session_rows(s, &skipped, day, &venue, &delay_of, records),
        _ => Vec::new(),
    };
    let announcements = announcement_rows(schedule, &records.announcements, &venue);
    let photos = photo_rows(
        &input.photos.photos,
        input.approve_mode,
        input.photo_edges,
        &venue,
    );
    let sources = source_rows(&input.sources, &venue);
    let current_revision = records.revision;
    ControlView {
        conference: schedule.map_or_else(String::new, |s| s.conference.name.clone()),
        timezone: schedule.map_or_else(|| "UTC".into(), |s| s.conference.timezone.clone()),
        clock: venue.format(input.now, "%H:%M"),
        has_schedule: schedule.is_some(),
        days,
        day: day.map(|d| d.to_string()),
        rooms,
        sessions,
        counts: TabCounts {
            announcements: announcements
                .iter()
                .filter(|a| a.status == AnnouncementStatus::OnScreen)
                .count() as u32,
            photos: photos
                .iter()
                .filter(|p| p.status == PhotoStatus::AwaitingApproval)
                .count() as u32
                + input.photos.quarantined.len() as u32,
            photos_alert: photos
                .iter()
                .any(|p| p.status == PhotoStatus::AwaitingApproval),
            sources: sources.iter().filter(|s| s.level == Level::Bad).count() as u32,
        },
        sync_badge: sync_badge(&input.sources, &venue),
        announcements,
        photos,
        approve_mode: input.approve_mode,
        quarantined: input.photos.quarantined.clone(),
        sources,
        can_roll_back: records
            .revisions
            .iter()
            .any(|r| r.restorable && r.revision < current_revision),
        revisions: records
            .revisions
            .iter()
            .map(|r| RevisionRow {
                revision: i32::try_from(r.revision).unwrap_or(i32::MAX),
                applied: r
                    .applied_at
                    .parse::<Timestamp>()
                    .map_or_else(|_| r.applied_at.clone(), |t| venue.stamp(t, "%H:%M")),
                source: r.source.clone(),
                summary: r.summary.clone(),
                current: r.current,
                restorable: r.restorable,
            })
            .collect(),
        undo: records
            .audit
            .iter()
            .find(|a| a.undoable && !a.undone)
            .map(|a| UndoTarget {
                what: a.what.clone(),
            }),
        audit: records
            .audit
            .iter()
            .map(|a| AuditRow {
                at: venue.stamp(a.at, "%H:%M:%S"),
                what: a.what.clone(),
                origin: a.origin.clone(),
                undone: a.undone,
            })
            .collect(),
        limits: limits(),
    }
}

/// The limits and choices the UI offers, each from its one constant.
pub fn limits() -> Limits {
    let durations = [
        (None, "until removed"),
        (Some(15), "15 min"),
        (Some(30), "30 min"),
        (Some(60), "1 hour"),
        (Some(120), "2 hours"),
        (Some(240), "4 hours"),
    ];
    Limits {
        title_chars: limits::MAX_TITLE_CHARS as u32,
        name_chars: limits::MAX_NAME_CHARS as u32,
        speakers_per_session: limits::MAX_SPEAKERS_PER_SESSION as u32,
        delay_minutes: MAX_DELAY_MINUTES as u32,
        announcement_chars: MAX_ANNOUNCEMENT_CHARS as u32,
        quick_delays: vec![5, 10, 15],
        row_delays: vec![5, 10],
        minute_choices: vec![5, 10, 15, 20, 30],
        announcement_durations: durations
            .into_iter()
            .map(|(minutes, label)| DurationChoice {
                minutes,
                label: label.into(),
                default: minutes == Some(60),
            })
            .collect(),
        room_filter_from: 9,
    }
}

/// The conference days with sessions (skipped ones count), and the day to
/// list: the one asked for, else today, else the next, else the last.
fn day_tabs(
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

fn room_cards(
    schedule: &Schedule,
    now: Timestamp,
    delay_of: &dyn Fn(&Session) -> i32,
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

fn session_rows(
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
        })
        .collect()
}

fn announcement_rows(
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
            when: match a.expires {
                Some(e) => format!(
                    "from {} until {}",
                    venue.stamp(a.starts, "%H:%M"),
                    venue.stamp(e, "%H:%M")
                ),
                None => format!("from {}, until removed", venue.stamp(a.starts, "%H:%M")),
            },
            rooms: match &a.rooms {
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
            },
        })
        .collect()
}

fn photo_rows(photos: &[Photo], approve_mode: bool, edges: &[u32], venue: &Venue) -> Vec<PhotoRow> {
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

fn source_rows(sources: &[SourceInput<'_>], venue: &Venue) -> Vec<SourceRow> {
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

fn sync_badge(sources: &[SourceInput<'_>], venue: &Venue) -> Badge {
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
