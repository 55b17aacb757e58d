//! File names on a stick, as a table and as a property.

use super::*;

#[test]
fn file_names_table() {
    let good = [
        "schedule.json",
        "photos/a.jpg",
        "a/b/c/d.png",
        "été.jpg",
        "x..y",
        ".hidden",
        "sp ace",
    ];
    for name in good {
        assert_eq!(check_name(name), Ok(()), "{name:?}");
    }
    let bad = [
        "",
        "/abs",
        "..",
        "../x",
        "a/../b",
        "a/..",
        ".",
        "./a",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "a\0b",
        "a\u{7f}",
        "a\u{1b}[31m",
        "a\r",
        "MANIFEST.JSON",
        "reports/x.txt",
    ];
    for name in bad {
        assert!(check_name(name).is_err(), "{name:?}");
    }
    assert!(check_name(&"x".repeat(255)).is_ok());
    assert!(check_name(&"x".repeat(256)).is_err());
    assert!(check_name(&format!("{}/{}", "x".repeat(255), "y".repeat(255))).is_ok());
    assert!(
        check_name(&["x"; 600].join("/")).is_err(),
        "over the total length"
    );
}

proptest! {
    #[test]
    fn accepted_names_stay_inside_the_bundle(name in "[a-z./\\\\\u{0}\n é]{0,12}") {
        if check_name(&name).is_ok() {
            let path = Path::new(&name);
            prop_assert!(path.is_relative());
            for component in path.components() {
                prop_assert!(matches!(component, std::path::Component::Normal(_)), "{name:?}");
            }
            prop_assert!(!name.contains('\\') && !name.contains('\0') && !name.contains('\n'));
            prop_assert!(!name.ends_with('/') && !name.contains("//"));
        }
    }
}
