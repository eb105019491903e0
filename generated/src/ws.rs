//! Receiving events over the long connection.
