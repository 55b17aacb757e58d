//! `cargo xtask deb [--arch arm64]`: the Debian package, with cargo-deb
//! (installed here with `cargo install cargo-deb --locked`; no Node, no
//! npm). Builds the release binaries (for the Raspberry Pi: cross-compiled,
//! see `cross.rs`), generates the man pages and shell completions from the
//! binary's own clap grammar (the arm64 binary runs under qemu-user for
//! this), packages (metadata in Cargo.toml's `[package.metadata.deb]`),
//! checks what the package holds, and runs lintian.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cross::{self, cross_binary, cross_cargo, qemu};
use crate::{
    cargo, ensure_packages, release_binary, root, run, target_dir, Result, BUILD_PACKAGES,
};

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

/// This machine's architecture, or the Raspberry Pi's (cross-compiled).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arch {
    Native,
    Arm64,
}

fn parse(args: &[String]) -> Result<Arch> {
    match args {
        [] => Ok(Arch::Native),
        [flag, arch] if flag == "--arch" && arch == cross::DEB_ARCH => Ok(Arch::Arm64),
        [flag, arch]
            if flag == "--arch" && Some(arch.as_str()) == native_arch().ok().as_deref() =>
        {
            Ok(Arch::Native)
        }
        _ => Err(format!(
            "usage: cargo xtask deb [--arch {}] (default: this machine's architecture)",
            cross::DEB_ARCH
        )),
    }
}

fn native_arch() -> Result<String> {
    Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map_err(|e| format!("dpkg: {e}"))
}

/// The release binaries for `arch`, built (cross-compiled for arm64).
pub fn build_for_arm64(with_worker: bool) -> Result {
    let mut build = cross_cargo("build");
    build.args(["--release", "--locked", "--bin", "summit-kiosk"]);
    if with_worker {
        build.args(["--bin", WORKER]);
    }
    run(&mut build)
}

pub fn deb(args: &[String]) -> Result {
    let arch = parse(args)?;
    let mut packages = BUILD_PACKAGES.to_vec();
    packages.extend_from_slice(DEB_PACKAGES);
    ensure_packages(&packages)?;
    if arch == Arch::Arm64 {
        cross::ensure_app_toolchain()?;
    }
    ensure_cargo_deb()?;

    let with_worker = root().join("crates/photo-worker/Cargo.toml").is_file();
    if !with_worker {
        eprintln!("xtask: no crates/photo-worker in this tree: the package holds the kiosk only");
    }
    let built = |name: &str| match arch {
        Arch::Native => release_binary(name),
        Arch::Arm64 => cross_binary("release", name),
    };
    match arch {
        Arch::Native => {
            let mut build = cargo();
            build.args(["build", "--release", "--locked", "--bin", "summit-kiosk"]);
            if with_worker {
                build.args(["--bin", WORKER]);
            }
            run(&mut build)?;
        }
        Arch::Arm64 => build_for_arm64(with_worker)?,
    }

    let generated = target_dir().join("deb-assets");
    let _ = std::fs::remove_dir_all(&generated);
    // The arm64 binary writes its own man pages (under qemu): what ships is
    // what that binary's grammar says.
    let mut generate = match arch {
        Arch::Native => Command::new(built("summit-kiosk")),
        Arch::Arm64 => qemu("/", &built("summit-kiosk")),
    };
    run(generate.args(["generate-assets", "--out"]).arg(&generated))?;
    // The release profile keeps symbols (for backtraces while developing);
    // the package ships them stripped.
    let bin = generated.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    let names: &[&str] = if with_worker {
        &["summit-kiosk", WORKER]
    } else {
        &["summit-kiosk"]
    };
    let strip = match arch {
        Arch::Native => "strip",
        Arch::Arm64 => "aarch64-linux-gnu-strip",
    };
    for name in names {
        run(Command::new(strip)
            .args(["--strip-unneeded", "--remove-section=.comment", "-o"])
            .arg(bin.join(name))
            .arg(built(name)))?;
        if arch == Arch::Arm64 {
            is_aarch64(&bin.join(name))?;
        }
    }

    let out = target_dir().join("debian");
    let _ = std::fs::create_dir_all(&out);
    let mut package = cargo();
    package
        .args(["deb", "--no-build", "--locked", "--output"])
        .arg(&out);
    if arch == Arch::Arm64 {
        // cargo-deb names the Debian architecture after the target, and
        // dpkg-shlibdeps reads the arm64 libraries' dependencies.
        package.args(["--target", cross::TRIPLE]);
    }
    let made = package.output().map_err(|e| format!("cargo deb: {e}"))?;
    eprint!("{}", String::from_utf8_lossy(&made.stderr));
    if !made.status.success() {
        return Err("cargo deb failed (above)".into());
    }
    let deb = PathBuf::from(String::from_utf8_lossy(&made.stdout).trim().to_string());
    let deb_arch = match arch {
        Arch::Native => native_arch()?,
        Arch::Arm64 => cross::DEB_ARCH.to_string(),
    };
    check_contents(&deb, with_worker, &deb_arch)?;
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

/// The file is an ELF executable for aarch64 (`e_machine` 183), not one
/// of this machine's left in the way.
fn is_aarch64(path: &Path) -> Result {
    const EM_AARCH64: u16 = 183;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let machine = bytes
        .get(18..20)
        .filter(|_| bytes.starts_with(b"\x7fELF"))
        .map(|m| u16::from_le_bytes([m[0], m[1]]));
    if machine == Some(EM_AARCH64) {
        Ok(())
    } else {
        Err(format!(
            "{} is not an aarch64 program (ELF machine {machine:?})",
            path.display()
        ))
    }
}

fn check_contents(deb: &Path, with_worker: bool, arch: &str) -> Result {
    let name = deb
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("the package has no file name")?;
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
