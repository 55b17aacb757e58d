//! The USB bundle commands: `bundle make`, `bundle keygen` and `check DIR`,
//! for the organizer's laptop and the venue tech testing a stick.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kiosk_core::bundle::{self, Settings, SignatureState};
use kiosk_core::config::Config;
use kiosk_core::import::ImportOptions;

use crate::usb::UsbSettings;

fn fail(e: bundle::BundleError) -> kiosk_core::Result<ExitCode> {
    eprintln!("summit-kiosk: error: {e}");
    Ok(ExitCode::FAILURE)
}

pub fn cmd_make(
    schedule: &Path,
    photos: Option<PathBuf>,
    sign: Option<PathBuf>,
    version: Option<u64>,
    output: &Path,
    venue_timezone: Option<String>,
) -> kiosk_core::Result<ExitCode> {
    let password = std::env::var("SUMMIT_KIOSK_KEY_PASSWORD").ok();
    let made = match bundle::make(
        schedule,
        photos.as_deref(),
        sign.as_deref().map(|k| (k, password)),
        version,
        output,
        &ImportOptions { venue_timezone },
    ) {
        Ok(made) => made,
        Err(e) => return fail(e),
    };
    let m = &made.manifest;
    println!("Wrote a bundle to {}", made.dir.display());
    println!("  conference  {} ({})", m.conference.name, m.conference.id);
    println!("  version     {}", m.bundle_version);
    println!("  files       {}", m.files.len());
    println!("  signed      {}", if made.signed { "yes" } else { "no" });
    println!("  id          {}", made.id);
    println!("Copy the folder's contents to the top of a USB stick; test it with `summit-kiosk check STICK`.");
    Ok(ExitCode::SUCCESS)
}

pub fn cmd_keygen(secret_key: &Path) -> kiosk_core::Result<ExitCode> {
    match bundle::generate_keypair(secret_key) {
        Ok(public) => {
            println!(
                "Wrote the secret key to {} (keep it off the sticks).",
                secret_key.display()
            );
            println!(
                "Public key, for each kiosk's [bundle] trusted_keys:\n{}",
                public.trim()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => fail(e),
    }
}

pub fn cmd_check_bundle(
    dir: &str,
    venue_timezone: Option<String>,
    config: Option<PathBuf>,
) -> kiosk_core::Result<ExitCode> {
    let config = Config::load(config.as_deref())?;
    let import = ImportOptions {
        venue_timezone: venue_timezone.or(config.venue_timezone.clone()),
    };
    let policy = config.bundle_policy();
    let checked = match bundle::check(
        Path::new(dir),
        &policy,
        &config.all_trusted_keys(),
        None,
        &import,
    ) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let m = &checked.manifest;
    println!("{dir}: a valid bundle (nothing was applied)");
    println!("  conference  {} ({})", m.conference.name, m.conference.id);
    println!("  version     {}", m.bundle_version);
    for f in &m.files {
        println!(
            "  {:<13} {} ({} bytes, sha256 ok)",
            format!("{:?}", f.kind).to_lowercase(),
            f.path,
            f.size
        );
    }
    let signature = match &checked.signature {
        SignatureState::Unsigned => "none".to_string(),
        SignatureState::Trusted { key_id } => format!("good, by trusted key {key_id}"),
        SignatureState::Untrusted { key_id } => {
            format!("by key {key_id}, which this config does not trust")
        }
    };
    println!("  signature   {signature}");
    println!(
        "  policy      {:?}, require newer: {}",
        policy.mode, policy.require_newer
    );
    Ok(ExitCode::SUCCESS)
}

pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "kiosk".into())
}

pub fn usb_settings(
    config: &Config,
    data_dir: &Path,
    venue_timezone: Option<String>,
) -> UsbSettings {
    UsbSettings {
        mount_roots: config.bundle.mount_roots.clone(),
        bundle: Settings {
            policy: config.bundle_policy(),
            trusted_keys: config.all_trusted_keys(),
            import: ImportOptions { venue_timezone },
            staging_root: data_dir.join("staging"),
        },
        photo_inboxes: crate::photo_cli::inboxes(data_dir),
        host: host_name(),
    }
}
