//! The app's integration tests, one binary: the real CLI (`assert_cmd`), the
//! real command set on the mock runtime, and end-to-end tests of the real
//! window under Xvfb through tauri-driver.

#[path = "app/bundle.rs"]
mod bundle;
#[path = "app/cli.rs"]
mod cli;
#[path = "app/e2e.rs"]
mod e2e;
#[path = "app/e2e_usb.rs"]
mod e2e_usb;
#[path = "app/ipc.rs"]
mod ipc;
#[path = "app/photos.rs"]
mod photos;
#[path = "app/support.rs"]
mod support;
#[path = "app/unattended.rs"]
mod unattended;
#[path = "app/unattended_cli.rs"]
mod unattended_cli;
