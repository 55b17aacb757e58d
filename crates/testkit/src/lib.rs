//! Test support shared by kiosk-core's tests and the app's: inputs made with
//! real encoders, never binary fixtures. It has no Tauri and no WebKit in
//! it, so the core's tests stay headless.
//!
//! - [`photos`]: test pictures (a landscape of four coloured quadrants, so a
//!   turned or mirrored rendition shows), JPEG/PNG/EXIF makers, hostile
//!   files (a PNG bomb's header, a HEIC header), and checks on renditions.
//! - [`mqtt`]: a real mosquitto on 127.0.0.1, plain or with TLS and a login.

pub mod mqtt;
pub mod photos;
