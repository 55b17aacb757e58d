//! `cargo xtask deb`: the Debian package, with cargo-deb (installed here
//! with `cargo install cargo-deb --locked`; no Node, no npm). Builds the
//! release binaries, generates the man pages and shell completions from the
//! binary's own clap grammar, packages (metadata in Cargo.toml's
//! `[package.metadata.deb]`), checks what the package holds, and runs lintian.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, ensure_packages, root, run, Result, BUILD_PACKAGES};

/// dpkg-shlibdeps (for `$auto` dependencies) and lintian.
const DEB_PACKAGES: &[&str] = &["dpkg-dev", "lintian", "binutils"];

/// What a venue's package must hold, whatever else it has.
const MUST_HOLD: &[&str] = &[
    "./usr/bin/summit-kiosk",
    "./usr/lib/systemd/user/summit-kiosk.service",
    "./usr/lib/systemd/user/summit-kiosk-session.target",
    "./usr/share/xsessions/summit-kiosk.desktop",
    "./usr/share/applications/summit-kiosk.desktop",
    "./usr/share/doc/summit-kiosk/copyright",
    "./usr/share/doc/summit-kiosk/README",
    "./usr/share/doc/summit-kiosk/config.example.toml",
    "./usr/share/man/man1/summit-kiosk.1.gz",
    "./usr/share/man/man1/summit-kiosk-doctor.1.gz",
    "./usr/share/bash-completion/completions/summit-kiosk",
];

/// The photo worker, when its crate is in the tree (it must then ship).
const WORKER: &str = "summit-kiosk-photo-worker";

fn ensure_cargo_deb() -> Result {
    let present = cargo()
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        run(cargo().args(["install", "cargo-deb", "--locked"]))?;
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

pub fn deb() -> Result {
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(DEB_PACKAGES);
    ensure_packages(&packages)?;
    ensure_cargo_deb()?;

    let with_worker = root().join("crates/photo-worker/Cargo.toml").is_file();
    let mut build = cargo();
    build.args(["build", "--release", "--locked", "--bin", "summit-kiosk"]);
    if with_worker {
        build.args(["--bin", WORKER]);
    } else {
        eprintln!("xtask: no crates/photo-worker in this tree: the package holds the kiosk only");
    }
    run(&mut build)?;

    let generated = target_dir().join("deb-assets");
    let _ = std::fs::remove_dir_all(&generated);
    run(Command::new(target_dir().join("release/summit-kiosk"))
        .args(["generate-assets", "--out"])
        .arg(&generated))?;
    // The release profile keeps symbols (for backtraces while developing);
    // the package ships them stripped.
    let bin = generated.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let names: &[&str] = if with_worker {
        &["summit-kiosk", WORKER]
    } else {
        &["summit-kiosk"]
    };
    for name in names {
        let built = target_dir().join("release").join(name);
        run(Command::new("strip")
            .args(["--strip-unneeded", "--remove-section=.comment", "-o"])
            .arg(bin.join(name))
            .arg(&built))?;
    }

    let out = target_dir().join("debian");
    let _ = std::fs::create_dir_all(&out);
    let made = cargo()
        .args(["deb", "--no-build", "--locked", "--output"])
        .arg(&out)
        .output()
        .map_err(|e| format!("cargo deb: {e}"))?;
    eprint!("{}", String::from_utf8_lossy(&made.stderr));
    if !made.status.success() {
        return Err("cargo deb failed (above)".into());
    }
    let deb = PathBuf::from(String::from_utf8_lossy(&made.stdout).trim().to_string());
    check_contents(&deb, with_worker)?;
    lintian(&deb)?;
    let size = std::fs::metadata(&deb).map(|m| m.len()).unwrap_or(0);
    println!(
        "xtask: {} ({:.1} MiB). Install with: sudo apt-get install ./{}",
        deb.display(),
        size as f64 / (1024.0 * 1024.0),
        deb.file_name().and_then(|n| n.to_str()).unwrap_or("")
    );
    Ok(())
}

fn check_contents(deb: &Path, with_worker: bool) -> Result {
    let name = deb
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("the package has no file name")?;
    let arch = Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map_err(|e| format!("dpkg: {e}"))?;
    let expected = format!("summit-kiosk_{}_{arch}.deb", env!("CARGO_PKG_VERSION"));
    if name != expected || name.contains(' ') {
        return Err(format!("the package is named {name:?}, not {expected:?}"));
    }
    let listing = Command::new("dpkg-deb")
        .arg("-c")
        .arg(deb)
        .output()
        .map_err(|e| format!("dpkg-deb: {e}"))?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    let paths: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .collect();
    let worker_path = format!("./usr/bin/{WORKER}");
    let mut missing: Vec<&str> = MUST_HOLD
        .iter()
        .copied()
        .filter(|p| !paths.contains(p))
        .collect();
    if with_worker && !paths.contains(&worker_path.as_str()) {
        missing.push(&worker_path);
    }
    if !missing.is_empty() {
        return Err(format!("{name} lacks {missing:?}"));
    }
    let info = Command::new("dpkg-deb")
        .args(["-f"])
        .arg(deb)
        .arg("Depends")
        .output()
        .map_err(|e| format!("dpkg-deb: {e}"))?;
    let depends = String::from_utf8_lossy(&info.stdout);
    println!(
        "xtask: {name}: {} files; Depends: {}",
        paths.len(),
        depends.trim()
    );
    let names: Vec<&str> = depends
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or(""))
        .collect();
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(format!("Depends lists {n} twice: {depends}"));
        }
    }
    for needed in [
        "libwebkit2gtk-4.1-0",
        "fonts-noto-cjk",
        "fonts-noto-color-emoji",
    ] {
        if !names.contains(&needed) {
            return Err(format!("Depends lacks {needed}: {depends}"));
        }
    }
    Ok(())
}

/// lintian's tags, printed; the ones we keep are explained in the package's
/// lintian overrides (packaging/lintian-overrides), so what remains is new.
fn lintian(deb: &Path) -> Result {
    let out = Command::new("lintian")
        .args(["--info", "--display-info", "--show-overrides"])
        .arg(deb)
        .output()
        .map_err(|e| format!("lintian: {e}"))?;
    let report = String::from_utf8_lossy(&out.stdout);
    println!("xtask: lintian says:\n{report}");
    let unexplained: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("E: ") || l.starts_with("W: "))
        .collect();
    if unexplained.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "lintian reports {} errors or warnings not explained in packaging/lintian-overrides",
            unexplained.len()
        ))
    }
}
