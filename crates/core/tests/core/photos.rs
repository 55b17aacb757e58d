//! The photo pipeline in process: orientation, metadata stripped, sizes, formats and bad photos.
//!
//! Every input is made here with real encoders (libjpeg-turbo, the image
//! crate's PNG and WebP encoders, kamadak-exif's writer): no binary fixtures.
//! The test picture is a landscape with four coloured quadrants (red, green /
//! blue, white), so a rendition that is turned or mirrored the wrong way shows.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use exif::{Field, In, Rational, Tag, Value};
use image::{ImageBuffer, Rgb, RgbImage, Rgba, RgbaImage};
use kiosk_core::photos::library::{self, Folder, Library};
use kiosk_core::photos::worker::{self, Destination, WorkerCommand, WorkerLimits};
use kiosk_core::photos::{render, PhotoError, RenderOptions, Rendered};
use kiosk_core::store::Store;
use turbojpeg::{PixelFormat, Subsamp};

// ---------------------------------------------------------------- pictures

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];
const BLUE: [u8; 3] = [0, 0, 255];
const WHITE: [u8; 3] = [255, 255, 255];
/// Top-left, top-right, bottom-left, bottom-right.
const QUADRANTS: [[u8; 3]; 4] = [RED, GREEN, BLUE, WHITE];

/// The canonical picture, upright: `w` × `h`, four coloured quadrants.
/// Built row by row (the tests are a debug build; 24 MP must stay quick).
fn quadrants(w: u32, h: u32) -> RgbImage {
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
fn stored_at(orientation: u16, w: u32, h: u32, x: u32, y: u32) -> (u32, u32) {
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
fn stored(upright: &RgbImage, orientation: u16) -> RgbImage {
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

fn jpeg_with(
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

fn jpeg(image: &RgbImage) -> Vec<u8> {
    jpeg_with(image, Subsamp::Sub2x2, |_| {})
}

/// A TIFF/EXIF block with these fields (primary IFD, GPS fields in their IFD).
fn exif_blob(fields: &[Field]) -> Vec<u8> {
    let mut writer = exif::experimental::Writer::new();
    for f in fields {
        writer.push_field(f);
    }
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).unwrap();
    out.into_inner()
}

fn orientation_field(v: u16) -> Field {
    Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![v]),
    }
}

fn artist_field(name: &str) -> Field {
    Field {
        tag: Tag::Artist,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![name.as_bytes().to_vec()]),
    }
}

/// Where the photo was taken: what must never reach a public screen.
fn gps_fields() -> Vec<Field> {
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
fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// Insert segments right after SOI, as cameras and editors do.
fn insert_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut out = jpeg[..2].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn exif_segment(fields: &[Field]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(exif_blob(fields));
    segment(0xE1, &payload)
}

fn with_exif(jpeg: &[u8], fields: &[Field]) -> Vec<u8> {
    insert_segments(jpeg, &[exif_segment(fields)])
}

/// The markers of a JPEG's header segments, up to and including SOS.
fn jpeg_markers(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
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
fn assert_no_metadata(jpeg: &[u8]) {
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

fn decode(jpeg: &[u8]) -> RgbImage {
    let image = turbojpeg::decompress(jpeg, PixelFormat::RGB).expect("a rendition decodes");
    assert_eq!(image.pitch, image.width * 3);
    RgbImage::from_raw(image.width as u32, image.height as u32, image.pixels).unwrap()
}

/// The mean colour of a small patch around `(x, y)`.
fn patch(image: &RgbImage, x: u32, y: u32) -> [u8; 3] {
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

fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}

/// A JPEG of the picture shows `expected` (TL, TR, BL, BR) in its quadrants.
fn assert_quadrants(jpeg: &[u8], expected: [[u8; 3]; 4], tolerance: u8, what: &str) {
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

fn png(image: &image::DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    c.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    c
}

/// Insert a chunk right after IHDR.
fn png_insert_chunk(png: &[u8], chunk: Vec<u8>) -> Vec<u8> {
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
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
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

fn heic_header() -> Vec<u8> {
    let mut b = vec![0, 0, 0, 0x18];
    b.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    b.extend((0..2000u32).map(|i| (i * 7 + 3) as u8));
    b
}

// ------------------------------------------------------------- orientation

#[test]
fn every_exif_orientation_comes_out_upright() {
    let upright = quadrants(400, 200);
    for orientation in 1..=8u16 {
        let file = with_exif(
            &jpeg(&stored(&upright, orientation)),
            &[orientation_field(orientation)],
        );
        let r = rendered(&file, &[400, 200]);
        let what = format!("orientation {orientation}");
        assert_eq!(
            (r.width, r.height),
            (400, 200),
            "{what}: the photo's upright size"
        );
        assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)], "{what}");
        assert_sizes_true(&r);
        for x in &r.renditions {
            assert_quadrants(
                &x.jpeg,
                QUADRANTS,
                40,
                &format!("{what}, edge {}", x.long_edge),
            );
        }
    }
}

const SUBSAMPS: [Subsamp; 6] = [
    Subsamp::None,
    Subsamp::Sub2x1,
    Subsamp::Sub2x2,
    Subsamp::Sub1x2,
    Subsamp::Sub4x1,
    Subsamp::Sub1x4,
];

/// Render `upright` stored with `orientation` as a `subsamp` JPEG; check
/// the sizes and the quadrants. A panic in the pipeline is reported as one.
fn check_subsamp_orientation(
    upright: &RgbImage,
    subsamp: Subsamp,
    orientation: u16,
    edges: &[u32],
    expected: &[(u32, u32, u32)],
) {
    let file = with_exif(
        &jpeg_with(&stored(upright, orientation), subsamp, |_| {}),
        &[orientation_field(orientation)],
    );
    let what = format!(
        "{} × {} {subsamp:?}, orientation {orientation}",
        upright.width(),
        upright.height()
    );
    let result = std::panic::catch_unwind(|| render(&file, &options(edges)));
    let r = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => panic!("{what}: refused ({}): {e}", e.code()),
        Err(_) => panic!("{what}: render PANICKED (a worker would crash on this photo)"),
    };
    assert_eq!(r.width, upright.width(), "{what}");
    assert_eq!(r.height, upright.height(), "{what}");
    assert_eq!(sizes(&r), expected, "{what}");
    assert_sizes_true(&r);
    for x in &r.renditions {
        assert_quadrants(
            &x.jpeg,
            QUADRANTS,
            48,
            &format!("{what}, edge {}", x.long_edge),
        );
    }
}

#[test]
fn every_chroma_subsampling_in_every_orientation() {
    let upright = quadrants(400, 200);
    for subsamp in SUBSAMPS {
        for orientation in 1..=8u16 {
            check_subsamp_orientation(
                &upright,
                subsamp,
                orientation,
                &[400, 100],
                &[(100, 100, 50), (400, 400, 200)],
            );
        }
    }
}

/// A regression test: a rendition of odd width or height from a JPEG (YUV
/// path) panicked in turbojpeg's `compress_yuv_planes` ("Y plane length …
/// is too small"): the Y plane was passed unpadded, libjpeg-turbo wants it
/// padded to the 4:2:0 MCU (even width and height). In the worker that panic
/// was a crash: the photo was quarantined as "exited with status 101".
#[test]
fn odd_sized_jpeg_renditions_render() {
    // 333 × 167 kept at its own size (never enlarged), and scaled to 101 × 51.
    let upright = quadrants(333, 167);
    for subsamp in [Subsamp::Sub2x2, Subsamp::None] {
        for orientation in [1u16, 6] {
            check_subsamp_orientation(&upright, subsamp, orientation, &[1920], &[(1920, 333, 167)]);
        }
    }
    let even = quadrants(400, 200);
    check_subsamp_orientation(&even, Subsamp::Sub2x2, 1, &[101], &[(101, 101, 51)]);
}

#[test]
fn a_portrait_photo_stays_portrait() {
    // Upright 200 × 400 (portrait), stored sideways with orientation 6.
    let upright = quadrants(200, 400);
    let file = with_exif(&jpeg(&stored(&upright, 6)), &[orientation_field(6)]);
    let r = rendered(&file, &[100]);
    assert_eq!((r.width, r.height), (200, 400));
    assert_eq!(sizes(&r), vec![(100, 50, 100)]);
    assert_quadrants(&r.renditions[0].jpeg, QUADRANTS, 40, "portrait");
}

#[test]
fn an_unknown_orientation_value_is_taken_as_upright() {
    let upright = quadrants(400, 200);
    let file = with_exif(&jpeg(&upright), &[orientation_field(9)]);
    let r = rendered(&file, &[200]);
    assert_eq!(sizes(&r), vec![(200, 200, 100)]);
    assert_quadrants(&r.renditions[0].jpeg, QUADRANTS, 40, "orientation 9");
}

#[test]
fn a_png_with_exif_orientation_comes_out_upright() {
    let upright = quadrants(400, 200);
    let file = png(&image::DynamicImage::ImageRgb8(stored(&upright, 8)));
    let file = png_insert_chunk(
        &file,
        png_chunk(
            b"eXIf",
            &exif_blob(&[orientation_field(8), artist_field("Grace Hopper")]),
        ),
    );
    let r = rendered(&file, &[200]);
    assert_eq!((r.width, r.height), (400, 200));
    assert_eq!(sizes(&r), vec![(200, 200, 100)]);
    assert_eq!(r.credit.as_deref(), Some("Grace Hopper"));
    assert_quadrants(&r.renditions[0].jpeg, QUADRANTS, 40, "PNG, orientation 8");
    assert_no_metadata(&r.renditions[0].jpeg);
}

// ---------------------------------------------------------------- metadata

#[test]
fn renditions_carry_no_metadata_at_all() {
    let upright = quadrants(400, 200);
    let mut fields = vec![orientation_field(3), artist_field("Ada Lovelace")];
    fields.extend(gps_fields());
    let xmp = {
        let mut p = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        p.extend_from_slice(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description exif:GPSLatitude='52,31.2N'/></rdf:RDF></x:xmpmeta>");
        p
    };
    let icc = {
        let mut p = b"ICC_PROFILE\0\x01\x01".to_vec();
        p.extend(std::iter::repeat_n(7u8, 200));
        p
    };
    let file = insert_segments(
        &jpeg(&stored(&upright, 3)),
        &[
            exif_segment(&fields),
            segment(0xE1, &xmp),
            segment(0xE2, &icc),
            segment(0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0"),
            segment(0xFE, b"taken at Ada's home, GPS 52.52 13.40"),
        ],
    );
    // The input really has it all.
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&file))
        .unwrap();
    assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
    let r = rendered(&file, &[1920, 3840, 200]);
    assert_eq!(r.credit.as_deref(), Some("Ada Lovelace"));
    assert_eq!(r.renditions.len(), 3);
    for x in &r.renditions {
        assert_no_metadata(&x.jpeg);
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&x.jpeg))
                .is_err(),
            "no EXIF can be read back"
        );
        assert_quadrants(&x.jpeg, QUADRANTS, 40, "stripped");
    }
}

#[test]
fn the_credit_is_the_exif_artist_cleaned_up() {
    let base = jpeg(&quadrants(64, 32));
    let credit = |fields: &[Field]| rendered(&with_exif(&base, fields), &[64]).credit;
    assert_eq!(
        credit(&[artist_field("Ada Lovelace")]),
        Some("Ada Lovelace".into())
    );
    assert_eq!(
        credit(&[artist_field("  Ada\n\tLovelace \u{7}")]),
        Some("Ada Lovelace".into()),
        "one line, no control characters"
    );
    assert_eq!(credit(&[artist_field("   ")]), None);
    assert_eq!(credit(&[orientation_field(1)]), None, "no Artist");
    assert_eq!(rendered(&base, &[64]).credit, None, "no EXIF");
    let long = credit(&[artist_field(&"x".repeat(500))]).unwrap();
    assert_eq!(long.chars().count(), 80);
    assert!(long.ends_with('…'));
}

#[test]
fn a_damaged_exif_block_does_not_refuse_the_photo() {
    let base = jpeg(&quadrants(64, 32));
    let file = insert_segments(
        &base,
        &[segment(0xE1, b"Exif\0\0MM\0*\xFF\xFF\xFF\xF0garbage")],
    );
    let r = rendered(&file, &[64]);
    assert_eq!((r.width, r.height), (64, 32));
    assert_eq!(r.credit, None);
    assert_no_metadata(&r.renditions[0].jpeg);
}

// ------------------------------------------------------------------- sizes

#[test]
fn a_large_photo_gets_1920_and_3840_renditions() {
    let file = jpeg(&quadrants(6000, 4000));
    let started = Instant::now();
    let r = rendered(&file, &[1920, 3840]);
    eprintln!("6000 × 4000 rendered in {:?}", started.elapsed());
    assert_eq!((r.width, r.height), (6000, 4000));
    assert_eq!(sizes(&r), vec![(1920, 1920, 1280), (3840, 3840, 2560)]);
    assert_sizes_true(&r);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, QUADRANTS, 40, &format!("edge {}", x.long_edge));
        assert_no_metadata(&x.jpeg);
    }
}

#[test]
fn a_sideways_large_photo_is_scaled_and_turned() {
    // Decoded DCT-scaled (3/4), then resized, then turned.
    let upright = quadrants(3000, 2000);
    let file = with_exif(&jpeg(&stored(&upright, 8)), &[orientation_field(8)]);
    let r = rendered(&file, &[1920]);
    assert_eq!((r.width, r.height), (3000, 2000));
    assert_eq!(sizes(&r), vec![(1920, 1920, 1280)]);
    assert_sizes_true(&r);
    assert_quadrants(
        &r.renditions[0].jpeg,
        QUADRANTS,
        40,
        "3000 × 2000, orientation 8",
    );
}

#[test]
fn a_small_photo_is_never_enlarged() {
    let file = jpeg(&quadrants(120, 60));
    let r = rendered(&file, &[1920, 3840]);
    assert_eq!((r.width, r.height), (120, 60));
    assert_eq!(sizes(&r), vec![(1920, 120, 60), (3840, 120, 60)]);
    assert_sizes_true(&r);
    // A PNG the same.
    let r = rendered(
        &png(&image::DynamicImage::ImageRgb8(quadrants(120, 60))),
        &[1920],
    );
    assert_eq!(sizes(&r), vec![(1920, 120, 60)]);
}

#[test]
fn rendition_sizes_asked_for_are_checked() {
    let file = jpeg(&quadrants(64, 32));
    for edges in [vec![], vec![8], vec![1920, 10_000]] {
        let e = render(&file, &options(&edges)).expect_err("a bad long edge");
        assert_eq!(e.code(), "worker", "{edges:?}: {e}");
    }
    // Duplicates are one rendition.
    let r = rendered(&file, &[32, 32]);
    assert_eq!(sizes(&r), vec![(32, 32, 16)]);
}

// ----------------------------------------------------------------- formats

/// A regression test: every grayscale JPEG was refused "the image is
/// damaged: TurboJPEG error: Unsupported color conversion request": the gray
/// rendition was compressed from a GRAY buffer with the compressor's default
/// 4:4:4 YCbCr subsampling, a conversion libjpeg-turbo does not do.
#[test]
fn a_gray_jpeg_renders() {
    let levels = [30u8, 100, 170, 240];
    let (w, h) = (400usize, 200usize);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            pixels.push(levels[(y >= h / 2) as usize * 2 + (x >= w / 2) as usize]);
        }
    }
    // Stored sideways (orientation 6): transpose + mirror by hand.
    let mut sideways = vec![0u8; w * h];
    for y in 0..h as u32 {
        for x in 0..w as u32 {
            let (sx, sy) = stored_at(6, w as u32, h as u32, x, y);
            sideways[sy as usize * h + sx as usize] = pixels[y as usize * w + x as usize];
        }
    }
    let image = turbojpeg::Image {
        pixels: sideways.as_slice(),
        width: h,
        pitch: h,
        height: w,
        format: PixelFormat::GRAY,
    };
    let file = turbojpeg::compress(image, 92, Subsamp::Gray)
        .unwrap()
        .to_vec();
    assert_eq!(
        turbojpeg::read_header(&file).unwrap().subsamp,
        Subsamp::Gray
    );
    let file = with_exif(&file, &[orientation_field(6)]);
    let r = rendered(&file, &[400, 100]);
    assert_eq!((r.width, r.height), (400, 200));
    assert_eq!(sizes(&r), vec![(100, 100, 50), (400, 400, 200)]);
    assert_sizes_true(&r);
    let expected = levels.map(|l| [l, l, l]);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, expected, 20, "gray");
    }
}

#[test]
fn progressive_and_arithmetic_jpegs_render() {
    let upright = quadrants(400, 200);
    let progressive = jpeg_with(&upright, Subsamp::Sub2x2, |c| {
        c.set_progressive(true).unwrap()
    });
    let arithmetic = jpeg_with(&upright, Subsamp::Sub2x1, |c| {
        c.set_arithmetic(true).unwrap()
    });
    let optimized = jpeg_with(&upright, Subsamp::None, |c| c.set_optimize(true).unwrap());
    // Progressive really is: SOF2.
    assert!(jpeg_markers(&progressive).iter().any(|(m, _)| *m == 0xC2));
    assert!(jpeg_markers(&arithmetic).iter().any(|(m, _)| *m == 0xC9));
    for (what, file) in [
        ("progressive", progressive),
        ("arithmetic", arithmetic),
        ("optimized", optimized),
    ] {
        let file = with_exif(&file, &[orientation_field(1)]);
        let r = match render(&file, &options(&[400, 200])) {
            Ok(r) => r,
            Err(e) => panic!("{what}: refused: {e}"),
        };
        assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)], "{what}");
        for x in &r.renditions {
            assert_quadrants(&x.jpeg, QUADRANTS, 40, what);
        }
    }
}

/// RGB to inverted ("Adobe") CMYK, as libjpeg-turbo's own tools convert.
fn rgb_to_cmyk(p: [u8; 3]) -> [u8; 4] {
    let [c, m, y] = p.map(|v| 1.0 - v as f64 / 255.0);
    let k = c.min(m).min(y);
    let [c, m, y] = if k >= 1.0 {
        [0.0; 3]
    } else {
        [c, m, y].map(|v| (v - k) / (1.0 - k))
    };
    [c, m, y, k].map(|v| (255.0 - v * 255.0).round() as u8)
}

#[test]
fn a_cmyk_jpeg_renders_with_roughly_right_colours() {
    let upright = quadrants(400, 200);
    let cmyk: Vec<u8> = upright.pixels().flat_map(|p| rgb_to_cmyk(p.0)).collect();
    let image = turbojpeg::Image {
        pixels: cmyk.as_slice(),
        width: 400,
        pitch: 400 * 4,
        height: 200,
        format: PixelFormat::CMYK,
    };
    let file = turbojpeg::compress(image, 92, Subsamp::Sub2x2)
        .unwrap()
        .to_vec();
    let header = turbojpeg::read_header(&file).unwrap();
    assert!(
        matches!(
            header.colorspace,
            turbojpeg::Colorspace::YCCK | turbojpeg::Colorspace::CMYK
        ),
        "{:?}",
        header.colorspace
    );
    let r = rendered(&file, &[400, 200]);
    assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)]);
    assert_sizes_true(&r);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, QUADRANTS, 60, "CMYK");
        assert_no_metadata(&x.jpeg);
    }
}

#[test]
fn a_png_with_alpha_renders_over_black() {
    // Opaque red, green and blue; the bottom-right quadrant is white at 50 %.
    let upright = quadrants(400, 200);
    let rgba = RgbaImage::from_fn(400, 200, |x, y| {
        let p = upright.get_pixel(x, y).0;
        let a = if x >= 200 && y >= 100 { 128 } else { 255 };
        Rgba([p[0], p[1], p[2], a])
    });
    let file = png(&image::DynamicImage::ImageRgba8(rgba));
    let r = rendered(&file, &[400, 200]);
    assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)]);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, [RED, GREEN, BLUE, [128, 128, 128]], 40, "alpha");
        assert_no_metadata(&x.jpeg);
    }
}

#[test]
fn a_16_bit_png_is_a_normal_png() {
    let upright = quadrants(400, 200);
    let deep: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_fn(400, 200, |x, y| {
        Rgb(upright.get_pixel(x, y).0.map(|v| v as u16 * 257))
    });
    let file = png(&image::DynamicImage::ImageRgb16(deep));
    assert_eq!(file[24], 16, "the PNG really is 16 bits per sample");
    let r = rendered(&file, &[400, 200]);
    assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)]);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, QUADRANTS, 40, "16-bit PNG");
    }
    // 16-bit with alpha, and 16-bit gray.
    let deep_alpha: ImageBuffer<Rgba<u16>, Vec<u16>> = ImageBuffer::from_fn(400, 200, |x, y| {
        let [r, g, b] = upright.get_pixel(x, y).0.map(|v| v as u16 * 257);
        Rgba([r, g, b, 65535])
    });
    let r = rendered(&png(&image::DynamicImage::ImageRgba16(deep_alpha)), &[200]);
    assert_quadrants(
        &r.renditions[0].jpeg,
        QUADRANTS,
        40,
        "16-bit PNG with alpha",
    );
    let gray16 = ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_fn(400, 200, |x, _| {
        image::Luma([if x < 200 { 0 } else { 65535 }])
    });
    let r = rendered(&png(&image::DynamicImage::ImageLuma16(gray16)), &[200]);
    assert_quadrants(
        &r.renditions[0].jpeg,
        [[0; 3], [255; 3], [0; 3], [255; 3]],
        30,
        "16-bit gray PNG",
    );
}

#[test]
fn a_lossless_webp_renders() {
    let upright = quadrants(400, 200);
    let mut file = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut file)
        .encode(upright.as_raw(), 400, 200, image::ExtendedColorType::Rgb8)
        .unwrap();
    assert_eq!(&file[8..12], b"WEBP");
    let r = rendered(&file, &[400, 200]);
    assert_eq!((r.width, r.height), (400, 200));
    assert_eq!(sizes(&r), vec![(200, 200, 100), (400, 400, 200)]);
    for x in &r.renditions {
        assert_quadrants(&x.jpeg, QUADRANTS, 40, "WebP");
        assert_no_metadata(&x.jpeg);
    }
}

#[test]
fn content_decides_the_format_not_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("actually-a-png.jpg");
    std::fs::write(
        &path,
        png(&image::DynamicImage::ImageRgb8(quadrants(400, 200))),
    )
    .unwrap();
    let bytes = worker::read_photo(&path).unwrap();
    let r = rendered(&bytes, &[200]);
    assert_quadrants(&r.renditions[0].jpeg, QUADRANTS, 40, "PNG named .jpg");
}

// -------------------------------------------------------------- bad photos

fn good_jpeg() -> Vec<u8> {
    jpeg(&quadrants(400, 200))
}

#[test]
fn bad_zero_bytes() {
    assert_refused(&refused(&[]), "empty", &["the file is empty"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.jpg");
    std::fs::write(&path, b"").unwrap();
    assert_refused(&worker::read_photo(&path).unwrap_err(), "empty", &["empty"]);
}

#[test]
fn bad_truncated_jpeg() {
    let good = good_jpeg();
    let cut = &good[..good.len() * 6 / 10];
    assert_refused(&refused(cut), "damaged", &["the image is damaged"]);
    // Cut inside the header: damaged too, not a panic.
    assert_refused(&refused(&good[..40]), "damaged", &["damaged"]);
    assert_refused(&refused(&[0xFF, 0xD8, 0xFF]), "damaged", &["damaged"]);
}

#[test]
fn bad_text_and_pdf_named_jpg() {
    let text = b"Hello! These are the speaker notes for the keynote.\n".repeat(10);
    assert_refused(
        &refused(&text),
        "unsupported",
        &["not a JPEG, PNG or WebP", "text"],
    );
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".to_vec();
    assert_refused(
        &refused(&pdf),
        "unsupported",
        &["not a JPEG, PNG or WebP", "PDF"],
    );
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    assert_refused(&refused(&gif), "unsupported", &["GIF"]);
}

#[test]
fn bad_heic() {
    assert_refused(
        &refused(&heic_header()),
        "unsupported",
        &["HEIC is not supported"],
    );
    let mut avif = heic_header();
    avif[8..12].copy_from_slice(b"avif");
    assert_refused(&refused(&avif), "unsupported", &["AVIF is not supported"]);
}

#[test]
fn bad_sliver_png() {
    let sliver = RgbImage::from_pixel(1, 60_000, Rgb(RED));
    let e = refused(&png(&image::DynamicImage::ImageRgb8(sliver)));
    assert_refused(&e, "shape", &["1 × 60000", "sliver"]);
    // A 6:1 panorama is fine.
    let r = rendered(
        &png(&image::DynamicImage::ImageRgb8(quadrants(1200, 200))),
        &[600],
    );
    assert_eq!(sizes(&r), vec![(600, 600, 100)]);
}

#[test]
fn bad_png_bomb_is_refused_from_its_header() {
    for (w, h) in [(40_000, 40_000), (8_001, 8_000)] {
        let bomb = png_bomb(w, h);
        let started = Instant::now();
        let e = refused(&bomb);
        let took = started.elapsed();
        assert_refused(&e, "too-many-pixels", &[]);
        assert!(
            e.to_string().contains("megapixels") || e.to_string().contains("memory"),
            "{e}"
        );
        assert!(
            took < Duration::from_secs(2),
            "{w} × {h}: refused only after {took:?}"
        );
    }
}

#[test]
fn bad_jpeg_too_many_pixels_is_refused_from_its_header() {
    // A real JPEG header saying 65,000 × 65,000 (SOF patched; the data is
    // whatever follows): refused before any decoding.
    let mut file = good_jpeg();
    let sof = file
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline SOF");
    file[sof + 5..sof + 7].copy_from_slice(&65_000u16.to_be_bytes());
    file[sof + 7..sof + 9].copy_from_slice(&65_000u16.to_be_bytes());
    let started = Instant::now();
    let e = refused(&file);
    assert_refused(&e, "too-many-pixels", &["65000 × 65000", "megapixels"]);
    assert!(started.elapsed() < Duration::from_secs(2));
    // And a 0-high one is damaged.
    file[sof + 5..sof + 7].copy_from_slice(&0u16.to_be_bytes());
    let e = refused(&file);
    assert!(matches!(e.code(), "damaged"), "{e}");
}

#[test]
fn bad_over_the_byte_cap() {
    let cap = kiosk_core::photos::MAX_PHOTO_BYTES;
    let mut big = good_jpeg();
    big.resize(cap as usize + 1, 0);
    assert_refused(
        &refused(&big),
        "too-large",
        &["67108865 bytes", "over the limit"],
    );
    // A sparse 65 MiB file is refused from its size, without reading it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jpg");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    let started = Instant::now();
    assert_refused(
        &worker::read_photo(&path).unwrap_err(),
        "too-large",
        &["68157440 bytes", "over the limit of 67108864 bytes"],
    );
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn bad_fifo_symlink_and_unreadable_files_are_read_safely() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.jpg");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || tx.send(worker::read_photo(&path)).unwrap());
    let got = rx
        .recv_timeout(Duration::from_secs(3))
        .expect("reading a FIFO must not hang");
    assert_refused(&got.unwrap_err(), "read", &["not a regular file"]);

    // A link is not followed by the worker (the library decides on links).
    let real = dir.path().join("real.jpg");
    std::fs::write(&real, good_jpeg()).unwrap();
    let link = dir.path().join("link.jpg");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_eq!(worker::read_photo(&link).unwrap_err().code(), "read");
    let dangling = dir.path().join("dangling.jpg");
    std::os::unix::fs::symlink(dir.path().join("gone.jpg"), &dangling).unwrap();
    assert_eq!(worker::read_photo(&dangling).unwrap_err().code(), "read");
    assert_eq!(
        worker::read_photo(&dir.path().join("missing.jpg"))
            .unwrap_err()
            .code(),
        "read"
    );
    // A folder named like a photo.
    std::fs::create_dir(dir.path().join("album.jpg")).unwrap();
    assert_eq!(
        worker::read_photo(&dir.path().join("album.jpg"))
            .unwrap_err()
            .code(),
        "read"
    );

    // chmod 000: refused with a read error, unless we may read anything (root).
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.path().join("locked.jpg");
    std::fs::write(&locked, good_jpeg()).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::File::open(&locked).is_ok();
    match worker::read_photo(&locked) {
        Ok(bytes) => assert!(
            root && !bytes.is_empty(),
            "read a chmod 000 file without being root"
        ),
        Err(e) => {
            assert!(!root);
            assert_refused(&e, "read", &["cannot read the file"]);
        }
    }
}

#[test]
fn errors_serialize_as_code_and_message() {
    let e = PhotoError::Shape("too thin".into());
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "shape", "message": "too thin"})
    );
    let back: PhotoError = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
    let empty = serde_json::to_value(PhotoError::Empty).unwrap();
    assert_eq!(empty["code"], "empty");
}

// -------------------------------------------------- the library, in process
//
// The real worker is the app's binary; here a stand-in worker (a shell
// script speaking the worker's protocol) drives the library's bookkeeping
// and the parent's side of the worker: timeouts, crashes, settle, dedup,
// links, forgetting.

/// A worker that answers "a good 4 × 3 photo" with the file's SHA-256, as
/// the real one would.
fn stub_worker(script: &str) -> WorkerCommand {
    WorkerCommand {
        program: PathBuf::from("/bin/sh"),
        args: vec!["-c".into(), script.into(), "stub-worker".into()],
    }
}

const GOOD_WORKER: &str = r#"
input="$2"
[ -f "$input" ] || { echo '{"error":{"code":"read","message":"cannot read the file: not found"}}'; exit 0; }
h=$(sha256sum < "$input" | cut -d' ' -f1)
echo "{\"ok\":{\"hash\":\"$h\",\"width\":4,\"height\":3,\"credit\":null,\"renditions\":[]}}"
"#;

fn limits(ms: u64) -> WorkerLimits {
    WorkerLimits {
        memory_mb: 1024,
        timeout: Duration::from_millis(ms),
    }
}

fn run_stub(script: &str, ms: u64) -> Result<worker::Ingested, PhotoError> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jpg");
    std::fs::write(&input, b"x").unwrap();
    worker::run(
        &stub_worker(script),
        &input,
        &[1920],
        &Destination::Cache(dir.path().to_path_buf()),
        limits(ms),
    )
}

#[test]
fn worker_a_slow_worker_is_stopped() {
    let started = Instant::now();
    let e = run_stub("sleep 20", 300).unwrap_err();
    assert_refused(&e, "worker", &["took longer than", "300 ms"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn worker_a_crashing_worker_gives_a_reason() {
    let e = run_stub(
        "echo 'memory allocation of 123456 bytes failed' >&2; kill -ABRT $$",
        5000,
    )
    .unwrap_err();
    assert_refused(&e, "worker", &["more memory than", "1024 MiB"]);
    let e = run_stub("echo 'thread main panicked: boom' >&2; kill -SEGV $$", 5000).unwrap_err();
    assert_refused(&e, "worker", &["killed by signal 11", "boom"]);
    let e = run_stub("echo not json; exit 3", 5000).unwrap_err();
    assert_refused(&e, "worker", &["exited with status 3"]);
    // Its own refusal comes through as is.
    let e = run_stub(
        r#"echo '{"error":{"code":"shape","message":"too thin"}}'"#,
        5000,
    )
    .unwrap_err();
    assert_eq!(e, PhotoError::Shape("too thin".into()));
    let e = run_stub(r#"echo '{"error":{"code":"empty"}}'"#, 5000).unwrap_err();
    assert_eq!(e, PhotoError::Empty);
}

#[test]
fn worker_a_chatty_worker_does_not_block() {
    // 1 MiB on stderr before the answer: the parent drains both pipes.
    let script = format!(
        "head -c 1048576 /dev/zero | tr '\\0' x >&2; {}",
        GOOD_WORKER.trim()
    );
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jpg");
    std::fs::write(&input, b"x").unwrap();
    let done = worker::run(
        &stub_worker(&script),
        &input,
        &[1920],
        &Destination::Cache(dir.path().to_path_buf()),
        limits(10_000),
    )
    .unwrap();
    assert_eq!(done.hash, kiosk_core::photos::content_hash(b"x"));
}

struct Lib {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    elsewhere: PathBuf,
    store: Mutex<Store>,
    library: Library,
}

fn lib() -> Lib {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("photos");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let store = Mutex::new(Store::open(&dir.path().join("store.sqlite")).unwrap());
    let library = Library {
        folders: vec![Folder {
            path: folder.clone(),
            origin: "folder".into(),
        }],
        renditions: dir.path().join("renditions"),
        worker: stub_worker(GOOD_WORKER),
        limits: limits(10_000),
        long_edges: vec![1920],
        approve_mode: Default::default(),
        settle: Duration::ZERO,
        parallel: 2,
    };
    Lib {
        _dir: dir,
        folder,
        elsewhere,
        store,
        library,
    }
}

impl Lib {
    fn pass(&self) -> library::PassReport {
        self.library.pass(&self.store).unwrap()
    }
    fn photos(&self) -> Vec<kiosk_core::store::Photo> {
        self.store.lock().unwrap().photos().unwrap()
    }
    fn quarantine(&self, name: &str) -> Option<String> {
        let path = self.folder.join(name).to_string_lossy().into_owned();
        self.store
            .lock()
            .unwrap()
            .photo_files()
            .unwrap()
            .into_iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{name} is not known"))
            .quarantine
    }
}

/// Age a file so it counts as settled.
fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(secs))
        .unwrap();
}

#[test]
fn library_identical_photos_are_one_and_removed_files_are_forgotten() {
    let l = lib();
    std::fs::write(l.folder.join("a.jpg"), b"same").unwrap();
    std::fs::write(l.folder.join("copy of a.JPG"), b"same").unwrap();
    std::fs::write(l.folder.join("b.png"), b"other").unwrap();
    std::fs::write(l.folder.join("notes.txt"), b"not a photo name").unwrap();
    std::fs::write(l.folder.join(".hidden.jpg"), b"hidden").unwrap();
    let report = l.pass();
    assert_eq!(report.ingested, 3, "{report:?}");
    assert_eq!(report.added.len(), 2, "{report:?}");
    assert_eq!(l.photos().len(), 2);
    // Nothing changed: nothing done.
    let again = l.pass();
    assert!(!again.changed(), "{again:?}");
    // One of the two copies goes: the photo stays.
    std::fs::remove_file(l.folder.join("a.jpg")).unwrap();
    let report = l.pass();
    assert_eq!(report.forgotten, 1);
    assert_eq!(l.photos().len(), 2);
    // Both go: the photo goes.
    std::fs::remove_file(l.folder.join("copy of a.JPG")).unwrap();
    let report = l.pass();
    assert_eq!(report.forgotten, 1);
    let photos = l.photos();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].hash, kiosk_core::photos::content_hash(b"other"));
}

#[test]
fn library_a_file_still_being_written_waits_for_the_settle_time() {
    let mut l = lib();
    l.library.settle = Duration::from_secs(60);
    let path = l.folder.join("fresh.jpg");
    std::fs::write(&path, b"half a photo").unwrap();
    let report = l.pass();
    assert_eq!(report.unsettled, 1, "{report:?}");
    assert_eq!(report.ingested, 0);
    assert!(l.store.lock().unwrap().photo_files().unwrap().is_empty());
    age(&path, 120);
    let report = l.pass();
    assert_eq!((report.unsettled, report.ingested), (0, 1), "{report:?}");
}

#[test]
fn library_a_replaced_file_is_ingested_again() {
    let l = lib();
    let path = l.folder.join("photo.jpg");
    std::fs::write(&path, b"first version").unwrap();
    age(&path, 100);
    l.pass();
    std::fs::write(&path, b"second version, longer").unwrap();
    age(&path, 50);
    let report = l.pass();
    assert_eq!(report.ingested, 1, "{report:?}");
    let photos = l.photos();
    assert_eq!(
        photos.iter().map(|p| p.hash.clone()).collect::<Vec<_>>(),
        vec![kiosk_core::photos::content_hash(b"second version, longer")],
        "the first version is no photo of any file any more"
    );
}

#[test]
fn library_links_fifos_and_worker_refusals() {
    let l = lib();
    std::fs::write(l.folder.join("good.jpg"), b"good").unwrap();
    std::fs::write(l.elsewhere.join("secret.jpg"), b"secret").unwrap();
    std::os::unix::fs::symlink(l.elsewhere.join("secret.jpg"), l.folder.join("outside.jpg"))
        .unwrap();
    std::os::unix::fs::symlink(l.folder.join("nowhere.jpg"), l.folder.join("dangling.jpg"))
        .unwrap();
    std::os::unix::fs::symlink(&l.elsewhere, l.folder.join("linked-folder")).unwrap();
    let c = std::ffi::CString::new(l.folder.join("pipe.jpg").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);

    let candidates = library::scan(&l.library.folders[0]);
    let problem = |name: &str| {
        candidates
            .iter()
            .find(|c| c.path.file_name().unwrap() == name)
            .unwrap_or_else(|| panic!("{name} not found"))
            .problem
            .clone()
    };
    assert_refused(
        &problem("outside.jpg").unwrap(),
        "outside",
        &["outside the photo folder"],
    );
    assert_refused(&problem("dangling.jpg").unwrap(), "read", &["broken link"]);
    assert_refused(
        &problem("pipe.jpg").unwrap(),
        "read",
        &["not a regular file"],
    );
    assert_eq!(problem("good.jpg"), None);
    assert!(
        !candidates
            .iter()
            .any(|c| c.path.starts_with(l.folder.join("linked-folder"))),
        "a linked folder is not walked into"
    );

    let report = l.pass();
    assert_eq!(report.quarantined.len(), 3, "{report:?}");
    assert!(l
        .quarantine("outside.jpg")
        .unwrap()
        .contains("outside the photo folder"));
    assert!(l
        .quarantine("dangling.jpg")
        .unwrap()
        .contains("broken link"));
    assert!(l
        .quarantine("pipe.jpg")
        .unwrap()
        .contains("not a regular file"));
    assert_eq!(l.quarantine("good.jpg"), None);
    assert_eq!(l.photos().len(), 1, "the wall keeps rotating");
}

#[test]
fn library_a_link_to_a_photo_inside_the_folder_is_fine() {
    // A regression test: the library passed the link's own path to the
    // worker, which opens it with O_NOFOLLOW, so a link the scan accepted was
    // then quarantined "cannot read the file: Too many levels of symbolic links".
    // The stand-in worker follows links; this checks the scan's verdict and
    // what the library asks the real worker to open.
    let mut l = lib();
    std::fs::create_dir(l.folder.join("day1")).unwrap();
    std::fs::write(l.folder.join("day1/keynote.jpg"), b"keynote").unwrap();
    std::os::unix::fs::symlink(l.folder.join("day1/keynote.jpg"), l.folder.join("best.jpg"))
        .unwrap();
    let candidates = library::scan(&l.library.folders[0]);
    let link = candidates
        .iter()
        .find(|c| c.path.ends_with("best.jpg"))
        .unwrap();
    assert_eq!(link.problem, None);
    // A worker that, like the real one, refuses to follow links.
    l.library.worker = stub_worker(&format!(
        "[ -L \"$2\" ] && {{ echo '{{\"error\":{{\"code\":\"read\",\"message\":\"Too many levels of symbolic links (os error 40)\"}}}}'; exit 0; }}\n{GOOD_WORKER}"
    ));
    l.pass();
    assert_eq!(
        l.quarantine("best.jpg"),
        None,
        "a link to a photo inside the folder must be shown"
    );
}
