//! The web engine's settings as shipped: what core chose for this machine
//! reaches WebKit's web process, and a technician's own value wins.

use std::path::Path;

use kiosk_core::webview::{choose, Machine, WebviewConfig};

use super::*;
use crate::support::{kiosk_on, spawn, wait_until, Group};

/// Every variable the app may set for WebKit, removed from the test's own
/// environment so the kiosk starts as it ships.
const ENGINE_VARS: &[&str] = &[
    "WEBKIT_DISABLE_DMABUF_RENDERER",
    "GLIBC_TUNABLES",
    "JSC_useJIT",
];

/// A kiosk on `screen` with `env` added, rendered once; its process group.
fn launched(screen: &Screen, data: &Path, env: &[(&str, &str)]) -> Group {
    let mut cmd = kiosk_on(screen);
    for var in ENGINE_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied())
        .args(["--demo", "--kiosk", "--data-dir"])
        .arg(data);
    let group = spawn(&mut cmd);
    wait_until(
        Duration::from_secs(60),
        || log_text(data).contains("first snapshot rendered by the window"),
        "the first render",
    );
    group
}

/// `name=value` pairs of a process's environment.
fn environment(pid: u32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .unwrap()
        .split(|b| *b == 0)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[test]
fn the_web_process_starts_with_what_core_chose_and_a_technicians_value_wins() {
    let _one = SERIAL.blocking_lock();
    let screen = Screen::start(1280, 720);
    let choice = choose(&WebviewConfig::default(), &Machine::probe());
    assert!(!choice.env.is_empty(), "{choice:?}");

    let data = data_dir();
    let kiosk = launched(&screen, data.path(), &[]);
    let web = web_processes(kiosk.pid());
    assert_eq!(web.len(), 1, "one web process: {web:?}");
    let env = environment(web[0]);
    for var in &choice.env {
        let set = format!("{}={}", var.name, var.value);
        assert!(env.contains(&set), "{set} not in the web process: {env:?}");
    }
    let log = log_text(data.path());
    assert!(log.contains("WebKit's processes start with"), "{log}");
    drop(kiosk);

    // A technician's own values reach WebKit instead, and the log says so.
    let data = data_dir();
    let kiosk = launched(&screen, data.path(), &[("JSC_useJIT", "true")]);
    let web = web_processes(kiosk.pid());
    let env = environment(web[0]);
    assert!(env.contains(&"JSC_useJIT=true".to_string()), "{env:?}");
    let log = log_text(data.path());
    assert!(
        log.contains("kept JSC_useJIT=true (set in the environment)"),
        "{log}"
    );
}
