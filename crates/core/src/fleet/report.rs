//! A screen's side over HTTP: its heartbeat POSTed to the leader it follows
//! (`/screens/<id>` beside the leader's `/feed.json`, with the same bearer
//! token), the reply read with a cap and a time-out, and the clock offset
//! of that exchange.

use std::io::Read;
use std::time::Duration;

use super::{ClockOffset, FleetError, Heartbeat, Reply, MAX_HEARTBEAT_BYTES};
use crate::clock::Clock;
use crate::secret::Secret;
use crate::sync::UrlSource;

/// Where and how one screen reports to its leader.
pub struct HttpReporter {
    agent: ureq::Agent,
    /// `http://leader:8787/screens/<id>`.
    url: String,
    token: Option<Secret>,
    screen_id: String,
}

/// What the leader answered.
#[derive(Debug)]
pub struct Answered {
    pub reply: Reply,
    /// The clock offset this exchange measured (`None`: the times do not
    /// make one exchange).
    pub offset: Option<ClockOffset>,
    /// The leader's clock now, as this screen estimates it (ms).
    pub leader_now_ms: i64,
}

impl std::fmt::Debug for HttpReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpReporter")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl HttpReporter {
    /// The reporter for a screen that follows the feed at `feed` (a
    /// `…/feed.json` URL); `None` for any other URL (a plain schedule file
    /// on a web server has no leader to report to).
    pub fn for_feed(feed: &UrlSource, screen_id: &str) -> Option<HttpReporter> {
        let mut url = url::Url::parse(&feed.url).ok()?;
        let path = url.path().to_string();
        let base = path.strip_suffix("/feed.json")?;
        url.set_path(&format!("{base}/screens/{screen_id}"));
        url.set_query(None);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(10)))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(concat!("summit-kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Some(HttpReporter {
            agent,
            url: url.to_string(),
            token: feed.token.clone(),
            screen_id: screen_id.to_string(),
        })
    }

    /// Where it reports (no credentials in it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Send `heartbeat` (its `sent_ms` set from `clock` here) and read the reply.
    pub fn send(
        &self,
        mut heartbeat: Heartbeat,
        clock: &dyn Clock,
    ) -> Result<Answered, FleetError> {
        let fail = |message: String| FleetError::Transport { message };
        heartbeat.sent_ms = clock.now().as_millisecond();
        let body = heartbeat.to_bytes();
        let mut request = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/json");
        if let Some(token) = &self.token {
            request = request.header("Authorization", &format!("Bearer {}", token.expose()));
        }
        let mut response = request
            .send(&body[..])
            .map_err(|e| fail(format!("{}: {e}", self.url)))?;
        let status = response.status().as_u16();
        let mut bytes = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_HEARTBEAT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("{}: reading the reply: {e}", self.url)))?;
        let t3 = clock.now().as_millisecond();
        if status != 200 {
            let text = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]);
            return Err(fail(format!(
                "{}: the leader answered HTTP {status}: {}",
                self.url,
                text.trim()
            )));
        }
        let reply = Reply::parse(&bytes, &self.screen_id)?;
        let offset = reply.offset(t3);
        let leader_now_ms = t3 - offset.map_or(0, |o| o.offset_ms);
        Ok(Answered {
            reply,
            offset,
            leader_now_ms,
        })
    }
}
