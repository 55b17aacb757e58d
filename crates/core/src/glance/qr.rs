//! The QR code beside a talk: made here from the link (no network), sent to
//! the screen as SVG path data on a grid of modules, sized in screen height
//! so a phone reads it from the back of a room (`docs/accessibility.md`).

use serde::Serialize;

use crate::config::{QrConfig, QrLink};
use crate::i18n::display as words;
use crate::i18n::Catalogue;
use crate::model::{LinkKind, Room, Session};

/// One module's edge in `vh`: 10 px at 1080 lines, 20 px at 2160. On a 55"
/// 16:9 panel (684 mm high) that is 6.3 mm: a phone 3 m away with its 1x
/// lens (69° across) and a 1920-pixel preview sees 2.95 preview pixels per
/// module. Measured on the e2e screenshots, scaled as that phone sees them
/// and softened: 8 px modules decoded in 12 of 21 tries (light theme 0 of
/// 7), 9 px in 18 of 21, 10 px in 21 of 21 (`docs/accessibility.md`).
pub const MODULE_VH: f64 = 10.0 * 100.0 / 1080.0;

/// The quiet zone around the code, in modules, as the standard asks.
pub const QUIET_MODULES: u32 = 4;

/// The most modules across (quiet zone included) a code may have: version
/// 6, 41 modules plus the quiet zone, 49 in all (490 px at 1080 lines, 45 %
/// of the screen's height): an address of up to 134 bytes at the lowest
/// correction level (a screen is not scratched or folded; the Dask
/// Summit's longest slide links, 133 bytes, fit). A longer address makes a
/// denser code that would not fit beside the talk at [`MODULE_VH`]; it gets
/// no QR code.
pub const MAX_MODULES: u32 = 49;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QrView {
    /// What it leads to, in words: `Slides`, `Talk page`, `Live stream`.
    pub caption: String,
    /// Its accessible name: `QR code: Slides`.
    pub label: String,
    pub url: String,
    /// Modules across, quiet zone included: the SVG's viewBox is
    /// `0 0 modules modules`.
    pub modules: u32,
    /// The dark modules as SVG path data in module units.
    pub path: String,
    /// Its edge on screen, in `vh` (modules × [`MODULE_VH`]).
    pub size_vh: f64,
}

/// The QR code for `url` with `caption`, or `None` when the address is too
/// long to make a code that scans at the screen's size.
pub fn qr_view(cat: &Catalogue, url: &str, caption: &str) -> Option<QrView> {
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::L).ok()?;
    let width = u32::try_from(code.width()).ok()?;
    let modules = width + 2 * QUIET_MODULES;
    if modules > MAX_MODULES {
        return None;
    }
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(code.width()).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if row[x] != qrcode::Color::Dark {
                x += 1;
                continue;
            }
            let run = row[x..]
                .iter()
                .take_while(|c| **c == qrcode::Color::Dark)
                .count();
            // One rectangle per horizontal run keeps the path short.
            path.push_str(&format!(
                "M{} {}h{run}v1h-{run}z",
                x as u32 + QUIET_MODULES,
                y as u32 + QUIET_MODULES
            ));
            x += run;
        }
    }
    Some(QrView {
        caption: caption.to_string(),
        label: words::qr_label(cat, caption),
        url: url.to_string(),
        modules,
        path,
        size_vh: (f64::from(modules) * MODULE_VH * 100.0).round() / 100.0,
    })
}

/// The QR code the config asks for beside `session` in `room`: the room's
/// choice, else the session kind's, else the default; none when that is
/// `off` or the session has no link of that kind.
pub fn session_qr(
    cat: &Catalogue,
    config: &QrConfig,
    room: &Room,
    session: &Session,
) -> Option<QrView> {
    let kind = match config.choice(room, session.kind) {
        QrLink::Off => return None,
        QrLink::Page => LinkKind::Page,
        QrLink::Slides => LinkKind::Slides,
        QrLink::Stream => LinkKind::Stream,
    };
    qr_view(
        cat,
        session.info.link(kind)?,
        words::link_caption(cat, kind),
    )
}
