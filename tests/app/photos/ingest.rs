//! `photos ingest` and `photos list`: renditions made once per photo, the
//! folder's changes followed.

use super::*;

#[test]
fn ingest_makes_renditions_and_lists_the_photo() {
    let w = wall();
    w.write("keynote.jpg", &good_photo());
    w.write(
        "Grace Hopper at the booth.png",
        &png(&quadrants(3000, 1500).into()),
    );
    let stdout = w.ingest();
    assert!(
        stdout.starts_with("2 files ingested (2 new photos), 0 quarantined, 0 forgotten"),
        "{stdout}"
    );
    let list = w.list();
    let photos = list["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2, "{list}");
    assert_eq!(list["quarantined"], serde_json::json!([]));
    let by_name = |n: &str| {
        photos
            .iter()
            .find(|p| file_name(p["path"].as_str().unwrap()) == n)
            .unwrap()
            .clone()
    };
    let keynote = by_name("keynote.jpg");
    assert_eq!(
        (keynote["width"].as_u64(), keynote["height"].as_u64()),
        (Some(400), Some(200))
    );
    assert_eq!(keynote["credit"], "Ada Lovelace", "the EXIF Artist");
    assert_eq!(keynote["origin"], "folder");
    assert_eq!(keynote["approved"], true);
    let booth = by_name("Grace Hopper at the booth.png");
    assert_eq!(
        booth["credit"], "Grace Hopper at the booth",
        "no Artist: the file name"
    );
    assert_eq!(
        (booth["width"].as_u64(), booth["height"].as_u64()),
        (Some(3000), Some(1500))
    );

    // The renditions: <hash>-<edge>.jpg, upright, metadata-free, never enlarged.
    let hash = keynote["hash"].as_str().unwrap();
    for edge in [1920, 3840] {
        let r = std::fs::read(w.renditions().join(format!("{hash}-{edge}.jpg"))).unwrap();
        assert_upright(&r, (400, 200));
        assert_no_metadata(&r);
    }
    let hash = booth["hash"].as_str().unwrap();
    let r1920 = std::fs::read(w.renditions().join(format!("{hash}-1920.jpg"))).unwrap();
    assert_upright(&r1920, (1920, 960));
    let r3840 = std::fs::read(w.renditions().join(format!("{hash}-3840.jpg"))).unwrap();
    assert_upright(&r3840, (3000, 1500));
    let mut files: Vec<String> = std::fs::read_dir(w.renditions())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "no temporary files left: {files:?}");
    assert!(files
        .iter()
        .all(|f| f.ends_with("-1920.jpg") || f.ends_with("-3840.jpg")));
}

#[test]
fn ingest_approve_mode_holds_new_photos() {
    let w = wall();
    w.write("a.jpg", &good_photo());
    w.ingest_with(Some("photo_approve = true\nphoto_long_edges = [640]\n"));
    let list = w.list();
    assert_eq!(list["photos"][0]["approved"], false, "{list}");
    let hash = list["photos"][0]["hash"].as_str().unwrap();
    let r = std::fs::read(w.renditions().join(format!("{hash}-640.jpg"))).unwrap();
    assert_upright(&r, (400, 200));
    assert!(!w.renditions().join(format!("{hash}-1920.jpg")).exists());
}

#[test]
fn ingest_a_png_named_jpg_is_rendered() {
    let w = wall();
    w.write("really-a-png.jpg", &png(&quadrants(400, 200).into()));
    w.ingest();
    assert_eq!(w.photo_names(), vec!["really-a-png.jpg"], "{}", w.list());
    assert_eq!(w.quarantined("really-a-png.jpg"), None);
}

#[test]
fn ingest_identical_photos_under_two_names_are_one_photo() {
    let w = wall();
    let photo = good_photo();
    w.write("IMG_0001.jpg", &photo);
    std::fs::create_dir(w.folder.join("copies")).unwrap();
    w.write("copies/IMG_0001 (1).JPG", &photo);
    let stdout = w.ingest();
    assert!(
        stdout.starts_with("2 files ingested (1 new photos)"),
        "{stdout}"
    );
    let list = w.list();
    assert_eq!(list["photos"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["quarantined"], serde_json::json!([]));
    let hash = list["photos"][0]["hash"].as_str().unwrap();
    assert_eq!(
        std::fs::read_dir(w.renditions()).unwrap().count(),
        2,
        "one set of renditions"
    );
    assert!(w.renditions().join(format!("{hash}-1920.jpg")).exists());
}

#[test]
fn ingest_a_removed_file_is_forgotten_on_the_next_pass() {
    let w = wall();
    w.write("stays.jpg", &good_photo());
    let goes = w.write("goes.png", &png(&quadrants(200, 100).into()));
    let bad = w.write("bad.jpg", b"");
    w.ingest();
    assert_eq!(w.photo_names(), vec!["goes.png", "stays.jpg"]);
    assert!(w.quarantined("bad.jpg").is_some());
    std::fs::remove_file(goes).unwrap();
    std::fs::remove_file(bad).unwrap();
    let stdout = w.ingest();
    assert!(stdout.contains("2 forgotten"), "{stdout}");
    assert_eq!(w.photo_names(), vec!["stays.jpg"]);
    assert_eq!(w.quarantined("bad.jpg"), None, "{}", w.list());
    // Nothing new: nothing done.
    let stdout = w.ingest();
    assert!(
        stdout.starts_with("0 files ingested (0 new photos), 0 quarantined, 0 forgotten"),
        "{stdout}"
    );
}

#[test]
fn ingest_a_file_still_being_written_is_taken_when_complete() {
    let w = wall();
    let photo = good_photo();
    let path = w.write("arriving.jpg", &photo[..photo.len() / 2]);
    w.ingest();
    let reason = w
        .quarantined("arriving.jpg")
        .expect("half a JPEG is quarantined");
    assert!(reason.contains("the image is damaged"), "{reason}");
    assert!(w.photo_names().is_empty());
    // The copy finishes.
    std::fs::write(&path, &photo).unwrap();
    let stdout = w.ingest();
    assert!(
        stdout.starts_with("1 files ingested (1 new photos), 0 quarantined"),
        "{stdout}"
    );
    assert_eq!(w.photo_names(), vec!["arriving.jpg"]);
    assert_eq!(
        w.quarantined("arriving.jpg"),
        None,
        "the quarantine entry is gone"
    );
}

#[test]
fn ingest_a_link_inside_the_folder_is_fine() {
    // A regression test: the scan accepted a link to a file inside the
    // folder, but the library handed the link's own path to the worker,
    // whose read_photo opens with O_NOFOLLOW: it was quarantined "Too many
    // levels of symbolic links".
    let w = wall();
    std::fs::create_dir(w.folder.join("day1")).unwrap();
    w.write("day1/keynote.jpg", &good_photo());
    w.write("other.png", &png(&quadrants(200, 100).into()));
    std::os::unix::fs::symlink(w.folder.join("other.png"), w.folder.join("best-of.png")).unwrap();
    w.ingest();
    assert_eq!(
        w.quarantined("best-of.png"),
        None,
        "a link to a photo inside the folder is not quarantined"
    );
    let list = w.list();
    assert_eq!(list["photos"].as_array().unwrap().len(), 2, "{list}");
}

#[test]
fn ingest_gray_and_odd_sized_jpegs() {
    // A regression test for two bugs: a grayscale JPEG was quarantined
    // "Unsupported color conversion request", and a JPEG whose rendition had
    // an odd width or height crashed the worker (a panic in turbojpeg's
    // compress_yuv_planes: "exited with status 101").
    let w = wall();
    let gray: Vec<u8> = (0..400 * 200)
        .map(|i| if i % 400 < 200 { 40 } else { 220 })
        .collect();
    let gray = turbojpeg::compress(
        turbojpeg::Image {
            pixels: gray.as_slice(),
            width: 400,
            pitch: 400,
            height: 200,
            format: PixelFormat::GRAY,
        },
        90,
        Subsamp::Gray,
    )
    .unwrap();
    w.write("black-and-white.jpg", &gray);
    w.write("cropped.jpg", &jpeg(&quadrants(333, 167)));
    w.ingest();
    let list = w.list();
    assert_eq!(list["quarantined"], serde_json::json!([]), "{list:#}");
    assert_eq!(w.photo_names(), vec!["black-and-white.jpg", "cropped.jpg"]);
}
