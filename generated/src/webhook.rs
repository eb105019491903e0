//! Receiving events by webhook.
