//! The clock exchange: the offset and its uncertainty from four times, as
//! NTP computes them; a table of exchanges people can check by hand, and
//! a property: whatever the delays each way and however long the leader
//! holds the reply, the true offset is within the uncertainty.

use kiosk_core::fleet::{ClockOffset, Exchange, Reply};
use proptest::prelude::*;

fn check(t: [i64; 4], expect: Option<(i64, u64)>) {
    let got = Exchange {
        t0: t[0],
        t1: t[1],
        t2: t[2],
        t3: t[3],
    }
    .offset();
    assert_eq!(
        got,
        expect.map(|(offset_ms, uncertainty_ms)| ClockOffset {
            offset_ms,
            uncertainty_ms
        }),
        "{t:?}"
    );
}

#[test]
fn offsets_of_exchanges() {
    // In step, 10 ms each way.
    check([1_000, 1_010, 1_010, 1_020], Some((0, 10)));
    // 30 s ahead, 10 ms each way: sent at 31 000 by its clock, 1 010 by the leader's.
    check([31_000, 1_010, 1_010, 31_020], Some((30_000, 10)));
    // 30 s behind.
    check([1_000, 31_010, 31_010, 1_020], Some((-30_000, 10)));
    // The leader held the reply 8 s: no less accurate.
    check([1_000, 1_010, 9_010, 9_020], Some((0, 10)));
    // Asymmetric delays (0 ms there, 40 ms back): off by 20, within 20.
    check([1_000, 1_000, 1_000, 1_040], Some((20, 20)));
    // Loopback: all in one millisecond.
    check([5, 5, 5, 5], Some((0, 0)));
    // Times that cannot be one exchange.
    check([1_000, 1_010, 1_000, 1_020], None); // replied before it arrived
    check([1_000, 1_010, 1_100, 1_020], None); // held longer than the round trip
    check([i64::MAX, i64::MIN, 0, 0], None); // overflow
}

proptest! {
    #[test]
    fn the_true_offset_is_within_the_uncertainty(
        offset in -3_600_000i64..3_600_000,
        there in 0i64..5_000,
        back in 0i64..5_000,
        held in 0i64..10_000,
        t0 in 1_500_000_000_000i64..1_900_000_000_000,
    ) {
        // The screen's clock reads `offset` more than the leader's.
        let t1 = t0 - offset + there;
        let t2 = t1 + held;
        let t3 = t2 + offset + back;
        let got = Exchange { t0, t1, t2, t3 }.offset().expect("a real exchange");
        prop_assert!((got.offset_ms - offset).unsigned_abs() <= got.uncertainty_ms,
            "{got:?} vs {offset}");
        prop_assert_eq!(got.uncertainty_ms as i64, (there + back) / 2);
    }
}

#[test]
fn a_reply_is_for_one_screen_and_bounded() {
    let reply = Reply {
        format: kiosk_core::fleet::REPLY_FORMAT.into(),
        screen_id: "screen-1".into(),
        t0_ms: 31_000,
        t1_ms: 1_010,
        t2_ms: 1_010,
        commands: Vec::new(),
    };
    let bytes = reply.to_bytes();
    assert_eq!(
        Reply::parse(&bytes, "screen-1").unwrap().offset(31_020),
        Some(ClockOffset {
            offset_ms: 30_000,
            uncertainty_ms: 10
        })
    );
    let e = Reply::parse(&bytes, "screen-2").unwrap_err();
    assert!(e.to_string().contains("another screen"), "{e}");
    let mut many = reply.clone();
    many.commands = vec![
        kiosk_core::fleet::SignedCommand {
            command: "{}".into(),
            signature: None
        };
        9
    ];
    let e = Reply::parse(&many.to_bytes(), "screen-1").unwrap_err();
    assert!(e.to_string().contains("9 commands; at most 8"), "{e}");
    assert_eq!(
        Reply::parse(b"<html>", "screen-1").unwrap_err().code(),
        "report_malformed"
    );
}
