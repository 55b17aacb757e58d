//! Seeds for the fuzz targets whose inputs are not committed fixtures, made
//! with the kiosk's own writers from the real fixtures and the demo:
//! `cargo run -p kiosk-core --example fuzz_seeds -- OUT_DIR` writes
//! `OUT_DIR/<target>/…` for the SQLite exchange file (`write_exchange`), the
//! feed (`Feed::to_bytes`, and sealed by a fresh key), USB bundles (`bundle make`, signed by a fresh
//! key, and unsigned) and photos (real encoders; the demo's photos made
//! small through the photo pipeline). `cargo xtask fuzz` runs it; the text
//! fixtures it copies itself.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageBuffer, Rgb, RgbImage, Rgba};
use kiosk_core::import::{self, ImportOptions};
use kiosk_core::model::Schedule;
use turbojpeg::{Compressor, PixelFormat, Subsamp};

#[path = "../../../fuzz/src/harness.rs"]
#[allow(dead_code)]
mod harness;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result {
    let out = PathBuf::from(
        std::env::args_os()
            .nth(1)
            .ok_or("usage: fuzz_seeds OUT_DIR")?,
    );
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let options = ImportOptions {
        venue_timezone: Some("Europe/Berlin".into()),
    };
    let demo = kiosk_core::demo::demo().schedule;
    let mut schedules = vec![("demo", demo.clone())];
    for (name, file) in [
        ("khk12", "frab/khk12-old-schedule.xml"),
        ("alpine", "sessionize/alpine-devconf-2025.json"),
    ] {
        let (_, validated) = import::load_file(&fixtures.join(file), &options)?;
        schedules.push((name, validated.schedule));
    }
    let mut seeds = Seeds { out, count: 0 };
    sqlite(&mut seeds, &schedules)?;
    feed(&mut seeds, &schedules)?;
    bundle(&mut seeds)?;
    photos(&mut seeds)?;
    println!(
        "fuzz_seeds: {} seeds in {}",
        seeds.count,
        seeds.out.display()
    );
    Ok(())
}

struct Seeds {
    out: PathBuf,
    count: usize,
}

impl Seeds {
    /// Write a seed, after checking its target takes it (a seed the target
    /// refuses would teach the fuzzer nothing).
    fn add(&mut self, target: &str, name: &str, bytes: &[u8]) -> Result {
        let run = harness::TARGETS
            .iter()
            .find(|(n, _)| *n == target)
            .ok_or_else(|| format!("no fuzz target {target}"))?
            .1;
        if !run(bytes) {
            return Err(format!("the {target} target refuses the seed {name}").into());
        }
        let dir = self.out.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), bytes)?;
        self.count += 1;
        Ok(())
    }
}

fn sqlite(seeds: &mut Seeds, schedules: &[(&str, Schedule)]) -> Result {
    let tmp = tempfile::tempdir()?;
    for (name, schedule) in schedules {
        let path = tmp.path().join(format!("{name}.sqlite"));
        import::sqlite::write_exchange(schedule, &path)?;
        seeds.add("sqlite", &format!("{name}.sqlite"), &std::fs::read(&path)?)?;
    }
    Ok(())
}

fn feed(seeds: &mut Seeds, schedules: &[(&str, Schedule)]) -> Result {
    let announcement: kiosk_core::edits::Announcement = serde_json::from_str(
        r#"{"id": "ann-1", "text": "Lunch is served in the foyer", "starts": "2020-02-26T17:00:00Z",
            "expires": "2020-02-26T18:00:00Z", "priority": "urgent"}"#,
    )?;
    for (i, (name, schedule)) in schedules.iter().enumerate() {
        let announcements = if i == 0 {
            vec![announcement.clone()]
        } else {
            Vec::new()
        };
        let feed = kiosk_core::feed::Feed::new(
            i as u64 + 1,
            schedule.clone(),
            kiosk_core::feed::Notices::announcements(announcements),
        );
        seeds.add("feed", &format!("{name}.json"), &feed.to_bytes())?;
        if i == 0 {
            signed_feed(seeds, &feed.to_bytes())?;
        }
    }
    Ok(())
}

/// The feed sealed by a fresh key, with that key trusted, and alone.
fn signed_feed(seeds: &mut Seeds, document: &[u8]) -> Result {
    let tmp = tempfile::tempdir()?;
    let key_file = tmp.path().join("organizer.key");
    let public = kiosk_core::bundle::generate_keypair(&key_file)?;
    let key = kiosk_core::feed::SigningKey::load(&key_file, None)?;
    let envelope = key.seal(document, 1)?;
    let mut trusted = envelope.clone();
    trusted.extend_from_slice(harness::BUNDLE_SEPARATOR);
    trusted.extend_from_slice(public.as_bytes());
    seeds.add("feed_signed", "trusted.json", &trusted)?;
    seeds.add("feed_signed", "untrusted.json", &envelope)?;
    seeds.add("feed_signed", "plain.json", document)?;
    follower(seeds, document)
}

/// `feed_follower` inputs: the head (flags, replay floor, tamper offset)
/// and the feed document the harness seals, one per way a follower
/// answers: taken, refused as a replay, tampered, unsigned, no key.
fn follower(seeds: &mut Seeds, document: &[u8]) -> Result {
    use harness::follower_flags::{FLOOR, PLAIN, TAMPER, TRUSTED};
    let cases: [(&str, u8, u64, u16); 6] = [
        ("taken", TRUSTED | FLOOR, 1, 0),
        ("replayed", TRUSTED | FLOOR, 2, 0),
        ("tampered-feed", TRUSTED | TAMPER, 0, 65),
        (
            "tampered-signature",
            TRUSTED | TAMPER | (3 << 5),
            0,
            u16::MAX,
        ),
        ("unsigned", TRUSTED | PLAIN, 0, 0),
        ("no-key", 0, 0, 0),
    ];
    for (name, flags, floor, at) in cases {
        let mut input = vec![flags];
        input.extend_from_slice(&floor.to_le_bytes());
        input.extend_from_slice(&at.to_le_bytes());
        input.extend_from_slice(document);
        seeds.add("feed_follower", &format!("{name}.bin"), &input)?;
    }
    Ok(())
}

fn bundle(seeds: &mut Seeds) -> Result {
    use kiosk_core::bundle::{self, MANIFEST_FILE, SIGNATURE_FILE};
    let tmp = tempfile::tempdir()?;
    let schedule = tmp.path().join("schedule.json");
    std::fs::write(&schedule, kiosk_core::demo::DEMO_JSON)?;
    let photos = tmp.path().join("photos");
    std::fs::create_dir(&photos)?;
    std::fs::write(
        photos.join("tiny.jpg"),
        jpeg(&picture(16, 12), Subsamp::Sub2x2)?,
    )?;
    let key = tmp.path().join("organizer.key");
    let public = bundle::generate_keypair(&key)?;
    let options = ImportOptions::default();
    for (name, sign) in [("signed", Some(key.as_path())), ("unsigned", None)] {
        let out = tmp.path().join(name);
        let made = bundle::make(
            &schedule,
            Some(&photos),
            sign.map(|k| (k, None)),
            Some(12),
            &out,
            &options,
        )?;
        let mut input = std::fs::read(made.dir.join(MANIFEST_FILE))?;
        if made.signed {
            input.extend_from_slice(harness::BUNDLE_SEPARATOR);
            input.extend(std::fs::read(made.dir.join(SIGNATURE_FILE))?);
            input.extend_from_slice(harness::BUNDLE_SEPARATOR);
            input.extend_from_slice(public.as_bytes());
        }
        seeds.add("bundle", &format!("{name}.bundle"), &input)?;
    }
    Ok(())
}

/// A small landscape of four coloured quadrants.
fn picture(w: u32, h: u32) -> RgbImage {
    let colours = [[220, 30, 30], [30, 200, 60], [40, 60, 220], [250, 250, 250]];
    ImageBuffer::from_fn(w, h, |x, y| {
        Rgb(colours[(x >= w / 2) as usize + 2 * (y >= h / 2) as usize])
    })
}

fn compress(
    image: &[u8],
    w: u32,
    h: u32,
    format: PixelFormat,
    c: &mut Compressor,
) -> Result<Vec<u8>> {
    Ok(c.compress_to_vec(turbojpeg::Image {
        pixels: image,
        width: w as usize,
        pitch: w as usize * format.size(),
        height: h as usize,
        format,
    })?)
}

fn jpeg(image: &RgbImage, subsamp: Subsamp) -> Result<Vec<u8>> {
    let mut c = Compressor::new()?;
    c.set_quality(85)?;
    c.set_subsamp(subsamp)?;
    compress(
        image.as_raw(),
        image.width(),
        image.height(),
        PixelFormat::RGB,
        &mut c,
    )
}

/// `jpeg` with an EXIF block (orientation, artist) right after SOI.
fn with_exif(jpeg: &[u8], orientation: u16, artist: &str) -> Result<Vec<u8>> {
    use exif::{Field, In, Tag, Value};
    let mut writer = exif::experimental::Writer::new();
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::Artist,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![artist.as_bytes().to_vec()]),
        },
    ];
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false)?;
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff.into_inner());
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(payload.len() + 2)?.to_be_bytes());
    out.extend(payload);
    out.extend_from_slice(&jpeg[2..]);
    Ok(out)
}

fn encoded(image: DynamicImage, format: image::ImageFormat) -> Result<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format)?;
    Ok(out.into_inner())
}

fn photos(seeds: &mut Seeds) -> Result {
    let small = picture(96, 64);
    let mut made: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, subsamp) in [
        ("420", Subsamp::Sub2x2),
        ("422", Subsamp::Sub2x1),
        ("444", Subsamp::None),
        ("440", Subsamp::Sub1x2),
        ("411", Subsamp::Sub4x1),
    ] {
        made.push((format!("jpeg-{name}.jpg"), jpeg(&small, subsamp)?));
    }
    made.push((
        "jpeg-exif-rotated.jpg".into(),
        with_exif(&jpeg(&small, Subsamp::Sub2x2)?, 6, "Ada Lovelace")?,
    ));
    let grey = DynamicImage::ImageRgb8(small.clone()).into_luma8();
    let mut c = Compressor::new()?;
    c.set_subsamp(Subsamp::Gray)?;
    made.push((
        "jpeg-grey.jpg".into(),
        compress(grey.as_raw(), 96, 64, PixelFormat::GRAY, &mut c)?,
    ));
    let mut c = Compressor::new()?;
    c.set_progressive(true)?;
    c.set_subsamp(Subsamp::Sub2x2)?;
    made.push((
        "jpeg-progressive.jpg".into(),
        compress(small.as_raw(), 96, 64, PixelFormat::RGB, &mut c)?,
    ));
    let cmyk: Vec<u8> = small
        .pixels()
        .flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 255])
        .collect();
    let mut c = Compressor::new()?;
    c.set_subsamp(Subsamp::None)?;
    made.push((
        "jpeg-cmyk.jpg".into(),
        compress(&cmyk, 96, 64, PixelFormat::CMYK, &mut c)?,
    ));
    let rgba = ImageBuffer::from_fn(64, 48, |x, y| {
        Rgba([(x * 4) as u8, (y * 5) as u8, 128, (x + y) as u8 * 2])
    });
    made.push((
        "rgba.png".into(),
        encoded(
            DynamicImage::ImageRgba8(rgba.clone()),
            image::ImageFormat::Png,
        )?,
    ));
    made.push((
        "rgb16.png".into(),
        encoded(
            DynamicImage::ImageRgb16(DynamicImage::ImageRgb8(small.clone()).into_rgb16()),
            image::ImageFormat::Png,
        )?,
    ));
    made.push((
        "grey.png".into(),
        encoded(DynamicImage::ImageLuma8(grey), image::ImageFormat::Png)?,
    ));
    made.push((
        "rgba.webp".into(),
        encoded(DynamicImage::ImageRgba8(rgba), image::ImageFormat::WebP)?,
    ));
    // Real photos' content, made small by the pipeline itself.
    let demo_photos = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo/photos");
    for name in ["kite.jpg", "fallen-leaf.jpg"] {
        let rendered = kiosk_core::photos::render(
            &std::fs::read(demo_photos.join(name))?,
            &kiosk_core::photos::RenderOptions {
                long_edges: vec![200],
                quality: 80,
            },
        )?;
        made.push((format!("demo-{name}"), rendered.renditions[0].jpeg.clone()));
    }
    for (name, bytes) in &made {
        seeds.add("photo_header", name, bytes)?;
        seeds.add("photo_decode", name, bytes)?;
    }
    Ok(())
}
