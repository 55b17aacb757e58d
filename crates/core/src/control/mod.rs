//! The control panel's brain: the typed view it renders ([`ControlView`]),
//! built from what the store held at the last change, and the intents it
//! sends ([`EditIntent`], [`AnnouncementIntent`]), resolved here into edits
//! with instants. The panel's JavaScript holds no time arithmetic and no
//! limit: conference days come from the schedule's day change, phases from
//! the display's own now rule, limits from the one constant each.
//!
//! - [`view`]: the serialised types (their TypeScript is [`typescript()`]).
//! - [`build`]: [`control_view`] and [`lock_view`], pure functions (the
//!   view's parts in `rows.rs`).
//! - [`intent`]: wall-clock times resolved within a conference day.
//! - [`preview`]: what an edit would move, before it is made.
//! - [`glance`]: room statuses, emergency messages and their templates,
//!   and the choices for a session's badges.

pub mod build;
pub mod glance;
pub mod intent;
pub mod preview;
mod rows;
pub mod typescript;
pub mod view;

pub use build::{
    control_view, limits, lock_view, PanelInput, PhotoRecords, Records, SourceInput, AUDIT_ROWS,
    POLL_MS,
};
pub use glance::{EmergencyIntent, RoomStatusIntent};
pub use intent::{parse_clock, resolve_in_day, AnnouncementIntent, EditIntent};
pub use preview::{preview, preview_in};
pub use typescript::{typescript, TYPESCRIPT_FILE};
pub use view::*;
