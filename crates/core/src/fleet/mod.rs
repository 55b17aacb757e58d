//! The fleet: every screen reports what it shows and whether it is alive,
//! and the leader's control panel lists them (the Screens tab).
//!
//! - [`heartbeat`]: the report a screen sends every interval and at once
//!   when what it shows changes (`summit-kiosk-heartbeat/1`), bounded and
//!   validated like any untrusted input.
//! - [`exchange`]: the leader's reply (its receive and send times, NTP
//!   style, and the organizer's commands for that screen), and the clock
//!   offset with its uncertainty computed from the four times.
//! - [`status`]: green, amber or red, with the reasons in words: a pure
//!   function of what the leader knows of a screen and the time.
//! - [`inbox`]: the leader's fleet in memory: bounded in screens, bytes and
//!   rate (per client and per screen), floods logged once a minute.
//! - [`command`]: "Identify" and "Reload", signed with the organizer's key
//!   when there is one, refused by a screen unless signed, for it, new and
//!   recent.
//! - [`mqtt`]: MQTT as a transport (any 3.1.1 broker): the signed feed as a
//!   retained message, heartbeats with a last will.
//! - [`report`]: a follower's side over HTTP (`POST /screens/<id>` on the
//!   leader's feed server; the server's side is `feed::server`).
//! - [`view`]: the Screens tab's rows, as the control panel shows them.
//! - [`probe`]: what a kiosk measures of itself (memory of its process tree).
//! - [`thumbnail`]: the small JPEG of what is on screen.

pub mod command;
mod error;
pub mod exchange;
pub mod heartbeat;
pub mod inbox;
mod limit;
pub mod mqtt;
pub mod probe;
pub mod report;
pub mod status;
pub mod thumbnail;
pub mod view;
mod wire;

use std::time::Duration;

pub use command::{Action, Command, CommandFloor, SignedCommand};
pub use error::FleetError;
pub use exchange::{ClockOffset, Exchange, Reply};
pub use heartbeat::{Heartbeat, Received, Role, RoomShowing, ShownSession, SyncLevel};
pub use inbox::{FleetLimits, Inbox, ScreenRecord, Via};
pub use limit::{FloodLog, TokenBucket};
pub use status::{status, Level, Status, StatusInput};
pub use wire::{open_sealed, seal};

/// The `format` of a heartbeat.
pub const HEARTBEAT_FORMAT: &str = "summit-kiosk-heartbeat/1";
/// The `format` of the leader's reply to one.
pub const REPLY_FORMAT: &str = "summit-kiosk-heartbeat-reply/1";
/// The `format` of an organizer's command to a screen.
pub const COMMAND_FORMAT: &str = "summit-kiosk-command/1";

/// The largest heartbeat (or reply) a receiver reads: the thumbnail, in
/// base64, is most of it.
pub const MAX_HEARTBEAT_BYTES: usize = 64 * 1024;
/// The largest thumbnail (JPEG bytes).
pub const MAX_THUMBNAIL_BYTES: usize = 24 * 1024;
/// A thumbnail's width at most (pixels).
pub const THUMBNAIL_WIDTH: u32 = 320;
/// Thumbnails the leader keeps in memory at most, all screens together
/// (the oldest go first); they are never stored on disk.
pub const MAX_THUMBNAILS_BYTES: usize = 16 * 1024 * 1024;
/// A screen sends a thumbnail at most this often.
pub const THUMBNAIL_EVERY: Duration = Duration::from_secs(60);
/// Screens the leader keeps; past that the oldest offline one goes.
pub const MAX_SCREENS: usize = 2_000;

/// How often a screen reports when nothing changes.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15);
/// The shortest and longest intervals a screen may announce.
pub const MIN_INTERVAL_SECS: u32 = 2;
pub const MAX_INTERVAL_SECS: u32 = 300;

/// Missed heartbeats before a screen turns amber, and red.
pub const MISSED_AMBER: u32 = 2;
pub const MISSED_RED: u32 = 4;
/// A display that has not painted for this long is frozen (red).
pub const RENDER_STALE: Duration = Duration::from_secs(10);
/// A clock further than this from the leader's is wrong (red).
pub const CLOCK_TOLERANCE: Duration = Duration::from_secs(2);
/// A screen may take this long to catch up with a new schedule (then red).
pub const BEHIND_GRACE: Duration = Duration::from_secs(60);
/// How long "Identify" shows a screen's name.
pub const IDENTIFY_FOR: Duration = Duration::from_secs(10);
/// A command older than this (by the leader's clock, as the screen
/// estimates it) is not carried out.
pub const COMMAND_MAX_AGE: Duration = Duration::from_secs(120);
