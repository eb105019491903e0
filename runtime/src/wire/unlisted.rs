//! The value held by the `Unlisted` variant of a generated enum.

/// A value the page does not list, kept as it came: what an enum's `Unlisted` variant holds.
///
/// Only the enum makes one: `Level::from(7)` or `TokenType::from("x")` gives `Unlisted` for a value
/// it does not list, and the listed variant for one it does. So a listed value is never `Unlisted`,
/// `==` compares values, and when a later version lists the value, only its variant changes: code
/// that reads values with the enum's `value()` / `as_str()` keeps working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnlistedValue<T>(T);

impl<T> UnlistedValue<T> {
    /// Wraps a value the enum does not list. Only for the `From` impls that the enum macros write
    /// (they check that the value is unlisted): not part of the API.
    #[doc(hidden)]
    pub fn __unlisted(value: T) -> Self {
        UnlistedValue(value)
    }

    /// The value as it came.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// The value as it came, owned.
    pub fn into_inner(self) -> T {
        self.0
    }
}
