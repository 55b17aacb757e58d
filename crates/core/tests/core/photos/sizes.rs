//! Rendition sizes: 1920 and 3840, never enlarged, checked when asked for.

use super::*;

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
