//! The ingest pipeline on one photo: sniff, check the size before decoding,
//! decode (JPEG DCT-downscaled straight to YUV planes by libjpeg-turbo; PNG and
//! WebP by the image crate), resize with a SIMD resizer, turn upright from the
//! EXIF orientation, and encode JPEG renditions that carry no metadata at all.

use std::io::Cursor;

use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageDecoder, RgbImage};
use turbojpeg::{Colorspace, Decompressor, ScalingFactor, Subsamp};

use super::header::{check_shape, heic_unsupported, probe};
use super::{
    clean_credit, Kind, PhotoError, DEFAULT_LONG_EDGES, MAX_JPEG_PIXELS, MAX_LONG_EDGE,
    MAX_OTHER_PIXELS,
};

#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The long edges wanted, e.g. `[1920, 3840]`. A photo smaller than an
    /// edge is never enlarged: that rendition is the photo's own size.
    pub long_edges: Vec<u32>,
    /// JPEG quality of the renditions (1–100).
    pub quality: u8,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            long_edges: DEFAULT_LONG_EDGES.to_vec(),
            quality: 85,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendition {
    /// The long edge asked for (the file name's number).
    pub long_edge: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The photo's size, upright.
    pub width: u32,
    pub height: u32,
    /// EXIF Artist, if the photo names one.
    pub credit: Option<String>,
    pub renditions: Vec<Rendition>,
}

/// Run the pipeline on one photo's bytes.
pub fn render(bytes: &[u8], options: &RenderOptions) -> Result<Rendered, PhotoError> {
    let (planes, meta) = decode(bytes, options)?;
    finish(planes, meta, options)
}

/// [`render`], freeing the file's bytes as soon as they are decoded (the
/// worker's peak memory is then the decoded planes, not planes + file).
pub fn render_owned(bytes: Vec<u8>, options: &RenderOptions) -> Result<Rendered, PhotoError> {
    let (planes, meta) = decode(&bytes, options)?;
    drop(bytes);
    finish(planes, meta, options)
}

fn decode(bytes: &[u8], options: &RenderOptions) -> Result<(Planes, Metadata), PhotoError> {
    let edges = check_edges(&options.long_edges)?;
    let kind = probe(bytes)?.kind;
    let meta = Metadata::read(bytes);
    let planes = match kind {
        Kind::Jpeg => decode_jpeg(bytes, edges[0])?,
        Kind::Png => decode_other(bytes, image::ImageFormat::Png)?,
        Kind::Webp => decode_other(bytes, image::ImageFormat::WebP)?,
        // `probe` refused it already.
        Kind::Heif => return Err(heic_unsupported()),
    };
    Ok((planes, meta))
}

fn finish(planes: Planes, meta: Metadata, options: &RenderOptions) -> Result<Rendered, PhotoError> {
    let edges = check_edges(&options.long_edges)?;
    let quarter_turn = matches!(
        meta.orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (width, height) = if quarter_turn {
        (planes.source.1, planes.source.0)
    } else {
        planes.source
    };
    let renditions = edges
        .iter()
        .map(|&edge| planes.rendition(edge, meta.orientation, options.quality))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rendered {
        width,
        height,
        credit: meta.artist,
        renditions,
    })
}

fn check_edges(edges: &[u32]) -> Result<Vec<u32>, PhotoError> {
    let mut sorted = edges.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    match sorted.first() {
        None => Err(PhotoError::Worker("no rendition size asked for".into())),
        Some(&e) if e > MAX_LONG_EDGE || *sorted.last().unwrap() < 16 => Err(PhotoError::Worker(
            format!("a long edge must be 16 to {MAX_LONG_EDGE} pixels"),
        )),
        Some(_) => Ok(sorted),
    }
}

/// What the EXIF block says, where there is one (JPEG, PNG `eXIf`, WebP).
struct Metadata {
    orientation: Orientation,
    artist: Option<String>,
}

impl Metadata {
    fn read(bytes: &[u8]) -> Metadata {
        let mut meta = Metadata {
            orientation: Orientation::NoTransforms,
            artist: None,
        };
        let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
            return meta;
        };
        if let Some(field) = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY) {
            if let Some(v) = field.value.get_uint(0) {
                meta.orientation =
                    Orientation::from_exif(v.min(255) as u8).unwrap_or(Orientation::NoTransforms);
            }
        }
        if let Some(field) = exif.get_field(exif::Tag::Artist, exif::In::PRIMARY) {
            if let exif::Value::Ascii(parts) = &field.value {
                let text: Vec<String> = parts
                    .iter()
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect();
                meta.artist = clean_credit(&text.join(" "));
            }
        }
        meta
    }
}

/// A decoded photo, not yet upright: one to three 8-bit planes.
struct Planes {
    /// The photo's size as stored (before orientation).
    source: (u32, u32),
    layout: Layout,
}

enum Layout {
    /// Y, and Cb/Cr at their own (subsampled) size: straight from the JPEG.
    Yuv {
        y: GrayImage,
        chroma: Option<(GrayImage, GrayImage)>,
    },
    Rgb(RgbImage),
}

pub(super) fn tj_error(e: turbojpeg::Error) -> PhotoError {
    PhotoError::Damaged(e.to_string().trim().to_string())
}

/// Decode a JPEG at the smallest DCT scale (n/8) that still covers `edge`.
fn decode_jpeg(bytes: &[u8], edge: u32) -> Result<Planes, PhotoError> {
    let mut decompressor = Decompressor::new().map_err(tj_error)?;
    let header = decompressor.read_header(bytes).map_err(tj_error)?;
    let (w, h) = (header.width as u64, header.height as u64);
    check_shape(w, h, MAX_JPEG_PIXELS)?;
    let long = w.max(h);
    let eighths = (1..=8u64)
        .find(|n| (long * n).div_ceil(8) >= edge as u64)
        .unwrap_or(8);
    let factor = ScalingFactor::new(eighths as usize, 8);
    decompressor.set_scaling_factor(factor).map_err(tj_error)?;
    let (sw, sh) = (factor.scale(header.width), factor.scale(header.height));
    if (sw * sh) as u64 > MAX_OTHER_PIXELS {
        return Err(PhotoError::TooManyPixels(format!(
            "the image is {w} × {h} pixels; even decoded at 1/8 it is too large"
        )));
    }
    let source = (header.width as u32, header.height as u32);
    let layout = match header.colorspace {
        Colorspace::CMYK | Colorspace::YCCK => {
            let mut image = turbojpeg::Image {
                pixels: vec![0u8; sw * sh * 4],
                width: sw,
                pitch: sw * 4,
                height: sh,
                format: turbojpeg::PixelFormat::CMYK,
            };
            decompressor
                .decompress(bytes, image.as_deref_mut())
                .map_err(tj_error)?;
            Layout::Rgb(cmyk_to_rgb(&image.pixels, sw as u32, sh as u32))
        }
        _ => {
            let len = turbojpeg::yuv_pixels_len(sw, 1, sh, header.subsamp).map_err(tj_error)?;
            let mut yuv = turbojpeg::YuvImage {
                pixels: vec![0u8; len],
                width: sw,
                align: 1,
                height: sh,
                subsamp: header.subsamp,
            };
            decompressor
                .decompress_to_yuv(bytes, yuv.as_deref_mut())
                .map_err(tj_error)?;
            split_planes(yuv.pixels, sw, sh, header.subsamp)?
        }
    };
    Ok(Planes { source, layout })
}

/// Cut libjpeg-turbo's YUV buffer (rows of 1-byte alignment) into planes.
/// Each plane is padded to whole MCUs: luma to a multiple of the
/// subsampling factors, chroma to that divided by them; the padding is cut.
fn split_planes(
    mut pixels: Vec<u8>,
    w: usize,
    h: usize,
    subsamp: Subsamp,
) -> Result<Layout, PhotoError> {
    let damaged = || PhotoError::Damaged("the decoded planes have an unexpected size".into());
    let (sx, sy) = match subsamp {
        Subsamp::Gray => (1, 1),
        _ => (subsamp.width(), subsamp.height()),
    };
    let (pw, ph) = (w.next_multiple_of(sx), h.next_multiple_of(sy));
    if pixels.len() < pw * ph {
        return Err(damaged());
    }
    let chroma_pixels = pixels.split_off(pw * ph);
    let y = GrayImage::from_raw(pw as u32, ph as u32, pixels).ok_or_else(damaged)?;
    let y = if (pw, ph) == (w, h) {
        y
    } else {
        image::imageops::crop_imm(&y, 0, 0, w as u32, h as u32).to_image()
    };
    if subsamp == Subsamp::Gray {
        return Ok(Layout::Yuv { y, chroma: None });
    }
    let (cw, ch) = (pw / sx, ph / sy);
    let mut cb = chroma_pixels;
    if cb.len() < 2 * cw * ch {
        return Err(damaged());
    }
    let mut cr = cb.split_off(cw * ch);
    cr.truncate(cw * ch);
    let cb = GrayImage::from_raw(cw as u32, ch as u32, cb).ok_or_else(damaged)?;
    let cr = GrayImage::from_raw(cw as u32, ch as u32, cr).ok_or_else(damaged)?;
    Ok(Layout::Yuv {
        y,
        chroma: Some((cb, cr)),
    })
}

/// Adobe-style (inverted) CMYK, as libjpeg-turbo reads and writes it.
fn cmyk_to_rgb(cmyk: &[u8], w: u32, h: u32) -> RgbImage {
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for px in cmyk.chunks_exact(4) {
        let k = px[3] as u32;
        rgb.extend(px[..3].iter().map(|&c| ((c as u32 * k + 127) / 255) as u8));
    }
    RgbImage::from_raw(w, h, rgb).expect("3 bytes per pixel")
}

fn image_error(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(l) => PhotoError::TooManyPixels(format!(
            "decoding it would need more memory than allowed ({l})"
        )),
        image::ImageError::Unsupported(u) => PhotoError::Unsupported(u.to_string()),
        other => PhotoError::Damaged(other.to_string()),
    }
}

/// A PNG or WebP decoder that has read the header, with the allocation cap.
pub(super) fn other_decoder(
    bytes: &[u8],
    format: image::ImageFormat,
) -> Result<impl ImageDecoder + '_, PhotoError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_OTHER_PIXELS * 8);
    reader.limits(limits);
    reader.into_decoder().map_err(image_error)
}

/// Decode a PNG or WebP whole (16-bit and alpha included: alpha over black).
fn decode_other(bytes: &[u8], format: image::ImageFormat) -> Result<Planes, PhotoError> {
    let decoder = other_decoder(bytes, format)?;
    let (w, h) = decoder.dimensions();
    check_shape(w as u64, h as u64, MAX_OTHER_PIXELS)?;
    let image = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    let rgb = if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for px in rgba.pixels() {
            let a = px[3] as u32;
            rgb.extend(
                px.0[..3]
                    .iter()
                    .map(|&c| ((c as u32 * a + 127) / 255) as u8),
            );
        }
        RgbImage::from_raw(w, h, rgb).expect("3 bytes per pixel")
    } else {
        image.into_rgb8()
    };
    Ok(Planes {
        source: (w, h),
        layout: Layout::Rgb(rgb),
    })
}

/// Scale `(w, h)` so its long edge is `edge` (never enlarging).
fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let scale =
        |side: u32| ((side as u64 * edge as u64 + long as u64 / 2) / long as u64).max(1) as u32;
    (scale(w), scale(h))
}

/// Source pixels per band when a plane is resized in horizontal bands.
const BAND_PIXELS: u64 = 2_000_000;
/// Output rows each band computes beyond its own on either side, so the
/// filter sees the same neighbours as in one whole pass (Lanczos3 reaches
/// 3 source rows, and a rendition is at most 8× smaller than its decode).
const BAND_MARGIN_ROWS: u32 = 4;

/// Resize one plane to `w` × `h`. A large plane is resized in horizontal
/// bands on two threads: the resizer's intermediate buffer is then a band's,
/// not the whole plane's (a 4500 × 3000 luma plane would need 11 MB more),
/// and each band computes a margin of extra rows so the seams are exact.
fn resize_plane(src: &GrayImage, w: u32, h: u32) -> Result<GrayImage, PhotoError> {
    if src.dimensions() == (w, h) {
        return Ok(src.clone());
    }
    let (sw, sh) = src.dimensions();
    let bands = ((sw as u64 * sh as u64) / BAND_PIXELS).clamp(1, 32) as u32;
    let mut dst = GrayImage::new(w, h);
    if bands == 1 || h < bands * 4 {
        resize(src, &mut dst, None)?;
        return Ok(dst);
    }
    let band_rows = h.div_ceil(bands);
    let scale = sh as f64 / h as f64;
    let chunks: Vec<(usize, &mut [u8])> = dst
        .chunks_mut((band_rows * w) as usize)
        .enumerate()
        .collect();
    let (even, odd): (Vec<_>, Vec<_>) = chunks.into_iter().partition(|(i, _)| i % 2 == 0);
    let run = |chunks: Vec<(usize, &mut [u8])>| -> Result<(), PhotoError> {
        for (i, chunk) in chunks {
            let r0 = i as u32 * band_rows;
            let rows = chunk.len() as u32 / w;
            let a = r0.saturating_sub(BAND_MARGIN_ROWS);
            let b = (r0 + rows + BAND_MARGIN_ROWS).min(h);
            let top = a as f64 * scale;
            let height = ((b as f64 * scale).min(sh as f64) - top).max(1.0);
            let mut band = GrayImage::new(w, b - a);
            resize(src, &mut band, Some((top, height)))?;
            let skip = ((r0 - a) * w) as usize;
            chunk.copy_from_slice(&band.as_raw()[skip..skip + chunk.len()]);
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(|| run(odd));
        let here = run(even);
        here.and(other.join().expect("resize thread"))
    })?;
    Ok(dst)
}

/// Resize `src` (or the rows `top .. top + height` of it) into `dst`.
fn resize<I: fir::IntoImageView, O: fir::IntoImageViewMut>(
    src: &I,
    dst: &mut O,
    rows: Option<(f64, f64)>,
) -> Result<(), PhotoError> {
    let mut options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if let Some((top, height)) = rows {
        let width = src.width() as f64;
        options = options.crop(0.0, top, width, height);
    }
    fir::Resizer::new()
        .resize(src, dst, &options)
        .map_err(|e| PhotoError::Worker(format!("resizing failed: {e}")))
}

fn oriented(image: DynamicImage, orientation: Orientation) -> DynamicImage {
    let mut image = image;
    image.apply_orientation(orientation);
    image
}

/// `image` grown to even width and height by repeating its last column and row.
fn pad_even(image: GrayImage) -> GrayImage {
    let (w, h) = image.dimensions();
    let (pw, ph) = (w.next_multiple_of(2), h.next_multiple_of(2));
    if (pw, ph) == (w, h) {
        return image;
    }
    GrayImage::from_fn(pw, ph, |x, y| *image.get_pixel(x.min(w - 1), y.min(h - 1)))
}

fn gray(image: GrayImage, orientation: Orientation) -> GrayImage {
    oriented(DynamicImage::ImageLuma8(image), orientation).into_luma8()
}

impl Planes {
    /// One upright JPEG rendition with its long edge at `edge` (or smaller).
    fn rendition(
        &self,
        edge: u32,
        orientation: Orientation,
        quality: u8,
    ) -> Result<Rendition, PhotoError> {
        let mut compressor = turbojpeg::Compressor::new().map_err(tj_error)?;
        compressor
            .set_quality(quality.clamp(1, 100) as i32)
            .map_err(tj_error)?;
        let (sw, sh) = self.source;
        // The size as decoded may be a DCT-scaled fraction of the source.
        let (dw, dh) = match &self.layout {
            Layout::Yuv { y, .. } => y.dimensions(),
            Layout::Rgb(rgb) => rgb.dimensions(),
        };
        let (w, h) = fit(dw, dh, edge.min(sw.max(sh)));
        let jpeg = match &self.layout {
            Layout::Yuv { y, chroma } => {
                let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
                // Luma, then chroma: each plane in bands on two threads.
                let y = resize_plane(y, w, h);
                let chroma = chroma.as_ref().map(|(cb, cr)| {
                    Ok::<_, PhotoError>((resize_plane(cb, cw, ch)?, resize_plane(cr, cw, ch)?))
                });
                let y = gray(y?, orientation);
                let (ow, oh) = y.dimensions();
                match chroma.transpose()? {
                    None => {
                        compressor.set_subsamp(Subsamp::Gray).map_err(tj_error)?;
                        compressor
                            .compress_to_vec(turbojpeg::Image {
                                pixels: y.as_raw().as_slice(),
                                width: ow as usize,
                                pitch: ow as usize,
                                height: oh as usize,
                                format: turbojpeg::PixelFormat::GRAY,
                            })
                            .map_err(tj_error)?
                    }
                    Some((cb, cr)) => {
                        let (cb, cr) = (gray(cb, orientation), gray(cr, orientation));
                        let stride = cb.width() as usize;
                        // 4:2:0 wants a luma plane of even width and height:
                        // pad an odd one by repeating its last column and row.
                        let y = pad_even(y);
                        compressor
                            .compress_yuv_planes_to_vec(&turbojpeg::YuvPlanesImage {
                                y_plane: y.as_raw().as_slice(),
                                u_plane: cb.as_raw().as_slice(),
                                v_plane: cr.as_raw().as_slice(),
                                width: ow as usize,
                                height: oh as usize,
                                y_stride: y.width() as usize,
                                u_stride: stride,
                                v_stride: stride,
                                subsamp: Subsamp::Sub2x2,
                            })
                            .map_err(tj_error)?
                    }
                }
            }
            Layout::Rgb(rgb) => {
                let resized = if rgb.dimensions() == (w, h) {
                    rgb.clone()
                } else {
                    let mut dst = RgbImage::new(w, h);
                    resize(rgb, &mut dst, None)?;
                    dst
                };
                let upright = oriented(DynamicImage::ImageRgb8(resized), orientation).into_rgb8();
                let (ow, oh) = upright.dimensions();
                compressor.set_subsamp(Subsamp::Sub2x2).map_err(tj_error)?;
                compressor
                    .compress_to_vec(turbojpeg::Image {
                        pixels: upright.as_raw().as_slice(),
                        width: ow as usize,
                        pitch: ow as usize * 3,
                        height: oh as usize,
                        format: turbojpeg::PixelFormat::RGB,
                    })
                    .map_err(tj_error)?
            }
        };
        let (width, height) = match orientation {
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH => (h, w),
            _ => (w, h),
        };
        Ok(Rendition {
            long_edge: edge,
            width,
            height,
            jpeg,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bands with margins give the same pixels as one pass over the plane.
    #[test]
    fn a_plane_resized_in_bands_matches_one_pass() {
        let (sw, sh) = (3000u32, 2000u32);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let src = GrayImage::from_fn(sw, sh, |x, y| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // Edges and texture: a gradient, stripes and noise.
            let stripes = if (x / 7 + y / 5) % 2 == 0 { 60 } else { 0 };
            image::Luma([((x * 255 / sw) as u64 / 2 + stripes + (seed % 40)) as u8])
        });
        for (w, h) in [(1920u32, 1280u32), (2561, 1707), (640, 427)] {
            let banded = resize_plane(&src, w, h).unwrap();
            let mut whole = GrayImage::new(w, h);
            resize(&src, &mut whole, None).unwrap();
            let worst = banded
                .as_raw()
                .iter()
                .zip(whole.as_raw())
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(
                worst <= 1,
                "{w} × {h}: bands differ from one pass by up to {worst}"
            );
        }
    }
}
