//! Why a heartbeat, a reply or a command was refused, or why the fleet's
//! transport failed. Every message names the field or the limit.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    #[error("the report is {size} bytes, over the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("not a Summit Kiosk report: {message}")]
    Malformed { message: String },
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    #[error("the report does not carry the follower token (or its MAC does not hold)")]
    Unauthenticated,
    #[error("too many reports from {who}; slow down")]
    RateLimited { who: String },
    /// One screen reports faster than its own allowance, from wherever it
    /// comes: a separate code so the flood log does not file it (or an
    /// address's flood) under the other's words.
    #[error("too many reports for screen {screen:?}; slow down")]
    ScreenRateLimited { screen: String },
    #[error(
        "the fleet already lists {limit} screens, none of them offline; screen {screen:?} is not added"
    )]
    Full { screen: String, limit: usize },
    #[error("report {seq} of screen {screen:?} is not newer than the one already taken")]
    Replayed { screen: String, seq: u64 },
    #[error("command refused: {message}")]
    Command { message: String },
    #[error("no screen {screen:?} in the fleet")]
    UnknownScreen { screen: String },
    /// Sending or receiving failed (HTTP or MQTT); the message names where.
    #[error("{message}")]
    Transport { message: String },
}

impl FleetError {
    pub fn code(&self) -> &'static str {
        match self {
            FleetError::TooLarge { .. } => "report_too_large",
            FleetError::Malformed { .. } => "report_malformed",
            FleetError::Field { .. } => "report_invalid",
            FleetError::Unauthenticated => "report_unauthenticated",
            FleetError::RateLimited { .. } => "report_rate_limited",
            FleetError::ScreenRateLimited { .. } => "screen_rate_limited",
            FleetError::Full { .. } => "fleet_full",
            FleetError::Replayed { .. } => "report_replayed",
            FleetError::Command { .. } => "command_refused",
            FleetError::UnknownScreen { .. } => "unknown_screen",
            FleetError::Transport { .. } => "report_transport",
        }
    }

    /// A JSON error, said with its place once (serde_json appends it too).
    pub(crate) fn malformed(e: &serde_json::Error) -> FleetError {
        let text = e.to_string();
        let text = text
            .rfind(" at line ")
            .map_or(text.as_str(), |i| &text[..i]);
        FleetError::Malformed {
            message: format!("line {}, column {}: {text}", e.line(), e.column()),
        }
    }

    pub(crate) fn field(field: impl Into<String>, message: impl Into<String>) -> FleetError {
        FleetError::Field {
            field: field.into(),
            message: message.into(),
        }
    }
}
