//! Cross-building for the Raspberry Pi (aarch64) on an x86 Debian machine,
//! and running the result under qemu-user.
//!
//! Two levels, installed on demand (idempotent):
//! - **worker** ([`ensure_worker_toolchain`]): the cross compiler, qemu-user
//!   and the rust target. Enough for the photo worker, which links libc
//!   only (libjpeg-turbo and SQLite are built from source): qemu runs it with
//!   the cross libc (`-L /usr/aarch64-linux-gnu`), no multiarch needed.
//! - **app** ([`ensure_app_toolchain`]): Debian multiarch (`dpkg
//!   --add-architecture arm64`) for the WebKitGTK stack's arm64 libraries
//!   and pkg-config files. Bookworm cannot install `libsoup-3.0-dev:arm64`
//!   and `libwebkit2gtk-4.1-dev:arm64` next to the amd64 build tools (they
//!   pull `gobject-introspection:arm64`, which needs `python3:arm64`), so
//!   those two and sysprof's capture library are downloaded and unpacked
//!   into `target/aarch64-overlay/` (their `.pc` files pointed there, their
//!   `.so` links at the installed arm64 runtime libraries), not installed.
//!   The gtk-rs `-sys` crates only link; they read no header.
//!
//! The linker and compilers are set on the cargo command ([`cross_cargo`]),
//! never in `.cargo/config.toml`, so the host build never sees them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{as_root, cargo, ensure_packages, run, target_dir, Result};

pub const TRIPLE: &str = "aarch64-unknown-linux-gnu";
/// Debian's name for it.
pub const DEB_ARCH: &str = "arm64";
pub const MULTIARCH_LIBDIR: &str = "/usr/lib/aarch64-linux-gnu";
/// The cross libc's root, for qemu when the multiarch libc is not there.
pub const CROSS_LIBC_ROOT: &str = "/usr/aarch64-linux-gnu";

/// The cross toolchain and the emulator (all amd64 packages).
pub const WORKER_PACKAGES: &[&str] = &[
    "gcc-aarch64-linux-gnu",
    "binutils-aarch64-linux-gnu",
    "libc6-dev-arm64-cross",
    "qemu-user",
    "cmake",
];

/// The arm64 libraries the kiosk links (and runs with under qemu).
const APP_PACKAGES: &[&str] = &[
    // CXX for any C++ a build script compiles (the worker has none).
    "g++-aarch64-linux-gnu",
    "libgtk-3-dev:arm64",
    "libjavascriptcoregtk-4.1-dev:arm64",
    "libwebkit2gtk-4.1-0:arm64",
    "libsoup-3.0-0:arm64",
    // libsoup-3.0.pc's private requirements.
    "libsqlite3-dev:arm64",
    "libpsl-dev:arm64",
    "libbrotli-dev:arm64",
    "zlib1g-dev:arm64",
    "libnghttp2-dev:arm64",
];

/// Unpacked into the overlay, each at the version of the runtime library it
/// belongs to (the `-dev` file must match the `.so` it links).
const OVERLAY: &[(&str, Option<&str>)] = &[
    ("libsoup-3.0-dev", Some("libsoup-3.0-0")),
    ("libwebkit2gtk-4.1-dev", Some("libwebkit2gtk-4.1-0")),
    // sysprof-capture-4.pc only (a static library libsoup names privately).
    ("libsysprof-4-dev", None),
];

fn overlay_dir() -> PathBuf {
    target_dir().join("aarch64-overlay")
}

pub fn ensure_worker_toolchain() -> Result {
    ensure_packages(WORKER_PACKAGES)?;
    ensure_rust_target()
}

pub fn ensure_app_toolchain() -> Result {
    ensure_worker_toolchain()?;
    let foreign = Command::new("dpkg")
        .arg("--print-foreign-architectures")
        .output()
        .map_err(|e| format!("dpkg: {e}"))?;
    if !String::from_utf8_lossy(&foreign.stdout)
        .lines()
        .any(|a| a.trim() == DEB_ARCH)
    {
        // ensure_packages runs apt-get update before it installs.
        run(as_root("dpkg")?.args(["--add-architecture", DEB_ARCH]))?;
    }
    ensure_packages(APP_PACKAGES)?;
    ensure_overlay()
}

fn ensure_rust_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup (needed for the {TRIPLE} standard library): {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|t| t.trim() == TRIPLE)
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", TRIPLE]))
}

/// The installed version of an arm64 package.
fn version_of(package: &str) -> Result<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}"])
        .arg(format!("{package}:{DEB_ARCH}"))
        .output()
        .map_err(|e| format!("dpkg-query: {e}"))?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if version.is_empty() {
        return Err(format!("{package}:{DEB_ARCH} is not installed"));
    }
    Ok(version)
}

/// Download the `-dev` packages apt cannot install for arm64 here and unpack
/// them into the overlay; skipped when the overlay was made for the same
/// versions.
fn ensure_overlay() -> Result {
    let mut wanted = Vec::new();
    for (dev, runtime) in OVERLAY {
        wanted.push(match runtime {
            Some(lib) => format!("{dev}:{DEB_ARCH}={}", version_of(lib)?),
            None => format!("{dev}:{DEB_ARCH}"),
        });
    }
    let dir = overlay_dir();
    let stamp = dir.join("made-from");
    let recipe = wanted.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == recipe) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let debs = dir.join("debs");
    std::fs::create_dir_all(&debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    run(Command::new("apt-get")
        .arg("download")
        .args(&wanted)
        .current_dir(&debs))?;
    for entry in std::fs::read_dir(&debs).map_err(|e| e.to_string())? {
        let deb = entry.map_err(|e| e.to_string())?.path();
        run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir))?;
    }
    let libdir = dir.join(MULTIARCH_LIBDIR.trim_start_matches('/'));
    point_pc_files(&dir, &libdir)?;
    point_links(&libdir)?;
    std::fs::write(&stamp, recipe).map_err(|e| e.to_string())
}

/// The overlay's `.pc` files say `prefix=/usr` and `libdir=/usr/lib/…`:
/// point them into the overlay (headers and `.so` links are there).
fn point_pc_files(overlay: &Path, libdir: &Path) -> Result {
    let pkgconfig = libdir.join("pkgconfig");
    for entry in std::fs::read_dir(&pkgconfig).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let fixed: Vec<String> = text
            .lines()
            .map(|line| match line {
                "prefix=/usr" => format!("prefix={}", overlay.join("usr").display()),
                l if l == format!("libdir={MULTIARCH_LIBDIR}") => {
                    format!("libdir={}", libdir.display())
                }
                l => l.to_string(),
            })
            .collect();
        std::fs::write(&path, fixed.join("\n") + "\n").map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// `libfoo.so -> libfoo.so.0` (relative) becomes a link to the installed
/// arm64 runtime library.
fn point_links(libdir: &Path) -> Result {
    for entry in std::fs::read_dir(libdir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Ok(to) = std::fs::read_link(&path) else {
            continue;
        };
        if to.is_relative() {
            let installed = Path::new(MULTIARCH_LIBDIR).join(&to);
            if !installed.exists() {
                return Err(format!(
                    "{} points at {}, which is not installed",
                    path.display(),
                    installed.display()
                ));
            }
            std::fs::remove_file(&path).map_err(|e| e.to_string())?;
            std::os::unix::fs::symlink(&installed, &path).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// `cargo <verb> --target aarch64-unknown-linux-gnu` with the cross linker,
/// compilers and pkg-config search path on this command only. The values
/// stay the same for every cross build: build scripts re-run (and their
/// dependants rebuild) when one changes.
pub fn cross_cargo(verb: &str) -> Command {
    let pkgconfig = overlay_dir()
        .join(MULTIARCH_LIBDIR.trim_start_matches('/'))
        .join("pkgconfig");
    let mut cmd = cargo();
    cmd.args([verb, "--target", TRIPLE])
        .env(
            "PKG_CONFIG_LIBDIR",
            format!(
                "{}:{MULTIARCH_LIBDIR}/pkgconfig:/usr/share/pkgconfig",
                pkgconfig.display()
            ),
        )
        .env("PKG_CONFIG_SYSROOT_DIR", "/")
        .env("PKG_CONFIG_ALLOW_CROSS", "1")
        .env(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
            "aarch64-linux-gnu-gcc",
        )
        .env("CC_aarch64_unknown_linux_gnu", "aarch64-linux-gnu-gcc")
        .env("CXX_aarch64_unknown_linux_gnu", "aarch64-linux-gnu-g++")
        .env("AR_aarch64_unknown_linux_gnu", "aarch64-linux-gnu-ar");
    cmd
}

/// Where `cargo build --target` puts the cross binaries of `profile`.
pub fn cross_binary(profile: &str, name: &str) -> PathBuf {
    target_dir().join(TRIPLE).join(profile).join(name)
}

/// An arm64 program under qemu-user (no binfmt_misc here: qemu is called
/// explicitly). `root` is where qemu finds the dynamic loader and libraries:
/// `/` with Debian multiarch, [`CROSS_LIBC_ROOT`] with the cross libc only.
pub fn qemu(root: &str, program: &Path) -> Command {
    let mut cmd = Command::new("qemu-aarch64");
    cmd.arg("-L").arg(root).arg(program);
    cmd
}

/// A program the arm64 kiosk can start as its photo worker: without
/// binfmt_misc the kernel cannot exec an arm64 file, so this script does
/// what binfmt_misc would (run it under qemu).
pub fn worker_launcher(dir: &Path, worker: &Path, root: &str) -> Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("arm64-photo-worker");
    let script = format!(
        "#!/bin/sh\nexec qemu-aarch64 -L '{root}' '{}' \"$@\"\n",
        worker.display()
    );
    std::fs::write(&path, script).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())?;
    Ok(path)
}
