//! Bad photos, refused with a reason a person can act on.

use super::*;

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
