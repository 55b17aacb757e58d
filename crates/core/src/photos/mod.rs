//! The photo wall's ingest: untrusted photos in, upright, metadata-free
//! renditions out, cached by content hash.
//!
//! [`render`] is the pipeline (pure: bytes in, JPEG renditions out). It runs in
//! a child worker process ([`worker`]) with an address-space limit and a
//! timeout, so a hostile file can only kill the worker. [`library`] scans the
//! photo folder, feeds the worker, and keeps what it learnt in the store:
//! photos by hash, and each file's outcome, including why it was quarantined.

pub mod header;
pub mod library;
pub mod render;
pub mod worker;

use std::path::Path;

pub use header::{probe, Header};
pub use render::{render, RenderOptions, Rendered, Rendition};

/// Bytes of one photo file: a 24-megapixel camera JPEG is 8–15 MB.
pub const MAX_PHOTO_BYTES: u64 = 64 * 1024 * 1024;
/// Pixels of a photo as stored. JPEGs are decoded DCT-downscaled (at most
/// 1/8 per side), so their decoded size stays small even at this cap.
pub const MAX_JPEG_PIXELS: u64 = 260_000_000;
/// Pixels of a PNG or WebP, decoded whole: at most ~256 MB of RGBA.
pub const MAX_OTHER_PIXELS: u64 = 64_000_000;
/// A photo longer than this many times its width (or wider than its height)
/// would be a sliver on a TV; a 30,000 × 5,000 panorama (6:1) is fine.
pub const MAX_ASPECT: u64 = 10;
/// The longest rendition edge a kiosk asks for (8K).
pub const MAX_LONG_EDGE: u32 = 7680;
/// Characters of a credit line.
pub const MAX_CREDIT_CHARS: usize = 80;
/// Default rendition long edges: 1080p and 4K screens.
pub const DEFAULT_LONG_EDGES: [u32; 2] = [1920, 3840];
/// The origin of photos from USB bundles nobody signed: anyone at a
/// screen's USB port can make one, so its photos wait for the organizer's
/// approval whatever the approve mode.
pub const UNSIGNED_USB_ORIGIN: &str = "usb-unsigned";

/// Whether a new photo from `origin` waits for approval (`approve_mode`:
/// the organizer's switch).
pub fn needs_approval(origin: &str, approve_mode: bool) -> bool {
    approve_mode || origin == UNSIGNED_USB_ORIGIN
}
/// The file names the photo folder considers (case-insensitive).
pub const PHOTO_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "jfif", "png", "webp", "heic", "heif"];

/// What the wall rotates through: the visible photos, newest first. Sent to
/// the display when it changes; the display picks a rendition per screen.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Playlist {
    /// Bumped on every change.
    pub revision: u64,
    /// Milliseconds of kiosk time per photo.
    pub interval_ms: u64,
    pub credit: bool,
    /// The rendition sizes on offer (long edge).
    pub edges: Vec<u32>,
    pub items: Vec<PlaylistItem>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlaylistItem {
    /// The content hash (rendition file names start with it).
    pub id: String,
    pub credit: Option<String>,
    pub added_ms: i64,
    pub width: u32,
    pub height: u32,
}

impl Playlist {
    /// The visible photos: approved and not hidden.
    pub fn from_photos(photos: &[crate::store::Photo]) -> Vec<PlaylistItem> {
        photos
            .iter()
            .filter(|p| p.approved && !p.hidden)
            .map(|p| PlaylistItem {
                id: p.hash.clone(),
                credit: p.credit.clone(),
                added_ms: p.added_at.as_millisecond(),
                width: p.width,
                height: p.height,
            })
            .collect()
    }
}

/// Why a photo was refused: the reason a quarantined file shows in the control
/// panel and `summit-kiosk photos list`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", content = "message", rename_all = "kebab-case")]
pub enum PhotoError {
    #[error("cannot read the file: {0}")]
    Read(String),
    #[error("the file is empty")]
    Empty,
    #[error("the file is {0} bytes, over the limit of {MAX_PHOTO_BYTES} bytes for a photo")]
    TooLarge(u64),
    #[error("{0}")]
    Unsupported(String),
    #[error("the image is damaged: {0}")]
    Damaged(String),
    #[error("{0}")]
    TooManyPixels(String),
    #[error("{0}")]
    Shape(String),
    #[error("{0}")]
    Outside(String),
    #[error("{0}")]
    Worker(String),
}

impl PhotoError {
    /// A short stable code for logs, JSON output and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Read(_) => "read",
            PhotoError::Empty => "empty",
            PhotoError::TooLarge(_) => "too-large",
            PhotoError::Unsupported(_) => "unsupported",
            PhotoError::Damaged(_) => "damaged",
            PhotoError::TooManyPixels(_) => "too-many-pixels",
            PhotoError::Shape(_) => "shape",
            PhotoError::Outside(_) => "outside",
            PhotoError::Worker(_) => "worker",
        }
    }
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Heif,
}

/// Tell a photo's format from its content (never from its name), or say
/// plainly what else it is.
pub fn sniff(bytes: &[u8]) -> Result<Kind, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::Webp);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        let heif: [&[u8]; 7] = [
            b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
        ];
        if heif.contains(&brand) {
            return Ok(Kind::Heif);
        }
        if brand == b"avif" || brand == b"avis" {
            return Err(PhotoError::Unsupported(
                "AVIF is not supported: export the photo as JPEG".into(),
            ));
        }
    }
    let what = match bytes {
        [b'G', b'I', b'F', b'8', ..] => "a GIF",
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => "a TIFF or camera raw file",
        [b'B', b'M', ..] => "a BMP",
        [b'%', b'P', b'D', b'F', ..] => "a PDF",
        [b'P', b'K', 3, 4, ..] => "a ZIP archive",
        _ if bytes.len() >= 8 && &bytes[4..8] == b"ftyp" => "a video or other ISO media file",
        _ if bytes.iter().take(512).all(|b| b.is_ascii() && *b != 0) => "text",
        _ => "not an image format the wall knows",
    };
    Err(PhotoError::Unsupported(format!(
        "this is not a JPEG, PNG or WebP photo (it looks like {what})"
    )))
}

/// Whether the photo folder should look at `path` (by its extension).
pub fn is_photo_name(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'));
    !hidden
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| PHOTO_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The hex SHA-256 of a photo's bytes: its identity (identical photos are one).
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file name of a rendition in the renditions folder.
pub fn rendition_name(hash: &str, long_edge: u32) -> String {
    format!("{hash}-{long_edge}.jpg")
}

/// Whether `name` is a rendition file name and nothing else (the URI scheme
/// serves only these).
pub fn is_rendition_name(name: &str) -> bool {
    let Some((hash, rest)) = name.split_once('-') else {
        return false;
    };
    let Some(edge) = rest.strip_suffix(".jpg") else {
        return false;
    };
    hash.len() == 64
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && !edge.is_empty()
        && edge.len() <= 4
        && edge.bytes().all(|b| b.is_ascii_digit())
}

/// A credit line fit for the screen: one line, no control characters, at
/// most [`MAX_CREDIT_CHARS`].
pub fn clean_credit(text: &str) -> Option<String> {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = one_line.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return None;
    }
    let mut out: String = joined.chars().take(MAX_CREDIT_CHARS).collect();
    if joined.chars().count() > MAX_CREDIT_CHARS {
        out.pop();
        out.push('…');
    }
    Some(out)
}

/// A file name sent by someone else (an upload), made safe to create in a
/// folder: its last path component only, no control characters, no leading
/// dots, at most 120 characters; letters of any script are kept (the name
/// may become the photo's credit).
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(120)
        .collect();
    if cleaned.is_empty() {
        "upload".to_string()
    } else {
        cleaned
    }
}
