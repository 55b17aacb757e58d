//! The photo ingest through the real binary: `photo render`, `photos ingest` and `photos list`, and bad photos quarantined.
//!
//! Inputs are made here with real encoders. Each bad photo sits in a folder
//! next to a good one: the bad one is quarantined with a reason a person can
//! act on, and the good one still reaches the wall ("the wall keeps
//! rotating").

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use image::{Rgb, RgbImage};
use kiosk_testkit::photos::{
    artist_field, assert_no_metadata, assert_quadrants, gps_fields, heic_header, jpeg,
    orientation_field, png, png_bomb, quadrants, stored, with_exif, QUADRANTS, RED,
};
use serde_json::Value as Json;
use turbojpeg::{PixelFormat, Subsamp};

use crate::support::kiosk;

// ---------------------------------------------------------------- pictures

/// A good photo: 400 × 200 upright, stored sideways, with an Artist and GPS.
fn good_photo() -> Vec<u8> {
    let mut fields = vec![orientation_field(6), artist_field("Ada Lovelace")];
    fields.extend(gps_fields());
    with_exif(&jpeg(&stored(&quadrants(400, 200), 6)), &fields)
}

/// A rendition of the upright picture, `size` big.
fn assert_upright(jpeg: &[u8], size: (u32, u32)) {
    let header = turbojpeg::read_header(jpeg).unwrap();
    assert_eq!((header.width as u32, header.height as u32), size);
    assert_quadrants(jpeg, QUADRANTS, 40, "the rendition");
}

// ------------------------------------------------------------- the binary

/// A kiosk's data dir, a photo folder, and a folder elsewhere.
struct Wall {
    _dir: tempfile::TempDir,
    folder: PathBuf,
    data: PathBuf,
    elsewhere: PathBuf,
}

fn wall() -> Wall {
    // Built (if need be) before any test times the kiosk.
    crate::support::photo_worker();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("photos");
    let data = dir.path().join("data");
    let elsewhere = dir.path().join("elsewhere");
    for d in [&folder, &data, &elsewhere] {
        std::fs::create_dir_all(d).unwrap();
    }
    Wall {
        _dir: dir,
        folder,
        data,
        elsewhere,
    }
}

impl Wall {
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `photos ingest FOLDER --data-dir DATA [--config FILE]`: its stdout.
    fn ingest_with(&self, config: Option<&str>) -> String {
        let mut cmd = kiosk();
        cmd.args(["photos", "ingest"])
            .arg(&self.folder)
            .arg("--data-dir")
            .arg(&self.data);
        if let Some(toml) = config {
            let path = self.data.join("config.toml");
            std::fs::write(&path, toml).unwrap();
            cmd.arg("--config").arg(path);
        }
        let out = cmd.timeout(Duration::from_secs(60)).assert().success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    }

    fn ingest(&self) -> String {
        self.ingest_with(None)
    }

    /// `photos list --json --data-dir DATA`.
    fn list(&self) -> Json {
        let out = kiosk()
            .args(["photos", "list", "--json", "--data-dir"])
            .arg(&self.data)
            .timeout(Duration::from_secs(30))
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).expect("photos list --json prints JSON")
    }

    /// The photos' files' names (one per photo).
    fn photo_names(&self) -> Vec<String> {
        let list = self.list();
        let mut names: Vec<String> = list["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| file_name(p["path"].as_str().unwrap_or("")))
            .collect();
        names.sort();
        names
    }

    /// The quarantine reason of `name`, if it is quarantined.
    fn quarantined(&self, name: &str) -> Option<String> {
        let list = self.list();
        let found: Vec<String> = list["quarantined"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"].as_str() == Some(&self.path(name)))
            .map(|f| f["quarantine"].as_str().unwrap().to_string())
            .collect();
        assert!(found.len() <= 1);
        found.into_iter().next()
    }

    fn path(&self, name: &str) -> String {
        self.folder.join(name).to_string_lossy().into_owned()
    }

    fn renditions(&self) -> PathBuf {
        self.data.join("photos").join("renditions")
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A folder with a good photo and `make`'s bad file `name`: the bad file is
/// quarantined with a reason saying `words`, and the good photo is on the wall.
fn quarantined_next_to_a_good_photo(name: &str, words: &[&str], make: impl FnOnce(&Wall)) {
    let w = wall();
    w.write("good.jpg", &good_photo());
    make(&w);
    let started = Instant::now();
    let stdout = w.ingest();
    let took = started.elapsed();
    assert!(
        stdout.contains(&format!("quarantined {}: ", w.path(name))),
        "{stdout}"
    );
    let reason = w
        .quarantined(name)
        .unwrap_or_else(|| panic!("{name} is not quarantined: {}", w.list()));
    for word in words {
        assert!(
            reason.contains(word),
            "{name}: {reason:?} should say {word:?}"
        );
    }
    assert_eq!(
        w.photo_names(),
        vec!["good.jpg"],
        "the good photo is still on the wall: {}",
        w.list()
    );
    assert!(
        took < Duration::from_secs(20),
        "{name}: ingest took {took:?}"
    );
}

// ------------------------------------------------------------ photo render

#[test]
fn photo_render_writes_an_upright_metadata_free_rendition() {
    let w = wall();
    let input = w.write("sideways.jpg", &good_photo());
    let output = w.data.join("out.jpg");
    let out = kiosk()
        .args(["photo", "render"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--long-edge", "200"])
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout);
    assert!(stdout.contains("400 × 200 upright"), "{stdout}");
    assert!(stdout.contains("(200 × 100,"), "{stdout}");
    let rendition = std::fs::read(&output).unwrap();
    assert_upright(&rendition, (200, 100));
    assert_no_metadata(&rendition);
    // No temporary file left beside it.
    let left: Vec<_> = std::fs::read_dir(&w.data)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("out.jpg")]);
}

#[test]
fn photo_render_never_enlarges() {
    let w = wall();
    let input = w.write("small.png", &png(&quadrants(120, 60).into()));
    let output = w.data.join("out.jpg");
    kiosk()
        .args(["photo", "render"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--long-edge", "3840"])
        .assert()
        .success();
    assert_upright(&std::fs::read(&output).unwrap(), (120, 60));
}

#[test]
fn photo_render_refuses_a_bad_file_with_its_reason() {
    let w = wall();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "notes.jpg",
            b"Speaker notes, not a photo\n".repeat(5),
            "this is not a JPEG, PNG or WebP photo (it looks like text)",
        ),
        ("empty.jpg", Vec::new(), "the file is empty"),
        (
            "cut.jpg",
            {
                let good = good_photo();
                good[..good.len() * 6 / 10].to_vec()
            },
            "the image is damaged",
        ),
        ("phone.heic", heic_header(), "HEIC is not supported"),
    ];
    for (name, bytes, reason) in cases {
        let input = w.write(name, &bytes);
        let output = w.data.join(format!("{name}.out.jpg"));
        let out = kiosk()
            .args(["photo", "render"])
            .arg(&input)
            .arg("-o")
            .arg(&output)
            .timeout(Duration::from_secs(30))
            .assert()
            .code(1);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr);
        let expected = format!("{}: {reason}", input.display());
        assert!(
            stderr.contains(&expected),
            "{name}: {stderr:?} should contain {expected:?}"
        );
        assert!(!output.exists(), "{name}: no rendition written");
    }
}

// ----------------------------------------------------------- photos ingest

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

// ----------------------------------------------------- bad photos, one each

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

// ------------------------------------------------------------ worker limits

#[test]
fn worker_memory_limit_refuses_a_big_photo_and_the_kiosk_carries_on() {
    let w = wall();
    w.write("big.jpg", &jpeg(&quadrants(6000, 4000)));
    let stdout = w.ingest_with(Some("photo_worker_memory_mb = 64\n"));
    assert!(stdout.contains("1 quarantined"), "{stdout}");
    let reason = w.quarantined("big.jpg").expect("quarantined");
    assert!(
        reason.contains("the photo needs more memory than the worker's limit of 64 MiB"),
        "{reason}"
    );
    // The same photo with the default limit is fine (touched: a file is
    // looked at again only when it changes).
    let f = std::fs::File::options()
        .write(true)
        .open(w.folder.join("big.jpg"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now()).unwrap();
    drop(f);
    let stdout = w.ingest_with(Some("photo_worker_memory_mb = 1024\n"));
    assert!(
        stdout.starts_with("1 files ingested (1 new photos)"),
        "{stdout}"
    );
    assert_eq!(w.quarantined("big.jpg"), None);
}

#[test]
fn worker_timeout_refuses_a_slow_photo() {
    let w = wall();
    w.write("slow.jpg", &good_photo());
    let started = Instant::now();
    let stdout = w.ingest_with(Some("photo_worker_timeout_ms = 1\n"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stdout.contains("1 quarantined"), "{stdout}");
    let reason = w.quarantined("slow.jpg").expect("quarantined");
    assert!(reason.contains("took longer than"), "{reason}");
    assert!(reason.contains("the worker was stopped"), "{reason}");
}

#[test]
fn photo_render_obeys_the_worker_limits_of_its_config() {
    let w = wall();
    let input = w.write("a.jpg", &good_photo());
    let config = w.data.join("slow.toml");
    std::fs::write(&config, "photo_worker_timeout_ms = 1\n").unwrap();
    let out = kiosk()
        .args(["photo", "render"])
        .arg(&input)
        .arg("-o")
        .arg(w.data.join("out.jpg"))
        .arg("--config")
        .arg(&config)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("took longer than"), "{stderr}");
}
