//! Renditions carry no metadata; the credit is the EXIF Artist, cleaned up.

use super::*;

#[test]
fn renditions_carry_no_metadata_at_all() {
    let upright = quadrants(400, 200);
    let mut fields = vec![orientation_field(3), artist_field("Ada Lovelace")];
    fields.extend(gps_fields());
    let xmp = {
        let mut p = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        p.extend_from_slice(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description exif:GPSLatitude='52,31.2N'/></rdf:RDF></x:xmpmeta>");
        p
    };
    let icc = {
        let mut p = b"ICC_PROFILE\0\x01\x01".to_vec();
        p.extend(std::iter::repeat_n(7u8, 200));
        p
    };
    let file = insert_segments(
        &jpeg(&stored(&upright, 3)),
        &[
            exif_segment(&fields),
            segment(0xE1, &xmp),
            segment(0xE2, &icc),
            segment(0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0"),
            segment(0xFE, b"taken at Ada's home, GPS 52.52 13.40"),
        ],
    );
    // The input really has it all.
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&file))
        .unwrap();
    assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
    let r = rendered(&file, &[1920, 3840, 200]);
    assert_eq!(r.credit.as_deref(), Some("Ada Lovelace"));
    assert_eq!(r.renditions.len(), 3);
    for x in &r.renditions {
        assert_no_metadata(&x.jpeg);
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(&x.jpeg))
                .is_err(),
            "no EXIF can be read back"
        );
        assert_quadrants(&x.jpeg, QUADRANTS, 40, "stripped");
    }
}

#[test]
fn the_credit_is_the_exif_artist_cleaned_up() {
    let base = jpeg(&quadrants(64, 32));
    let credit = |fields: &[Field]| rendered(&with_exif(&base, fields), &[64]).credit;
    assert_eq!(
        credit(&[artist_field("Ada Lovelace")]),
        Some("Ada Lovelace".into())
    );
    assert_eq!(
        credit(&[artist_field("  Ada\n\tLovelace \u{7}")]),
        Some("Ada Lovelace".into()),
        "one line, no control characters"
    );
    assert_eq!(credit(&[artist_field("   ")]), None);
    assert_eq!(credit(&[orientation_field(1)]), None, "no Artist");
    assert_eq!(rendered(&base, &[64]).credit, None, "no EXIF");
    let long = credit(&[artist_field(&"x".repeat(500))]).unwrap();
    assert_eq!(long.chars().count(), 80);
    assert!(long.ends_with('…'));
}

#[test]
fn a_damaged_exif_block_does_not_refuse_the_photo() {
    let base = jpeg(&quadrants(64, 32));
    let file = insert_segments(
        &base,
        &[segment(0xE1, b"Exif\0\0MM\0*\xFF\xFF\xFF\xF0garbage")],
    );
    let r = rendered(&file, &[64]);
    assert_eq!((r.width, r.height), (64, 32));
    assert_eq!(r.credit, None);
    assert_no_metadata(&r.renditions[0].jpeg);
}
