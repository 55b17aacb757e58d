//! Bad photos, one each and all at once: each quarantined with its reason
//! next to a good one that still reaches the wall.

use super::*;

#[test]
fn bad_zero_bytes() {
    quarantined_next_to_a_good_photo("empty.jpg", &["the file is empty"], |w| {
        w.write("empty.jpg", b"");
    });
}

#[test]
fn bad_truncated_jpeg() {
    quarantined_next_to_a_good_photo("cut.jpg", &["the image is damaged"], |w| {
        let good = jpeg(&quadrants(640, 480));
        w.write("cut.jpg", &good[..good.len() * 6 / 10]);
    });
}

#[test]
fn bad_text_named_jpg() {
    quarantined_next_to_a_good_photo("notes.jpg", &["not a JPEG, PNG or WebP", "text"], |w| {
        w.write("notes.jpg", &b"Wifi password: summit2025\n".repeat(20));
    });
}

#[test]
fn bad_pdf_named_jpg() {
    quarantined_next_to_a_good_photo("programme.jpg", &["not a JPEG, PNG or WebP", "PDF"], |w| {
        w.write(
            "programme.jpg",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n",
        );
    });
}

#[test]
fn bad_heic_named_heic() {
    quarantined_next_to_a_good_photo("IMG_4242.HEIC", &["HEIC is not supported"], |w| {
        w.write("IMG_4242.HEIC", &heic_header());
    });
}

#[test]
fn bad_heic_named_jpg() {
    quarantined_next_to_a_good_photo("IMG_4243.jpg", &["HEIC is not supported"], |w| {
        w.write("IMG_4243.jpg", &heic_header());
    });
}

#[test]
fn bad_sliver_png() {
    quarantined_next_to_a_good_photo("sliver.png", &["1 × 60000", "sliver"], |w| {
        let sliver = RgbImage::from_pixel(1, 60_000, Rgb(RED));
        w.write("sliver.png", &png(&sliver.into()));
    });
}

#[test]
fn bad_png_bomb() {
    quarantined_next_to_a_good_photo("bomb.png", &["40000 × 40000"], |w| {
        w.write("bomb.png", &png_bomb(40_000, 40_000));
    });
}

#[test]
fn bad_over_the_byte_cap() {
    quarantined_next_to_a_good_photo(
        "huge.jpg",
        &["68157440 bytes", "over the limit of 67108864 bytes"],
        |w| {
            let f = std::fs::File::create(w.folder.join("huge.jpg")).unwrap();
            f.set_len(65 * 1024 * 1024).unwrap();
        },
    );
}

#[test]
fn bad_link_out_of_the_folder() {
    quarantined_next_to_a_good_photo("outside.jpg", &["outside the photo folder"], |w| {
        let secret = w.elsewhere.join("secret.jpg");
        std::fs::write(&secret, good_photo()).unwrap();
        std::os::unix::fs::symlink(&secret, w.folder.join("outside.jpg")).unwrap();
    });
}

#[test]
fn bad_dangling_link() {
    quarantined_next_to_a_good_photo("dangling.jpg", &["broken link"], |w| {
        std::os::unix::fs::symlink(w.folder.join("gone.jpg"), w.folder.join("dangling.jpg"))
            .unwrap();
    });
}

#[test]
fn bad_fifo_does_not_hang() {
    quarantined_next_to_a_good_photo("pipe.jpg", &["not a regular file"], |w| {
        let status = std::process::Command::new("mkfifo")
            .arg(w.folder.join("pipe.jpg"))
            .status()
            .unwrap();
        assert!(status.success());
    });
}

#[test]
fn bad_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let w = wall();
    w.write("good.jpg", &good_photo());
    let locked = w.write("locked.jpg", &jpeg(&quadrants(64, 32)));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let can_read_anything = std::fs::File::open(&locked).is_ok(); // root
    w.ingest();
    if can_read_anything {
        assert_eq!(w.photo_names(), vec!["good.jpg", "locked.jpg"]);
    } else {
        let reason = w.quarantined("locked.jpg").expect("quarantined");
        assert!(reason.contains("cannot read the file"), "{reason}");
        assert_eq!(w.photo_names(), vec!["good.jpg"]);
    }
}

#[test]
fn bad_photos_all_at_once_and_the_wall_keeps_rotating() {
    let w = wall();
    w.write("a.jpg", &good_photo());
    w.write("b.png", &png(&quadrants(300, 200).into()));
    w.write("c-really-png.jpg", &png(&quadrants(200, 300).into()));
    w.write("empty.jpg", b"");
    let cut = jpeg(&quadrants(640, 480));
    w.write("cut.jpg", &cut[..cut.len() * 6 / 10]);
    w.write("notes.jpg", b"hello");
    w.write("phone.heic", &heic_header());
    w.write("sliver.png", &png(&RgbImage::new(60_000, 1).into()));
    w.write("bomb.png", &png_bomb(40_000, 40_000));
    std::fs::File::create(w.folder.join("huge.jpg"))
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    std::os::unix::fs::symlink(w.elsewhere.join("x.jpg"), w.folder.join("dangling.jpg")).unwrap();
    std::process::Command::new("mkfifo")
        .arg(w.folder.join("pipe.jpg"))
        .status()
        .unwrap();
    let stdout = w.ingest();
    assert!(
        stdout.starts_with("3 files ingested (3 new photos), 9 quarantined"),
        "{stdout}"
    );
    assert_eq!(w.photo_names(), vec!["a.jpg", "b.png", "c-really-png.jpg"]);
    let list = w.list();
    let reasons: Vec<(String, String)> = list["quarantined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                file_name(f["path"].as_str().unwrap()),
                f["quarantine"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("bomb.png", "megapixels"),
        ("cut.jpg", "damaged"),
        ("dangling.jpg", "broken link"),
        ("empty.jpg", "empty"),
        ("huge.jpg", "over the limit"),
        ("notes.jpg", "not a JPEG, PNG or WebP"),
        ("phone.heic", "HEIC"),
        ("pipe.jpg", "not a regular file"),
        ("sliver.png", "sliver"),
    ];
    assert_eq!(reasons.len(), expected.len(), "{reasons:#?}");
    for ((name, reason), (want_name, want)) in reasons.iter().zip(expected) {
        assert_eq!(name, want_name);
        assert!(reason.contains(want), "{name}: {reason}");
    }
    // The text listing says the same.
    let out = kiosk()
        .args(["photos", "list", "--data-dir"])
        .arg(&w.data)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(text.contains("3 photos in"), "{text}");
    assert!(text.contains("9 files quarantined"), "{text}");
    assert!(text.contains("on the wall"), "{text}");
}
