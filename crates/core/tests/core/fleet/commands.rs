//! "Identify" and "Reload": a screen carries out only commands signed by a
//! key it trusts (any, when it trusts none), for itself, new and recent.

use kiosk_core::feed::{SigningKey, Trust};
use kiosk_core::fleet::{Action, Command, CommandFloor, SignedCommand, COMMAND_FORMAT};

/// A fresh organizer key: (the secret key, the trust of a screen that has its public key).
fn organizer(dir: &std::path::Path, name: &str) -> (SigningKey, Trust) {
    let file = dir.join(name);
    let public = kiosk_core::bundle::generate_keypair(&file).unwrap();
    let line = public.lines().nth(1).unwrap().to_string();
    (
        SigningKey::load(&file, None).unwrap(),
        Trust::from_keys(&[line]).unwrap(),
    )
}

fn command(screen: &str, id: u64, issued_ms: i64) -> Command {
    Command {
        format: COMMAND_FORMAT.into(),
        screen_id: screen.into(),
        action: Action::Identify,
        id,
        issued_ms,
    }
}

#[test]
fn only_commands_signed_by_a_trusted_key_for_this_screen_are_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (key, trust) = organizer(dir.path(), "organizer.key");
    let (other_key, _) = organizer(dir.path(), "attacker.key");
    let signed = SignedCommand::seal(&command("screen-1", 5, 0), Some(&key)).unwrap();
    assert_eq!(
        signed.open(&trust, "screen-1").unwrap(),
        command("screen-1", 5, 0)
    );
    let refusals = [
        (
            SignedCommand::seal(&command("screen-1", 5, 0), None).unwrap(),
            "screen-1",
            "not signed",
        ),
        (
            SignedCommand::seal(&command("screen-1", 5, 0), Some(&other_key)).unwrap(),
            "screen-1",
            "does not trust",
        ),
        (
            signed.clone(),
            "screen-2",
            "for screen \"screen-1\", not this one",
        ),
        (
            SignedCommand {
                command: signed.command.replace("identify", "reload"),
                signature: signed.signature.clone(),
            },
            "screen-1",
            "does not hold",
        ),
        (
            SignedCommand {
                command: "x".repeat(2_000),
                signature: None,
            },
            "screen-1",
            "2000 bytes; at most 1024",
        ),
    ];
    for (sent, screen, fragment) in refusals {
        let e = sent.open(&trust, screen).unwrap_err();
        assert_eq!(e.code(), "command_refused");
        assert!(e.to_string().contains(fragment), "{e} lacks {fragment:?}");
    }
    // A screen that trusts no key takes an unsigned command, for itself only.
    let plain = SignedCommand::seal(&command("screen-1", 5, 0), None).unwrap();
    assert!(plain.open(&Trust::none(), "screen-1").is_ok());
    assert!(plain.open(&Trust::none(), "screen-2").is_err());
    let not_one = SignedCommand {
        command: r#"{"format":"summit-kiosk-feed/1"}"#.into(),
        signature: None,
    };
    assert!(not_one
        .open(&Trust::none(), "screen-1")
        .unwrap_err()
        .to_string()
        .contains("not a command"));
}

#[test]
fn a_command_is_carried_out_once_and_only_while_recent() {
    let mut floor = CommandFloor::default();
    let now = 1_700_000_000_000;
    assert!(floor.take(&command("s", 10, now - 1_000), now).is_ok());
    // The same again (a replay, or twice delivered), or an older one.
    assert!(floor
        .take(&command("s", 10, now - 1_000), now)
        .unwrap_err()
        .to_string()
        .contains("already carried out"));
    assert!(floor.take(&command("s", 9, now), now).is_err());
    // Issued more than two minutes ago by the leader's clock (as estimated), or ahead of it.
    let e = floor
        .take(&command("s", 11, now - 121_000), now)
        .unwrap_err();
    assert!(e.to_string().contains("121 s"), "{e}");
    assert!(floor.take(&command("s", 12, now + 121_000), now).is_err());
    assert!(floor.take(&command("s", 13, now - 119_000), now).is_ok());
}
