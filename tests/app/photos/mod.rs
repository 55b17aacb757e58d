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

mod bad;
mod ingest;
mod render;
mod worker;

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
