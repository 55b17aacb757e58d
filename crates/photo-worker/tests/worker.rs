//! The real worker binary, as the kiosk starts it. (These tests also make
//! `cargo test --workspace` build the binary next to `summit-kiosk`.)

use std::path::Path;
use std::process::Command;

const WORKER: &str = env!("CARGO_BIN_EXE_summit-kiosk-photo-worker");

fn png(path: &Path, width: u32, height: u32) {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 239) as u8])
    });
    image.save(path).expect("write a test PNG");
}

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(WORKER)
        .args(args)
        .output()
        .expect("run the worker");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text:?}"))
}

#[test]
fn renders_renditions_named_by_content_hash() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("photo.png");
    png(&input, 640, 480);
    let reply = run(&[
        "--input",
        input.to_str().unwrap(),
        "--long-edge",
        "320",
        "--long-edge",
        "160",
        "--out-dir",
        dir.path().to_str().unwrap(),
    ]);
    let ok = &reply["ok"];
    assert_eq!(
        (ok["width"].as_u64(), ok["height"].as_u64()),
        (Some(640), Some(480))
    );
    let hash = ok["hash"].as_str().unwrap();
    let renditions = ok["renditions"].as_array().unwrap();
    for (i, (edge, w, h)) in [(320, 320, 240), (160, 160, 120)].into_iter().enumerate() {
        let r = &renditions[i];
        assert_eq!(
            (
                r["long_edge"].as_u64(),
                r["width"].as_u64(),
                r["height"].as_u64()
            ),
            (Some(edge), Some(w), Some(h))
        );
        let path = dir.path().join(format!("{hash}-{edge}.jpg"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "{path:?} is a JPEG");
        assert_eq!(r["bytes"].as_u64(), Some(bytes.len() as u64));
    }
}

#[test]
fn a_photo_over_the_memory_limit_is_refused_with_the_limit_named() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.png");
    // 24 megapixels decode to 72 MB of RGB: over a 48 MiB address space.
    image::RgbImage::new(6000, 4000).save(&input).unwrap();
    let out = dir.path().join("out.jpg");
    let args = [
        "--input",
        input.to_str().unwrap(),
        "--long-edge",
        "1920",
        "--output",
        out.to_str().unwrap(),
        "--memory-mb",
        "48",
    ];
    let child = Command::new(WORKER).args(args).output().unwrap();
    // The allocation fails inside the worker: it aborts, and the parent
    // (`worker::run`) names the limit from what it printed.
    assert!(!child.status.success(), "{child:?}");
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(stderr.contains("memory allocation"), "{stderr}");
    assert!(!out.exists());
    // With room enough, the same photo renders.
    let mut roomy = args.to_vec();
    roomy[7] = "512";
    assert!(run(&roomy)["ok"]["renditions"][0]["width"] == 1920);
}

#[test]
fn links_neither_webkit_nor_gtk() {
    let out = Command::new("ldd")
        .arg(WORKER)
        .output()
        .expect("ldd (libc-bin)");
    let libraries = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{libraries}");
    for heavy in ["webkit", "gtk", "gdk", "glib", "soup", "javascriptcore"] {
        assert!(
            !libraries.to_lowercase().contains(heavy),
            "{heavy} in:\n{libraries}"
        );
    }
    assert!(libraries.lines().count() <= 8, "{libraries}");
}
