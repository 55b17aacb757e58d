//! A second kiosk following the first.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_second_kiosk_follows_the_first_and_survives_it_stopping() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1920, 1080);
    let (driver_a, driver_b) = (Driver::start(&screen), Driver::start(&screen));
    let (data_a, data_b) = (data_dir(), data_dir());
    let config = data_a.path().join("config.toml");
    let hash = kiosk_core::pin::hash_pin("135791").unwrap();
    std::fs::write(&config, format!("control_pin_hash = \"{hash}\"\n")).unwrap();
    let port = crate::support::free_port();
    let listen = format!("127.0.0.1:{port}");
    let token = "e2e-feed-token-0123456789";
    let token_file = crate::support::private_token_file(data_a.path(), token);
    let schedule = demo_file();
    let args_a = [
        "--schedule",
        &schedule,
        "--room",
        "Main hall",
        "--control",
        "--at",
        T,
        "--serve",
        &listen,
        "--serve-token-file",
        token_file.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--data-dir",
        data_a.path().to_str().unwrap(),
        "--photo-wall",
        "off",
    ];
    let a = driver_a.launch(&args_a).await;
    let url = format!("http://{listen}/feed.json?token={token}");
    let b = driver_b
        .launch(&[
            "--source",
            &url,
            "--poll-interval",
            "1",
            "--offline-after",
            "3",
            "--room",
            "Main hall",
            "--kiosk",
            "--at",
            T,
            "--data-dir",
            data_b.path().to_str().unwrap(),
            "--photo-wall",
            "off",
        ])
        .await;
    // The follower shows what the first shows.
    wait_for_title(
        &b,
        "Native Cloud Deployment with Dask-Cloudprovider",
        Duration::from_secs(30),
        "the follower shows the feed",
    )
    .await;

    // An announcement and a delay made on the first reach the second within 2 s.
    unlock_panel(&a, "135791").await;
    open_tab(&a, "Announce").await;
    a.find(fantoccini::Locator::Css("#announcement-text"))
        .await
        .unwrap()
        .send_keys("Lunch is served in the foyer")
        .await
        .unwrap();
    click(&a, "#announcement-add").await;
    let posted = Instant::now();
    wait_js(
        &b,
        "return document.querySelector('#announcement .text').textContent === 'Lunch is served in the foyer'",
        Duration::from_secs(10),
        "the announcement reaches the follower",
    )
    .await;
    let announce_took = posted.elapsed();
    open_tab(&a, "Schedule").await;
    click(&a, "#rooms [data-room-id=\"main\"]").await;
    click(&a, "#delay-room [data-delay=\"10\"]").await;
    wait_js(
        &a,
        "return !document.querySelector('#delay-preview').hidden",
        Duration::from_secs(10),
        "preview",
    )
    .await;
    click(&a, "#delay-confirm").await;
    let delayed = Instant::now();
    wait_js(
        &b,
        "return document.querySelector('#hero-time').textContent === '10:20–10:35'",
        Duration::from_secs(10),
        "the delay reaches the follower",
    )
    .await;
    let delay_took = delayed.elapsed();
    eprintln!(
        "first kiosk → follower: announcement {} ms, delay {} ms",
        announce_took.as_millis(),
        delay_took.as_millis()
    );
    assert!(announce_took < Duration::from_secs(2), "{announce_took:?}");
    assert!(delay_took < Duration::from_secs(2), "{delay_took:?}");

    // The first stops: the follower keeps its last state and shows the badge.
    a.close().await.unwrap();
    drop(driver_a);
    wait_js(
        &b,
        "return !document.querySelector('#offline').hidden",
        Duration::from_secs(30),
        "the offline badge",
    )
    .await;
    let s = read(&b).await;
    assert_eq!(
        s["title"], "Native Cloud Deployment with Dask-Cloudprovider",
        "{s}"
    );
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#hero-time').textContent"
        )
        .await,
        "10:20–10:35"
    );
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#announcement .text').textContent"
        )
        .await,
        "Lunch is served in the foyer"
    );
    save_screenshot(&b, &screen, "follower-offline-1080p.png", (1920, 1080)).await;

    // The first comes back (its store kept the delay and the announcement):
    // the follower resumes and the badge goes.
    let driver_a = Driver::start(&screen);
    let a = driver_a.launch(&args_a).await;
    wait_js(
        &b,
        "return document.querySelector('#offline').hidden",
        Duration::from_secs(60),
        "the follower resumes",
    )
    .await;
    assert_eq!(
        js(
            &b,
            "return document.querySelector('#hero-time').textContent"
        )
        .await,
        "10:20–10:35"
    );
    a.close().await.unwrap();
    b.close().await.unwrap();
}
