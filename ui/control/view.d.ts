// Generated from kiosk-core's control view (crates/core/src/control/) by
// `SUMMIT_UPDATE_VIEW_TYPES=1 cargo test --workspace --test core control`. Do not edit.

/**
 * A session's badges as the organizer sets them, all at once.
 */
export type Access = { 
/**
 * Language tags or names (`en`, `Deutsch`); kept as BCP 47 tags.
 */
languages: Array<string>, recording: Recording, captions: boolean, sign_language?: string, };

export type Action = "identify" | "reload";

/**
 * A new announcement, as the panel sends it.
 */
export type AnnouncementIntent = { text: string, 
/**
 * Room ids; `None`: every screen.
 */
rooms?: Array<string>, priority?: Priority, 
/**
 * `HH:MM` today (the conference day now); empty or `now`: now.
 */
start?: string, 
/**
 * Shown this long; `None`: until removed.
 */
minutes?: number, };

export type AnnouncementRow = { id: string, text: string, priority: Priority, status: AnnouncementStatus, 
/**
 * `from 10:20 until 11:20`, `from Thu 27 Feb 09:00, until removed`.
 */
when: string, 
/**
 * `All rooms`, or the rooms' names.
 */
rooms: string, };

export type AnnouncementStatus = "on_screen" | "scheduled" | "ended";

export type AuditRow = { 
/**
 * `10:20:04`, or with the day when not today.
 */
at: string, what: string, origin: string, undone: boolean, };

export type Badge = { level: Level, text: string, 
/**
 * The longer sentence for a tooltip.
 */
detail: string, };

export type Choice = { value: string, label: string, };

/**
 * What `control_state` answers: the lock, and the panel's view when unlocked.
 */
export type ControlState = { lock: LockView, 
/**
 * `None` while locked: a locked panel shows nothing of the event.
 */
view: ControlView | null, 
/**
 * How often the panel asks again (ms); the shell also pushes changes.
 */
poll_ms: number, };

/**
 * The unlocked panel.
 */
export type ControlView = { conference: string, 
/**
 * The venue's IANA zone: every time in this view is in it.
 */
timezone: string, 
/**
 * The venue time now, `HH:MM`.
 */
clock: string, has_schedule: boolean, 
/**
 * Conference days (by the schedule's day change, not midnight).
 */
days: Array<DayTab>, 
/**
 * The day whose sessions are in `sessions` (a key of `days`).
 */
day: string | null, rooms: Array<RoomCard>, 
/**
 * The sessions of `day` in every room, in schedule order, skipped ones included.
 */
sessions: Array<SessionRow>, announcements: Array<AnnouncementRow>, photos: Array<PhotoRow>, approve_mode: boolean, quarantined: Array<QuarantinedFile>, sources: Array<SourceRow>, sync_badge: Badge, revisions: Array<RevisionRow>, 
/**
 * An earlier imported schedule is kept: "Roll back" can be offered.
 */
can_roll_back: boolean, 
/**
 * Newest first.
 */
audit: Array<AuditRow>, 
/**
 * What "Undo" would take back.
 */
undo: UndoTarget | null, 
/**
 * Every screen of the fleet this kiosk keeps (the Screens tab).
 */
screens: ScreensView, counts: TabCounts, limits: Limits, 
/**
 * Emergency messages, their templates, and the choices for badges.
 */
glance: GlanceView, };

export type DayTab = { 
/**
 * `YYYY-MM-DD`: the conference day's date.
 */
key: string, 
/**
 * `Wed 26 Feb`.
 */
label: string, today: boolean, };

/**
 * What a command that changed something says back.
 */
export type Done = { 
/**
 * The audit log's sentence, or what happened.
 */
what: string, };

export type DurationChoice = { 
/**
 * `None`: until removed.
 */
minutes: number | null, label: string, default: boolean, };

/**
 * One change to the schedule, as the panel sends it.
 */
export type EditIntent = { "kind": "delay", room: string, minutes: number, from_session?: string, } | { "kind": "started_at", session: string, at: string, } | { "kind": "extend", session: string, minutes: number, } | { "kind": "end_now", session: string, } | { "kind": "skip", session: string, } | { "kind": "cancel", session: string, } | { "kind": "move", session: string, room: string, } | { "kind": "edit_session", session: string, title?: string, speakers?: Array<string>, start?: string, end?: string, room?: string, 
/**
 * The session's badges, all replaced.
 */
access?: Access, } | { "kind": "add_session", room: string, title: string, speakers: Array<string>, session_kind: SessionKind, day: string, start: string, end: string, };

/**
 * An emergency message as confirmed in the panel.
 */
export type EmergencyIntent = { headline: string, text: string, pictogram?: Pictogram, 
/**
 * Room ids; `None`: every screen.
 */
rooms?: Array<string>, 
/**
 * Off by itself after this long; `None`: until cleared.
 */
minutes?: number, };

export type EmergencyRow = { id: string, headline: string, text: string, pictogram: Pictogram | null, 
/**
 * `All rooms`, or the rooms' names.
 */
rooms: string, 
/**
 * `from 10:20, until removed`.
 */
when: string, 
/**
 * On the screens now (else it starts later or has expired).
 */
on_screen: boolean, };

export type GlanceView = { 
/**
 * Not cleared, on screen first.
 */
emergencies: Array<EmergencyRow>, templates: Array<TemplateView>, pictograms: Array<Choice>, occupancies: Array<Choice>, recordings: Array<Choice>, headline_chars: number, text_chars: number, sign_language_chars: number, url_chars: number, };

export type Level = "ok" | "bad" | "muted";

/**
 * What the UI must respect, each from the core's one constant.
 */
export type Limits = { title_chars: number, name_chars: number, speakers_per_session: number, delay_minutes: number, announcement_chars: number, 
/**
 * The one-click delays for a room (`+5 min`, …).
 */
quick_delays: Array<number>, 
/**
 * The one-click delays on a session's row.
 */
row_delays: Array<number>, 
/**
 * The choices in the "how long" dialogs.
 */
minute_choices: Array<number>, 
/**
 * How long a new announcement shows.
 */
announcement_durations: Array<DurationChoice>, 
/**
 * Rooms from which the panel offers a filter box.
 */
room_filter_from: number, };

export type LockView = { locked: boolean, 
/**
 * The wait before the next PIN try may be made (ms), if there is one.
 */
retry_after_ms: number | null, 
/**
 * The same wait in whole seconds, rounded up, for the sentence.
 */
retry_in_secs: number | null, 
/**
 * The conference's name, for the lock screen (it is on every screen anyway).
 */
conference: string, 
/**
 * The longest PIN or passphrase accepted.
 */
pin_max_chars: number, };

export type Occupancy = "filling_up" | "full";

/**
 * Every `panel.*` text, for one language.
 */
export type PanelLabels = { 
/**
 * The BCP 47 tag of the words (the page's `lang`): English where the
 * configured language has no panel catalogue.
 */
lang: string, 
/**
 * The configured language has no panel catalogue, so the words are
 * English (French and Spanish, for now).
 */
fallback: boolean, 
/**
 * Key (`panel.tab.schedule`) to text, `{name}` placeholders unfilled.
 */
texts: { [key in string]: string }, };

/**
 * Where a session stands now, by the rule the display uses.
 */
export type Phase = "now" | "overlapped" | "upcoming" | "past" | "cancelled" | "skipped";

export type PhotoRow = { 
/**
 * The content hash.
 */
id: string, credit: string | null, hidden: boolean, approved: boolean, status: PhotoStatus, added: string, 
/**
 * The smallest configured rendition, from the `photo:` scheme.
 */
thumb_url: string, };

export type PhotoStatus = "on_wall" | "hidden" | "awaiting_approval" | "not_approved";

/**
 * A symbol beside the headline; always with text, never alone.
 */
export type Pictogram = "evacuate" | "fire" | "weather" | "medical" | "warning";

/**
 * What an edit would move, for the organizer to confirm before it is made.
 */
export type Preview = { 
/**
 * `Delay Main hall by 10 min`, `“Q&A” started at 10:47 (+12 min)`.
 */
title: string, 
/**
 * One sentence on the whole change.
 */
summary: string, 
/**
 * The sessions that move whole, in order.
 */
shifted: Array<ShiftRow>, 
/**
 * The break that absorbs the shift: it starts later, ends as planned.
 */
absorbed_by: ShiftRow | null, 
/**
 * Nothing absorbs it: every later session that day moves.
 */
runs_to_day_end: boolean, 
/**
 * The edit changes nothing (a start "at" the planned time).
 */
nothing: boolean, };

export type Priority = "normal" | "urgent";

export type QuarantinedFile = { path: string, reason: string, };

/**
 * Whether a session is recorded or streamed, as the schedule says.
 */
export type Recording = "recorded" | "streamed" | "not_recorded" | "unknown";

export type RevisionRow = { revision: number, applied: string, source: string, summary: string, current: boolean, restorable: boolean, };

export type RoomCard = { id: string, name: string, 
/**
 * What the room's screen shows now (the display's own rule).
 */
state: RoomState, current: SessionBrief | null, next: SessionBrief | null, 
/**
 * How late the room runs: the delay of its current (else next) session.
 */
late_minutes: number, 
/**
 * "Filling up" or "full", as set from the panel, while it shows.
 */
status: RoomStatusBrief | null, };

export type RoomState = "not_started" | "in_session" | "between_sessions" | "break" | "working_session" | "day_over" | "event_over";

/**
 * A room's status as the panel shows it.
 */
export type RoomStatusBrief = { occupancy: Occupancy, 
/**
 * `Full`, `Filling up`.
 */
text: string, 
/**
 * The overflow room's name.
 */
overflow: string | null, 
/**
 * `until 10:32 (end of “ETL …”)`, `until cleared`.
 */
until: string, };

/**
 * Set (`occupancy`) or clear (none) a room's status.
 */
export type RoomStatusIntent = { 
/**
 * A room id.
 */
room: string, occupancy?: Occupancy, 
/**
 * A room id.
 */
overflow?: string, stream_url?: string, };

export type ScreenLevel = "green" | "amber" | "red";

export type ScreenRow = { id: string, name: string, 
/**
 * `Room: Main hall`, `Lobby`.
 */
role: string, level: ScreenLevel, 
/**
 * `OK`, `Check`, `Problem`: the colour said in a word.
 */
status: string, 
/**
 * Why it is not green, worst first.
 */
reasons: Array<string>, 
/**
 * `Now: Title (10:20–10:45)`, `Next: Title at 10:45`; a lobby's rooms.
 */
showing: Array<string>, 
/**
 * `Up to date`, `Behind by 2 revisions`, `—` (it follows no feed).
 */
schedule: string, up_to_date: boolean, 
/**
 * `3 s ago`, `before this kiosk started (10:02)`.
 */
last_seen: string, 
/**
 * `in step (± 2 ms)`, `30.0 s ahead of the leader's (± 1 ms)`.
 */
clock: string, 
/**
 * `251 MB`, `—`.
 */
memory: string, version: string, 
/**
 * `Up 2 h 5 min`.
 */
uptime: string, 
/**
 * `OK`, `Failing: …`, `Offline`, `No source`.
 */
sync: string, thumbnail_url: string | null, 
/**
 * `40 s old`.
 */
thumbnail_age: string | null, 
/**
 * It is connected now (no last will, heard from within 4 intervals).
 */
online: boolean, 
/**
 * The kiosk this panel runs on.
 */
this_kiosk: boolean, };

export type ScreensView = { 
/**
 * Worst first, then by name.
 */
rows: Array<ScreenRow>, total: number, 
/**
 * Screens amber or red: the number on the tab.
 */
not_green: number, red: number, 
/**
 * Identify and Reload are signed with the organizer's key.
 */
commands_signed: boolean, };

export type SessionBrief = { id: string, title: string, start_local: string, end_local: string, };

export type SessionKind = "talk" | "break" | "working_session" | "social";

export type SessionRow = { id: string, room_id: string, title: string, speakers: Array<SpeakerName>, kind: SessionKind, start_local: string, end_local: string, phase: Phase, 
/**
 * Minutes later (positive) or earlier than the imported schedule says.
 */
delay_minutes: number, 
/**
 * Added here, not in any import.
 */
local: boolean, cancelled: boolean, skipped: boolean, 
/**
 * Its badges: languages, recording, captions, sign language.
 */
access: Access, };

export type ShiftRow = { session_id: string, title: string, old_start_local: string, new_start_local: string, old_end_local: string, new_end_local: string, };

export type SourceRow = { name: string, 
/**
 * The shown schedule came from it.
 */
active: boolean, level: Level, 
/**
 * `OK`, `Failing`, `Not synced yet`.
 */
status: string, 
/**
 * `Last success 10:20 (3 min ago)` or `Never synced`.
 */
last_success: string, 
/**
 * `Failing since 10:42: <error>`.
 */
error: string | null, 
/**
 * `Next check 10:21`.
 */
next_check: string | null, };

export type SpeakerName = { name: string, affiliation: string | null, };

/**
 * The numbers on the tabs.
 */
export type TabCounts = { 
/**
 * Announcements on screen now.
 */
announcements: number, 
/**
 * Photos waiting for approval plus quarantined files.
 */
photos: number, 
/**
 * Some photos wait for the organizer.
 */
photos_alert: boolean, 
/**
 * Sources failing now.
 */
sources: number, 
/**
 * Screens not green (amber or red).
 */
screens: number, };

export type TemplateView = { name: string, headline: string, text: string, pictogram: Pictogram | null, minutes: number | null, };

export type UndoTarget = { what: string, };
