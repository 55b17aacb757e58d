//! `summit-kiosk-photo-worker`: one untrusted photo through the wall's
//! pipeline (`kiosk_core::photos`), in a process of its own with an
//! address-space, CPU, file-size and core limit; the parent (the kiosk's
//! ingest, `photo render`) adds a wall-clock timeout and reads the one JSON
//! line this prints. No Tauri, no GTK: started once per photo, it must cost
//! little more than the decoding itself.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kiosk_core::photos::worker::{self, Destination};

#[derive(Parser, Debug)]
#[command(
    name = "summit-kiosk-photo-worker",
    version,
    about = "Summit Kiosk's photo worker (started by summit-kiosk, one per photo)"
)]
struct Args {
    /// The photo: JPEG, PNG or WebP (a regular file, read at most 64 MiB).
    #[arg(long)]
    input: PathBuf,
    /// A rendition's long edge in pixels; repeat for more.
    #[arg(long = "long-edge", required = true)]
    long_edges: Vec<u32>,
    /// Write `<sha256>-<edge>.jpg` renditions into this folder …
    #[arg(long, conflicts_with = "output", required_unless_present = "output")]
    out_dir: Option<PathBuf>,
    /// … or the one rendition to this file.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Address space of this process, in MiB.
    #[arg(long, default_value_t = 1024)]
    memory_mb: u64,
    /// CPU seconds before the kernel stops this process.
    #[arg(long, default_value_t = 31)]
    cpu_secs: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let destination = match (args.out_dir, args.output) {
        (Some(dir), _) => Destination::Cache(dir),
        (None, Some(file)) => Destination::File(file),
        (None, None) => unreachable!("clap requires one of them"),
    };
    let reply = worker::serve(
        &args.input,
        args.long_edges,
        &destination,
        args.memory_mb,
        args.cpu_secs,
    );
    println!("{reply}");
    ExitCode::SUCCESS
}
