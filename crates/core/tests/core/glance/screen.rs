//! What the screen is given: one line per room, from a real store (edits,
//! statuses and emergencies recorded, read back as the kiosk reads them)
//! through the snapshot and `decorate`, as `check(…, expect)` tables.

use jiff::Timestamp;
use kiosk_core::config::{QrConfig, QrLink};
use kiosk_core::control::Records;
use kiosk_core::edits::{Emergency, Occupancy, Pictogram, RoomStatusRequest};
use kiosk_core::glance::{decorate, lobby, qr, Glance};
use kiosk_core::i18n::Language;
use kiosk_core::model::{Link, LinkKind, Recording, Schedule, SessionInfo};
use kiosk_core::snapshot::{display_snapshot, DisplaySnapshot, Selection, WallMode};
use kiosk_core::store::Store;
use proptest::prelude::*;

use crate::edits::{at, delay, id, schedule, store_with, MORNING, ORIGIN};

fn screen(store: &Store, selection: &Selection, when: &str, qr: &QrConfig) -> DisplaySnapshot {
    let records = Records::read(store).unwrap();
    let schedule = records.effective.as_ref();
    let mut snapshot = display_snapshot(schedule, selection, at(when), 1, 1.0);
    snapshot.wall = WallMode::Side;
    decorate(
        &mut snapshot,
        &Glance {
            schedule,
            moved: &records.moved,
            qr,
            statuses: &records.room_statuses,
            emergencies: &records.emergencies,
        },
    );
    snapshot
}

fn hm(t: Option<Timestamp>) -> String {
    t.map_or("-".into(), |t| {
        t.to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
            .strftime("%H:%M")
            .to_string()
    })
}

/// `R1 [Running 10 min late] now A 10:10-10:40 (was 10:00-10:30) · next …
/// · qr Slides · Full, Overflow: R2 | next change 10:40`.
fn render(s: &DisplaySnapshot) -> String {
    let mut out = Vec::new();
    if let Some(e) = &s.emergency {
        out.push(format!(
            "EMERGENCY {} ({})",
            e.headline,
            e.pictogram.as_ref().map_or("-", |p| p.label.as_str())
        ));
    }
    for r in &s.rooms {
        let mut parts = vec![r.room.clone()];
        if let Some(l) = &r.late {
            parts.push(format!("[{}]", l.text));
        }
        let view = |label: &str, v: &kiosk_core::snapshot::SessionView| {
            let mut t = format!("{label} {} {}-{}", v.title, v.start_local, v.end_local);
            if let Some(p) = &v.planned {
                t.push_str(&format!(" (was {}-{})", p.start_local, p.end_local));
            }
            for b in &v.badges {
                t.push_str(&format!(" <{}>", b.text));
            }
            t
        };
        if let Some(c) = &r.current {
            parts.push(view("now", &c.session));
        }
        if let Some(n) = &r.next {
            parts.push(view("next", n));
        }
        if let Some(q) = &r.qr {
            parts.push(format!("qr {}", q.caption));
        }
        if let Some(st) = &r.status {
            parts.push(format!(
                "{}{}",
                st.text,
                st.overflow
                    .as_ref()
                    .map_or(String::new(), |o| format!(", {o}"))
            ));
        }
        out.push(parts.join(" · "));
    }
    out.push(format!("next change {}", hm(s.next_change_at)));
    out.join(" | ")
}

fn room(name: &str) -> Selection {
    Selection::Room { room: name.into() }
}

fn check(s: &DisplaySnapshot, expect: &str) {
    assert_eq!(render(s), expect);
}

fn with_info(text: &str, info: &[(&str, SessionInfo)]) -> Schedule {
    let mut s = schedule(text);
    for (sid, i) in info {
        s.sessions.iter_mut().find(|x| x.id == *sid).unwrap().info = i.clone();
    }
    s
}

fn slides(url: &str) -> SessionInfo {
    SessionInfo {
        links: vec![Link {
            kind: LinkKind::Slides,
            url: url.into(),
        }],
        ..SessionInfo::default()
    }
}

#[test]
fn a_delay_shows_as_lateness_with_the_planned_times() {
    let mut store = store_with(MORNING);
    let qr = QrConfig::default();
    check(
        &screen(&store, &room("R1"), "10:05", &qr),
        "R1 · now A 10:00-10:30 · next B 10:30-10:45 | next change 10:25",
    );
    store
        .record_edit(delay("R1", "10:05", 10), ORIGIN, at("10:05"))
        .unwrap();
    check(
        &screen(&store, &room("R1"), "10:12", &qr),
        "R1 · [Running 10 min late] · now A 10:10-10:40 (was 10:00-10:30) · next B 10:40-10:45 (was 10:30-10:45) | next change 10:35",
    );
    // In the shortened break the next talk is on time again: not late.
    check(
        &screen(&store, &room("R1"), "10:41", &qr),
        "R1 · now B 10:40-10:45 (was 10:30-10:45) · next C 10:45-11:15 | next change 10:45",
    );
    // An overrun turned into an extension makes the room late too.
    store
        .record_edit(
            kiosk_core::edits::Edit::Extend {
                session: id("c"),
                minutes: 5,
            },
            ORIGIN,
            at("11:10"),
        )
        .unwrap();
    check(
        &screen(&store, &room("R1"), "11:12", &qr),
        "R1 · [Running 5 min late] · now C 10:45-11:20 (was 10:45-11:15) | next change 11:15",
    );
}

#[test]
fn badges_and_the_qr_code_follow_the_config() {
    let text = "R1 10:00-10:30 talk a; 10:30-10:45 break b; R2 10:00-10:30 talk x";
    let info_a = SessionInfo {
        languages: vec!["de".into(), "en".into()],
        recording: Recording::Streamed,
        captions: true,
        sign_language: Some("DGS".into()),
        links: vec![
            Link {
                kind: LinkKind::Page,
                url: "https://x.org/a".into(),
            },
            Link {
                kind: LinkKind::Slides,
                url: "https://x.org/a.pdf".into(),
            },
        ],
    };
    let mut store = Store::open_in_memory().unwrap();
    store
        .apply(
            &with_info(
                text,
                &[
                    ("a", info_a),
                    ("b", slides("https://x.org/b.pdf")),
                    ("x", slides("https://x.org/x.pdf")),
                ],
            ),
            "t",
        )
        .unwrap();
    let mut qr = QrConfig::default();
    check(
        &screen(&store, &room("R1"), "10:05", &qr),
        "R1 · now A 10:00-10:30 <DE · EN> <Streamed live> <Live captions> <Sign language: DGS> · next B 10:30-10:45 · qr Slides | next change 10:25",
    );
    // A break shows no code by default, even with slides.
    check(
        &screen(&store, &room("R1"), "10:35", &qr),
        "R1 · now B 10:30-10:45 | next change 10:40",
    );
    qr.rooms.insert("R1".into(), QrLink::Page);
    qr.rooms.insert("R2".into(), QrLink::Off);
    check(
        &screen(&store, &room("R1"), "10:05", &qr),
        "R1 · now A 10:00-10:30 <DE · EN> <Streamed live> <Live captions> <Sign language: DGS> · next B 10:30-10:45 · qr Talk page | next change 10:25",
    );
    check(
        &screen(&store, &room("R2"), "10:05", &qr),
        "R2 · now X 10:00-10:30 | next change 10:25",
    );
    qr.rooms.insert("R1".into(), QrLink::Stream);
    assert!(
        screen(&store, &room("R1"), "10:05", &qr).rooms[0]
            .qr
            .is_none(),
        "no stream link, no code"
    );
}

#[test]
fn a_qr_code_is_a_grid_of_modules_at_a_fixed_size() {
    let url = "https://docs.google.com/presentation/d/e/2PACX-1vSCDbXrXtrL9vmA0hQ1NNk5DY0-3Azpcf9FbYgjoLuKV79vf_nm7wdUZl1NsL5DZqRmlUTP--u9HM56/embed";
    let q = qr::qr_view(Language::En.catalogue(), url, "Slides").unwrap();
    assert_eq!(
        q.modules,
        41 + 2 * qr::QUIET_MODULES,
        "version 6 at level L"
    );
    assert!((q.size_vh - f64::from(q.modules) * qr::MODULE_VH).abs() < 0.01);
    // The finder pattern's top edge: seven dark modules inside the quiet zone.
    assert!(q.path.starts_with("M4 4h7v1h-7z"), "{}", &q.path[..40]);
    // Too long to scan at that size: no code rather than a dense one.
    assert!(qr::qr_view(
        Language::En.catalogue(),
        &format!("https://x.org/{}", "a".repeat(200)),
        "Slides"
    )
    .is_none());
    // Version 6 at level L holds 134 bytes: the longest address that gets a
    // code, and one byte more that does not.
    let at_most = format!("https://x.org/{}", "a".repeat(120));
    assert_eq!(
        qr::qr_view(Language::En.catalogue(), &at_most, "Slides")
            .unwrap()
            .modules,
        qr::MAX_MODULES
    );
    assert!(qr::qr_view(Language::En.catalogue(), &format!("{at_most}a"), "Slides").is_none());
}

#[test]
fn a_full_room_shows_its_overflow_until_its_session_ends() {
    let text = "R1 10:00-10:30 talk a; 10:30-10:45 break b; R2 10:00-10:30 talk x";
    let mut stream = slides("https://x.org/a.pdf");
    stream.links.push(Link {
        kind: LinkKind::Stream,
        url: "https://live.x.org/r1".into(),
    });
    let mut store = Store::open_in_memory().unwrap();
    store
        .apply(&with_info(text, &[("a", stream)]), "t")
        .unwrap();
    let qr = QrConfig::default();
    let full = |overflow: Option<&str>| RoomStatusRequest {
        room: "R1".into(),
        occupancy: Occupancy::Full,
        overflow: overflow.map(Into::into),
        stream_url: None,
    };
    store
        .set_room_status(full(Some("R2")), ORIGIN, at("10:05"))
        .unwrap();
    check(
        &screen(&store, &room("R1"), "10:06", &qr),
        "R1 · now A 10:00-10:30 · next B 10:30-10:45 · qr Watch the stream · Full, Overflow: R2 | next change 10:25",
    );
    // Three cards in a row are too narrow for a code; the status shows.
    check(
        &screen(&store, &Selection::Lobby, "10:06", &qr),
        "R1 · now A 10:00-10:30 · next B 10:30-10:45 · Full, Overflow: R2 | R2 · now X 10:00-10:30 | R3 | next change 10:25",
    );
    // A delay keeps it as long as its session runs.
    store
        .record_edit(delay("R1", "10:07", 10), ORIGIN, at("10:07"))
        .unwrap();
    assert!(screen(&store, &room("R1"), "10:35", &qr).rooms[0]
        .status
        .is_some());
    assert_eq!(
        hm(screen(&store, &room("R1"), "10:36", &qr).next_change_at),
        "10:40"
    );
    assert!(screen(&store, &room("R1"), "10:40", &qr).rooms[0]
        .status
        .is_none());
    // Cleared, and the clearing undone.
    store
        .set_room_status(
            RoomStatusRequest {
                occupancy: Occupancy::FillingUp,
                ..full(None)
            },
            ORIGIN,
            at("10:08"),
        )
        .unwrap();
    assert_eq!(
        screen(&store, &room("R1"), "10:09", &qr).rooms[0]
            .status
            .as_ref()
            .unwrap()
            .text,
        "Filling up"
    );
    assert!(store.clear_room_status("R1", ORIGIN, at("10:10")).unwrap());
    assert!(screen(&store, &room("R1"), "10:11", &qr).rooms[0]
        .status
        .is_none());
    assert!(
        !store.clear_room_status("R1", ORIGIN, at("10:10")).unwrap(),
        "nothing left to clear"
    );
    store.undo_last(ORIGIN, at("10:12")).unwrap().unwrap();
    assert_eq!(
        screen(&store, &room("R1"), "10:13", &qr).rooms[0]
            .status
            .as_ref()
            .unwrap()
            .text,
        "Filling up"
    );
    store.undo_last(ORIGIN, at("10:14")).unwrap().unwrap();
    assert_eq!(
        screen(&store, &room("R1"), "10:15", &qr).rooms[0]
            .status
            .as_ref()
            .unwrap()
            .text,
        "Full"
    );
}

fn emergency(rooms: Option<&[&str]>, starts: &str, expires: Option<&str>) -> Emergency {
    Emergency {
        id: String::new(),
        headline: "Please leave the building now".into(),
        text: "Use the nearest exit.".into(),
        pictogram: Some(Pictogram::Evacuate),
        rooms: rooms.map(|r| r.iter().map(|s| s.to_string()).collect()),
        starts: at(starts),
        expires: expires.map(at),
    }
}

#[test]
fn an_emergency_takes_over_its_screens_until_it_expires_or_is_cleared() {
    let mut store = store_with("R1 10:00-10:30 talk a; R2 10:00-10:30 talk x");
    let qr = QrConfig::default();
    let posted = store
        .add_emergency(
            emergency(Some(&["R1"]), "10:05", Some("10:20")),
            ORIGIN,
            at("10:05"),
        )
        .unwrap();
    assert_eq!(posted.id, "emergency-1");
    let r1 = screen(&store, &room("R1"), "10:06", &qr);
    assert_eq!(r1.wall, WallMode::Off, "no photos over an emergency");
    check(&r1, "EMERGENCY Please leave the building now (Emergency exit) | R1 · now A 10:00-10:30 | next change 10:20");
    check(
        &screen(&store, &room("R2"), "10:06", &qr),
        "R2 · now X 10:00-10:30 | next change 10:25",
    );
    assert!(
        screen(&store, &Selection::Lobby, "10:06", &qr)
            .emergency
            .is_some(),
        "the lobby shows every room's"
    );
    assert!(
        screen(&store, &room("R1"), "10:20", &qr)
            .emergency
            .is_none(),
        "expired"
    );
    store
        .add_emergency(emergency(None, "10:21", None), ORIGIN, at("10:21"))
        .unwrap();
    assert!(screen(&store, &room("R2"), "10:22", &qr)
        .emergency
        .is_some());
    assert!(store
        .clear_emergency("emergency-2", ORIGIN, at("10:23"))
        .unwrap());
    assert!(screen(&store, &room("R2"), "10:24", &qr)
        .emergency
        .is_none());
    assert!(!store
        .clear_emergency("emergency-2", ORIGIN, at("10:23"))
        .unwrap());
    // Never undone by "undo": the log has it, the undo target is elsewhere.
    assert!(store.undo_last(ORIGIN, at("10:25")).unwrap().is_none());
    let audit: Vec<String> = store
        .audit(10)
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(audit, ["clear_emergency", "emergency", "emergency"]);
}

#[test]
fn the_lobby_grid_fits_the_room_count() {
    let check = |rooms: usize, expect: (usize, usize)| {
        assert_eq!(lobby::grid(rooms), expect, "{rooms} rooms");
    };
    check(1, (1, 1));
    check(3, (3, 1));
    check(4, (2, 2));
    check(6, (3, 2));
    check(8, (4, 2));
    check(9, (3, 3));
    check(30, (4, 3));
}

proptest! {
    /// Over one round of pages every room shows exactly once, each page
    /// full but the last, and the page turns when `turn` says.
    #[test]
    fn the_lobby_pages_show_every_room_once(rooms in 1usize..60, start in 0i64..100_000) {
        let t0 = Timestamp::from_second(1_700_000_000 + start).unwrap();
        let (layout, _, _) = lobby::layout(rooms, t0);
        let mut seen = vec![0; rooms];
        let mut at = t0;
        for _ in 0..layout.pages {
            let (l, page, turn) = lobby::layout(rooms, at);
            prop_assert_eq!((l.columns, l.rows, l.pages), (layout.columns, layout.rows, layout.pages));
            prop_assert!(page.len() <= l.columns * l.rows);
            for i in page {
                seen[i] += 1;
            }
            match turn {
                None => prop_assert_eq!(l.pages, 1),
                Some(t) => {
                    prop_assert!(t > at && t.duration_since(at).as_secs() <= lobby::PAGE_SECONDS);
                    prop_assert_eq!(lobby::layout(rooms, t).0.page, l.page % l.pages + 1);
                    at = t;
                }
            }
        }
        prop_assert!(seen.iter().all(|n| *n == 1), "{:?}", seen);
    }
}
