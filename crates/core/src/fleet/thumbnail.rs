//! The small JPEG of what a screen shows: made by the screen from the web
//! view's snapshot (32-bit pixels, blue first, as cairo keeps them), and
//! checked by the leader before it keeps one.

use fast_image_resize as fir;
use turbojpeg::{Compressor, Decompressor, PixelFormat, Subsamp};

use super::{MAX_THUMBNAIL_BYTES, THUMBNAIL_WIDTH};

/// A thumbnail's height at most: a portrait screen's is 320 × 569.
pub const THUMBNAIL_MAX_HEIGHT: u32 = 640;

/// The qualities tried in turn until the JPEG fits [`MAX_THUMBNAIL_BYTES`].
const QUALITIES: [i32; 4] = [75, 60, 45, 30];

/// A JPEG at most [`THUMBNAIL_WIDTH`] wide of a picture in `bgra` (rows of
/// `stride` bytes, 4 bytes a pixel: blue, green, red, unused).
pub fn from_bgra(width: u32, height: u32, stride: usize, bgra: &[u8]) -> Result<Vec<u8>, String> {
    if width == 0 || height == 0 {
        return Err("the picture is empty".into());
    }
    let row = width as usize * 4;
    if stride < row || bgra.len() < stride * (height as usize - 1) + row {
        return Err(format!(
            "{} bytes are too few for {width}x{height} pixels with rows of {stride} bytes",
            bgra.len()
        ));
    }
    let packed: std::borrow::Cow<[u8]> = if stride == row {
        std::borrow::Cow::Borrowed(&bgra[..row * height as usize])
    } else {
        std::borrow::Cow::Owned(
            bgra.chunks(stride)
                .take(height as usize)
                .flat_map(|r| &r[..row])
                .copied()
                .collect(),
        )
    };
    let (w, h) = fit(width, height);
    let src = fir::images::ImageRef::new(width, height, &packed, fir::PixelType::U8x4)
        .map_err(|e| format!("the picture: {e}"))?;
    let mut dst = fir::images::Image::new(w, h, fir::PixelType::U8x4);
    // Lanczos keeps a title's strokes legible at a sixth of their size.
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| format!("resizing failed: {e}"))?;
    let mut compressor = Compressor::new().map_err(|e| e.to_string())?;
    compressor
        .set_subsamp(Subsamp::Sub2x2)
        .map_err(|e| e.to_string())?;
    let mut last = Vec::new();
    for quality in QUALITIES {
        compressor.set_quality(quality).map_err(|e| e.to_string())?;
        last = compressor
            .compress_to_vec(turbojpeg::Image {
                pixels: dst.buffer(),
                width: w as usize,
                pitch: w as usize * 4,
                height: h as usize,
                format: PixelFormat::BGRX,
            })
            .map_err(|e| e.to_string())?;
        if last.len() <= MAX_THUMBNAIL_BYTES {
            return Ok(last);
        }
    }
    Err(format!(
        "the thumbnail is {} bytes even at quality {}; at most {MAX_THUMBNAIL_BYTES}",
        last.len(),
        QUALITIES[QUALITIES.len() - 1]
    ))
}

/// The thumbnail's size for a `width` × `height` picture: never wider than
/// [`THUMBNAIL_WIDTH`], never enlarged.
pub fn fit(width: u32, height: u32) -> (u32, u32) {
    if width <= THUMBNAIL_WIDTH {
        return (width, height.clamp(1, THUMBNAIL_MAX_HEIGHT));
    }
    let h = (height as u64 * THUMBNAIL_WIDTH as u64 / width as u64).max(1) as u32;
    (THUMBNAIL_WIDTH, h.min(THUMBNAIL_MAX_HEIGHT))
}

/// Whether `jpeg` is a whole JPEG of an allowed size: its header read (no
/// pixels decoded), its end marker present. Its width and height.
pub fn check(jpeg: &[u8]) -> Result<(u32, u32), String> {
    if jpeg.len() > MAX_THUMBNAIL_BYTES {
        return Err(format!(
            "{} bytes, over the limit of {MAX_THUMBNAIL_BYTES}",
            jpeg.len()
        ));
    }
    if !jpeg.starts_with(&[0xFF, 0xD8]) || !jpeg.ends_with(&[0xFF, 0xD9]) {
        return Err("not a whole JPEG (its start or end marker is missing)".into());
    }
    let header = Decompressor::new()
        .and_then(|mut d| d.read_header(jpeg))
        .map_err(|e| format!("not a JPEG: {e}"))?;
    let (w, h) = (header.width as u32, header.height as u32);
    if w == 0 || h == 0 || w > THUMBNAIL_WIDTH || h > THUMBNAIL_MAX_HEIGHT {
        return Err(format!(
            "{w}x{h} pixels; at most {THUMBNAIL_WIDTH} wide and {THUMBNAIL_MAX_HEIGHT} high"
        ));
    }
    Ok((w, h))
}
