//! End-to-end: a USB stick (a folder appearing under a configured mount root) updates the screen.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use crate::e2e::{log_text, read, wait_for_title};
use crate::support::{demo_file, kiosk, E2e};

const T: &str = "2020-02-26T10:20:00-05:00";

/// The kiosk looks at its mount roots every 2 s; a stick is handled within this.
pub(crate) const STICK_SEEN: Duration = Duration::from_secs(10);

pub(crate) async fn notice(c: &Client) -> String {
    let v: Value = c
        .execute(
            "const n = document.querySelector('#notice'); return n.hidden ? '' : n.textContent",
            vec![],
        )
        .await
        .expect("read the notice");
    v.as_str().unwrap_or_default().to_string()
}

/// Wait until the notice satisfies `ready`; its text.
pub(crate) async fn wait_for_notice(
    c: &Client,
    what: &str,
    ready: impl Fn(&str) -> bool,
) -> String {
    let since = Instant::now();
    loop {
        let text = notice(c).await;
        if ready(&text) {
            return text;
        }
        assert!(
            since.elapsed() < STICK_SEEN,
            "{what}: the notice says {text:?}; screen {}",
            read(c).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `bundle make` of the demo with the current talk's title `from` replaced
/// by `to`, into a new folder `out` (not yet under a mount root).
fn make_stick(work: &Path, name: &str, from: &str, to: &str, version: u64) -> PathBuf {
    let json = std::fs::read_to_string(demo_file()).unwrap();
    assert_eq!(json.matches(from).count(), 1, "{from:?} once in the demo");
    let schedule = work.join(format!("{name}.json"));
    std::fs::write(&schedule, json.replacen(from, to, 1)).unwrap();
    let out = work.join(name);
    kiosk()
        .args(["bundle", "make", "--schedule"])
        .arg(&schedule)
        .args(["--version", &version.to_string(), "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("summit-kiosk/manifest.json").is_file());
    out
}

/// The report this kiosk leaves on a stick.
fn report_path(stick: &Path) -> PathBuf {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kiosk".into());
    stick
        .join("summit-kiosk/reports")
        .join(format!("{}.txt", kiosk_core::bundle::safe_host(&host)))
}

/// Wait until the stick's report says `fragment`; the report.
pub(crate) fn wait_for_report(stick: &Path, fragment: &str) -> String {
    let path = report_path(stick);
    let since = Instant::now();
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains(fragment) {
            return text;
        }
        assert!(
            since.elapsed() < STICK_SEEN,
            "{} does not say {fragment:?}: {text:?}; files: {:?}",
            path.display(),
            std::fs::read_dir(stick.join("summit-kiosk/reports"))
                .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
                .unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Wait until the kiosk has seen a stick gone for the `n`-th time (it
/// scans every 2 s and logs each removal).
async fn wait_until_seen_gone(data: &Path, n: usize) {
    let since = Instant::now();
    while log_text(data).matches("USB stick removed").count() < n {
        assert!(
            since.elapsed() < STICK_SEEN,
            "the kiosk did not see the stick go; log:\n{}",
            log_text(data)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_usb_stick_updates_the_screen_once_and_a_damaged_one_changes_nothing() {
    let _one = crate::e2e::SERIAL.lock().await;
    let work = tempfile::tempdir().unwrap();
    let mounts = work.path().join("media");
    std::fs::create_dir(&mounts).unwrap();
    let config = format!(
        "# A test kiosk: sticks are looked for under one folder.\nlog_level = \"info\"\n\n[bundle]\nmount_roots = [{:?}]\n",
        mounts.to_str().unwrap()
    );
    let rig = E2e::start(1920, 1080);
    let demo = demo_file();
    let c = rig
        .kiosk()
        .config(&config)
        .args(&[
            "--schedule",
            &demo,
            "--room",
            "Main hall",
            "--at",
            T,
            "--kiosk",
        ])
        .launch()
        .await;
    let (first, _) = c.first_render().await;
    let old_title = first["title"].as_str().unwrap().to_string();
    assert_eq!(
        old_title, "Native Cloud Deployment with Dask-Cloudprovider",
        "{first}"
    );
    // No trusted key: the screen says sticks are not verified.
    let start = wait_for_notice(&c, "the notice at start", |t| !t.is_empty()).await;
    assert!(
        start.starts_with("USB sticks are not verified on this screen"),
        "{start}"
    );

    // A stick with a new title for the current talk appears (atomically).
    let new_title = "Cloud Deployment, as changed on the USB stick";
    let good = make_stick(work.path(), "good", &old_title, new_title, 2);
    let stick = mounts.join("STICK");
    std::fs::rename(&good, &stick).unwrap();
    let took = wait_for_title(
        &c,
        new_title,
        STICK_SEEN,
        "the stick's schedule never showed",
    )
    .await;
    eprintln!("stick in to new title on screen: {} ms", took.as_millis());
    let text = wait_for_notice(&c, "the update notice", |t| {
        t.contains("Schedule updated from USB")
    })
    .await;
    assert_eq!(
        text, "Schedule updated from USB: 49 sessions, version 2",
        "the session count and the version"
    );
    let report = wait_for_report(&stick, "result: ");
    assert!(
        report.contains("result: applied dask-summit-2020 version 2"),
        "{report}"
    );
    assert!(report.contains("new schedule revision"), "{report}");
    assert!(
        report.contains("49 sessions: 0 added, 1 changed, 0 removed"),
        "{report}"
    );
    let s = read(&c).await;
    assert_eq!(s["place"], "Main hall", "{s}");
    assert_eq!(s["state"], "ready", "{s}");
    c.shot("usb-applied-1080p.png").await;

    // Pulled out (kept aside to plug in again later).
    let aside = work.path().join("good-aside");
    std::fs::rename(&stick, &aside).unwrap();
    wait_until_seen_gone(c.data(), 1).await;

    // A damaged stick: a newer bundle whose schedule changed after it was
    // made (same size, one byte different).
    let bad_title = "Cloud Deployment, as changed by someone else";
    let bad = make_stick(work.path(), "bad", &old_title, bad_title, 3);
    let schedule = bad.join("summit-kiosk/schedule.json");
    let bytes = std::fs::read_to_string(&schedule).unwrap();
    let tampered = bytes.replacen(bad_title, &bad_title.replacen("someone", "SOMEONE", 1), 1);
    assert_eq!(tampered.len(), bytes.len());
    assert_ne!(tampered, bytes);
    std::fs::write(&schedule, tampered).unwrap();
    std::fs::rename(&bad, &stick).unwrap();
    let text = wait_for_notice(&c, "the refusal notice", |t| {
        t.starts_with("USB stick not applied")
    })
    .await;
    assert!(
        text.contains("schedule.json"),
        "names the damaged file: {text}"
    );
    let report = wait_for_report(&stick, "result: ");
    assert!(
        report.contains("result: refused: hash_mismatch"),
        "{report}"
    );
    assert!(report.contains("SHA-256 mismatch"), "{report}");
    assert!(report.contains("schedule.json"), "{report}");
    // The screen keeps the last good schedule.
    for _ in 0..10 {
        let s = read(&c).await;
        assert_eq!(s["title"], new_title, "the title stays: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The damaged stick out, the first one back in: seen before, nothing new.
    std::fs::rename(&stick, work.path().join("bad-aside")).unwrap();
    wait_until_seen_gone(c.data(), 2).await;
    std::fs::rename(&aside, &stick).unwrap();
    let since = Instant::now();
    loop {
        if c.log().contains("seen before") {
            break;
        }
        assert!(
            since.elapsed() < STICK_SEEN,
            "the kiosk did not see the stick again; log:\n{}",
            c.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = wait_for_report(&stick, "already seen");
    assert!(
        report.contains("result: already seen: dask-summit-2020 version 2"),
        "{report}"
    );
    let log = c.log();
    assert_eq!(
        log.matches("bundle applied").count(),
        1,
        "applied at most once:\n{log}"
    );
    let s = read(&c).await;
    assert_eq!(s["title"], new_title, "{s}");
    let text = notice(&c).await;
    assert!(
        !text.contains("Schedule updated from USB"),
        "no second update notice: {text:?}"
    );
    c.close().await;
}

/// With `display_language = "de"` the USB notices are German: the one at
/// start and the one after a stick's schedule is applied.
#[tokio::test(flavor = "multi_thread")]
async fn the_usb_notices_speak_the_venues_language() {
    let _one = crate::e2e::SERIAL.lock().await;
    let work = tempfile::tempdir().unwrap();
    let mounts = work.path().join("media");
    std::fs::create_dir(&mounts).unwrap();
    let config = format!(
        "display_language = \"de\"\nlog_level = \"info\"\n\n[bundle]\nmount_roots = [{:?}]\n",
        mounts.to_str().unwrap()
    );
    let rig = E2e::start(1920, 1080);
    let demo = demo_file();
    let c = rig
        .kiosk()
        .config(&config)
        .args(&[
            "--schedule",
            &demo,
            "--room",
            "Main hall",
            "--at",
            T,
            "--kiosk",
        ])
        .launch()
        .await;
    let (first, _) = c.first_render().await;
    let old_title = first["title"].as_str().unwrap().to_string();
    let start = wait_for_notice(&c, "the notice at start", |t| !t.is_empty()).await;
    assert_eq!(
        start,
        "USB-Sticks werden an diesem Bildschirm nicht geprüft: trusted_keys auf den Schlüssel der Organisation setzen"
    );
    let new_title = "Vom USB-Stick geändert";
    let good = make_stick(work.path(), "good", &old_title, new_title, 2);
    std::fs::rename(&good, mounts.join("STICK")).unwrap();
    wait_for_title(
        &c,
        new_title,
        STICK_SEEN,
        "the stick's schedule never showed",
    )
    .await;
    let text = wait_for_notice(&c, "the update notice", |t| {
        t.contains("USB-Stick aktualisiert")
    })
    .await;
    assert_eq!(
        text,
        "Programm vom USB-Stick aktualisiert: 49 Beiträge, Version 2"
    );
    c.shot("usb-notice-de-1080p.png").await;
    c.close().await;
}
