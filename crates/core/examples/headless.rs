//! The core behind `summit-kiosk now --json` and `check`, without the shell:
//! `cargo xtask test` cross-builds this for aarch64 and runs it under
//! qemu-user against this machine's build (`xtask/src/arm64.rs`), because
//! the real binary links WebKitGTK, whose arm64 build is too long for the
//! suite. What it prints comes from the same functions the binary prints.
//!
//! ```text
//! headless now AT demo|FILE   what `now --json --at AT --demo|--schedule FILE` prints
//! headless check FILE         what `check FILE` prints
//! ```

use std::process::ExitCode;

use kiosk_core::import::{self, ImportOptions};
use kiosk_core::{check_report, demo, now_report, parse_instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let options = ImportOptions::default();
    let result = match args.as_slice() {
        ["now", at, what] => parse_instant(at).and_then(|at| {
            let schedule = match *what {
                "demo" => demo::rebased(at),
                file => import::load_source(file, &options)?.1.schedule,
            };
            let schedule = now_report::through_store(&schedule)?;
            let report = now_report::now_report(&schedule, at, None)?;
            Ok(now_report::to_json(&report) + "\n")
        }),
        ["check", file] => import::load_source(file, &options)
            .map(|(format, validated)| check_report::check_summary(file, format, &validated)),
        _ => {
            eprintln!("usage: headless now AT demo|FILE | headless check FILE");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("headless: error: {e}");
            ExitCode::FAILURE
        }
    }
}
