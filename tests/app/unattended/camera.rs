//! The X screen read back as a person would see it: brightness and the
//! theme's accent, a frame at a time or filmed every 50 ms.

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

/// One look at the X screen: what share of it is the theme's accent (the
/// talk's label and progress bar), its median and mean brightness.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub(crate) at: Instant,
    pub(crate) median: f64,
    pub(crate) mean: f64,
    pub(crate) accent: f64,
}

pub(super) fn luma(r: u8, g: u8, b: u8) -> f64 {
    0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64
}

pub(crate) struct Camera {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
    size: (u16, u16),
}

impl Camera {
    pub(crate) fn on(display: &str) -> Camera {
        let (conn, n) = x11rb::connect(Some(display)).expect("connect to the test's X screen");
        let screen = &conn.setup().roots[n];
        let (root, size) = (
            screen.root,
            (screen.width_in_pixels, screen.height_in_pixels),
        );
        Camera { conn, root, size }
    }

    pub(crate) fn frame(&self) -> Frame {
        let at = Instant::now();
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                0,
                0,
                self.size.0,
                self.size.1,
                !0,
            )
            .unwrap()
            .reply()
            .unwrap();
        // 24-bit depth: 4 bytes a pixel, B G R X. Every 4th pixel each way.
        let (w, h) = (self.size.0 as usize, self.size.1 as usize);
        let mut lumas = Vec::with_capacity(w * h / 16);
        let mut accent = 0usize;
        for y in (0..h).step_by(4) {
            for x in (0..w).step_by(4) {
                let i = (y * w + x) * 4;
                let (b, g, r) = (image.data[i], image.data[i + 1], image.data[i + 2]);
                lumas.push(luma(r, g, b));
                // #ffb020, the dark theme's accent.
                if r > 220 && (140..=200).contains(&g) && b < 80 {
                    accent += 1;
                }
            }
        }
        let mean = lumas.iter().sum::<f64>() / lumas.len() as f64;
        lumas.sort_by(f64::total_cmp);
        Frame {
            at,
            median: lumas[lumas.len() / 2],
            mean,
            accent: accent as f64 / lumas.len() as f64,
        }
    }

    /// A frame every 50 ms for `how_long`.
    pub(crate) fn film(&self, how_long: Duration) -> Vec<Frame> {
        let start = Instant::now();
        let mut frames = Vec::new();
        let mut next = start;
        while start.elapsed() < how_long {
            frames.push(self.frame());
            next += Duration::from_millis(50);
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        frames
    }
}

/// The talk's screen is up: its accent (label, progress bar) is visible.
pub(crate) fn showing(frame: &Frame) -> bool {
    frame.accent > 0.001
}
