//! `summit-kiosk generate-assets --out DIR` (hidden; `cargo xtask deb` runs
//! it): the man pages and shell completions, from the clap grammar, so they
//! never drift from the binary they ship with.

use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use kiosk_core::Error;

use super::args::Cli;

/// Where each file goes in the package, relative to `DIR`.
pub const MAN_DIR: &str = "man/man1";
const COMPLETIONS: [(Shell, &str); 3] = [
    (Shell::Bash, "completions/bash/summit-kiosk"),
    (Shell::Zsh, "completions/zsh/_summit-kiosk"),
    (Shell::Fish, "completions/fish/summit-kiosk.fish"),
];

pub fn cmd_generate_assets(out: &Path) -> kiosk_core::Result<ExitCode> {
    let man = out.join(MAN_DIR);
    std::fs::create_dir_all(&man).map_err(Error::io("create the folder", &man))?;
    // One page per command (summit-kiosk.1, summit-kiosk-doctor.1, …).
    clap_mangen::generate_to(Cli::command(), &man)
        .map_err(Error::io("write man pages in", &man))?;
    for (shell, file) in COMPLETIONS {
        let path = out.join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io("create the folder", dir))?;
        }
        let mut bytes = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "summit-kiosk", &mut bytes);
        std::fs::write(&path, bytes).map_err(Error::io("write", &path))?;
    }
    println!(
        "Man pages in {}, completions in {}",
        man.display(),
        out.join("completions").display()
    );
    Ok(ExitCode::SUCCESS)
}
