//! Test pictures and what to check on renditions. The picture is a
//! landscape with four coloured quadrants (red, green / blue, white).

use std::io::Cursor;

use exif::{Field, In, Rational, Tag, Value};
use image::{DynamicImage, RgbImage};
use turbojpeg::{PixelFormat, Subsamp};

pub const RED: [u8; 3] = [255, 0, 0];
pub const GREEN: [u8; 3] = [0, 255, 0];
pub const BLUE: [u8; 3] = [0, 0, 255];
pub const WHITE: [u8; 3] = [255, 255, 255];
/// Top-left, top-right, bottom-left, bottom-right.
pub const QUADRANTS: [[u8; 3]; 4] = [RED, GREEN, BLUE, WHITE];

/// The canonical picture, upright: `w` × `h`, four coloured quadrants.
/// Built row by row (the tests are a debug build; 24 MP must stay quick).
pub fn quadrants(w: u32, h: u32) -> RgbImage {
    let row = |left: [u8; 3], right: [u8; 3]| -> Vec<u8> {
        let mut r = Vec::with_capacity(w as usize * 3);
        for x in 0..w {
            r.extend_from_slice(if x < w / 2 { &left } else { &right });
        }
        r
    };
    let (top, bottom) = (row(RED, GREEN), row(BLUE, WHITE));
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        pixels.extend_from_slice(if y < h / 2 { &top } else { &bottom });
    }
    RgbImage::from_raw(w, h, pixels).unwrap()
}

/// Where the pixel shown at `(x, y)` of a `w` × `h` upright picture is
/// stored, for an EXIF orientation (TIFF 6.0 / EXIF 2.3 definitions: "row 0
/// is the visual top/bottom/left/right, column 0 is the visual …"); written
/// out from the spec, not from the code under test.
pub fn stored_at(orientation: u16, w: u32, h: u32, x: u32, y: u32) -> (u32, u32) {
    match orientation {
        1 => (x, y),
        2 => (w - 1 - x, y),
        3 => (w - 1 - x, h - 1 - y),
        4 => (x, h - 1 - y),
        // Stored sideways: the stored image is h wide and w high.
        5 => (y, x),
        6 => (y, w - 1 - x),
        7 => (h - 1 - y, w - 1 - x),
        8 => (h - 1 - y, x),
        _ => unreachable!(),
    }
}

/// `upright` as a camera would store it with EXIF `orientation`: a correct
/// viewer turns it back into `upright`.
pub fn stored(upright: &RgbImage, orientation: u16) -> RgbImage {
    let (w, h) = upright.dimensions();
    let (sw, sh) = if orientation >= 5 { (h, w) } else { (w, h) };
    let mut out = RgbImage::new(sw, sh);
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = stored_at(orientation, w, h, x, y);
            out.put_pixel(sx, sy, *upright.get_pixel(x, y));
        }
    }
    out
}

pub fn jpeg_with(
    image: &RgbImage,
    subsamp: Subsamp,
    tweak: impl FnOnce(&mut turbojpeg::Compressor),
) -> Vec<u8> {
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_quality(92).unwrap();
    c.set_subsamp(subsamp).unwrap();
    tweak(&mut c);
    c.compress_to_vec(turbojpeg::Image {
        pixels: image.as_raw().as_slice(),
        width: image.width() as usize,
        pitch: image.width() as usize * 3,
        height: image.height() as usize,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    jpeg_with(image, Subsamp::Sub2x2, |_| {})
}

/// A TIFF/EXIF block with these fields (primary IFD, GPS fields in their IFD).
pub fn exif_blob(fields: &[Field]) -> Vec<u8> {
    let mut writer = exif::experimental::Writer::new();
    for f in fields {
        writer.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).unwrap();
    out.into_inner()
}

pub fn orientation_field(v: u16) -> Field {
    Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![v]),
    }
}

pub fn artist_field(name: &str) -> Field {
    Field {
        tag: Tag::Artist,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![name.as_bytes().to_vec()]),
    }
}

/// Where the photo was taken: what must never reach a public screen.
pub fn gps_fields() -> Vec<Field> {
    let r = |num, denom| Rational { num, denom };
    vec![
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![r(52, 1), r(31, 1), r(1234, 100)]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![r(13, 1), r(24, 1), r(5678, 100)]),
        },
    ]
}

/// A JPEG segment: marker, big-endian length, payload.
pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// Insert segments right after SOI, as cameras and editors do.
pub fn insert_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut out = jpeg[..2].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn exif_segment(fields: &[Field]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(exif_blob(fields));
    segment(0xE1, &payload)
}

pub fn with_exif(jpeg: &[u8], fields: &[Field]) -> Vec<u8> {
    insert_segments(jpeg, &[exif_segment(fields)])
}

/// The markers of a JPEG's header segments, up to and including SOS.
pub fn jpeg_markers(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a rendition starts with SOI");
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "a marker at {i}");
        let marker = jpeg[i + 1];
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        out.push((marker, jpeg[i + 4..i + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    out
}

/// Only JFIF (APP0), tables, frame and scan headers: no APP1 (EXIF, XMP),
/// APP2 (ICC), APP13 (IPTC) or other APPn, no comment.
pub fn assert_no_metadata(jpeg: &[u8]) {
    for (marker, payload) in jpeg_markers(jpeg) {
        let app_n = (0xE1..=0xEF).contains(&marker);
        assert!(
            !app_n && marker != 0xFE,
            "the rendition carries a metadata segment FF{marker:02X} ({} bytes)",
            payload.len()
        );
        if marker == 0xE0 {
            assert!(payload.starts_with(b"JFIF\0"), "APP0 is JFIF only");
        }
    }
    for needle in [&b"Exif"[..], b"http://ns.adobe.com", b"Ada", b"GPS"] {
        assert!(
            !jpeg.windows(needle.len()).any(|w| w == needle),
            "the rendition contains {:?}",
            String::from_utf8_lossy(needle)
        );
    }
}

pub fn decode(jpeg: &[u8]) -> RgbImage {
    let image = turbojpeg::decompress(jpeg, PixelFormat::RGB).expect("a rendition decodes");
    assert_eq!(image.pitch, image.width * 3);
    RgbImage::from_raw(image.width as u32, image.height as u32, image.pixels).unwrap()
}

/// The mean colour of a small patch around `(x, y)`.
pub fn patch(image: &RgbImage, x: u32, y: u32) -> [u8; 3] {
    let r = (image.width().min(image.height()) / 20).max(1);
    let mut sum = [0u64; 3];
    let mut n = 0u64;
    for py in y.saturating_sub(r)..(y + r).min(image.height()) {
        for px in x.saturating_sub(r)..(x + r).min(image.width()) {
            let p = image.get_pixel(px, py);
            for c in 0..3 {
                sum[c] += p[c] as u64;
            }
            n += 1;
        }
    }
    sum.map(|s| (s / n) as u8)
}

pub fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}

/// A JPEG of the picture shows `expected` (TL, TR, BL, BR) in its quadrants.
pub fn assert_quadrants(jpeg: &[u8], expected: [[u8; 3]; 4], tolerance: u8, what: &str) {
    let image = decode(jpeg);
    let (w, h) = image.dimensions();
    let centres = [
        (w / 4, h / 4),
        (3 * w / 4, h / 4),
        (w / 4, 3 * h / 4),
        (3 * w / 4, 3 * h / 4),
    ];
    let names = ["top-left", "top-right", "bottom-left", "bottom-right"];
    for ((&(x, y), want), name) in centres.iter().zip(expected).zip(names) {
        let got = patch(&image, x, y);
        assert!(
            close(got, want, tolerance),
            "{what}: the {name} quadrant of the {w} × {h} rendition is {got:?}, expected {want:?}"
        );
    }
}

pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    c.extend_from_slice(&crc32fast::hash(&crc_input).to_be_bytes());
    c
}

/// Insert a chunk right after IHDR.
pub fn png_insert_chunk(png: &[u8], chunk: Vec<u8>) -> Vec<u8> {
    let after_ihdr = 8 + 8 + 13 + 4;
    assert_eq!(&png[12..16], b"IHDR");
    let mut out = png[..after_ihdr].to_vec();
    out.extend(chunk);
    out.extend_from_slice(&png[after_ihdr..]);
    out
}

/// A PNG that says it is `w` × `h` (8-bit RGB) with a small zlib stream of
/// zeros: a decompression bomb's header. Refusing it must not depend on the
/// data, it must be refused from the header.
pub fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib: one stored (uncompressed) block of 64 KiB of zeros, unfinished.
    let mut z = vec![0x78, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00];
    z.extend(std::iter::repeat_n(0u8, 0xFFFF));
    out.extend(png_chunk(b"IDAT", &z));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

pub fn heic_header() -> Vec<u8> {
    let mut b = vec![0, 0, 0, 0x18];
    b.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    b.extend((0..2000u32).map(|i| (i * 7 + 3) as u8));
    b
}
