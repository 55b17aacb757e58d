//! Hostile bundles: names that leave the folder, links, damaged and
//! missing files.

use super::*;

#[test]
fn names_that_leave_the_bundle_folder_are_refused() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    fs::write(kit.path("outside.jpg"), "secret").unwrap();
    let cases: &[(&str, &[&str])] = &[
        (
            "../outside.jpg",
            &["\"../outside.jpg\"", "\"..\" component"],
        ),
        ("photos/../../outside.jpg", &["\"..\" component"]),
        ("/etc/shadow", &["\"/etc/shadow\"", "absolute path"]),
        ("photos//a.jpg", &["empty component"]),
        ("photos\\a.jpg", &["backslash"]),
        ("photos/a\u{0}.jpg", &["NUL"]),
        ("photos/a\n.jpg", &["control character"]),
        ("./a.jpg", &["\".\" component"]),
        ("", &["empty"]),
        ("manifest.json", &["bundle's own name"]),
    ];
    for (name, expect) in cases {
        let stick = kit.stick(&format!("stick-{}", sha256(name.as_bytes())), 100);
        edit_manifest(&stick, |m| m.files[1].path = name.to_string());
        let mut expect = expect.to_vec();
        expect.push("manifest.json");
        kit.refused(&stick, &settings, "bad_name", &expect);
    }
    let long = format!("photos/{}.jpg", "x".repeat(256));
    let stick = kit.stick("long", 100);
    edit_manifest(&stick, |m| m.files[1].path = long);
    kit.refused(&stick, &settings, "bad_name", &["over 255 bytes"]);
}

#[test]
fn symbolic_links_are_refused_as_the_file_and_as_a_folder() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    // The file itself a link: to a secret file, to a folder.
    for (name, target) in [("shadow", "/etc/shadow"), ("folder", "/etc")] {
        let stick = kit.stick(name, 100);
        let photo = stick.join("summit-kiosk/photos/a.jpg");
        fs::remove_file(&photo).unwrap();
        symlink(target, &photo).unwrap();
        kit.refused(
            &stick,
            &settings,
            "not_regular_file",
            &[
                "photos/a.jpg",
                "the file \"photos/a.jpg\" is a symbolic link",
            ],
        );
    }
    // A folder on the way a link, to a copy with the right bytes, and to /etc.
    let stick = kit.stick("parent", 100);
    let photos = stick.join("summit-kiosk/photos");
    let elsewhere = kit.path("elsewhere");
    fs::rename(&photos, &elsewhere).unwrap();
    symlink(&elsewhere, &photos).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["photos/a.jpg", "its folder \"photos\" is a symbolic link"],
    );
    let stick = kit.stick("parent-etc", 100);
    edit_manifest(&stick, |m| m.files[1].path = "etc/shadow.jpg".into());
    symlink("/etc", stick.join("summit-kiosk/etc")).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["etc/shadow.jpg", "symbolic link"],
    );
    // The bundle folder itself a link.
    let stick = kit.path("linked-bundle");
    fs::create_dir(&stick).unwrap();
    symlink(
        kit.stick("real", 100).join("summit-kiosk"),
        stick.join("summit-kiosk"),
    )
    .unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["summit-kiosk", "symbolic link"],
    );
}

#[test]
fn damaged_and_missing_files_are_refused() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);

    let stick = kit.stick("hash", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    let mut bytes = fs::read(&photo).unwrap();
    bytes[10] ^= 1;
    fs::write(&photo, &bytes).unwrap();
    kit.refused(
        &stick,
        &settings,
        "hash_mismatch",
        &["photos/a.jpg", "SHA-256 mismatch"],
    );

    let stick = kit.stick("size", 100);
    let schedule = stick.join("summit-kiosk/schedule.json");
    let mut bytes = fs::read(&schedule).unwrap();
    bytes.push(b'\n');
    fs::write(&schedule, &bytes).unwrap();
    kit.refused(
        &stick,
        &settings,
        "size_mismatch",
        &["schedule.json", "size mismatch"],
    );

    let stick = kit.stick("missing", 100);
    fs::remove_file(stick.join("summit-kiosk/photos/b.png")).unwrap();
    kit.refused(
        &stick,
        &settings,
        "missing_file",
        &["photos/b.png", "missing"],
    );

    let stick = kit.stick("dir", 100);
    let photo = stick.join("summit-kiosk/photos/c.webp");
    fs::remove_file(&photo).unwrap();
    fs::create_dir(&photo).unwrap();
    kit.refused(
        &stick,
        &settings,
        "not_regular_file",
        &["photos/c.webp", "not a regular file"],
    );

    // A damaged file is not recorded: once repaired, the same bundle applies.
    let stick = kit.stick("repaired", 100);
    let photo = stick.join("summit-kiosk/photos/a.jpg");
    let good = fs::read(&photo).unwrap();
    fs::write(&photo, vec![0u8; good.len()]).unwrap();
    kit.refused(&stick, &settings, "hash_mismatch", &["photos/a.jpg"]);
    fs::write(&photo, good).unwrap();
    assert!(matches!(
        kit.process(&stick, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
}
