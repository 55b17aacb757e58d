//! `POST /screens/<id>`: a screen's heartbeat, the one request with a body
//! the feed server takes, and only when the kiosk keeps a fleet.
//!
//! Everything is checked before the body is read: the client's rate (its
//! address's token bucket), the bearer token, the path (one screen id), a
//! `Content-Length` (no chunked bodies) of at most
//! [`MAX_HEARTBEAT_BYTES`]. The body is then read within
//! [`BODY_TIMEOUT`], capped again while reading, and handed to the fleet,
//! which parses and validates it. A refusal before the body was read
//! closes the connection (the unread body cannot be skipped safely).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use super::server::{authorised, closing, plain};
use crate::fleet::{FleetError, Inbox, Via, MAX_HEARTBEAT_BYTES};

/// How long a screen may take to send its heartbeat's body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// The status a refusal is answered with.
fn status_of(error: &FleetError) -> StatusCode {
    match error {
        FleetError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        FleetError::Unauthenticated => StatusCode::UNAUTHORIZED,
        FleetError::RateLimited { .. } | FleetError::ScreenRateLimited { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        FleetError::Full { .. } => StatusCode::SERVICE_UNAVAILABLE,
        FleetError::Replayed { .. } => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn refusal(error: &FleetError, close: bool) -> Response<Full<Bytes>> {
    let text = error.to_string();
    let mut response = if close {
        closing(status_of(error), &text)
    } else {
        plain(status_of(error), &text)
    };
    if matches!(
        error,
        FleetError::RateLimited { .. }
            | FleetError::ScreenRateLimited { .. }
            | FleetError::Full { .. }
    ) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("15"));
    }
    response
}

pub(super) async fn answer(
    request: Request<Incoming>,
    token_digest: &[u8; 32],
    fleet: &Inbox,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let via = Via::Http(peer.ip());
    if request.method() != Method::POST {
        let mut response = closing(StatusCode::METHOD_NOT_ALLOWED, "a screen reports with POST");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if let Err(e) = fleet.admit(via) {
        return refusal(&e, true);
    }
    if !authorised(&request, token_digest) {
        fleet.refused(via, &FleetError::Unauthenticated);
        let mut response = closing(StatusCode::UNAUTHORIZED, "a bearer token is needed");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    let id = request
        .uri()
        .path()
        .strip_prefix("/screens/")
        .unwrap_or_default()
        .to_string();
    if let Err(e) = crate::fleet::heartbeat::check_screen_id(&id) {
        fleet.refused(via, &e);
        return closing(
            StatusCode::NOT_FOUND,
            "a screen reports at /screens/<its id>",
        );
    }
    let headers = request.headers();
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return closing(
            StatusCode::LENGTH_REQUIRED,
            "a report needs a Content-Length (no chunked bodies)",
        );
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let Some(length) = length else {
        return closing(
            StatusCode::LENGTH_REQUIRED,
            "a report needs a Content-Length",
        );
    };
    if length > MAX_HEARTBEAT_BYTES as u64 {
        let error = FleetError::TooLarge {
            size: usize::try_from(length).unwrap_or(usize::MAX),
            limit: MAX_HEARTBEAT_BYTES,
        };
        fleet.refused(via, &error);
        return refusal(&error, true);
    }
    let t1 = fleet.clock().now();
    let body = Limited::new(request.into_body(), MAX_HEARTBEAT_BYTES);
    let bytes = match tokio::time::timeout(BODY_TIMEOUT, body.collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) => {
            let error = FleetError::Malformed {
                message: format!("the body could not be read: {e}"),
            };
            fleet.refused(via, &error);
            return refusal(&error, true);
        }
        Err(_) => {
            let error = FleetError::Malformed {
                message: format!("the body took more than {BODY_TIMEOUT:?}"),
            };
            fleet.refused(via, &error);
            return closing(StatusCode::REQUEST_TIMEOUT, &error.to_string());
        }
    };
    let outcome = fleet.receive(&bytes, via, Some(&id), t1);
    fleet.tick();
    match outcome {
        Ok(Some(reply)) => {
            let mut response = Response::new(Full::new(Bytes::from(reply.to_bytes())));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Ok(None) => {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        Err(error) => refusal(&error, false),
    }
}
