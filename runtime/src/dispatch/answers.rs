//! The answers of recent callbacks, by event id, so that a redelivery gets the same answer without
//! its handler running again. Bounded: the oldest answer is forgotten first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
struct Inner {
    capacity: usize,
    answers: HashMap<String, serde_json::Value>,
    order: VecDeque<String>,
}

#[derive(Debug, Default)]
pub(super) struct Answers(Mutex<Inner>);

impl Answers {
    pub(super) fn new(capacity: usize) -> Self {
        Self(Mutex::new(Inner {
            capacity,
            ..Inner::default()
        }))
    }

    pub(super) fn capacity(&mut self, capacity: usize) {
        let inner = self.0.get_mut().unwrap_or_else(|p| p.into_inner());
        inner.capacity = capacity;
        while inner.order.len() > capacity {
            if let Some(oldest) = inner.order.pop_front() {
                inner.answers.remove(&oldest);
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers the answer to the callback `id`.
    pub(super) fn remember(&self, id: &str, answer: &serde_json::Value) {
        let mut inner = self.lock();
        if inner.capacity == 0 {
            return;
        }
        if inner
            .answers
            .insert(id.to_owned(), answer.clone())
            .is_some()
        {
            return;
        }
        if inner.order.len() == inner.capacity {
            if let Some(oldest) = inner.order.pop_front() {
                inner.answers.remove(&oldest);
            }
        }
        inner.order.push_back(id.to_owned());
    }

    /// The remembered answer to the callback `id`, if any.
    pub(super) fn get(&self, id: &str) -> Option<serde_json::Value> {
        self.lock().answers.get(id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_answer_is_forgotten_first() {
        let answers = Answers::new(2);
        for (id, n) in [("a", 1), ("b", 2), ("c", 3)] {
            answers.remember(id, &serde_json::json!(n));
        }
        assert_eq!(answers.get("a"), None);
        assert_eq!(answers.get("b"), Some(serde_json::json!(2)));
        assert_eq!(answers.get("c"), Some(serde_json::json!(3)));
        let none = Answers::new(0);
        none.remember("a", &serde_json::json!(1));
        assert_eq!(none.get("a"), None);
    }
}
