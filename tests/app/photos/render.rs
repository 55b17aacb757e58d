//! `photo render`: one photo, upright and without its metadata, or refused
//! with its reason.

use super::*;

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
