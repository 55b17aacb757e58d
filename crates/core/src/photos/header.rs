//! A photo's header, read and checked before a pixel is decoded: the format
//! from the first bytes, the size from the header, and the limits.

use image::ImageDecoder;
use turbojpeg::Decompressor;

use super::render::{other_decoder, tj_error};
use super::{
    sniff, Kind, PhotoError, MAX_ASPECT, MAX_JPEG_PIXELS, MAX_OTHER_PIXELS, MAX_PHOTO_BYTES,
};

/// What a photo's header says, checked before anything is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    /// The size as stored (before the EXIF orientation).
    pub width: u32,
    pub height: u32,
}

/// Sniff a photo and read its size from the header alone, refusing a file
/// over the byte limit, an unsupported format, and a size that is empty,
/// over the pixel limit or too thin, before a pixel is decoded. (Fuzzed
/// on its own: every hostile file reaches it.)
pub fn probe(bytes: &[u8]) -> Result<Header, PhotoError> {
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge(bytes.len() as u64));
    }
    let kind = sniff(bytes)?;
    let (width, height, limit) = match kind {
        Kind::Jpeg => {
            let header = Decompressor::new()
                .and_then(|mut d| d.read_header(bytes))
                .map_err(tj_error)?;
            (header.width as u32, header.height as u32, MAX_JPEG_PIXELS)
        }
        Kind::Png | Kind::Webp => {
            let format = if kind == Kind::Png {
                image::ImageFormat::Png
            } else {
                image::ImageFormat::WebP
            };
            let (w, h) = other_decoder(bytes, format)?.dimensions();
            (w, h, MAX_OTHER_PIXELS)
        }
        Kind::Heif => return Err(heic_unsupported()),
    };
    check_shape(width as u64, height as u64, limit)?;
    Ok(Header {
        kind,
        width,
        height,
    })
}

pub(super) fn heic_unsupported() -> PhotoError {
    PhotoError::Unsupported(
        "HEIC is not supported: export the photo as JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible)".into(),
    )
}

pub(super) fn check_shape(width: u64, height: u64, limit: u64) -> Result<(), PhotoError> {
    if width == 0 || height == 0 {
        return Err(PhotoError::Damaged(format!(
            "the image says it is {width} × {height} pixels"
        )));
    }
    if width * height > limit {
        return Err(PhotoError::TooManyPixels(format!(
            "the image is {width} × {height} pixels ({} megapixels), over the limit of {} megapixels",
            width * height / 1_000_000,
            limit / 1_000_000
        )));
    }
    let (long, short) = (width.max(height), width.min(height));
    if long > short * MAX_ASPECT {
        return Err(PhotoError::Shape(format!(
            "the image is {width} × {height} pixels: longer than {MAX_ASPECT} times its other side, it would be a sliver on the wall"
        )));
    }
    Ok(())
}
