//! End-to-end: what attendees need at a glance, on the real window under
//! Xvfb at 1080p and 4K, dark and light: a talk with its QR code, badges and
//! "running 10 min late"; a full room with its overflow; the lobby with a
//! full room; the real 31C3 schedule's lobby; an emergency takeover. Each is
//! saved in target/e2e-screenshots, checked for fit and contrast, its QR
//! code decoded back from the screenshot, its title's capitals measured.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Client;
use jiff::Timestamp;
use kiosk_core::edits::{Edit, Emergency, Occupancy, Pictogram, RoomStatusRequest};
use kiosk_core::import::{load_file, ImportOptions};
use kiosk_core::store::Store;
use serde_json::Value;

use crate::e2e::{data_dir, js, wait_js, SERIAL};
use crate::screen_checks::{
    as_seen_from_3m, assert_contrast, assert_fits, cap_height, decode_qr, lobby_grid,
    lobby_title_caps,
};
use crate::support::{demo_file, root, screenshot_dir, E2e, Kiosk, Launch};

/// 09:22 on the Dask Summit's first morning: "ETL Pipelines for Machine
/// Learning" (planned 09:10–09:25) runs 09:20–09:35 after a 10-minute delay.
pub(crate) const AT: &str = "2020-02-26T09:22:00-05:00";
const ETL_SLIDES: &str = "https://docs.google.com/presentation/d/e/2PACX-1vSk2zAnSmzpbz5BgK70mpPmeQeV4h1IkCQh-EU8KXrZFJQGHmlMTuHvln3CmOQVTg/embed";
const STREAM: &str = "https://streaming.example.org/dask-summit/main-hall";
const SIZES: [(u32, u32, &str); 2] = [(1920, 1080, "1080p"), (3840, 2160, "2160p")];
const THEMES: [&str; 2] = ["dark", "light"];

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// A data folder whose store holds the demo as imported (times as
/// published) and what `setup` adds, as an organizer's panel would have.
pub(crate) fn seeded(setup: impl FnOnce(&mut Store)) -> tempfile::TempDir {
    let data = data_dir();
    let mut store = Store::open(&data.path().join("store.sqlite")).unwrap();
    let (_, demo) = load_file(Path::new(&demo_file()), &ImportOptions::default()).unwrap();
    store.apply(&demo.schedule, "demo").unwrap();
    setup(&mut store);
    data
}

fn delayed(store: &mut Store) {
    store
        .record_edit(
            Edit::Delay {
                room: "main".into(),
                from: at("2020-02-26T09:12:00-05:00"),
                minutes: 10,
            },
            "e2e",
            at("2020-02-26T09:12:00-05:00"),
        )
        .unwrap();
}

pub(crate) fn full(store: &mut Store) {
    delayed(store);
    store
        .set_room_status(
            RoomStatusRequest {
                room: "Main hall".into(),
                occupancy: Occupancy::Full,
                overflow: Some("Breakout A".into()),
                stream_url: Some(STREAM.into()),
            },
            "e2e",
            at("2020-02-26T09:21:00-05:00"),
        )
        .unwrap();
}

pub(crate) async fn launch<'a>(rig: &'a E2e, data: &Path, theme: &str, view: &[&str]) -> Kiosk<'a> {
    launch_as(rig.kiosk(), data, theme, view).await
}

/// [`launch`] for a kiosk described further by the caller (its config).
pub(crate) async fn launch_as<'a>(
    kiosk: Launch<'a>,
    data: &Path,
    theme: &str,
    view: &[&str],
) -> Kiosk<'a> {
    let c = kiosk
        .data_dir(data)
        .args(&["--kiosk", "--at", AT, "--theme", theme])
        .args(view)
        .launch()
        .await;
    c.first_render().await;
    // Fonts settle and the fit pass runs after the first paint.
    tokio::time::sleep(Duration::from_millis(700)).await;
    c
}

/// Screenshot `name`, with the fit and contrast checks; its path.
pub(crate) async fn shoot(c: &Kiosk<'_>, name: &str) -> std::path::PathBuf {
    // Saved first, so a screen that fails the checks can be looked at.
    c.shot(name).await;
    assert_fits(c, name).await;
    let lowest = assert_contrast(c, name, 7.0).await;
    eprintln!("{name}: lowest text contrast {lowest:.2}:1");
    screenshot_dir().join(name)
}

async fn glance(c: &Client) -> Value {
    js(
        c,
        "const q = (s) => document.querySelector(s);
         const texts = (s) => [...document.querySelectorAll(s)].filter((e) => !e.closest('[hidden]')).map((e) => e.textContent);
         return { late: q('#hero-late').hidden ? null : q('#hero-late').textContent,
                  planned: q('#hero-planned').hidden ? null : q('#hero-planned').textContent,
                  time: q('#hero-time').textContent,
                  badges: texts('#now-badges .badge'),
                  qr: q('#qr').hidden ? null : q('#qr figcaption').textContent,
                  status: q('#room-status').hidden ? null : q('#room-status').textContent,
                  next_planned: texts('#next .planned') };",
    )
    .await
}

/// The QR code decodes from the screenshot, and from the screenshot as a
/// phone 3 m away sees it.
fn decodes(png: &Path, width: u32, url: &str) {
    assert_eq!(decode_qr(png), [url], "{}", png.display());
    let far = as_seen_from_3m(png, width);
    assert_eq!(decode_qr(&far), [url], "from 3 m: {}", far.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_talk_with_its_qr_code_badges_and_running_late() {
    let _one = SERIAL.lock().await;
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for theme in THEMES {
            let data = seeded(delayed);
            let c = launch(&rig, data.path(), theme, &["--room", "Main hall"]).await;
            let g = glance(&c).await;
            assert_eq!(g["late"], "Running 10 min late", "{g}");
            assert_eq!(
                (g["time"].clone(), g["planned"].clone()),
                ("09:20–09:35".into(), "09:10–09:25".into()),
                "{g}"
            );
            assert_eq!(
                g["badges"],
                serde_json::json!(["EN", "Not recorded"]),
                "{g}"
            );
            assert_eq!(g["qr"], "Slides", "{g}");
            assert_eq!(g["next_planned"], serde_json::json!(["09:25"]), "{g}");
            let png = shoot(&c, &format!("glance-talk-{theme}-{size}.png")).await;
            decodes(&png, w, ETL_SLIDES);
            let cap = cap_height(&c, "#now-title", &png).await;
            assert!(
                f64::from(cap) >= 0.03 * f64::from(h),
                "cap height {cap} px at {h} lines"
            );
            c.close().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_room_with_its_overflow_on_the_room_and_lobby_screens() {
    let _one = SERIAL.lock().await;
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for theme in THEMES {
            let data = seeded(full);
            let c = launch(&rig, data.path(), theme, &["--room", "Main hall"]).await;
            let g = glance(&c).await;
            assert_eq!(g["status"], "FullOverflow: Breakout A", "{g}");
            assert_eq!(g["qr"], "Watch the stream", "{g}");
            let png = shoot(&c, &format!("glance-full-{theme}-{size}.png")).await;
            decodes(&png, w, STREAM);
            c.close().await;

            let c = launch(&rig, data.path(), theme, &["--lobby"]).await;
            let card = js(
                &c,
                "const c = document.querySelector('.room-card[data-room-id=\"main\"]');
                 return [c.querySelector('.status-text').textContent, c.querySelector('.status-overflow').textContent,
                         c.querySelector('.late').textContent];",
            )
            .await;
            assert_eq!(
                card,
                serde_json::json!(["Full", "Overflow: Breakout A", "Running 10 min late"])
            );
            assert_eq!(
                lobby_grid(&c).await,
                serde_json::json!([3, 1, 3]),
                "three rooms in a row"
            );
            shoot(&c, &format!("glance-lobby-full-{theme}-{size}.png")).await;
            c.close().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emergency_takes_over_the_screen() {
    let _one = SERIAL.lock().await;
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for theme in THEMES {
            let data = seeded(|store| {
                delayed(store);
                store
                    .add_emergency(
                        Emergency {
                            id: String::new(),
                            headline: "Please leave the building now".into(),
                            text: "Walk to the nearest exit. Do not use the lifts. Meet outside at the assembly point.".into(),
                            pictogram: Some(Pictogram::Evacuate),
                            rooms: None,
                            starts: at("2020-02-26T09:21:00-05:00"),
                            expires: None,
                        },
                        "e2e",
                        at("2020-02-26T09:21:00-05:00"),
                    )
                    .unwrap();
            });
            let c = launch(&rig, data.path(), theme, &["--room", "Main hall"]).await;
            let shown = js(
                &c,
                "const e = document.querySelector('#emergency'); const r = e.getBoundingClientRect();
                 return [e.hidden, getComputedStyle(document.querySelector('#app')).visibility,
                         Math.round(r.width) === innerWidth && Math.round(r.height) === innerHeight,
                         e.querySelector('.headline').textContent, e.querySelector('.pictogram-label').textContent,
                         !!e.querySelector('.pictogram svg'),
                         getComputedStyle(e).transitionDuration, getComputedStyle(e).animationName];",
            )
            .await;
            assert_eq!(
                shown,
                serde_json::json!([
                    false,
                    "hidden",
                    true,
                    "Please leave the building now",
                    "Emergency exit",
                    true,
                    "0s",
                    "none"
                ])
            );
            let contrast = assert_contrast(&c, "emergency", 20.0).await;
            eprintln!("emergency {theme}: contrast {contrast:.1}:1");
            c.shot(&format!("glance-emergency-{theme}-{size}.png"))
                .await;
            c.close().await;
        }
    }
}

/// The instants of a real schedule when the lobby is hardest to fit: the
/// longest title plus speaker list on in any room, the longest next title.
fn hardest_instants(path: &Path, count: usize) -> Vec<String> {
    let (_, v) = load_file(path, &ImportOptions::default()).unwrap();
    let s = v.schedule;
    heaviest(&s, count)
        .into_iter()
        .map(|x| s.local_rfc3339(x.start + jiff::SignedDuration::from_mins(5)))
        .collect()
}

/// The `count` talks of `s` with the longest title plus speaker list.
pub(crate) fn heaviest(
    s: &kiosk_core::model::Schedule,
    count: usize,
) -> Vec<kiosk_core::model::Session> {
    let weight = |x: &kiosk_core::model::Session| {
        x.title.chars().count()
            + x.speakers
                .iter()
                .filter_map(|id| s.speaker(id))
                .map(|sp| sp.name.chars().count() + 3)
                .sum::<usize>()
    };
    let mut talks = s.sessions.clone();
    talks.sort_by_key(|x| std::cmp::Reverse(weight(x)));
    talks.truncate(count);
    talks
}

#[tokio::test(flavor = "multi_thread")]
async fn the_31c3_lobby_fits_in_a_two_by_two_grid() {
    let _one = SERIAL.lock().await;
    let fixture = root().join("crates/core/tests/fixtures/frab/31c3-schedule.xml");
    let schedule = fixture.to_str().unwrap();
    // Serenität in Saal 6 (its title cut through the descenders before), and
    // the real schedule's longest titles and speaker lists.
    let mut instants = vec!["2014-12-28T13:00:00+01:00".to_string()];
    instants.extend(hardest_instants(&fixture, 3));
    for (w, h, size) in SIZES {
        let rig = E2e::start(w, h);
        for (i, instant) in instants.iter().enumerate() {
            let theme = THEMES[i % 2];
            let c = rig
                .kiosk()
                .args(&["--kiosk", "--schedule", schedule, "--lobby"])
                .args(&["--at", instant, "--theme", theme])
                .launch()
                .await;
            c.first_render().await;
            tokio::time::sleep(Duration::from_millis(700)).await;
            assert_eq!(
                lobby_grid(&c).await,
                serde_json::json!([2, 2, 4]),
                "{instant}: 2×2"
            );
            let name = format!("glance-31c3-lobby-{i}-{size}.png");
            let png = shoot(&c, &name).await;
            if i == 0 {
                let saal6 = js(
                    &c,
                    "const c = [...document.querySelectorAll('.room-card')].find((c) => c.querySelector('.room-name').textContent === 'Saal 6');
                     return [c.querySelector('.room-now .title').textContent, c.querySelector('.room-now .speakers').textContent];",
                )
                .await;
                assert_eq!(
                    saal6,
                    serde_json::json!([
                        "Serenität – Anleitung zum Glücklichsein",
                        "Elektra · Andrea Behrendt - read & delete"
                    ])
                );
            }
            // Every card's title as tall as the room screen's: cap height
            // at least 3 % of the screen's height.
            let caps = lobby_title_caps(&c, &png).await;
            assert!(
                !caps.is_empty(),
                "{instant}: no title starts with a flat capital"
            );
            for (title, cap) in caps {
                let share = f64::from(cap) * 100.0 / f64::from(h);
                eprintln!(
                    "31C3 lobby at {size}, {theme}: {title:?} cap height {cap} px ({share:.2} %)"
                );
                assert!(
                    share >= 3.0,
                    "{title:?} at {size}: cap height {cap} px, {share:.2} %"
                );
            }
            c.close().await;
        }
    }
}

/// A leader's emergency reaches a following kiosk within a second, from
/// the organizer's confirm to the follower's screen; a full room too; and
/// clearing it brings the follower's talk back. The follower runs at the
/// default poll interval (60 s), and the changes are made at a random
/// moment at least 10 s after its first sync, so wherever they fall
/// between the leader's 8 s holds, the follower is already asking.
#[tokio::test(flavor = "multi_thread")]
async fn a_follower_shows_the_leaders_emergency_within_a_second() {
    let _one = SERIAL.lock().await;
    // Each kiosk on its own screen, as in a venue: with both windows on one
    // screen the follower's sat behind the leader's and took 1997 ms for
    // both changes; on its own screen 1357 and 1429 ms.
    let (rig_a, rig_b) = (E2e::start(1920, 1080), E2e::start(1920, 1080));
    let data_a = data_dir();
    let listen = format!("127.0.0.1:{}", crate::support::free_port());
    let token = "e2e-feed-token-0123456789";
    let token_file = crate::support::private_token_file(data_a.path(), token);
    let schedule = demo_file();
    let a = rig_a
        .kiosk()
        .panel()
        .data_dir(data_a.path())
        .args(&["--schedule", &schedule, "--room", "Main hall", "--at", AT])
        .args(&[
            "--serve",
            &listen,
            "--serve-token-file",
            token_file.to_str().unwrap(),
        ])
        .launch()
        .await;
    let url = format!("http://{listen}/feed.json?token={token}");
    let b = rig_b
        .kiosk()
        .args(&["--source", &url])
        .args(&["--room", "Main hall", "--kiosk", "--at", AT])
        .launch()
        .await;
    crate::e2e::wait_for_title(
        &b,
        "ETL Pipelines for Machine Learning",
        Duration::from_secs(30),
        "the follower shows the feed",
    )
    .await;
    let synced = Instant::now();
    a.unlock().await;
    // 10 s past the first sync, then a random part of the leader's 8 s hold.
    let seed = std::env::var("KIOSK_FOLLOW_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let after = Duration::from_secs(10)
        + Duration::from_millis(fastrand::Rng::with_seed(seed).u64(0..8_000));
    eprintln!(
        "posting {} ms after the follower's first sync (KIOSK_FOLLOW_SEED={seed})",
        after.as_millis()
    );

    // Main hall is full: the follower says so, with the overflow room.
    crate::e2e::click(&a, "#rooms [data-room-id=\"main\"]").await;
    js(
        &a,
        "document.querySelector('#room-status-overflow').value = 'breakout-a'; return true",
    )
    .await;
    tokio::time::sleep(after.saturating_sub(synced.elapsed())).await;
    crate::e2e::click(&a, "#room-status-buttons [data-occupancy=\"full\"]").await;
    let set = Instant::now();
    wait_js(
        &b,
        "return document.querySelector('#room-status').textContent === 'FullOverflow: Breakout A'",
        Duration::from_secs(10),
        "the full room reaches the follower",
    )
    .await;
    let status_took = set.elapsed();

    // The evacuation template, confirmed.
    crate::e2e::open_tab(&a, "Emergency").await;
    crate::e2e::click(&a, "#emergency-templates [data-template=\"0\"]").await;
    crate::e2e::click(&a, "#emergency-post").await;
    crate::e2e::confirm_dialog(&a).await;
    let confirmed = Instant::now();
    wait_js(&b, "return !document.querySelector('#emergency').hidden && document.querySelector('#emergency .headline').textContent === 'Please leave the building now'",
        Duration::from_secs(10), "the emergency reaches the follower").await;
    let emergency_took = confirmed.elapsed();
    b.shot("glance-follower-emergency-1080p.png").await;
    eprintln!(
        "leader → follower: room status {} ms, emergency {} ms (from the confirm click)",
        status_took.as_millis(),
        emergency_took.as_millis()
    );
    // The goal: the emergency on every screen within 1 s of the
    // confirm. Before the follower asked again at once after a held
    // request, at the default interval this could take up to ~52 s.
    assert!(
        emergency_took < Duration::from_secs(1),
        "{emergency_took:?}"
    );
    assert!(status_took < Duration::from_secs(2), "{status_took:?}");

    // Cleared on the leader: the follower's talk is back.
    wait_js(
        &a,
        "return !!document.querySelector('#emergencies [data-clear]')",
        Duration::from_secs(10),
        "listed",
    )
    .await;
    crate::e2e::click(&a, "#emergencies [data-clear]").await;
    crate::e2e::confirm_dialog(&a).await;
    wait_js(
        &b,
        "return document.querySelector('#emergency').hidden",
        Duration::from_secs(10),
        "cleared on the follower",
    )
    .await;
    assert_eq!(
        crate::e2e::read(&b).await["title"],
        "ETL Pipelines for Machine Learning"
    );
    a.close().await;
    b.close().await;
}
