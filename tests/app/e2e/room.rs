//! The room and lobby screens: what they show at each moment and state,
//! at 720p, 1080p and 4K, in any script.

use super::wall::{read_wall, wait_for_wall};
use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_room_screen_shows_what_now_prints_at_1080p() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let c = rig
        .kiosk()
        .args(&["--demo", "--kiosk", "--at", T, "--room", "Main hall"])
        .launch()
        .await;
    let (_, took) = c.first_render().await;
    eprintln!("launch to first rendered snapshot: {} ms", took.as_millis());
    // Let the fonts settle, then compare with the CLI.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let screen_now = read(&c).await;
    let cli = now_json(&["--demo", "--at", T, "--room", "Main hall"]);
    let room = &cli["rooms"][0];
    assert_eq!(screen_now["view"], "room");
    assert_eq!(screen_now["place"], "Main hall");
    assert_eq!(screen_now["title"], room["now"]["title"], "{screen_now}");
    assert_eq!(
        screen_now["speakers"], room["now"]["speakers"],
        "{screen_now}"
    );
    assert_eq!(screen_now["next_title"], room["next"]["title"]);
    assert_eq!(screen_now["label"], "Now");
    assert_eq!(screen_now["kiosk"], true);
    assert_eq!(
        (screen_now["width"].as_u64(), screen_now["height"].as_u64()),
        (Some(1920), Some(1080)),
        "kiosk mode is fullscreen"
    );
    // The clock reads the venue's time at T (the demo's clock started there).
    assert!(
        ["10:20", "10:21"].contains(&screen_now["clock"].as_str().unwrap()),
        "{}",
        screen_now["clock"]
    );
    c.shot("room-1080p.png").await;
    // The demo's photos arrive: the wall takes the side; everything still fits.
    side_wall_fits(&c).await;
    c.shot("room-wall-side-1080p.png").await;
    c.close().await;
}

/// Wait for the demo's photos to take the side of the room screen (a photo
/// shown and the fade over), then check that everything still fits.
async fn side_wall_fits(c: &Client) {
    wait_for_wall(c, Duration::from_secs(90), "the side wall", |w| {
        w["mode"] == "side" && w["changes"].as_u64() >= Some(1)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_room_fits(c).await;
}

/// Title above speakers above the progress bar above the cards, none cut by
/// its neighbour, and the photo wall beside them, not over them.
async fn assert_room_fits(c: &Client) {
    let fits = c
        .execute(
            "const r = (s) => document.querySelector(s).getBoundingClientRect();
             const t = r('#now-title'), s = r('#now-speakers'), p = r('#progress'), n = r('#next');
             const w = document.querySelector('#wall').hidden ? null : r('#wall');
             return [t.bottom <= s.top + 1, s.bottom <= p.top + 1, p.bottom <= n.top + 1,
                     !w || (w.left >= t.right - 1 && w.left >= n.right - 1)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        fits,
        serde_json::json!([true, true, true, true]),
        "title, speakers, bar, cards, wall"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn room_and_lobby_screens_at_4k() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(3840, 2160);
    for (args, name) in [
        (vec!["--room", "Main hall"], "room-2160p.png"),
        (vec!["--lobby"], "lobby-2160p.png"),
        (vec!["--lobby", "--theme", "light"], "lobby-light-2160p.png"),
    ] {
        let c = rig
            .kiosk()
            .args(&["--demo", "--kiosk", "--at", T])
            .args(&args)
            .launch()
            .await;
        let (s, _) = c.first_render().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        if name.starts_with("lobby") {
            assert_eq!(s["view"], "lobby");
            assert_eq!(
                s["lobby_rooms"],
                serde_json::json!(["Main hall", "Breakout A", "Breakout B"])
            );
        } else {
            assert_eq!(s["view"], "room");
            side_wall_fits(&c).await;
            let w = read_wall(&c).await;
            assert!(
                w["src"].as_str().unwrap().ends_with("-3840.jpg"),
                "a 4K screen loads the 3840 rendition: {w}"
            );
        }
        c.shot(name).await;
        c.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn at_600x_the_screen_moves_to_each_talk_as_it_starts() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1280, 720);
    let c = rig
        .kiosk()
        .args(&["--demo", "--at", T, "--speed", "600", "--room", "Main hall"])
        .launch()
        .await;
    c.first_render().await;
    // The room's sessions in order, as the store holds them after re-basing.
    let schedule = kiosk_core::demo::rebased(T.parse().unwrap());
    let order: Vec<&kiosk_core::model::Session> = schedule
        .sessions
        .iter()
        .filter(|s| s.room == "main")
        .collect();
    let position = |id: &str| {
        order
            .iter()
            .position(|s| s.id == id)
            .unwrap_or_else(|| panic!("unknown session {id}"))
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    let until = Instant::now() + Duration::from_secs(12);
    while Instant::now() < until {
        let s = read(&c).await;
        if let (Some(id), Some(clock)) = (s["session"].as_str(), s["clock"].as_str()) {
            if s["label"] != "Next" && seen.last().is_none_or(|(last, _)| last != id) {
                seen.push((id.to_string(), clock.to_string()));
            }
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    c.close().await;
    eprintln!("sessions seen at 600x: {seen:?}");
    assert!(seen.len() >= 4, "the screen moved on: {seen:?}");
    for pair in seen.windows(2) {
        let (a, b) = (position(&pair[0].0), position(&pair[1].0));
        assert_eq!(
            b,
            a + 1,
            "no session skipped, none shown out of order: {seen:?}"
        );
    }
    // Each change shows on screen within about a clock minute of the start
    // (at 600x a real second is ten clock minutes).
    for (id, clock) in &seen[1..] {
        let start = &order[position(id)].start;
        let start_hm = schedule.local_hm(*start);
        let late = minutes_between(&start_hm, clock);
        assert!(
            (0..=2).contains(&late),
            "{id} starts {start_hm}, first seen at {clock}"
        );
    }
}

fn minutes_between(a: &str, b: &str) -> i64 {
    let m = |t: &str| t[..2].parse::<i64>().unwrap() * 60 + t[3..5].parse::<i64>().unwrap();
    (m(b) - m(a)).rem_euclid(24 * 60)
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_and_any_script_text_shows_as_text() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let unicode = fixture("unicode.json");
    for (at, expect_title, shot) in [
        (
            "2025-09-12T10:35:00+09:00",
            "<img src=x onerror=alert(1)>",
            None,
        ),
        (
            "2025-09-12T10:05:00+09:00",
            "分散処理の未来 — The future of distributed computing",
            Some("room-scripts-1080p.png"),
        ),
        (
            "2025-09-12T11:10:00+09:00",
            "Ein sehr langer Titel",
            Some("room-long-title-1080p.png"),
        ),
    ] {
        let c = rig
            .kiosk()
            .args(&["--schedule", &unicode, "--kiosk", "--at", at])
            .args(&["--room", "大ホール"])
            .launch()
            .await;
        let (s, _) = c.first_render().await;
        assert!(
            s["title"].as_str().unwrap().starts_with(expect_title),
            "{s}"
        );
        assert_eq!(s["imgs"], 0, "no element was made from a title: {s}");
        if expect_title.starts_with('<') {
            assert_eq!(s["title"], expect_title);
            let alerted: Value = c
                .execute("return typeof window.__alerted", vec![])
                .await
                .unwrap();
            assert_eq!(alerted, "undefined");
        }
        if let Some(name) = shot {
            tokio::time::sleep(Duration::from_millis(500)).await;
            c.shot(name).await;
        }
        c.close().await;
    }
    // The demo file itself is the same format `--schedule` reads.
    assert!(std::path::Path::new(&demo_file()).is_file());
}

#[tokio::test(flavor = "multi_thread")]
async fn each_room_state_reads_right() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let demo = demo_file();
    for (at, state, label, title, shot) in [
        (
            "2020-02-26T09:21:00-05:00",
            "in_session",
            "Now",
            "ETL Pipelines for Machine Learning",
            "room-ending-soon-1080p.png",
        ),
        (
            "2020-02-26T10:30:00-05:00",
            "break",
            "Break",
            "Coffee break",
            "room-break-1080p.png",
        ),
        (
            "2020-02-26T17:30:00-05:00",
            "between_sessions",
            "Next",
            "Group dinner",
            "room-between-1080p.png",
        ),
        (
            "2020-02-26T22:00:00-05:00",
            "day_over",
            "Next day",
            "Breakfast",
            "room-day-over-1080p.png",
        ),
        (
            "2020-02-28T17:00:00-05:00",
            "event_over",
            "That was all",
            "Thank you for coming to Dask Summit 2020!",
            "room-event-over-1080p.png",
        ),
    ] {
        let c = rig
            .kiosk()
            .args(&["--schedule", &demo, "--kiosk", "--at", at])
            .args(&["--room", "Main hall"])
            .launch()
            .await;
        c.first_render().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let s = read(&c).await;
        assert_eq!(
            (
                s["hero_state"].as_str(),
                s["label"].as_str(),
                s["title"].as_str()
            ),
            (Some(state), Some(label), Some(title)),
            "at {at}: {s}"
        );
        if shot == "room-ending-soon-1080p.png" {
            let soon: Value = c
                .execute(
                    "return document.querySelector('#hero').classList.contains('ending-soon')",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(soon, true, "four minutes left shows the warning colour");
        }
        c.shot(shot).await;
        c.close().await;
    }
}
