//! The kiosk as a process: a second launch, a crashed web process.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_brings_the_first_to_the_front() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let data = data_dir();
    let dir = data.path().to_str().unwrap();
    let mut first = spawn_kiosk(&screen, &["--demo", "--data-dir", dir]);
    crate::support::wait_until(
        Duration::from_secs(60),
        || log_text(data.path()).contains("first snapshot served"),
        "the first kiosk to show",
    );
    let second = std::process::Command::new(BIN)
        .args(["--demo", "--data-dir", dir])
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
        || log_text(data.path()).contains("a second launch asked this kiosk to come to the front"),
        "the first kiosk to hear it",
    );
    assert!(first.exited().is_none(), "the first kiosk still runs");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_display_comes_back_when_the_web_process_dies() {
    let _one = SERIAL.lock().await;
    let screen = Screen::start(1280, 720);
    let data = data_dir();
    let kiosk = spawn_kiosk(
        &screen,
        &["--demo", "--data-dir", data.path().to_str().unwrap()],
    );
    crate::support::wait_until(
        Duration::from_secs(60),
        || log_text(data.path()).contains("first snapshot served"),
        "the kiosk to show",
    );
    let web = web_processes(kiosk.pid());
    assert_eq!(web.len(), 1, "one web process: {web:?}");
    std::process::Command::new("kill")
        .args(["-KILL", &web[0].to_string()])
        .status()
        .unwrap();
    crate::support::wait_until(
        Duration::from_secs(30),
        || log_text(data.path()).contains("reloading the display"),
        "the shell to notice",
    );
    crate::support::wait_until(
        Duration::from_secs(30),
        || web_processes(kiosk.pid()).iter().any(|p| *p != web[0]),
        "a new web process",
    );
}
