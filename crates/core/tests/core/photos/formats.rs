//! Gray, progressive, arithmetic and CMYK JPEGs, PNG with alpha or 16 bits,
//! WebP; the content decides the format, not the name.

use super::*;

/// A grayscale JPEG: compressing its GRAY rendition with the compressor's
/// default 4:4:4 YCbCr subsampling is a conversion libjpeg-turbo refuses
/// ("Unsupported color conversion request"); it once refused every gray photo.
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
