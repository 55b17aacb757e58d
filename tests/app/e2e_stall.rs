//! End-to-end, measured: with the control panel open and unlocked, a 1 GiB
//! bundle applied from a (simulated) stick stalls neither window. The
//! display's snapshot pushes (once a real second at `--speed 60`), its own
//! one-second timer and the panel's `control_state` are timed throughout,
//! and the figures printed.
//!
//! `SUMMIT_STALL_BIN=/path/to/summit-kiosk` runs the same against another
//! build (to compare with the one before the shell stopped holding the
//! store's lock while a stick is read).

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::{js, switch_to_page, wait_js, SERIAL, T};
use crate::support::{demo_file, kiosk, E2e, BIN};

/// 16 photos of 64 MiB (the bundle format's largest) make 1 GiB.
const PHOTOS: usize = 16;
const PHOTO_BYTES: usize = 64 << 20;
/// A stick this size takes a while on a busy machine.
const APPLIED_WITHIN: Duration = Duration::from_secs(240);

const DISPLAY_PROBE: &str = r#"
window.__probe = { pushes: [], ticks: [], rtt: [] };
window.__TAURI__.event.listen('snapshot-changed', () => window.__probe.pushes.push(Date.now()));
setInterval(async () => {
  const t0 = Date.now();
  window.__probe.ticks.push(t0);
  await window.__TAURI__.core.invoke('get_snapshot');
  window.__probe.rtt.push([t0, Date.now() - t0]);
}, 1000);
return true;
"#;

const PANEL_PROBE: &str = r#"
window.__probe = { lat: [], busy: [] };
// The page's own thread: a 20 ms timer that fires late means the page was
// busy (rendering), whatever the kiosk answered.
let last = Date.now();
setInterval(() => {
  const now = Date.now();
  if (now - last > 70) window.__probe.busy.push([last, now - last]);
  last = now;
}, 20);
(async () => {
  for (;;) {
    const t0 = Date.now();
    await window.__TAURI__.core.invoke('control_state', { day: null });
    window.__probe.lat.push([t0, Date.now() - t0]);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
return true;
"#;

/// A photo-named file of `PHOTO_BYTES` (not a photo: the wall quarantines
/// it, which is fast; copying and hashing it is the point).
fn write_big_photos(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut bytes = vec![0u8; PHOTO_BYTES];
    let mut x: u32 = 0x9E37_79B9;
    for b in bytes.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    for i in 0..PHOTOS {
        bytes[0] = i as u8;
        std::fs::write(dir.join(format!("big-{i:02}.jpg")), &bytes).unwrap();
    }
}

async fn samples(c: &Client, page: &str, field: &str) -> Vec<Value> {
    switch_to_page(c, page).await;
    let v = js(c, &format!("return window.__probe.{field}")).await;
    v.as_array().cloned().unwrap_or_default()
}

/// The largest gap between consecutive instants in `[from, to]` (and from
/// `from` to the first, the last to `to`), in ms.
fn largest_gap(instants: &[i64], from: i64, to: i64) -> i64 {
    let mut inside: Vec<i64> = instants
        .iter()
        .copied()
        .filter(|t| (from..=to).contains(t))
        .collect();
    inside.insert(0, from);
    inside.push(to);
    inside.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0)
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_1_gib_usb_bundle_stalls_neither_the_display_nor_the_panel() {
    let _one = SERIAL.lock().await;
    let work = tempfile::tempdir().unwrap();
    let photos = work.path().join("photos");
    write_big_photos(&photos);
    let made = work.path().join("stick");
    kiosk()
        .args(["bundle", "make", "--schedule", &demo_file(), "--photos"])
        .arg(&photos)
        .args(["--version", "2", "-o"])
        .arg(&made)
        .assert()
        .success();
    std::fs::remove_dir_all(&photos).unwrap();
    let mounts = work.path().join("media");
    std::fs::create_dir(&mounts).unwrap();
    let config = format!(
        "log_level = \"info\"\n\n[bundle]\nmount_roots = [{:?}]\n",
        mounts.to_str().unwrap()
    );
    let rig = E2e::start(1920, 1080);
    let bin = std::env::var("SUMMIT_STALL_BIN").unwrap_or_else(|_| BIN.to_string());
    let c = rig
        .kiosk()
        .bin(&bin)
        .panel()
        .config(&config)
        .args(&["--schedule", &demo_file(), "--room", "Main hall"])
        .args(&["--at", T, "--speed", "60"])
        .launch()
        .await;
    switch_to_page(&c, "/index.html").await;
    c.first_render().await;
    js(&c, DISPLAY_PROBE).await;
    c.unlock().await;
    js(&c, PANEL_PROBE).await;
    // The probes are running before the stick comes.
    wait_js(
        &c,
        "return window.__probe.lat.length >= 20",
        Duration::from_secs(20),
        "the panel's probe runs",
    )
    .await;

    let stick = mounts.join("STICK");
    let t_in = now_ms();
    let since = Instant::now();
    std::fs::rename(&made, &stick).unwrap();
    // Done when the kiosk has written its report to the stick (after the
    // apply, the notice and the photos' copy into the library).
    let report = stick.join("summit-kiosk/reports");
    loop {
        let written = std::fs::read_dir(&report)
            .map(|d| d.flatten().count() > 0)
            .unwrap_or(false);
        if written {
            break;
        }
        assert!(
            since.elapsed() < APPLIED_WITHIN,
            "no report on the stick after {APPLIED_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let t_done = now_ms();
    let took = since.elapsed();
    let text = std::fs::read_to_string(
        std::fs::read_dir(&report)
            .unwrap()
            .flatten()
            .next()
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(text.contains("result: applied"), "{text}");

    let all: Vec<(i64, i64)> = samples(&c, "/control.html", "lat")
        .await
        .iter()
        .filter_map(|v| Some((v[0].as_i64()?, v[1].as_i64()?)))
        .collect();
    let before_max = all.iter().filter(|(t, _)| *t < t_in).map(|(_, l)| *l).max();
    let mut before: Vec<i64> = all
        .iter()
        .filter(|(t, _)| *t < t_in)
        .map(|(_, l)| *l)
        .collect();
    before.sort();
    let before_p95 = before.get(before.len() * 95 / 100).copied().unwrap_or(0);
    let busy_at: Vec<(i64, i64)> = samples(&c, "/control.html", "busy")
        .await
        .iter()
        .filter_map(|v| Some((v[0].as_i64()?, v[1].as_i64()?)))
        .collect();
    // A call the page was too busy to take the answer of (its own render)
    // says nothing of the kiosk: the strict bound is for the others.
    let page_busy = |t0: i64, lat: i64| {
        busy_at
            .iter()
            .any(|(from, gap)| *from < t0 + lat && t0 < from + gap)
    };
    let busy: Vec<(i64, i64)> = busy_at
        .iter()
        .filter(|(t, _)| (t_in..=t_done).contains(t))
        .map(|(t, gap)| (t - t_in, *gap))
        .collect();
    let lat: Vec<(i64, i64)> = all
        .into_iter()
        .filter(|(t, _)| (t_in..=t_done).contains(t))
        .collect();
    let slow: Vec<(i64, i64)> = lat
        .iter()
        .filter(|(_, l)| *l >= 100)
        .map(|(t, l)| (t - t_in, *l))
        .collect();
    let pushes: Vec<i64> = samples(&c, "/index.html", "pushes")
        .await
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    let ticks: Vec<i64> = samples(&c, "/index.html", "ticks")
        .await
        .iter()
        .filter_map(Value::as_i64)
        .collect();
    let rtt: Vec<i64> = samples(&c, "/index.html", "rtt")
        .await
        .iter()
        .filter(|v| v[0].as_i64().is_some_and(|t| (t_in..=t_done).contains(&t)))
        .filter_map(|v| v[1].as_i64())
        .collect();
    let kiosk_max = lat
        .iter()
        .filter(|(t0, l)| !page_busy(*t0, *l))
        .map(|(_, l)| *l)
        .max()
        .unwrap_or(0);
    let page_busy_max = busy.iter().map(|(_, gap)| *gap).max().unwrap_or(0);
    let mut sorted: Vec<i64> = lat.iter().map(|(_, l)| *l).collect();
    sorted.sort();
    let max_lat = sorted.last().copied().unwrap_or(i64::MAX);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0);
    let push_gap = largest_gap(&pushes, t_in, t_done);
    let tick_gap = largest_gap(&ticks, t_in, t_done);
    let max_rtt = rtt.iter().copied().max().unwrap_or(0);
    eprintln!(
        "1 GiB stick ({bin}): in → report {:.1} s; control_state: {} calls, median {median} ms, max {max_lat} ms; \
         display: largest gap between snapshot pushes {push_gap} ms, between its 1 s timer ticks {tick_gap} ms, \
         get_snapshot max {max_rtt} ms; before the stick control_state max {before_max:?} ms, p95 {before_p95} ms; \
         calls of 100 ms or more (ms after the stick, ms): {slow:?}; \
         the panel's page busy (ms after the stick, ms): {busy:?}; \
         control_state max while the page was free {kiosk_max} ms, p95 {} ms",
        took.as_secs_f64(),
        sorted.len(),
        sorted.get(sorted.len() * 95 / 100).copied().unwrap_or(0),
    );
    let log = c.log();
    let slow_log: Vec<&str> = log.lines().filter(|l| l.contains("was slow")).collect();
    eprintln!("slow answers in the kiosk's log: {slow_log:?}");
    c.close().await;
    assert!(
        sorted.len() > 20,
        "too few control_state calls: {}",
        sorted.len()
    );
    // The kiosk's own handling (it logs any over 50 ms): never slow. The
    // round trip as the panel sees it: 95 % within 100 ms, or, on a machine
    // already that busy before the stick came, no worse than twice what it
    // was then; and never a stall (before this work one call waited 8 s
    // for the stick).
    assert!(slow_log.is_empty(), "{slow_log:?}");
    let p95 = sorted[sorted.len() * 95 / 100];
    assert!(
        p95 < 100.max(2 * before_p95),
        "control_state p95 {p95} ms (before the stick {before_p95} ms)"
    );
    assert!(
        kiosk_max < 1000,
        "control_state took up to {kiosk_max} ms while the panel's page was free"
    );
    assert!(
        page_busy_max < 1000,
        "the panel's page froze for {page_busy_max} ms"
    );
    assert!(
        push_gap < 1500,
        "the display went {push_gap} ms without a push"
    );
    assert!(tick_gap < 1500, "the display's timer stalled {tick_gap} ms");
}
