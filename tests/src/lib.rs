//! Tests across the stages live in `tests/`.
