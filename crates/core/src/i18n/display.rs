//! The display's words, resolved for one language: the fixed labels the page
//! places, and each room's composed lines ("at 2:30 PM · in 25 min",
//! "Free until 14:30"), so the page picks no language and formats no time.

use serde::Serialize;

use super::Catalogue;
use crate::edits::{Occupancy, Pictogram};
use crate::model::{LinkKind, SessionKind};
use crate::snapshot::{RoomSnapshot, RoomState, SessionView};

/// The fixed words the page puts beside the snapshot's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayLabels {
    /// The BCP 47 tag, for the page's `lang` (hyphenation, screen readers).
    pub lang: &'static str,
    pub next: String,
    pub then: String,
    pub announcement: String,
    pub important: String,
    pub this_screen_is: String,
    pub untitled: String,
    /// The clock's accessible name.
    pub clock: String,
}

impl DisplayLabels {
    pub fn new(cat: &Catalogue) -> DisplayLabels {
        let t = |key: &str| cat.text(key).to_string();
        DisplayLabels {
            lang: cat.language.tag(),
            next: t("display.next"),
            then: t("display.then"),
            announcement: t("display.announcement"),
            important: t("display.important"),
            this_screen_is: t("display.this_screen_is"),
            untitled: t("display.untitled"),
            clock: t("display.clock"),
        }
    }
}

/// The words a display page needs before its first snapshot (given with
/// the window's options at start): its `lang`, and the line shown while
/// no snapshot can be had, with `{reason}` for the error's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartLabels {
    pub lang: &'static str,
    pub waiting: String,
}

impl StartLabels {
    pub fn new(cat: &Catalogue) -> StartLabels {
        StartLabels {
            lang: cat.language.tag(),
            waiting: cat.text("notice.waiting").to_string(),
        }
    }
}

/// A room's lines as the screen shows them, composed here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RoomTexts {
    /// Above the hero's title: `Now`, `Break`, `Next`, `First up`, …
    pub label: String,
    /// Beside it: `14:00–14:45`, or `at 14:30 · in 25 min`.
    pub time: String,
    /// Under the progress bar: `25 min left`, `until 15:30` (a break).
    pub left: Option<String>,
    /// A lobby card with nothing on: `Free until 14:30`, `Done for today`.
    pub quiet: String,
    /// The hero's title when the event is over: `Thank you for coming to …!`
    pub farewell: Option<String>,
    /// The lobby's next line: its start, or `14:30 cancelled`.
    pub next_time: Option<String>,
}

/// What a session on now is called: `Now`, `Break`, `Working session`.
pub fn kind_label(cat: &Catalogue, kind: SessionKind) -> &str {
    cat.text(match kind {
        SessionKind::Talk | SessionKind::Social => "display.now",
        SessionKind::Break => "display.break",
        SessionKind::WorkingSession => "display.working_session",
    })
}

/// The room's lines for its state; `conference` is thanked at the end.
pub fn room_texts(cat: &Catalogue, room: &RoomSnapshot, conference: &str) -> RoomTexts {
    let mut texts = RoomTexts::default();
    if let Some(cur) = &room.current {
        texts.label = kind_label(cat, cur.session.kind).to_string();
        texts.time = cur.session.span.clone();
        texts.left = Some(if cur.session.kind == SessionKind::Break {
            cat.fill("display.until", &[("time", &cur.session.end_text)])
        } else {
            cat.fill("display.left", &[("duration", &cur.left_text)])
        });
    } else if let Some(next) = &room.next {
        texts.label = cat
            .text(match room.state {
                RoomState::DayOver => "display.next_day",
                RoomState::NotStarted => "display.first_up",
                _ => "display.next",
            })
            .to_string();
        let at = cat.fill("display.at", &[("time", &next.when)]);
        texts.time = match &room.next_starts_in_text {
            Some(within) => format!("{at} · {within}"),
            None => at,
        };
    } else {
        texts.label = cat.text("display.that_was_all").to_string();
        texts.farewell = Some(cat.fill("display.thank_you", &[("conference", conference)]));
    }
    texts.quiet = match (room.state, &room.next) {
        _ if room.current.is_some() => String::new(),
        (RoomState::EventOver, _) => cat.text("display.finished").to_string(),
        (RoomState::DayOver, _) => cat.text("display.done_for_today").to_string(),
        (RoomState::NotStarted, Some(next)) => {
            cat.fill("display.opens_at", &[("time", &next.when)])
        }
        (RoomState::NotStarted, None) => cat.text("display.not_open_yet").to_string(),
        (_, Some(next)) => cat.fill("display.free_until", &[("time", &next.start_text)]),
        (_, None) => cat.text("display.free").to_string(),
    };
    texts.next_time = room.next.as_ref().map(|next| {
        if next.cancelled {
            cat.fill("display.cancelled", &[("time", &next.when)])
        } else {
            next.when.clone()
        }
    });
    texts
}

/// `+3 more` speakers.
pub fn more_speakers(cat: &Catalogue, view: &SessionView) -> Option<String> {
    (view.more_speakers > 0).then(|| {
        cat.fill(
            "display.more_speakers",
            &[("n", &view.more_speakers.to_string())],
        )
    })
}

pub fn running_late(cat: &Catalogue, minutes: i64) -> String {
    cat.fill("display.running_late", &[("minutes", &minutes.to_string())])
}

pub fn occupancy(cat: &Catalogue, occupancy: Occupancy) -> &str {
    cat.text(match occupancy {
        Occupancy::FillingUp => "display.filling_up",
        Occupancy::Full => "display.full",
    })
}

pub fn overflow(cat: &Catalogue, room: &str) -> String {
    cat.fill("display.overflow", &[("room", room)])
}

pub fn watch_stream(cat: &Catalogue) -> &str {
    cat.text("display.watch_stream")
}

/// What a QR code leads to: `Slides`, `Talk page`, `Live stream`.
pub fn link_caption(cat: &Catalogue, kind: LinkKind) -> &str {
    cat.text(match kind {
        LinkKind::Page => "display.link_page",
        LinkKind::Slides => "display.link_slides",
        LinkKind::Stream => "display.link_stream",
        LinkKind::Video => "display.link_video",
        LinkKind::Other => "display.link_other",
    })
}

/// The code's accessible name: `QR code: Slides`.
pub fn qr_label(cat: &Catalogue, caption: &str) -> String {
    cat.fill("display.qr_code", &[("caption", caption)])
}

pub fn pictogram(cat: &Catalogue, p: Pictogram) -> &str {
    cat.text(match p {
        Pictogram::Evacuate => "display.pictogram_evacuate",
        Pictogram::Fire => "display.pictogram_fire",
        Pictogram::Weather => "display.pictogram_weather",
        Pictogram::Medical => "display.pictogram_medical",
        Pictogram::Warning => "display.pictogram_warning",
    })
}

/// `Day 2`, for a day the schedule gives no label.
pub fn day(cat: &Catalogue, n: usize) -> String {
    cat.fill("display.day", &[("n", &n.to_string())])
}

/// `page 1 of 3` on a lobby with more rooms than fit.
pub fn page(cat: &Catalogue, page: usize, pages: usize) -> String {
    cat.fill(
        "display.page",
        &[("page", &page.to_string()), ("pages", &pages.to_string())],
    )
}

/// The discreet offline badge: `schedule from 14:02 · offline since 14:10`.
pub fn offline(cat: &Catalogue, schedule_from: Option<&str>, offline_since: &str) -> String {
    let since = cat.fill("display.offline_since", &[("time", offline_since)]);
    match schedule_from {
        Some(from) => format!(
            "{} · {since}",
            cat.fill("display.schedule_from", &[("time", from)])
        ),
        None => since,
    }
}

pub fn no_schedule(cat: &Catalogue) -> String {
    cat.text("display.no_schedule").to_string()
}

pub fn room_missing(cat: &Catalogue, room: &str) -> String {
    cat.fill("display.room_missing", &[("room", room)])
}
