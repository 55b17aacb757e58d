//! `cargo xtask fuzz [--secs N] [--jobs J] [TARGET…]`: run the cargo-fuzz
//! targets of `fuzz/` (every parser of untrusted bytes), seeded from the real
//! fixtures, then minimise each corpus into `fuzz/corpus/<target>/`, which
//! kiosk-core's `fuzz_replay` test replays on stable Rust.
//!
//! The machine has the stable toolchain only; libFuzzer's instrumentation
//! flags are nightly features, which `RUSTC_BOOTSTRAP=1` unlocks on stable.
//! The address sanitizer's runtime ships with the standard library for
//! x86_64 Linux, and cargo-fuzz builds the C libraries (SQLite,
//! libjpeg-turbo) with it too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, cargo_bin, ensure_packages, root, run, which, Result, BUILD_PACKAGES};

/// Ten minutes per target unless told otherwise.
const DEFAULT_SECS: u64 = 600;
/// The committed corpus of one target stays small (the replay test checks).
const MAX_CORPUS_FILES: usize = 200;
const MAX_CORPUS_BYTES: u64 = 2 << 20;

struct Target {
    name: &'static str,
    /// Inputs are cut to this many bytes (seeds too): big enough for a
    /// whole small schedule, small enough to keep the fuzzer fast.
    max_len: usize,
    /// A single input taking longer is a hang (libFuzzer's `-timeout`, s).
    timeout_secs: u64,
    /// libFuzzer's -malloc_limit_mb and -rss_limit_mb (default 2048).
    memory_mb: u64,
    /// Seeds: files or folders (each file in it) under the repository root,
    /// and folders made by the `fuzz_seeds` example (under its output).
    fixtures: &'static [&'static str],
}

/// A target with the usual limits: inputs up to 64 KiB (a whole small
/// schedule), 10 s before an input counts as a hang, libFuzzer's memory cap.
const fn target(name: &'static str, fixtures: &'static [&'static str]) -> Target {
    Target {
        name,
        max_len: 64 << 10,
        timeout_secs: 10,
        memory_mb: 2048,
        fixtures,
    }
}

const FIXTURES: &str = "crates/core/tests/fixtures";
const BAD: &str = "crates/core/tests/fixtures/bad";

const TARGETS: &[Target] = &[
    target("schedule_json", &["assets/demo/dask-summit-2020.json", BAD]),
    target("frab_xml", &["crates/core/tests/fixtures/frab", BAD]),
    target("frab_json", &["crates/core/tests/fixtures/frab", BAD]),
    target(
        "sessionize",
        &["crates/core/tests/fixtures/sessionize", BAD],
    ),
    target("csv", &["crates/core/tests/fixtures/csv", BAD]),
    target("ical", &["crates/core/tests/fixtures/ical", BAD]),
    target(
        "detect",
        &["assets/demo/dask-summit-2020.json", FIXTURES, "seeds:feed"],
    ),
    // The importer's own time budget is 5 s.
    Target {
        max_len: 128 << 10,
        ..target("sqlite", &["seeds:sqlite"])
    },
    target("feed", &["seeds:feed"]),
    target("feed_signed", &["seeds:feed_signed"]),
    // The follower's path behind a valid signature (the harness seals).
    target("feed_follower", &["seeds:feed_follower"]),
    target("bundle", &["seeds:bundle"]),
    target("config", &["config.example.toml"]),
    // Headers are at the start: the demo photos cut to 64 KiB.
    target(
        "photo_header",
        &["assets/demo/photos", "seeds:photo_header"],
    ),
    // The photo worker's limits (`WorkerLimits::default()`): 1024 MiB of
    // address space, 30 s.
    Target {
        timeout_secs: 30,
        memory_mb: 1024,
        ..target("photo_decode", &["seeds:photo_decode"])
    },
];

struct Options {
    secs: u64,
    jobs: usize,
    targets: Vec<&'static Target>,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        secs: DEFAULT_SECS,
        jobs: 2,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<u64> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{what} needs a whole number"))
        };
        match arg.as_str() {
            "--secs" => options.secs = number("--secs")?,
            "--jobs" => options.jobs = number("--jobs")?.max(1) as usize,
            name => {
                let target = TARGETS.iter().find(|t| t.name == name).ok_or_else(|| {
                    let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
                    format!(
                        "no fuzz target {name:?}; the targets are: {}",
                        names.join(" ")
                    )
                })?;
                options.targets.push(target);
            }
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().collect();
    }
    Ok(options)
}

pub fn fuzz(args: &[String]) -> Result {
    let options = parse(args)?;
    ensure_packages(BUILD_PACKAGES)?;
    let cargo_fuzz = ensure_cargo_fuzz()?;
    let fuzz = root().join("fuzz");
    let work = fuzz.join("work");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let seeds = work.join("seeds");
    run(cargo()
        .args([
            "run",
            "--quiet",
            "-p",
            "kiosk-core",
            "--example",
            "fuzz_seeds",
            "--",
        ])
        .arg(&seeds))?;
    run(&mut fuzz_command(&cargo_fuzz, "build"))?;
    let mut queue: Vec<&Target> = options.targets.clone();
    queue.reverse();
    let mut running: Vec<(&Target, Child, Instant)> = Vec::new();
    let mut results = Vec::new();
    while !queue.is_empty() || !running.is_empty() {
        while running.len() < options.jobs {
            let Some(target) = queue.pop() else { break };
            let corpus = work.join(target.name);
            seed(target, &corpus, &seeds)?;
            running.push((
                target,
                start(&cargo_fuzz, target, &corpus, options.secs)?,
                Instant::now(),
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
        let mut i = 0;
        while i < running.len() {
            match running[i].1.try_wait().map_err(|e| e.to_string())? {
                Some(status) => {
                    let (target, _, started) = running.remove(i);
                    results.push(report(target, status.success(), started.elapsed(), &work)?);
                }
                None => i += 1,
            }
        }
    }
    let mut failed = Vec::new();
    for r in &results {
        if r.crashed {
            failed.push(r.name);
            continue;
        }
        let (files, bytes, dropped) = minimise(&cargo_fuzz, r.target, &work)?;
        println!(
            "{:<14} {:>5} s {:>11} runs {:>7} exec/s  cov {:>6}  corpus {files} files, {bytes} bytes{}",
            r.name,
            r.secs,
            r.runs,
            r.exec_per_sec,
            r.coverage,
            if dropped > 0 { format!(" ({dropped} over the cap left out)") } else { String::new() }
        );
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: the inputs are in fuzz/artifacts/<target>/ (see fuzz/work/<target>.log). \
             Fix the parser, copy the input to fuzz/regressions/<target>/ and add a named test to \
             crates/core/tests/core/fuzz_replay.rs",
            failed.join(", ")
        ))
    }
}

fn ensure_cargo_fuzz() -> Result<PathBuf> {
    if let Some(found) = which("cargo-fuzz") {
        return Ok(found);
    }
    let path = cargo_bin("cargo-fuzz");
    if !path.is_file() {
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(path)
}

/// `cargo fuzz <verb>` with the options every build and run shares: release
/// with debug assertions (overflow checks) and ASan.
fn fuzz_command(cargo_fuzz: &Path, verb: &str) -> Command {
    let mut cmd = Command::new(cargo_fuzz);
    cmd.current_dir(root())
        .arg(verb)
        .args(["--fuzz-dir", "fuzz", "-O", "-a"])
        .env("RUSTC_BOOTSTRAP", "1");
    cmd
}

/// Fill the working corpus: the committed corpus and regressions, the
/// fixtures and the generated seeds, each cut to the target's length.
fn seed(target: &Target, corpus: &Path, seeds: &Path) -> Result {
    let fuzz = root().join("fuzz");
    std::fs::create_dir_all(corpus).map_err(|e| e.to_string())?;
    let mut sources = vec![
        fuzz.join("corpus").join(target.name),
        fuzz.join("regressions").join(target.name),
    ];
    for fixture in target.fixtures {
        sources.push(match fixture.strip_prefix("seeds:") {
            Some(generated) => seeds.join(generated),
            None => root().join(fixture),
        });
    }
    let mut files = Vec::new();
    for source in &sources {
        files_under(source, &mut files)?;
    }
    for file in files {
        let mut bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        bytes.truncate(target.max_len);
        // Named by content, as libFuzzer names its own: a file that is in
        // several sources is one input.
        let name = format!("seed-{:016x}", fnv1a(&bytes));
        std::fs::write(corpus.join(name), bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The files at or under `path` (none if it does not exist).
fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> Result {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if path.is_dir() {
        for entry in std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))? {
            files_under(&entry.map_err(|e| e.to_string())?.path(), out)?;
        }
    }
    Ok(())
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn start(cargo_fuzz: &Path, target: &Target, corpus: &Path, secs: u64) -> Result<Child> {
    let artifacts = root().join("fuzz/artifacts").join(target.name);
    std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
    let log = root()
        .join("fuzz/work")
        .join(format!("{}.log", target.name));
    let log = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let mut cmd = fuzz_command(cargo_fuzz, "run");
    cmd.arg(target.name)
        .arg(corpus)
        .arg("--")
        .arg(format!("-max_total_time={secs}"))
        .arg(format!("-max_len={}", target.max_len))
        .arg(format!("-timeout={}", target.timeout_secs))
        .arg(format!("-malloc_limit_mb={}", target.memory_mb))
        .arg(format!("-rss_limit_mb={}", target.memory_mb))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .stdout(Stdio::null())
        .stderr(log);
    eprintln!("xtask: fuzzing {} for {secs} s", target.name);
    cmd.spawn()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))
}

struct Outcome {
    name: &'static str,
    target: &'static Target,
    crashed: bool,
    secs: u64,
    runs: u64,
    exec_per_sec: u64,
    coverage: u64,
}

/// Read libFuzzer's final statistics (and whether it stopped on a crash).
fn report(target: &'static Target, ok: bool, took: Duration, work: &Path) -> Result<Outcome> {
    let log = std::fs::read_to_string(work.join(format!("{}.log", target.name)))
        .map_err(|e| e.to_string())?;
    let stat = |key: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    // The last status line holds the coverage ("cov: 1234").
    let coverage = log
        .lines()
        .rev()
        .find_map(|l| l.split("cov: ").nth(1))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let crashed = !ok;
    if crashed {
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        eprintln!("xtask: {} stopped on a finding:", target.name);
        for line in tail.into_iter().rev() {
            eprintln!("    {line}");
        }
    }
    Ok(Outcome {
        name: target.name,
        target,
        crashed,
        secs: took.as_secs(),
        runs: stat("stat::number_of_executed_units:"),
        exec_per_sec: stat("stat::average_exec_per_sec:"),
        coverage,
    })
}

/// `cargo fuzz cmin` the working corpus, then commit it under the cap;
/// returns files, bytes, left out.
fn minimise(cargo_fuzz: &Path, target: &Target, work: &Path) -> Result<(usize, u64, usize)> {
    let corpus = work.join(target.name);
    run(fuzz_command(cargo_fuzz, "cmin")
        .arg(target.name)
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_len={}", target.max_len))
        .arg(format!("-timeout={}", target.timeout_secs))
        .stderr(Stdio::null()))?;
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&corpus)
        .map_err(|e| e.to_string())?
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.len(), e.path())))
        .collect();
    files.sort();
    let kept = under_cap(&files);
    let committed = root().join("fuzz/corpus").join(target.name);
    let _ = std::fs::remove_dir_all(&committed);
    std::fs::create_dir_all(&committed).map_err(|e| e.to_string())?;
    let mut bytes = 0;
    for (len, path) in &kept {
        let name = path.file_name().expect("a file in the corpus");
        std::fs::copy(path, committed.join(name)).map_err(|e| e.to_string())?;
        bytes += len;
    }
    Ok((kept.len(), bytes, files.len() - kept.len()))
}

/// At most [`MAX_CORPUS_FILES`] of the minimised corpus (sorted by size),
/// spread evenly over the sizes: the small inputs that reach the first
/// branches and the whole documents that reach validation both stay. Then
/// the largest go until the bytes fit [`MAX_CORPUS_BYTES`].
fn under_cap(sorted: &[(u64, PathBuf)]) -> Vec<(u64, PathBuf)> {
    let n = sorted.len();
    let mut kept: Vec<(u64, PathBuf)> = if n <= MAX_CORPUS_FILES {
        sorted.to_vec()
    } else {
        (0..MAX_CORPUS_FILES)
            .map(|i| sorted[i * n / MAX_CORPUS_FILES].clone())
            .collect()
    };
    while kept.iter().map(|(len, _)| len).sum::<u64>() > MAX_CORPUS_BYTES {
        kept.pop();
    }
    kept
}
