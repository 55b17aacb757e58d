//! Trust: bad, missing and untrusted signatures; another conference's or
//! an older bundle refused by the policy.

use super::*;

#[test]
fn signatures_bad_missing_and_untrusted_are_refused() {
    let mut kit = Kit::new();
    let key_file = kit.path("trusted.key");
    let trusted = bundle::generate_keypair(&key_file).unwrap();
    let other_key = kit.path("other.key");
    bundle::generate_keypair(&other_key).unwrap();
    let signed = kit.settings(PolicyMode::Signed, std::slice::from_ref(&trusted));

    // Bad: the manifest changed after signing; refused under every policy.
    for (i, mode) in [
        PolicyMode::Signed,
        PolicyMode::SameConference,
        PolicyMode::Any,
    ]
    .into_iter()
    .enumerate()
    {
        let stick = kit.stick_with(
            &format!("tampered-{i}"),
            100,
            &[(TITLE, NEW_TITLE)],
            Some(&key_file),
        );
        edit_manifest(&stick, |m| m.conference.name = "Dask Summit 2021".into());
        let settings = kit.settings(mode, std::slice::from_ref(&trusted));
        kit.refused(
            &stick,
            &settings,
            "bad_signature",
            &["manifest.json.minisig", "bad signature"],
        );
    }
    // Bad: not a signature at all.
    let stick = kit.stick_with("garbage", 100, &[(TITLE, NEW_TITLE)], Some(&key_file));
    fs::write(
        stick.join("summit-kiosk/manifest.json.minisig"),
        "hello\nworld\n",
    )
    .unwrap();
    kit.refused(
        &stick,
        &kit.settings(PolicyMode::Any, &[]),
        "bad_signature",
        &["does not parse"],
    );

    // Missing, under `signed`; accepted under the default policy.
    let stick = kit.stick("unsigned", 100);
    kit.refused(
        &stick,
        &signed,
        "unsigned",
        &["manifest.json.minisig", "not signed"],
    );

    // Signed by a key this kiosk does not trust.
    let stick = kit.stick_with("untrusted", 100, &[(TITLE, NEW_TITLE)], Some(&other_key));
    kit.refused(
        &stick,
        &signed,
        "untrusted_key",
        &["manifest.json.minisig", "does not trust"],
    );

    // Neither is recorded: with the right key, or another policy, it applies.
    let settings = kit.settings(same_conference(), &[]);
    assert!(matches!(
        kit.process(&stick, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
}

#[test]
fn policy_refuses_another_conference_and_old_versions() {
    let mut kit = Kit::new();
    let settings = kit.settings(same_conference(), &[]);
    let other = kit.stick_with(
        "other",
        100,
        &[("\"id\": \"dask-summit-2020\"", "\"id\": \"pycon-2020\"")],
        None,
    );
    kit.refused(
        &other,
        &settings,
        "other_conference",
        &["manifest.json", "\"pycon-2020\"", "\"dask-summit-2020\""],
    );
    // Under `any`, it applies.
    let any = kit.settings(PolicyMode::Any, &[]);
    assert!(matches!(
        kit.process(&other, &any).unwrap(),
        ApplyOutcome::Applied(_)
    ));

    let mut kit = Kit::new();
    let v100 = kit.stick("v100", 100);
    assert!(matches!(
        kit.process(&v100, &settings).unwrap(),
        ApplyOutcome::Applied(_)
    ));
    let older = kit.stick_with("v99", 99, &[(TITLE, "Older")], None);
    kit.refused(
        &older,
        &settings,
        "not_newer",
        &["version 99", "version 100"],
    );
    let equal = kit.stick_with("v100b", 100, &[(TITLE, "Same version")], None);
    kit.refused(
        &equal,
        &settings,
        "not_newer",
        &["version 100 is not newer"],
    );
    // That refusal is for ever: recorded, so the stick is not checked again.
    let again = kit.process(&equal, &settings).unwrap();
    assert!(
        matches!(again, ApplyOutcome::AlreadySeen { .. }),
        "{again:?}"
    );
    // Without `require_newer`, an older version goes.
    let older2 = kit.stick_with("v98", 98, &[(TITLE, "Older")], None);
    let lax = Settings {
        policy: Policy {
            mode: PolicyMode::SameConference,
            require_newer: false,
        },
        ..settings
    };
    assert!(matches!(
        kit.process(&older2, &lax).unwrap(),
        ApplyOutcome::Applied(_)
    ));
    assert_eq!(kit.title(), "Older");
}
