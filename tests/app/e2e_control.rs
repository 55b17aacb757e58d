//! End-to-end: the control panel's tabs as an organizer sees them, each
//! saved as a screenshot at 1920x1080 and 3840x2160 for a person to look at.

use std::time::Duration;

use crate::e2e::{click, js, open_tab, switch_to_page, unlock_panel, wait_js};
use crate::e2e::{data_dir, first_render, panel_config, save_screenshot, PANEL_PIN, SERIAL, T};
use crate::support::{demo_file, Driver, Screen};

#[tokio::test(flavor = "multi_thread")]
async fn every_control_panel_tab_at_1080p_and_4k() {
    let _one = SERIAL.lock().await;
    every_tab((1920, 1080), "1080p").await;
    every_tab((3840, 2160), "4k").await;
}

async fn every_tab(size: (u32, u32), name: &str) {
    let shot = |tab: &str| format!("control-tab-{tab}-{name}.png");
    let screen = Screen::start(size.0, size.1);
    let driver = Driver::start(&screen);
    let data = data_dir();
    let config = panel_config(data.path(), "");
    let schedule = demo_file();
    let c = driver
        .launch(&[
            "--demo",
            "--source",
            &schedule,
            "--room",
            "Main hall",
            "--control",
            "--at",
            T,
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            data.path().to_str().unwrap(),
        ])
        .await;
    switch_to_page(&c, "/index.html").await;
    first_render(&c, std::time::Instant::now()).await;
    unlock_panel(&c, PANEL_PIN).await;
    wait_js(
        &c,
        "return !!document.querySelector('#rooms [data-room-id=\"main\"]')",
        Duration::from_secs(20),
        "the rooms are listed",
    )
    .await;
    click(&c, "#rooms [data-room-id=\"main\"]").await;
    save_screenshot(&c, &screen, &shot("schedule"), size).await;

    open_tab(&c, "Announce").await;
    c.find(fantoccini::Locator::Css("#announcement-text"))
        .await
        .unwrap()
        .send_keys("Lunch is served in the foyer")
        .await
        .unwrap();
    click(&c, "#announcement-add").await;
    wait_js(
        &c,
        "return !!document.querySelector('#announcements [data-announcement-id]')",
        Duration::from_secs(10),
        "the announcement is listed",
    )
    .await;
    save_screenshot(&c, &screen, &shot("announcements"), size).await;

    open_tab(&c, "Photos").await;
    wait_js(
        &c,
        "return document.querySelectorAll('#photos img').length >= 6 && [...document.querySelectorAll('#photos img')].every((i) => i.complete && i.naturalWidth > 0)",
        Duration::from_secs(60),
        "the demo photos are listed with their thumbnails",
    )
    .await;
    save_screenshot(&c, &screen, &shot("photos"), size).await;

    open_tab(&c, "Sources").await;
    wait_js(
        &c,
        "return !!document.querySelector('#sources [data-source]') && !!document.querySelector('#revisions [data-revision]')",
        Duration::from_secs(10),
        "the source and the revisions are listed",
    )
    .await;
    save_screenshot(&c, &screen, &shot("sources"), size).await;

    open_tab(&c, "Audit").await;
    wait_js(
        &c,
        "return document.querySelector('#audit').textContent.includes('Lunch is served')",
        Duration::from_secs(10),
        "the audit log lists the announcement",
    )
    .await;
    save_screenshot(&c, &screen, &shot("audit"), size).await;
    assert_eq!(
        js(
            &c,
            "return document.querySelectorAll('img:not([src^=\"photo:\"])').length"
        )
        .await,
        0
    );
    c.close().await.unwrap();
}
