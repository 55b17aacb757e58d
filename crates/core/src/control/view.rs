//! The control panel's view: everything it shows, already decided. Times
//! are strings in the venue's zone (`HH:MM`, `Wed 26 Feb 10:20`), limits
//! come from the one constant each, and every field here is in the
//! TypeScript declarations the UI is type-checked against.

use serde::Serialize;
use ts_rs::TS;

use crate::edits::Priority;
use crate::model::SessionKind;
use crate::snapshot::RoomState;

/// What `control_state` answers: the lock, and the panel's view when unlocked.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ControlState {
    pub lock: LockView,
    /// `None` while locked: a locked panel shows nothing of the event.
    pub view: Option<ControlView>,
    /// How often the panel asks again (ms); the shell also pushes changes.
    pub poll_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LockView {
    pub locked: bool,
    /// The wait before the next PIN try may be made (ms), if there is one.
    pub retry_after_ms: Option<u32>,
    /// The same wait in whole seconds, rounded up, for the sentence.
    pub retry_in_secs: Option<u32>,
    /// The conference's name, for the lock screen (it is on every screen anyway).
    pub conference: String,
    /// The longest PIN or passphrase accepted.
    pub pin_max_chars: u32,
}

/// The unlocked panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ControlView {
    pub conference: String,
    /// The venue's IANA zone: every time in this view is in it.
    pub timezone: String,
    /// The venue time now, `HH:MM`.
    pub clock: String,
    pub has_schedule: bool,
    /// Conference days (by the schedule's day change, not midnight).
    pub days: Vec<DayTab>,
    /// The day whose sessions are in `sessions` (a key of `days`).
    pub day: Option<String>,
    pub rooms: Vec<RoomCard>,
    /// The sessions of `day` in every room, in schedule order, skipped ones included.
    pub sessions: Vec<SessionRow>,
    pub announcements: Vec<AnnouncementRow>,
    pub photos: Vec<PhotoRow>,
    pub approve_mode: bool,
    pub quarantined: Vec<QuarantinedFile>,
    pub sources: Vec<SourceRow>,
    pub sync_badge: Badge,
    pub revisions: Vec<RevisionRow>,
    /// An earlier imported schedule is kept: "Roll back" can be offered.
    pub can_roll_back: bool,
    /// Newest first.
    pub audit: Vec<AuditRow>,
    /// What "Undo" would take back.
    pub undo: Option<UndoTarget>,
    /// Every screen of the fleet this kiosk keeps (the Screens tab).
    pub screens: crate::fleet::view::ScreensView,
    pub counts: TabCounts,
    pub limits: Limits,
    /// Emergency messages, their templates, and the choices for badges.
    pub glance: super::glance::GlanceView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DayTab {
    /// `YYYY-MM-DD`: the conference day's date.
    pub key: String,
    /// `Wed 26 Feb`.
    pub label: String,
    pub today: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomCard {
    pub id: String,
    pub name: String,
    /// What the room's screen shows now (the display's own rule).
    pub state: RoomState,
    pub current: Option<SessionBrief>,
    pub next: Option<SessionBrief>,
    /// How late the room runs: the delay of its current (else next) session.
    pub late_minutes: i32,
    /// "Filling up" or "full", as set from the panel, while it shows.
    pub status: Option<super::glance::RoomStatusBrief>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SessionBrief {
    pub id: String,
    pub title: String,
    pub start_local: String,
    pub end_local: String,
}

/// Where a session stands now, by the rule the display uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// On its room's screen now.
    Now,
    /// Under way, but another session overlapping it is on the screen.
    Overlapped,
    Upcoming,
    Past,
    Cancelled,
    /// Skipped: off the screens (still listed here).
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SessionRow {
    pub id: String,
    pub room_id: String,
    pub title: String,
    pub speakers: Vec<SpeakerName>,
    pub kind: SessionKind,
    pub start_local: String,
    pub end_local: String,
    pub phase: Phase,
    /// Minutes later (positive) or earlier than the imported schedule says.
    pub delay_minutes: i32,
    /// Added here, not in any import.
    pub local: bool,
    pub cancelled: bool,
    pub skipped: bool,
    /// Its badges: languages, recording, captions, sign language.
    pub access: crate::edits::Access,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SpeakerName {
    pub name: String,
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementStatus {
    OnScreen,
    Scheduled,
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AnnouncementRow {
    pub id: String,
    pub text: String,
    pub priority: Priority,
    pub status: AnnouncementStatus,
    /// `from 10:20 until 11:20`, `from Thu 27 Feb 09:00, until removed`.
    pub when: String,
    /// `All rooms`, or the rooms' names.
    pub rooms: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PhotoStatus {
    OnWall,
    Hidden,
    AwaitingApproval,
    NotApproved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PhotoRow {
    /// The content hash.
    pub id: String,
    pub credit: Option<String>,
    pub hidden: bool,
    pub approved: bool,
    pub status: PhotoStatus,
    pub added: String,
    /// The smallest configured rendition, from the `photo:` scheme.
    pub thumb_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QuarantinedFile {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Bad,
    Muted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Badge {
    pub level: Level,
    pub text: String,
    /// The longer sentence for a tooltip.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SourceRow {
    pub name: String,
    /// The shown schedule came from it.
    pub active: bool,
    pub level: Level,
    /// `OK`, `Failing`, `Not synced yet`.
    pub status: String,
    /// `Last success 10:20 (3 min ago)` or `Never synced`.
    pub last_success: String,
    /// `Failing since 10:42: <error>`.
    pub error: Option<String>,
    /// `Next check 10:21`.
    pub next_check: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RevisionRow {
    pub revision: i32,
    pub applied: String,
    pub source: String,
    pub summary: String,
    pub current: bool,
    pub restorable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditRow {
    /// `10:20:04`, or with the day when not today.
    pub at: String,
    pub what: String,
    pub origin: String,
    pub undone: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UndoTarget {
    pub what: String,
}

/// The numbers on the tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TabCounts {
    /// Announcements on screen now.
    pub announcements: u32,
    /// Photos waiting for approval plus quarantined files.
    pub photos: u32,
    /// Some photos wait for the organizer.
    pub photos_alert: bool,
    /// Sources failing now.
    pub sources: u32,
    /// Screens not green (amber or red).
    pub screens: u32,
}

/// What the UI must respect, each from the core's one constant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Limits {
    pub title_chars: u32,
    pub name_chars: u32,
    pub speakers_per_session: u32,
    pub delay_minutes: u32,
    pub announcement_chars: u32,
    /// The one-click delays for a room (`+5 min`, …).
    pub quick_delays: Vec<u32>,
    /// The one-click delays on a session's row.
    pub row_delays: Vec<u32>,
    /// The choices in the "how long" dialogs.
    pub minute_choices: Vec<u32>,
    /// How long a new announcement shows.
    pub announcement_durations: Vec<DurationChoice>,
    /// Rooms from which the panel offers a filter box.
    pub room_filter_from: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DurationChoice {
    /// `None`: until removed.
    pub minutes: Option<u32>,
    pub label: String,
    pub default: bool,
}

/// What an edit would move, for the organizer to confirm before it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Preview {
    /// `Delay Main hall by 10 min`, `“Q&A” started at 10:47 (+12 min)`.
    pub title: String,
    /// One sentence on the whole change.
    pub summary: String,
    /// The sessions that move whole, in order.
    pub shifted: Vec<ShiftRow>,
    /// The break that absorbs the shift: it starts later, ends as planned.
    pub absorbed_by: Option<ShiftRow>,
    /// Nothing absorbs it: every later session that day moves.
    pub runs_to_day_end: bool,
    /// The edit changes nothing (a start "at" the planned time).
    pub nothing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ShiftRow {
    pub session_id: String,
    pub title: String,
    pub old_start_local: String,
    pub new_start_local: String,
    pub old_end_local: String,
    pub new_end_local: String,
}

/// What a command that changed something says back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Done {
    /// The audit log's sentence, or what happened.
    pub what: String,
}
