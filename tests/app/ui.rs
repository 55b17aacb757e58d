//! The front end decides nothing: the control panel's modules are
//! type-checked against the view the core sends (TypeScript generated from
//! the Rust types), and `ui/` holds no zone or calendar arithmetic and the
//! panel no copied limit.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::root;

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// The code without its comments (`//` lines and `/* … */`), so a comment
/// may say why without tripping the checks.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(
            |l| match (l.trim_start().starts_with("//"), l.find(" // ")) {
                (true, _) => "",
                (false, Some(i)) => &l[..i],
                (false, None) => l,
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_control_panel_reads_only_what_the_core_sends() {
    let tsc = root().join("target/ui-check/node_modules/typescript/bin/tsc");
    assert!(
        tsc.is_file(),
        "{} is missing: run `cargo xtask test`, which installs TypeScript there",
        tsc.display()
    );
    let dir = root().join("ui/control");
    for js in files(&dir, "js") {
        let text = std::fs::read_to_string(&js).unwrap();
        assert!(
            text.starts_with("// @ts-check"),
            "{} must start with // @ts-check",
            js.display()
        );
    }
    let out = Command::new("node")
        .arg(&tsc)
        .args(["-p", dir.to_str().unwrap(), "--pretty", "false"])
        .output()
        .expect("node (Node.js): run `cargo xtask test`, which installs it");
    assert!(
        out.status.success(),
        "the control panel reads or sends something the core's view does not have:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Zone and calendar arithmetic: local calendar fields, offsets, hand-made
/// instants, minute or hour constants.
const ZONE_MATH: &[&str] = &[
    "getTimezoneOffset",
    "Date.UTC",
    "Date.parse",
    "toISOString",
    "setHours",
    "setMinutes",
    "setDate",
    "setMonth",
    "setFullYear",
    "setUTC",
    "getHours",
    "getMinutes",
    "getDate(",
    "getDay(",
    "getMonth",
    "getFullYear",
    "getUTC",
    "60000",
    "3600",
    "86400",
    "* 60 *",
    "/ 60",
];

#[test]
fn no_zone_or_calendar_arithmetic_in_ui() {
    let ui = root().join("ui");
    let mut all = files(&ui, "js");
    all.extend(files(&ui.join("control"), "js"));
    assert!(all.len() > 10, "{all:?}");
    for path in &all {
        let code = code(path);
        for pattern in ZONE_MATH {
            assert!(
                !code.contains(pattern),
                "{}: {pattern:?}: times are the core's to compute",
                path.display()
            );
        }
    }
    // The panel has no instants at all: every time in its view is a string.
    for path in files(&ui.join("control"), "js") {
        let code = code(&path);
        for pattern in ["Date", "Intl", "performance.now", "_ms +", "_ms -"] {
            assert!(!code.contains(pattern), "{}: {pattern:?}", path.display());
        }
    }
}

/// The display's words and times are the core's, in the configured
/// language: its pages neither pick a language nor format a time.
#[test]
fn the_display_picks_no_language_and_formats_no_time() {
    let all = files(&root().join("ui"), "js");
    assert!(all.len() > 5, "{all:?}");
    for path in &all {
        let code = code(path);
        for pattern in ["Intl", "toLocale", "navigator.language", "strftime"] {
            assert!(!code.contains(pattern), "{}: {pattern:?}", path.display());
        }
    }
}

/// Numbers of two digits or more in the code (not in strings or comments).
fn numbers(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut digits = String::new();
    for c in code.chars() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' || c == '`' => quote = Some(c),
            None if c.is_ascii_digit()
                && (!digits.is_empty() || !prev.is_alphanumeric() && prev != '_') =>
            {
                digits.push(c)
            }
            None => {
                if digits.len() >= 2 {
                    found.push(std::mem::take(&mut digits));
                }
                digits.clear();
            }
        }
        prev = c;
    }
    found
}

#[test]
fn the_control_panel_copies_no_limit() {
    assert_eq!(numbers("a = 720; b(5); c[10]; 'x 300' // 1"), ["720", "10"]);
    let dir = root().join("ui/control");
    for path in files(&dir, "js") {
        let found = numbers(&code(&path));
        assert!(
            found.is_empty(),
            "{}: {found:?}: a limit or a choice belongs in the core's view (`limits`)",
            path.display()
        );
    }
    let html = std::fs::read_to_string(root().join("ui/control.html")).unwrap();
    for attribute in [
        "maxlength=\"",
        "max=\"",
        "data-delay=\"",
        "<option value=\"",
    ] {
        for (i, _) in html.match_indices(attribute) {
            let value = &html[i + attribute.len()..];
            assert!(
                !value.starts_with(|c: char| c.is_ascii_digit()),
                "ui/control.html: {attribute}{}…: the limit comes from the core's view",
                &value[..value.len().min(6)]
            );
        }
    }
}

/// The string literals of some JavaScript (quotes, double quotes and
/// template literals, a template's `${…}` parts left out).
fn literals(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = code.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        // A `/` after an operand is division; elsewhere a regex: skip it.
        if c == '/' && !(prev.is_alphanumeric() || prev == ')' || prev == ']') {
            let mut class = false;
            while let Some(r) = chars.next() {
                match r {
                    '\\' => {
                        chars.next();
                    }
                    '[' => class = true,
                    ']' => class = false,
                    '/' if !class => break,
                    _ => {}
                }
            }
            prev = '/';
            continue;
        }
        if c != '\'' && c != '"' && c != '`' {
            if !c.is_whitespace() {
                prev = c;
            }
            continue;
        }
        let mut text = String::new();
        let mut depth = 0;
        while let Some(d) = chars.next() {
            match d {
                '\\' => {
                    chars.next();
                }
                '$' if c == '`' && chars.peek() == Some(&'{') => {
                    chars.next();
                    depth += 1;
                    text.push(' ');
                }
                '}' if depth > 0 => depth -= 1,
                _ if depth > 0 => {}
                d if d == c => break,
                d => text.push(d),
            }
        }
        found.push(text);
        prev = c;
    }
    found
}

/// The control panel writes no words of its own: every text of its page
/// and modules comes from the core's catalogue (`panel.*` keys, resolved
/// in `panel_language`). A literal may be a key, a selector, a class list
/// (each class in `control.css`), an identifier or code, or no word at all.
#[test]
fn the_control_panel_writes_no_words_of_its_own() {
    let html = std::fs::read_to_string(root().join("ui/control.html")).unwrap();
    let css = std::fs::read_to_string(root().join("ui/control.css")).unwrap();
    let view = std::fs::read_to_string(root().join("ui/control/view.d.ts")).unwrap();
    // The page: no text between tags, no worded attribute but through keys.
    let body = &html[html.find("<html").unwrap()..];
    for piece in body.split('<').skip(1) {
        let (tag, text) = piece.split_once('>').unwrap_or((piece, ""));
        if tag.starts_with("!--") {
            continue;
        }
        assert!(
            !text.chars().any(char::is_alphabetic),
            "control.html: words {text:?} after <{tag}>"
        );
        for attr in [
            " placeholder=",
            " aria-label=",
            " title=",
            " alt=",
            " lang=",
        ] {
            assert!(
                !tag.contains(attr),
                "control.html: <{tag}> has{attr} (use data-l10n-…)"
            );
        }
    }
    // DOM and protocol words the modules name (not shown to anyone).
    let dom = [
        "click",
        "change",
        "input",
        "keydown",
        "submit",
        "cancel",
        "close",
        "button",
        "option",
        "checkbox",
        "number",
        "numeric",
        "text",
        "off",
        "async",
        "lazy",
        "true",
        "false",
        "aria-label",
        "aria-pressed",
        "aria-selected",
        "placeholder",
        "title",
        "locked",
        "error",
        "action",
        "poll",
        "string",
        "object",
        "function",
        "Escape",
        "Enter",
        "ArrowRight",
        "ArrowLeft",
        "TEXTAREA",
        "BUTTON",
        "INPUT",
        "file",
        "x-file-name",
        "control-changed",
        "no_shell",
        "wrong_pin",
        "retry_later",
        "invalid",
        "none",
        "ready",
        "input:checked",
        // `data-*` states no style sheet matches (tests and the DOM read them).
        "absorbed",
        "queued",
        "few",
    ];
    let tags = [
        "div",
        "span",
        "li",
        "ul",
        "ol",
        "p",
        "strong",
        "img",
        "input",
        "select",
        "label",
        "figure",
        "figcaption",
        "button",
        "option",
    ];
    let mut bad = Vec::new();
    for js in files(&root().join("ui/control"), "js") {
        for lit in literals(&code(&js)) {
            let t = lit.trim();
            let known = |w: &str| {
                w.len() <= 1
                    || w.contains('_')
                    || tags.contains(&w)
                    || dom.contains(&w)
                    || css.contains(&format!(".{w}"))
                    || css.contains(&format!("-{w}"))
                    || html.contains(&format!("\"{w}\""))
                    || html.contains(&format!("{w}-"))
                    // A value the core sends, or one the style sheet matches.
                    || view.contains(&format!("\"{w}\""))
                    || css.contains(&format!("\"{w}\""))
            };
            let fine = !t.chars().any(char::is_alphabetic)
                || t.starts_with("panel.")
                || t.starts_with(['#', '.', '[', '/'])
                || t.contains(['=', '>', '#', '['])
                // An identifier (`dialog-start`) or a focus key's head (`hide: `).
                || (t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && t.contains('-'))
                || lit
                    .strip_suffix(": ")
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
                || (t
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_- :".contains(c))
                    && t.split([' ', ':']).filter(|w| !w.is_empty()).all(known))
                || dom.contains(&t);
            if !fine {
                bad.push(format!(
                    "{}: {lit:?}",
                    js.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "words written in the panel's code, not the catalogue's:\n{}",
        bad.join("\n")
    );
}
