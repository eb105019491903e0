//! Wire helpers for generated types: lenient integers, timestamps, enums that keep unknown values.
