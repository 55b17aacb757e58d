//! A session's links, languages and access information, checked and put in
//! one form whatever the source wrote: http(s) links, BCP 47 language tags
//! (a language's English or own name is read as its tag), a short sign
//! language name. Importers call [`language_tag`] and [`classify_link`]
//! themselves to warn about what they cannot read; [`check_info`] refuses
//! what is still wrong when a draft is validated.

use super::Problems;
use crate::limits;
use crate::model::{Link, LinkKind, Recording, SessionInfo};

/// Names people write for the languages talks are most often given in,
/// in English and in the language itself, lower case.
const LANGUAGE_NAMES: &[(&str, &[&str])] = &[
    (
        "en",
        &["english", "englisch", "anglais", "inglés", "ingles"],
    ),
    ("de", &["german", "deutsch", "allemand", "alemán", "aleman"]),
    ("fr", &["french", "français", "francais", "französisch"]),
    (
        "es",
        &["spanish", "español", "espanol", "spanisch", "castellano"],
    ),
    ("it", &["italian", "italiano", "italienisch"]),
    (
        "pt",
        &["portuguese", "português", "portugues", "portugiesisch"],
    ),
    ("nl", &["dutch", "nederlands", "niederländisch"]),
    ("pl", &["polish", "polski", "polnisch"]),
    ("cs", &["czech", "čeština", "cestina", "tschechisch"]),
    ("da", &["danish", "dansk", "dänisch"]),
    ("sv", &["swedish", "svenska", "schwedisch"]),
    ("nb", &["norwegian", "norsk", "norwegisch"]),
    ("fi", &["finnish", "suomi", "finnisch"]),
    ("el", &["greek", "ελληνικά", "griechisch"]),
    ("tr", &["turkish", "türkçe", "turkce", "türkisch"]),
    ("ru", &["russian", "русский", "russisch"]),
    ("uk", &["ukrainian", "українська", "ukrainisch"]),
    ("ar", &["arabic", "العربية", "arabisch"]),
    ("he", &["hebrew", "עברית", "hebräisch"]),
    ("hi", &["hindi", "हिन्दी"]),
    ("zh", &["chinese", "中文", "chinesisch", "mandarin"]),
    ("ja", &["japanese", "日本語", "japanisch"]),
    ("ko", &["korean", "한국어", "koreanisch"]),
];

/// A language as a BCP 47 tag in its canonical case (`en`, `pt-BR`,
/// `zh-Hant`): from a tag, or from the English or own name of a common
/// language (`English`, `Deutsch`). `None` when it is neither.
pub fn language_tag(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_lowercase();
    if let Some((tag, _)) = LANGUAGE_NAMES
        .iter()
        .find(|(_, names)| names.contains(&lower.as_str()))
    {
        return Some((*tag).to_string());
    }
    // Tags only: a word like "Klingon" parses as a (private, long) primary
    // language subtag, so the primary subtag must be 2 or 3 letters.
    let tag = oxilangtag::LanguageTag::parse_and_normalize(t).ok()?;
    let primary = tag.primary_language();
    (2..=3).contains(&primary.len()).then(|| tag.into_inner())
}

/// What a link most likely leads to, from its title and address (frab and
/// pretalx links and attachments, iCalendar `ATTACH`, spreadsheet columns).
pub fn classify_link(url: &str, title: &str) -> LinkKind {
    let title = title.to_lowercase();
    let url = url.to_lowercase();
    let path = url.split(['?', '#']).next().unwrap_or(&url);
    let says = |words: &[&str]| words.iter().any(|w| title.contains(w));
    let at = |parts: &[&str]| parts.iter().any(|p| url.contains(p));
    if says(&["slide", "folien", "präsentation", "presentation", "deck"])
        || url.contains("://slides.")
        || at(&[
            "slideshare.net",
            "speakerdeck.com",
            "docs.google.com/presentation",
            "/slides",
        ])
        || [".pdf", ".pptx", ".ppt", ".odp", ".key"]
            .iter()
            .any(|e| path.ends_with(e))
    {
        LinkKind::Slides
    } else if says(&["stream", "live"]) || at(&["streaming.", "/live", "twitch.tv"]) {
        LinkKind::Stream
    } else if says(&["video", "recording", "aufzeichnung", "mitschnitt"])
        || at(&["youtube.com", "youtu.be", "vimeo.com", "media.ccc.de/v/"])
    {
        LinkKind::Video
    } else {
        LinkKind::Other
    }
}

/// Sign languages by the short names interpreters and schedules use.
const SIGN_LANGUAGES: &[&str] = &[
    "DGS", "ÖGS", "DSGS", "ASL", "BSL", "LSF", "LSE", "LIS", "NGT", "VGT", "LSFB", "ISL", "Auslan",
    "NZSL", "LSQ", "JSL", "KSL", "CSL", "PJM", "RSL", "TİD", "LSM", "Libras",
];

/// What a schedule's tag or category (`category` may be empty) says about
/// a session, added to `info`: a language (under a category named like
/// "Language"), recording or streaming, live captions, a sign language.
/// False when a language category names something that is not a language
/// (the caller warns); other tags that say nothing are simply not used.
pub fn read_tag(info: &mut SessionInfo, category: &str, value: &str) -> bool {
    let category = category.trim().to_lowercase();
    let value = value.trim();
    let lower = value.to_lowercase();
    let about = |words: &[&str]| words.iter().any(|w| category.contains(w));
    let says = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let yes = matches!(
        lower.as_str(),
        "yes" | "ja" | "oui" | "sí" | "si" | "true" | "1" | "x"
    );
    let no = matches!(lower.as_str(), "no" | "nein" | "non" | "false" | "0");
    if about(&["language", "sprache", "langue", "idioma"]) && !about(&["sign", "gebärden"]) {
        return match language_tag(value) {
            Some(tag) => {
                if !info.languages.contains(&tag) {
                    info.languages.push(tag);
                }
                true
            }
            None => false,
        };
    }
    if about(&["record", "aufzeichnung", "aufnahme"]) && (yes || no) {
        info.recording = if yes {
            Recording::Recorded
        } else {
            Recording::NotRecorded
        };
    } else if about(&["stream"]) && yes {
        info.recording = Recording::Streamed;
    } else if about(&["caption", "untertitel", "subtitle"]) && (yes || no) {
        info.captions = yes;
    } else if says(&[
        "do not record",
        "no recording",
        "not recorded",
        "keine aufzeichnung",
    ]) {
        info.recording = Recording::NotRecorded;
    } else if says(&["livestream", "live stream", "streamed"]) {
        if info.recording != Recording::NotRecorded {
            info.recording = Recording::Streamed;
        }
    } else if says(&["recorded", "aufgezeichnet"]) {
        if info.recording == Recording::Unknown {
            info.recording = Recording::Recorded;
        }
    } else if says(&["caption", "untertitel", "live subtitles"]) {
        info.captions = true;
    }
    let named = SIGN_LANGUAGES.iter().find(|name| {
        value
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word.eq_ignore_ascii_case(name))
    });
    if let Some(name) = named {
        info.sign_language = Some((*name).to_string());
    } else if about(&["sign", "gebärden"]) && !no && !value.is_empty() {
        info.sign_language = Some(if yes { "Sign language" } else { value }.to_string());
    } else if says(&["sign language", "gebärdensprache"]) {
        info.sign_language = Some("Sign language".to_string());
    }
    true
}

/// An http(s) address, trimmed; `None` for anything else (a `mailto:`, a
/// relative path) a source may list among its links.
pub fn http_url(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| t.to_string())
}

/// Keep what an importer read within the limits [`check_info`] enforces,
/// warning about what is left out: a source's surplus links or languages
/// never cost the whole schedule.
pub fn keep_within_limits(p: &mut Problems, place: &str, info: &mut SessionInfo) {
    if info.links.len() > limits::MAX_LINKS_PER_SESSION {
        p.warn(
            format!("{place}.links"),
            format!(
                "{} links; the first {} are kept",
                info.links.len(),
                limits::MAX_LINKS_PER_SESSION
            ),
        );
        info.links.truncate(limits::MAX_LINKS_PER_SESSION);
    }
    let long = info
        .links
        .iter()
        .any(|l| l.url.chars().count() > limits::MAX_URL_CHARS);
    if long {
        p.warn(
            format!("{place}.links"),
            format!(
                "an address over {} characters is left out",
                limits::MAX_URL_CHARS
            ),
        );
        info.links
            .retain(|l| l.url.chars().count() <= limits::MAX_URL_CHARS);
    }
    if info.languages.len() > limits::MAX_LANGUAGES_PER_SESSION {
        p.warn(
            format!("{place}.languages"),
            format!(
                "{} languages; the first {} are kept",
                info.languages.len(),
                limits::MAX_LANGUAGES_PER_SESSION
            ),
        );
        info.languages.truncate(limits::MAX_LANGUAGES_PER_SESSION);
    }
    if info
        .sign_language
        .as_ref()
        .is_some_and(|s| s.chars().count() > limits::MAX_SIGN_LANGUAGE_CHARS)
    {
        p.warn(
            format!("{place}.sign_language"),
            "too long for a sign language's name; left out",
        );
        info.sign_language = None;
    }
}

/// Check a session's info and put it in canonical form: links http(s),
/// at most [`limits::MAX_LINKS_PER_SESSION`], each address at most
/// [`limits::MAX_URL_CHARS`]; languages BCP 47 tags without repeats, at most
/// [`limits::MAX_LANGUAGES_PER_SESSION`]; the sign language a short name.
pub(super) fn check_info(p: &mut Problems, place: &str, info: &SessionInfo) -> SessionInfo {
    if info.links.len() > limits::MAX_LINKS_PER_SESSION {
        p.error(
            format!("{place}.links"),
            format!(
                "{} links; at most {} are allowed",
                info.links.len(),
                limits::MAX_LINKS_PER_SESSION
            ),
        );
    }
    let mut links: Vec<Link> = Vec::with_capacity(info.links.len());
    for (i, link) in info.links.iter().enumerate() {
        let at = format!("{place}.links[{i}].url");
        let chars = link.url.chars().count();
        if chars > limits::MAX_URL_CHARS {
            p.error(
                at,
                format!(
                    "is {chars} characters long; at most {} are allowed",
                    limits::MAX_URL_CHARS
                ),
            );
            continue;
        }
        match http_url(&link.url) {
            Some(url) if !links.iter().any(|l| l.url == url && l.kind == link.kind) => {
                links.push(Link {
                    kind: link.kind,
                    url,
                })
            }
            Some(_) => {}
            None => p.error(at, format!("{:?} is not an http(s) address", link.url)),
        }
    }
    if info.languages.len() > limits::MAX_LANGUAGES_PER_SESSION {
        p.error(
            format!("{place}.languages"),
            format!(
                "{} languages; at most {} are allowed",
                info.languages.len(),
                limits::MAX_LANGUAGES_PER_SESSION
            ),
        );
    }
    let mut languages: Vec<String> = Vec::new();
    for (i, text) in info.languages.iter().enumerate() {
        match language_tag(text) {
            Some(tag) if !languages.contains(&tag) => languages.push(tag),
            Some(_) => {}
            None => p.error(
                format!("{place}.languages[{i}]"),
                format!(
                    "{:?} is not a language tag; write a BCP 47 tag such as \"en\", \"de\" or \"pt-BR\"",
                    text.chars().take(60).collect::<String>()
                ),
            ),
        }
    }
    let sign_language = info
        .sign_language
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(s) = &sign_language {
        let chars = s.chars().count();
        if chars > limits::MAX_SIGN_LANGUAGE_CHARS || s.chars().any(char::is_control) {
            p.error(
                format!("{place}.sign_language"),
                format!(
                    "{:?} is not a sign language's short name (at most {} characters, e.g. \"DGS\", \"ASL\")",
                    s.chars().take(60).collect::<String>(),
                    limits::MAX_SIGN_LANGUAGE_CHARS
                ),
            );
        }
    }
    SessionInfo {
        links,
        languages,
        recording: info.recording,
        captions: info.captions,
        sign_language,
    }
}
