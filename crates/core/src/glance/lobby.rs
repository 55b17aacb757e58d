//! The lobby's grid: columns and rows for the number of rooms, so the
//! cards fill the screen (2×2 for 4, not 3 + 1), and pages in turn when
//! more rooms than fit at a readable size.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// The most columns and rows: a card must stay readable from 5 m.
pub const MAX_COLUMNS: usize = 4;
pub const MAX_ROWS: usize = 3;
/// How long each page shows (clock time).
pub const PAGE_SECONDS: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LobbyLayout {
    pub columns: usize,
    pub rows: usize,
    /// 1-based, of `pages`.
    pub page: usize,
    pub pages: usize,
    /// The cards are large enough for a QR code (one row of one or two).
    pub qr: bool,
}

/// The grid for `rooms` cards: as square as the 16:9 screen allows, never
/// a row left mostly empty.
pub fn grid(rooms: usize) -> (usize, usize) {
    match rooms {
        0 | 1 => (1, 1),
        2 => (2, 1),
        3 => (3, 1),
        4 => (2, 2),
        5 | 6 => (3, 2),
        7 | 8 => (4, 2),
        9 => (3, 3),
        _ => (MAX_COLUMNS, MAX_ROWS),
    }
}

/// The layout at `at` for `rooms` cards, the range of cards on the page
/// shown, and when the page turns (if there is more than one).
pub fn layout(
    rooms: usize,
    at: Timestamp,
) -> (LobbyLayout, std::ops::Range<usize>, Option<Timestamp>) {
    let (columns, rows) = grid(rooms);
    let per_page = columns * rows;
    let pages = rooms.div_ceil(per_page).max(1);
    let slot = at.as_second().div_euclid(PAGE_SECONDS);
    let index = usize::try_from(slot.rem_euclid(pages as i64)).unwrap_or(0);
    let first = index * per_page;
    let turn = (pages > 1).then(|| {
        Timestamp::from_second((slot + 1) * PAGE_SECONDS)
            .unwrap_or(at + SignedDuration::from_secs(PAGE_SECONDS))
    });
    (
        LobbyLayout {
            columns,
            rows,
            page: index + 1,
            pages,
            qr: rows == 1 && columns <= 2,
        },
        first..(first + per_page).min(rooms),
        turn,
    )
}
