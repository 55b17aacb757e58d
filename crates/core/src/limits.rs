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
/// A session's links (page, slides, stream, recordings, …).
pub const MAX_LINKS_PER_SESSION: usize = 20;
/// A session's spoken languages (two for a two-language talk).
pub const MAX_LANGUAGES_PER_SESSION: usize = 4;
/// A sign language's short name (`DGS`, `ASL`, `LSF`).
pub const MAX_SIGN_LANGUAGE_CHARS: usize = 40;
