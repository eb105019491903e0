//! The dispatcher: routes a delivered event to the handler registered for its type.
