//! A second kiosk following the first.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_second_kiosk_follows_the_first_and_survives_it_stopping() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    // The first kiosk has a driver of its own, to be stopped alone.
    let driver_a = rig.driver();
    let data_a = data_dir();
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
        "--at",
        T,
        "--serve",
        &listen,
        "--serve-token-file",
        token_file.to_str().unwrap(),
        "--photo-wall",
        "off",
    ];
    let leader = Launch::on(&rig.screen)
        .panel()
        .data_dir(data_a.path())
        .args(&args_a);
    let a = leader.clone().via(&driver_a).launch().await;
    let url = format!("http://{listen}/feed.json?token={token}");
    let b = rig
        .kiosk()
        .args(&[
            "--source",
            &url,
            "--poll-interval",
            "1",
            "--offline-after",
            "3",
        ])
        .args(&[
            "--room",
            "Main hall",
            "--kiosk",
            "--at",
            T,
            "--photo-wall",
            "off",
        ])
        .launch()
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
    a.unlock().await;
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
    delay_main_hall(&a, 10).await;
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
    a.close().await;
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
    b.shot("follower-offline-1080p.png").await;

    // The first comes back (its store kept the delay and the announcement):
    // the follower resumes and the badge goes.
    let driver_a = rig.driver();
    let a = leader.via(&driver_a).launch().await;
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
    a.close().await;
    b.close().await;
}
