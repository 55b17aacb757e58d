//! Messages on a broker carry the follower token the way HTTP requests do,
//! without showing it to every subscriber: as an HMAC-SHA256 of the
//! message's exact bytes, keyed with the token.
//!
//! ```json
//! {"format":"summit-kiosk-mac/1","body":"{\"format\":\"summit-kiosk-heartbeat/1\",…}","mac":"…"}
//! ```
//!
//! With no token configured, messages go as they are (and a sealed one is
//! taken unchecked: there is nothing to check it with).

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::FleetError;
use crate::secret::Secret;

const SEALED_FORMAT: &str = "summit-kiosk-mac/1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed<'a> {
    format: Cow<'a, str>,
    body: Cow<'a, str>,
    mac: Cow<'a, str>,
}

fn mac_of(token: &Secret, body: &[u8]) -> [u8; 32] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(token.expose().as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `body` (UTF-8 JSON) as it goes on the broker: sealed with `token`, or
/// as it is without one.
pub fn seal(token: Option<&Secret>, body: &[u8]) -> Vec<u8> {
    let Some(token) = token else {
        return body.to_vec();
    };
    let text = String::from_utf8_lossy(body);
    serde_json::to_vec(&Sealed {
        format: SEALED_FORMAT.into(),
        mac: hex(&mac_of(token, text.as_bytes())).into(),
        body: text,
    })
    .expect("a sealed message serializes")
}

/// The body of a message from the broker: with `token`, only a sealed one
/// whose MAC holds.
pub fn open_sealed<'a>(
    token: Option<&Secret>,
    bytes: &'a [u8],
) -> Result<Cow<'a, [u8]>, FleetError> {
    let sealed = serde_json::from_slice::<Sealed>(bytes)
        .ok()
        .filter(|s| s.format == SEALED_FORMAT);
    match (token, sealed) {
        (None, None) => Ok(Cow::Borrowed(bytes)),
        (None, Some(sealed)) => Ok(Cow::Owned(sealed.body.into_owned().into_bytes())),
        (Some(_), None) => Err(FleetError::Unauthenticated),
        (Some(token), Some(sealed)) => {
            let expected = hex(&mac_of(token, sealed.body.as_bytes()));
            if bool::from(expected.as_bytes().ct_eq(sealed.mac.as_bytes())) {
                Ok(Cow::Owned(sealed.body.into_owned().into_bytes()))
            } else {
                Err(FleetError::Unauthenticated)
            }
        }
    }
}
