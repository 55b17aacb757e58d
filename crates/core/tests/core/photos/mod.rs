//! The photo pipeline in process: orientation, metadata stripped, sizes, formats and bad photos.
//!
//! Every input is made with real encoders (libjpeg-turbo, the image crate's
//! PNG and WebP encoders, kamadak-exif's writer) by `kiosk_testkit::photos`:
//! no binary fixtures. The test picture is a landscape with four coloured
//! quadrants (red, green / blue, white), so a rendition that is turned or
//! mirrored the wrong way shows.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use exif::{Field, In, Tag};
use image::{ImageBuffer, Rgb, RgbImage, Rgba, RgbaImage};
use kiosk_core::photos::library::{self, Folder, Library};
use kiosk_core::photos::worker::{self, Destination, WorkerCommand, WorkerLimits};
use kiosk_core::photos::{render, PhotoError, RenderOptions, Rendered};
use kiosk_core::store::Store;
use kiosk_testkit::photos::*;
use turbojpeg::{PixelFormat, Subsamp};

/// Every rendition shows the picture upright, within `tolerance`.
fn assert_renditions_upright(r: &Rendered, tolerance: u8, what: &str) {
    for x in &r.renditions {
        assert_quadrants(
            &x.jpeg,
            QUADRANTS,
            tolerance,
            &format!("{what}, edge {}", x.long_edge),
        );
    }
}

mod bad;
mod formats;
mod library_pass;
mod metadata;
mod orientation;
mod sizes;

fn options(edges: &[u32]) -> RenderOptions {
    RenderOptions {
        long_edges: edges.to_vec(),
        ..RenderOptions::default()
    }
}

fn rendered(bytes: &[u8], edges: &[u32]) -> Rendered {
    match render(bytes, &options(edges)) {
        Ok(r) => r,
        Err(e) => panic!("refused ({}): {e}", e.code()),
    }
}

fn sizes(r: &Rendered) -> Vec<(u32, u32, u32)> {
    let mut s: Vec<_> = r
        .renditions
        .iter()
        .map(|x| (x.long_edge, x.width, x.height))
        .collect();
    s.sort();
    s
}

/// Each rendition's JPEG really has the size it claims.
fn assert_sizes_true(r: &Rendered) {
    for x in &r.renditions {
        let header = turbojpeg::read_header(&x.jpeg).unwrap();
        assert_eq!(
            (header.width as u32, header.height as u32),
            (x.width, x.height),
            "rendition {} says {} × {}",
            x.long_edge,
            x.width,
            x.height
        );
    }
}

fn refused(bytes: &[u8]) -> PhotoError {
    match render(bytes, &RenderOptions::default()) {
        Ok(r) => panic!("rendered ({} × {}) instead of refused", r.width, r.height),
        Err(e) => e,
    }
}

fn assert_refused(e: &PhotoError, code: &str, words: &[&str]) {
    let message = e.to_string();
    assert_eq!(e.code(), code, "code of: {message}");
    for w in words {
        assert!(message.contains(w), "{message:?} should say {w:?}");
    }
}
