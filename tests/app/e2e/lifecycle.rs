//! The kiosk as a process: a second launch, a crashed web process.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_brings_the_first_to_the_front() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let mut first = Launch::on(&screen).args(&["--demo"]).spawn();
    crate::support::wait_until(
        Duration::from_secs(60),
        || first.log().contains("first snapshot served"),
        "the first kiosk to show",
    );
    let second = std::process::Command::new(BIN)
        .args(["--demo", "--data-dir"])
        .arg(first.data())
        .env("DISPLAY", screen.display())
        .output()
        .unwrap();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("already running"),
        "{second:?}"
    );
    crate::support::wait_until(
        Duration::from_secs(10),
        || {
            first
                .log()
                .contains("a second launch asked this kiosk to come to the front")
        },
        "the first kiosk to hear it",
    );
    assert!(first.group.exited().is_none(), "the first kiosk still runs");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_display_comes_back_when_the_web_process_dies() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let kiosk = Launch::on(&screen).args(&["--demo"]).spawn();
    crate::support::wait_until(
        Duration::from_secs(60),
        || kiosk.log().contains("first snapshot served"),
        "the kiosk to show",
    );
    let web = web_processes(kiosk.group.pid());
    assert_eq!(web.len(), 1, "one web process: {web:?}");
    std::process::Command::new("kill")
        .args(["-KILL", &web[0].to_string()])
        .status()
        .unwrap();
    crate::support::wait_until(
        Duration::from_secs(30),
        || kiosk.log().contains("reloading the display"),
        "the shell to notice",
    );
    crate::support::wait_until(
        Duration::from_secs(30),
        || {
            web_processes(kiosk.group.pid())
                .iter()
                .any(|p| *p != web[0])
        },
        "a new web process",
    );
}
