//! Bounds on untrusted input (invariant 7), checked before and while parsing.
//! Sized for the largest events the kiosk serves: a 5,000-session academic
//! conference with abstracts fits with room to spare.

/// Bytes of one schedule file or body.
pub const MAX_SCHEDULE_BYTES: u64 = 32 * 1024 * 1024;
pub const MAX_SESSIONS: usize = 20_000;
pub const MAX_ROOMS: usize = 1_000;
pub const MAX_TRACKS: usize = 1_000;
pub const MAX_SPEAKERS: usize = 50_000;
pub const MAX_SPEAKERS_PER_SESSION: usize = 100;
pub const MAX_ID_CHARS: usize = 200;
pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_TITLE_CHARS: usize = 1_000;
pub const MAX_ABSTRACT_CHARS: usize = 50_000;
pub const MAX_URL_CHARS: usize = 2_000;
