//! Every EXIF orientation and chroma subsampling comes out upright.

use super::*;

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
        assert_renditions_upright(&r, 40, &what);
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
    assert_renditions_upright(&r, 48, &what);
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

/// A rendition of odd width or height from a JPEG (YUV path): turbojpeg's
/// `compress_yuv_planes` wants the Y plane padded to the 4:2:0 MCU, and an
/// unpadded one once panicked ("Y plane length … is too small"), which in
/// the worker is a crash ("exited with status 101").
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
