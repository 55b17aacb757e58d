//! The fleet end to end, every part real: mosquitto on 127.0.0.1, a leader
//! kiosk (its control panel driven through WebDriver) publishing on it, and
//! two follower kiosks on screens of their own. A delay on the leader shows
//! on both; one follower's clock runs 30 s ahead and is flagged with that
//! offset; a follower whose web process is stopped turns red by its last
//! render; one killed with -9 is marked offline by its last will, and green
//! again once restarted; its thumbnail shows its room's title (OCR).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::{data_dir, delay_main_hall, js, open_tab, SERIAL};
use crate::support::{descendants, screenshot_dir, E2e, Launch, Screen, Spawned};

/// Every row of the Screens tab as the organizer reads it.
pub(crate) const ROWS: &str = r#"
return [...document.querySelectorAll('#screens [data-screen-id]')].map((li) => ({
  id: li.dataset.screenId,
  level: li.dataset.level,
  status: li.querySelector('.meta .chip').textContent,
  name: li.querySelector('.screen-name').textContent,
  reasons: [...li.querySelectorAll('.reason')].map((r) => r.textContent),
  showing: [...li.querySelectorAll('.showing .text')].map((r) => r.textContent),
  clock: li.querySelector('.fact.clock .fact-value').textContent,
  thumbnail: (li.querySelector('img.screen-thumb') || {}).src || null,
}));
"#;

pub(crate) async fn rows(c: &Client) -> Vec<Value> {
    js(c, ROWS).await.as_array().cloned().unwrap_or_default()
}

/// The row of the screen named `name`, once `ready` holds for it.
pub(crate) async fn wait_row(
    c: &Client,
    name: &str,
    limit: Duration,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> (Value, Duration) {
    let since = Instant::now();
    loop {
        let all = rows(c).await;
        if let Some(row) = all.iter().find(|r| r["name"] == name) {
            if ready(row) {
                return (row.clone(), since.elapsed());
            }
        }
        assert!(since.elapsed() < limit, "{what}: {all:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn is_level(level: &'static str) -> impl Fn(&Value) -> bool {
    move |r| r["level"] == level
}

/// A follower kiosk on its own screen, following the broker.
fn follower(
    screen: &Screen,
    data: &std::path::Path,
    broker: &str,
    name: &str,
    extra: &[&str],
) -> Spawned {
    Launch::on(screen)
        .data_dir(data)
        .args(&["--kiosk", "--photo-wall", "off", "--source", broker])
        .args(&["--screen-name", name])
        .args(extra)
        .spawn()
}

/// The WebKit web process under `pid`.
fn web_process(pid: u32) -> u32 {
    descendants(pid)
        .into_iter()
        .find(|p| {
            std::fs::read_to_string(format!("/proc/{p}/comm"))
                .is_ok_and(|c| c.starts_with("WebKitWebProces"))
        })
        .expect("the follower's web process")
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} {pid}");
}

/// The text tesseract reads in `png` (enlarged first: a thumbnail's title
/// is a dozen pixels high).
fn ocr(png: &std::path::Path) -> String {
    let big = png.with_extension("x4.png");
    let status = Command::new("convert")
        .arg(png)
        .args(["-resize", "400%", "-colorspace", "Gray", "-negate"])
        .arg(&big)
        .status()
        .expect("ImageMagick's convert");
    assert!(status.success());
    let out = Command::new("tesseract")
        .arg(&big)
        .arg("stdout")
        .stderr(Stdio::null())
        .output()
        .expect("tesseract: run `cargo xtask test`, which installs tesseract-ocr");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A room screen's first line (`Now: Title (10:20–10:45)` or `Next: Title
/// at 10:45`) as a lobby screen shows that room, and the session's title.
fn as_in_lobby(room: &str, line: &str) -> (String, String) {
    if let Some(now) = line.strip_prefix("Now: ") {
        let title = now.rsplit_once(" (").map_or(now, |(t, _)| t);
        (format!("{room}: {now}"), title.to_string())
    } else if let Some(next) = line.strip_prefix("Next: ") {
        let title = next.rsplit_once(" at ").map_or(next, |(t, _)| t);
        (format!("{room}: next {next}"), title.to_string())
    } else {
        panic!("the leader's room shows neither a session now nor next: {line:?}")
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_leader_sees_its_followers_on_the_screens_tab_over_mqtt() {
    let _one = SERIAL.lock().await;
    let mosquitto = kiosk_testkit::mqtt::Mosquitto::start();
    let broker = mosquitto.url("e2e-fleet");
    let rig = E2e::start(1920, 1080);
    let (screen_a, screen_b) = (Screen::start(1920, 1080), Screen::start(1280, 720));
    let (data_a, data_b) = (data_dir(), data_dir());
    let c = rig
        .kiosk()
        .panel()
        .args(&["--demo", "--room", "Main hall", "--photo-wall", "off"])
        .args(&["--publish", &broker, "--screen-name", "Leader"])
        .launch()
        .await;
    let mut a = follower(
        &screen_a,
        data_a.path(),
        &broker,
        "Follower A",
        &["--room", "Main hall"],
    );
    let _b = follower(
        &screen_b,
        data_b.path(),
        &broker,
        "Follower B",
        &["--lobby", "--at", "now+30s"],
    );
    c.unlock().await;
    open_tab(&c, "Screens").await;

    // Both report; A is green; B is flagged for its clock, 30 s ahead.
    let (row_a, took) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(60),
        "follower A green",
        is_level("green"),
    )
    .await;
    eprintln!("follower A listed green {took:?} after the panel opened");
    let (row_b, _) = wait_row(
        &c,
        "Follower B",
        Duration::from_secs(30),
        "follower B's clock",
        |r| {
            r["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x.as_str().unwrap().contains("clock"))
        },
    )
    .await;
    assert_eq!(row_b["level"], "red", "{row_b}");
    let clock = row_b["clock"].as_str().unwrap();
    let seconds: f64 = clock
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{clock}"));
    assert!(clock.contains("ahead of the leader's"), "{clock}");
    assert!((seconds - 30.0).abs() <= 1.0, "B's offset: {clock}");
    eprintln!("follower B's clock on the leader's tab: {clock}");

    // A delay on the leader shows on both followers.
    let leader_line = |rows: &[Value]| {
        rows.iter()
            .find(|r| r["name"] == "Leader")
            .map(|r| r["showing"][0].as_str().unwrap().to_string())
    };
    let before = leader_line(&rows(&c).await).expect("the leader lists itself");
    assert_eq!(
        row_a["showing"][0].as_str().unwrap(),
        before,
        "A shows the leader's now"
    );
    open_tab(&c, "Schedule").await;
    delay_main_hall(&c, 5).await;
    let delayed = Instant::now();
    open_tab(&c, "Screens").await;
    let (leader_row, _) = wait_row(
        &c,
        "Leader",
        Duration::from_secs(10),
        "the leader's own row",
        |r| r["showing"][0].as_str().unwrap() != before,
    )
    .await;
    let after = leader_row["showing"][0].as_str().unwrap().to_string();
    let (_, to_a) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(20),
        "A shows the delay",
        |r| r["showing"][0] == after.as_str(),
    )
    .await;
    // The same room's line as a lobby screen words it, and the title on it.
    let (lobby_line, title) = as_in_lobby("Main hall", &after);
    let (_, to_b) = wait_row(
        &c,
        "Follower B",
        Duration::from_secs(20),
        "B shows the delay",
        |r| {
            r["showing"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str().unwrap() == lobby_line)
        },
    )
    .await;
    eprintln!("delay confirmed → on the leader's tab for A {to_a:?}, for B {to_b:?} (panel polls every 2 s); {:?} in all", delayed.elapsed());

    // A's thumbnail shows its room's title (read back by OCR).
    let (row_a, _) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(90),
        "A's thumbnail",
        |r| r["thumbnail"].is_string(),
    )
    .await;
    js(&c, "document.querySelectorAll('img.screen-thumb').forEach((i) => { i.style.width = '320px'; }); return true").await;
    let img = c
        .find(fantoccini::Locator::Css(&format!(
            "[data-screen-id=\"{}\"] img.screen-thumb",
            row_a["id"].as_str().unwrap()
        )))
        .await
        .unwrap();
    let png = img.screenshot().await.unwrap();
    let shot = screenshot_dir().join("fleet-thumbnail-follower-a.png");
    std::fs::write(&shot, &png).unwrap();
    let read = ocr(&shot);
    let words: Vec<&str> = title.split_whitespace().filter(|w| w.len() >= 4).collect();
    let found = words.iter().filter(|w| read.contains(*w)).count();
    assert!(
        found * 2 >= words.len() && found > 0,
        "the thumbnail should show {title:?}; OCR read {read:?}"
    );
    js(&c, "document.querySelectorAll('img.screen-thumb').forEach((i) => { i.style.width = ''; }); return true").await;
    c.shot("fleet-screens-tab-1080p.png").await;

    // A's web process stops: red by its last render within 15 s; back when it goes on.
    let web = web_process(a.group.pid());
    signal(web, "-STOP");
    let (row, took) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(15),
        "A red by its last render",
        |r| r["level"] == "red" && r["reasons"][0].as_str().unwrap().contains("last painted"),
    )
    .await;
    eprintln!(
        "web process stopped → red on the leader's tab in {took:?}: {}",
        row["reasons"][0]
    );
    c.shot("fleet-screens-tab-frozen-1080p.png").await;
    signal(web, "-CONT");
    wait_row(
        &c,
        "Follower A",
        Duration::from_secs(20),
        "A green again",
        is_level("green"),
    )
    .await;

    // Killed with -9: offline by its last will within 5 s; restarted: green.
    let killed = Instant::now();
    Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", a.group.pid())])
        .status()
        .unwrap();
    let _ = a.group.child().wait();
    let (row, took) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(5),
        "A offline by its last will",
        |r| {
            r["reasons"][0]
                .as_str()
                .unwrap_or("")
                .starts_with("Offline")
        },
    )
    .await;
    assert_eq!(row["level"], "red");
    eprintln!(
        "kill -9 → offline on the leader's tab in {took:?} ({:?} since the kill)",
        killed.elapsed()
    );
    a = follower(
        &screen_a,
        data_a.path(),
        &broker,
        "Follower A",
        &["--room", "Main hall"],
    );
    let (_, took) = wait_row(
        &c,
        "Follower A",
        Duration::from_secs(60),
        "A green after its restart",
        is_level("green"),
    )
    .await;
    eprintln!("restarted → green in {took:?}");
    assert_eq!(
        rows(&c)
            .await
            .iter()
            .filter(|r| r["name"] == "Follower A")
            .count(),
        1,
        "the same screen, not a new one"
    );
    drop(a);
    c.close().await;
}
