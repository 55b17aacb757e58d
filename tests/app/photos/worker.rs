//! The photo worker's limits (memory, time), from the config too.

use super::*;

#[test]
fn worker_memory_limit_refuses_a_big_photo_and_the_kiosk_carries_on() {
    let w = wall();
    w.write("big.jpg", &jpeg(&quadrants(6000, 4000)));
    let stdout = w.ingest_with(Some("photo_worker_memory_mb = 64\n"));
    assert!(stdout.contains("1 quarantined"), "{stdout}");
    let reason = w.quarantined("big.jpg").expect("quarantined");
    assert!(
        reason.contains("the photo needs more memory than the worker's limit of 64 MiB"),
        "{reason}"
    );
    // The same photo with the default limit is fine (touched: a file is
    // looked at again only when it changes).
    let f = std::fs::File::options()
        .write(true)
        .open(w.folder.join("big.jpg"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now()).unwrap();
    drop(f);
    let stdout = w.ingest_with(Some("photo_worker_memory_mb = 1024\n"));
    assert!(
        stdout.starts_with("1 files ingested (1 new photos)"),
        "{stdout}"
    );
    assert_eq!(w.quarantined("big.jpg"), None);
}

#[test]
fn worker_timeout_refuses_a_slow_photo() {
    let w = wall();
    w.write("slow.jpg", &good_photo());
    let started = Instant::now();
    let stdout = w.ingest_with(Some("photo_worker_timeout_ms = 1\n"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stdout.contains("1 quarantined"), "{stdout}");
    let reason = w.quarantined("slow.jpg").expect("quarantined");
    assert!(reason.contains("took longer than"), "{reason}");
    assert!(reason.contains("the worker was stopped"), "{reason}");
}

#[test]
fn photo_render_obeys_the_worker_limits_of_its_config() {
    let w = wall();
    let input = w.write("a.jpg", &good_photo());
    let config = w.data.join("slow.toml");
    std::fs::write(&config, "photo_worker_timeout_ms = 1\n").unwrap();
    let out = kiosk()
        .args(["photo", "render"])
        .arg(&input)
        .arg("-o")
        .arg(w.data.join("out.jpg"))
        .arg("--config")
        .arg(&config)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("took longer than"), "{stderr}");
}
