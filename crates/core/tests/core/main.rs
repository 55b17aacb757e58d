//! kiosk-core, headless: now/next as tables and properties, the store, the
//! demo, and bad schedules.

mod bad_input;
mod bundle;
mod control;
mod edits;
mod errors;
mod feed;
mod fetch;
mod fleet;
mod fuzz_replay;
mod glance;
mod i18n;
mod import_frab;
mod import_sessionize_csv_ical;
mod import_sqlite;
mod now_next;
mod photos;
mod pin;
mod properties;
mod secrets;
mod settings;
mod store;
mod sync;
mod unattended;
mod wall_clock;
mod webview;
