//! Tests across the stages live in `tests/`; this library holds what they share.

pub mod corpus;
pub mod json_diff;
pub mod seeds;
