//! Schedule sources changing under a running display: an SQLite file
//! edited by another program, a URL that starts failing.

use super::*;

/// The demo as an SQLite exchange file, edited by "another program" (a
/// separate connection in WAL mode) while the kiosk shows it.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_to_the_sqlite_source_shows_on_screen() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1280, 720);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("programme.sqlite");
    kiosk_core::import::sqlite::write_exchange(&kiosk_core::demo::demo().schedule, &file).unwrap();
    let c = rig
        .kiosk()
        .args(&["--source", file.to_str().unwrap()])
        .args(&["--at", T, "--room", "Main hall"])
        .launch()
        .await;
    let first = "Native Cloud Deployment with Dask-Cloudprovider";
    wait_for_title(
        &c,
        first,
        Duration::from_secs(30),
        "the source's schedule never showed",
    )
    .await;
    let writer = rusqlite::Connection::open(&file).unwrap();
    writer.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    writer
        .execute("UPDATE sessions SET title = 'Dask-Cloudprovider, live from the stage' WHERE id = 'd1-cloudprovider'", [])
        .unwrap();
    let took = wait_for_title(
        &c,
        "Dask-Cloudprovider, live from the stage",
        Duration::from_secs(5),
        "the change did not show",
    )
    .await;
    eprintln!("sqlite change to screen: {} ms", took.as_millis());
    assert!(took < Duration::from_secs(2), "within 2 s: {took:?}");
    c.close().await;
}

/// A feed on 127.0.0.1 that serves the schedule, then fails: the screen
/// keeps the schedule and shows only the offline badge.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_url_source_leaves_the_screen_and_shows_a_badge() {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let _one = SERIAL.lock().await;
    let failing = Arc::new(AtomicBool::new(false));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/schedule.json", listener.local_addr().unwrap());
    {
        let failing = failing.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let reply = if failing.load(Ordering::SeqCst) {
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
                } else {
                    let body = kiosk_core::demo::DEMO_JSON.as_bytes();
                    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).into_bytes();
                    r.extend_from_slice(body);
                    r
                };
                let _ = stream.write_all(&reply);
            }
        });
    }
    let rig = E2e::start(1920, 1080);
    let c = rig
        .kiosk()
        .args(&[
            "--source",
            &url,
            "--poll-interval",
            "1",
            "--offline-after",
            "2",
        ])
        .args(&["--kiosk", "--at", T, "--room", "Main hall"])
        .launch()
        .await;
    let badge = "return document.querySelector('#offline').hidden ? null : document.querySelector('#offline').textContent";
    let first = "Native Cloud Deployment with Dask-Cloudprovider";
    wait_for_title(
        &c,
        first,
        Duration::from_secs(30),
        "the feed's schedule never showed",
    )
    .await;
    assert_eq!(
        c.execute(badge, vec![]).await.unwrap(),
        Value::Null,
        "no badge while the feed works"
    );
    failing.store(true, Ordering::SeqCst);
    let failed = Instant::now();
    let text = loop {
        if let Value::String(text) = c.execute(badge, vec![]).await.unwrap() {
            break text;
        }
        assert!(
            failed.elapsed() < Duration::from_secs(20),
            "no offline badge"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        text.starts_with("schedule from 10:2") && text.contains(" · offline since 10:2"),
        "{text}"
    );
    let s = read(&c).await;
    assert_eq!(s["title"], first, "the schedule stays");
    c.shot("room-offline-badge-1080p.png").await;
    c.close().await;
}
