//! The embedded demo: the Dask Summit 2020 (`assets/demo/dask-summit-2020.json`).

use jiff::{SignedDuration, Timestamp, Unit};

use crate::draft::Validated;
use crate::model::{Schedule, SessionKind};

pub const DEMO_JSON: &str = include_str!("../../../assets/demo/dask-summit-2020.json");

/// The demo's photo wall: six photographs from KDE Plasma's wallpapers
/// (LGPL-3.0; authors and sources in `assets/demo/photos/LICENSES.md`),
/// written under names that make a good credit line (the wall credits the
/// file name when EXIF names no artist).
pub const DEMO_PHOTOS: [(&str, &[u8]); 6] = [
    (
        "Evening Glow, by Ian Hex.jpg",
        include_bytes!("../../../assets/demo/photos/evening-glow.jpg"),
    ),
    (
        "Fallen Leaf, by Martin Klapetek.jpg",
        include_bytes!("../../../assets/demo/photos/fallen-leaf.jpg"),
    ),
    (
        "Path, by Risto Saukonpää.jpg",
        include_bytes!("../../../assets/demo/photos/path.jpg"),
    ),
    (
        "Colorful Cups, by Dmitri Popov.jpg",
        include_bytes!("../../../assets/demo/photos/colorful-cups.jpg"),
    ),
    (
        "Kite, by Risto Saukonpää.jpg",
        include_bytes!("../../../assets/demo/photos/kite.jpg"),
    ),
    (
        "By the Water, by Maciej Wiklo.jpg",
        include_bytes!("../../../assets/demo/photos/by-the-water.jpg"),
    ),
];

/// Write the demo photos into `folder` (once; unchanged files are left alone).
pub fn write_demo_photos(folder: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    for (name, bytes) in DEMO_PHOTOS {
        let path = folder.join(name);
        if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(bytes.len() as u64) {
            std::fs::write(&path, bytes)?;
        }
    }
    Ok(())
}

/// How far into the first morning's second talk the demo's clock starts.
pub const REBASE_INTO_TALK: SignedDuration = SignedDuration::from_mins(3);

/// The demo as stored, on its real dates (26–28 February 2020).
pub fn demo() -> Validated {
    crate::schedule_json::parse("embedded demo", DEMO_JSON.as_bytes())
        .expect("the embedded demo is valid (tested)")
}

/// The demo moved in time so that `start` falls a few minutes into the first
/// morning's second talk: a newcomer sees a live screen at any hour.
pub fn rebased(start: Timestamp) -> Schedule {
    let schedule = demo().schedule;
    let second_talk = schedule
        .sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Talk)
        .nth(1)
        .expect("the demo has talks");
    let minute = start.round(Unit::Minute).unwrap_or(start);
    let minute = if minute > start {
        minute - SignedDuration::from_mins(1)
    } else {
        minute
    };
    let target = minute - REBASE_INTO_TALK;
    schedule.shifted(target.duration_since(second_talk.start))
}
