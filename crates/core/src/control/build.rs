//! The control panel's view, built from what the store held at the last
//! change ([`Records`], [`PhotoRecords`]), the sources' states and the
//! clock: a pure function, cheap enough to answer every poll.

use jiff::{SignedDuration, Timestamp};

use super::rows::{
    announcement_rows, day_tabs, minutes_between, photo_rows, room_cards, session_rows,
    source_rows, sync_badge, Venue,
};
use super::view::*;
use crate::config::EmergencyTemplate;
use crate::edits::{
    self, Announcement, Edit, Emergency, RoomStatus, MAX_ANNOUNCEMENT_CHARS, MAX_DELAY_MINUTES,
};
use crate::glance::{self, Moved};
use crate::limits;
use crate::model::{Schedule, Session};
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
    /// Sessions moved from their imported times (the planned ones).
    pub moved: Vec<Moved>,
    /// Each room's latest status and the emergency messages not cleared.
    pub room_statuses: Vec<RoomStatus>,
    pub emergencies: Vec<Emergency>,
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
        let moved = match (&imported, &effective) {
            (Some(i), Some(e)) => glance::moved(i, e),
            _ => Vec::new(),
        };
        Ok(Records {
            moved,
            effective,
            imported,
            skipped,
            revision: store.revision()?,
            announcements: store.announcements()?,
            revisions: store.revisions_list()?,
            audit: store.audit(AUDIT_ROWS)?,
            room_statuses: store.room_statuses()?,
            emergencies: store.emergencies()?,
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
    /// The emergency messages prepared in the config.
    pub templates: &'a [EmergencyTemplate],
    /// The fleet's screens (empty when this kiosk keeps no fleet).
    pub screens: crate::fleet::view::ScreensView,
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
    let rooms = schedule.map_or_else(Vec::new, |s| {
        room_cards(s, input.now, &delay_of, &records.room_statuses)
    });
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
            screens: input.screens.not_green,
        },
        screens: input.screens.clone(),
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
        glance: super::glance::glance_view(schedule, &records.emergencies, input.templates, &venue),
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
