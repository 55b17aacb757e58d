//! The app's integration tests, one binary: the real CLI (`assert_cmd`), the
//! real command set on the mock runtime, and end-to-end tests of the real
//! window under Xvfb through tauri-driver.

#[path = "app/attack.rs"]
mod attack;
#[path = "app/bare_x.rs"]
mod bare_x;
#[path = "app/bundle.rs"]
mod bundle;
#[path = "app/cli.rs"]
mod cli;
#[path = "app/e2e/mod.rs"]
mod e2e;
#[path = "app/e2e_control.rs"]
mod e2e_control;
#[path = "app/e2e_feed.rs"]
mod e2e_feed;
#[path = "app/e2e_fleet.rs"]
mod e2e_fleet;
#[path = "app/e2e_fleet_flood.rs"]
mod e2e_fleet_flood;
#[path = "app/e2e_fleet_tab.rs"]
mod e2e_fleet_tab;
#[path = "app/e2e_glance.rs"]
mod e2e_glance;
#[path = "app/e2e_language.rs"]
mod e2e_language;
#[path = "app/e2e_lobby.rs"]
mod e2e_lobby;
#[path = "app/e2e_panel_language.rs"]
mod e2e_panel_language;
#[path = "app/e2e_stall.rs"]
mod e2e_stall;
#[path = "app/e2e_usb.rs"]
mod e2e_usb;
#[path = "app/fleet_sim.rs"]
mod fleet_sim;
#[path = "app/ipc.rs"]
mod ipc;
#[path = "app/ipc_control.rs"]
mod ipc_control;
#[path = "app/ipc_glance.rs"]
mod ipc_glance;
#[path = "app/ipc_screens.rs"]
mod ipc_screens;
#[path = "app/killloop.rs"]
mod killloop;
#[path = "app/netsafe.rs"]
mod netsafe;
#[path = "app/photos/mod.rs"]
mod photos;
#[path = "app/screen_checks.rs"]
mod screen_checks;
#[path = "app/support.rs"]
mod support;
#[path = "app/ui.rs"]
mod ui;
#[path = "app/unattended.rs"]
mod unattended;
#[path = "app/unattended_cli.rs"]
mod unattended_cli;
