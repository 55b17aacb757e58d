//! End-to-end: the control panel's tabs as an organizer sees them, each
//! saved as a screenshot at 1920x1080 and 3840x2160 for a person to look at.

use std::time::Duration;

use crate::e2e::{click, js, open_tab, switch_to_page, wait_js, SERIAL, T};
use crate::support::{demo_file, E2e, Kiosk};

/// The kiosk of the main hall at `T`, its panel open (locked), the PIN set;
/// `extra` says where the schedule comes from.
async fn launch_with_panel<'a>(rig: &'a E2e, extra: &[&str]) -> Kiosk<'a> {
    rig.kiosk()
        .panel()
        .args(&["--room", "Main hall", "--at", T])
        .args(extra)
        .launch()
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_control_panel_tab_at_1080p_and_4k() {
    let _one = SERIAL.lock().await;
    every_tab((1920, 1080), "1080p").await;
    every_tab((3840, 2160), "4k").await;
}

async fn every_tab(size: (u32, u32), name: &str) {
    let shot = |tab: &str| format!("control-tab-{tab}-{name}.png");
    let rig = E2e::start(size.0, size.1);
    let schedule = demo_file();
    let c = launch_with_panel(&rig, &["--demo", "--source", &schedule]).await;
    switch_to_page(&c, "/index.html").await;
    c.first_render().await;
    c.unlock().await;
    c.wait_rooms().await;
    click(&c, "#rooms [data-room-id=\"main\"]").await;
    c.shot(&shot("schedule")).await;

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
    c.shot(&shot("announcements")).await;

    for (tab, ready, what) in [
        (
            "Photos",
            "return document.querySelectorAll('#photos img').length >= 6 && [...document.querySelectorAll('#photos img')].every((i) => i.complete && i.naturalWidth > 0)",
            "the demo photos are listed with their thumbnails",
        ),
        (
            "Sources",
            "return !!document.querySelector('#sources [data-source]') && !!document.querySelector('#revisions [data-revision]')",
            "the source and the revisions are listed",
        ),
        (
            "Audit",
            "return document.querySelector('#audit').textContent.includes('Lunch is served')",
            "the audit log lists the announcement",
        ),
    ] {
        open_tab(&c, tab).await;
        wait_js(&c, ready, Duration::from_secs(60), what).await;
        c.shot(&shot(&tab.to_lowercase())).await;
    }
    assert_eq!(
        js(
            &c,
            "return document.querySelectorAll('img:not([src^=\"photo:\"])').length"
        )
        .await,
        0
    );
    c.close().await;
}

/// Set an input's value as typed (WebDriver's typing into a fresh dialog
/// races its focus), then let the page see it.
async fn type_into(c: &fantoccini::Client, css: &str, text: &str) {
    let script = format!(
        "const i = document.querySelector({}); i.value = {}; i.dispatchEvent(new Event('input', {{bubbles: true}})); return true",
        serde_json::to_string(css).unwrap(),
        serde_json::to_string(text).unwrap()
    );
    js(c, &script).await;
}

/// As an organizer would: another day's tab, a late start typed as a wall
/// time, a preview, the change on the row; a speaker the event does not know
/// is refused in the dialog with the name.
#[tokio::test(flavor = "multi_thread")]
async fn an_organizer_picks_a_day_marks_a_late_start_and_sees_it() {
    let _one = SERIAL.lock().await;
    let rig = E2e::start(1920, 1080);
    let schedule = demo_file();
    let c = launch_with_panel(&rig, &["--schedule", &schedule, "--photo-wall", "off"]).await;
    c.unlock().await;
    wait_js(
        &c,
        "return !!document.querySelector('#timeline [data-phase=\"now\"]')",
        Duration::from_secs(20),
        "today's sessions, one on screen",
    )
    .await;
    // Another day: its sessions, none on screen now.
    click(&c, "#days [data-day=\"2020-02-27\"]").await;
    wait_js(
        &c,
        "return document.querySelector('#timeline-title').textContent.includes('Thu 27 Feb') && !document.querySelector('#timeline [data-phase=\"now\"]') && !!document.querySelector('#timeline [data-phase=\"upcoming\"]')",
        Duration::from_secs(10),
        "the 27th's sessions",
    )
    .await;
    // Back to today; the talk on screen started at 10:14, not 10:10.
    click(&c, "#days [data-day=\"2020-02-26\"]").await;
    wait_js(
        &c,
        "return !!document.querySelector('#timeline [data-session-id=\"d1-cloudprovider\"][data-phase=\"now\"]')",
        Duration::from_secs(10),
        "today again",
    )
    .await;
    click(
        &c,
        "#timeline [data-session-id=\"d1-cloudprovider\"] [data-action=\"started-at\"]",
    )
    .await;
    type_into(&c, "#dialog-started", "10:14").await;
    click(&c, "#dialog-confirm").await;
    wait_js(
        &c,
        "return document.querySelector('#delay-preview').open && document.querySelector('#delay-preview-title').textContent.includes('(+4 min)')",
        Duration::from_secs(10),
        "the preview of a 4-minute late start",
    )
    .await;
    c.shot("control-started-at-preview-1080p.png").await;
    click(&c, "#delay-confirm").await;
    wait_js(
        &c,
        "const row = document.querySelector('#timeline [data-session-id=\"d1-cloudprovider\"]'); return !!row && row.querySelector('.start').textContent === '10:14' && row.textContent.includes('+4 min')",
        Duration::from_secs(10),
        "the row shows the new start and the delay",
    )
    .await;
    // A speaker the event does not know: refused in the dialog, by name.
    click(
        &c,
        "#timeline [data-session-id=\"d1-cloudprovider\"] [data-action=\"edit\"]",
    )
    .await;
    type_into(&c, ".speaker-row input", "Nobody Known").await;
    click(&c, "#dialog-confirm").await;
    wait_js(
        &c,
        "const e = document.querySelector('#dialog-error'); return !e.hidden && e.textContent.includes('\"Nobody Known\"')",
        Duration::from_secs(10),
        "the refusal names the speaker",
    )
    .await;
    click(&c, "#dialog-cancel").await;
    c.close().await;
}
