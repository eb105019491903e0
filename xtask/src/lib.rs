//! Project tasks.
