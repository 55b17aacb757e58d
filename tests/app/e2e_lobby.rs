//! The lobby at six rooms (3×2) with the real 31C3 schedule's longest
//! titles and speaker lists: the titles' cap height is at least 3 % of the
//! screen's height, as on the room screen, and every card still fits.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kiosk_core::import::{load_file, ImportOptions};
use kiosk_core::model::Room;
use kiosk_core::store::Store;

use crate::e2e::{data_dir, SERIAL};
use crate::e2e_glance::{heaviest, shoot};
use crate::screen_checks::{lobby_grid, lobby_title_caps};
use crate::support::{root, E2e};

const SIZES: [(u32, u32, &str); 2] = [(1920, 1080, "1080p"), (3840, 2160, "2160p")];
const NOW: &str = "2014-12-28T13:00:00+01:00";

/// A data folder whose store holds the 31C3 schedule cut to six rooms: the
/// twelve talks with the longest title plus speaker list, six on at `NOW`
/// and six next, one of each per room.
fn six_rooms() -> tempfile::TempDir {
    let fixture = root().join("crates/core/tests/fixtures/frab/31c3-schedule.xml");
    let (_, v) = load_file(&fixture, &ImportOptions::default()).unwrap();
    let mut s = v.schedule;
    let mut talks = heaviest(&s, 12);
    for n in s.rooms.len()..6 {
        s.rooms.push(Room {
            id: format!("extra-{n}"),
            name: format!("Halle {}", n - 3),
        });
    }
    let start: Timestamp = NOW.parse().unwrap();
    let start = start - SignedDuration::from_mins(10);
    for (i, talk) in talks.iter_mut().enumerate() {
        talk.room = s.rooms[i % 6].id.clone();
        talk.start = start + SignedDuration::from_hours((i / 6) as i64);
        talk.end = talk.start + SignedDuration::from_mins(55);
        talk.cancelled = false;
    }
    s.sessions = talks;
    let data = data_dir();
    let mut store = Store::open(&data.path().join("store.sqlite")).unwrap();
    store.apply(&s, "31c3-six-rooms").unwrap();
    data
}

#[tokio::test(flavor = "multi_thread")]
async fn six_rooms_of_31c3_titles_are_as_tall_as_the_room_screens() {
    let _one = SERIAL.lock().await;
    let data = six_rooms();
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for theme in ["dark", "light"] {
            let c = rig
                .kiosk()
                .data_dir(data.path())
                .args(&["--kiosk", "--lobby", "--at", NOW, "--theme", theme])
                .launch()
                .await;
            c.first_render().await;
            tokio::time::sleep(Duration::from_millis(700)).await;
            assert_eq!(
                lobby_grid(&c).await,
                serde_json::json!([3, 2, 6]),
                "six rooms: 3×2"
            );
            let png = shoot(&c, &format!("lobby-31c3-six-{theme}-{size}.png")).await;
            let caps = lobby_title_caps(&c, &png).await;
            assert!(
                caps.len() >= 2,
                "titles starting with a flat capital: {caps:?}"
            );
            for (title, cap) in caps {
                let share = f64::from(cap) * 100.0 / f64::from(h);
                eprintln!(
                    "3×2 lobby at {size}, {theme}: {title:?} cap height {cap} px ({share:.2} %)"
                );
                assert!(share >= 3.0, "{title:?} at {size}: {cap} px, {share:.2} %");
            }
            c.close().await;
        }
    }
}
