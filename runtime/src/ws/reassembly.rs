//! Reassembly of messages the server splits into parts (`sum` parts, `seq` from 0, one `message_id`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Bounds on split messages waiting for their other parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// Messages waiting at once; the one waiting longest is dropped to make room (256).
    pub max_pending: usize,
    /// Parts of one message (1024).
    pub max_parts: usize,
    /// Bytes of one reassembled message (16 MiB).
    pub max_bytes: usize,
    /// Bytes of all waiting messages together; the ones waiting longest are dropped to make room
    /// (32 MiB).
    pub max_total_bytes: usize,
    /// How long a message waits for its next part before it is dropped, on a timer (5 s, as the
    /// official SDKs).
    pub expiry: Duration,
}

impl Default for ReassemblyLimits {
    fn default() -> Self {
        Self {
            max_pending: 256,
            max_parts: 1024,
            max_bytes: 16 << 20,
            max_total_bytes: 32 << 20,
            expiry: Duration::from_secs(5),
        }
    }
}

/// Why a part was refused; the message it belongs to is dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReassemblyError {
    /// `seq` is not below `sum`.
    #[error("part {seq} of a message of {sum} parts")]
    SeqOutOfRange {
        /// The part index.
        seq: usize,
        /// The announced number of parts.
        sum: usize,
    },
    /// More parts than [`ReassemblyLimits::max_parts`].
    #[error("{sum} parts exceed the limit of {max}")]
    TooManyParts {
        /// The announced number of parts.
        sum: usize,
        /// The limit.
        max: usize,
    },
    /// A part announces another `sum` than the earlier parts.
    #[error("part announces {sum} parts, earlier parts announced {expected}")]
    SumChanged {
        /// This part's `sum`.
        sum: usize,
        /// The earlier parts' `sum`.
        expected: usize,
    },
    /// The parts exceed [`ReassemblyLimits::max_bytes`].
    #[error("message exceeds {max} bytes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
}

struct Pending {
    parts: Vec<Option<Vec<u8>>>,
    received: usize,
    bytes: usize,
    deadline: Instant,
}

/// Split messages waiting for their other parts.
pub(crate) struct Reassembly {
    limits: ReassemblyLimits,
    pending: HashMap<String, Pending>,
    /// The bytes of every part in `pending`.
    total_bytes: usize,
}

impl Reassembly {
    pub(crate) fn new(limits: ReassemblyLimits) -> Self {
        Self {
            limits,
            pending: HashMap::new(),
            total_bytes: 0,
        }
    }

    /// When the next waiting message expires; call [`Reassembly::expire`] then.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().map(|p| p.deadline).min()
    }

    /// Drops the messages whose next part is overdue at `now`.
    pub(crate) fn expire(&mut self, now: Instant) {
        let expired: Vec<String> = (self.pending.iter())
            .filter(|(_, p)| p.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            tracing::warn!(message_id = %id, "dropping a split message whose other parts did not arrive in time");
            self.remove(&id);
        }
    }

    fn remove(&mut self, message_id: &str) -> Option<Pending> {
        let removed = self.pending.remove(message_id)?;
        self.total_bytes -= removed.bytes;
        Some(removed)
    }

    /// Adds one part; returns the whole message once its last part arrived.
    pub(crate) fn add(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: &[u8],
        now: Instant,
    ) -> Result<Option<Vec<u8>>, ReassemblyError> {
        self.expire(now);
        let result = self.insert(message_id, sum, seq, payload, now);
        if result.is_err() {
            self.remove(message_id);
        }
        result
    }

    fn insert(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: &[u8],
        now: Instant,
    ) -> Result<Option<Vec<u8>>, ReassemblyError> {
        let limits = self.limits;
        if sum > limits.max_parts {
            return Err(ReassemblyError::TooManyParts {
                sum,
                max: limits.max_parts,
            });
        }
        if seq >= sum {
            return Err(ReassemblyError::SeqOutOfRange { seq, sum });
        }
        if payload.len() > limits.max_bytes {
            return Err(ReassemblyError::TooLarge {
                max: limits.max_bytes,
            });
        }
        self.make_room(message_id, payload.len());
        let entry = self
            .pending
            .entry(message_id.to_owned())
            .or_insert_with(|| Pending {
                parts: vec![None; sum],
                received: 0,
                bytes: 0,
                deadline: now,
            });
        if entry.parts.len() != sum {
            return Err(ReassemblyError::SumChanged {
                sum,
                expected: entry.parts.len(),
            });
        }
        let replaced = match entry.parts[seq].replace(payload.to_vec()) {
            Some(old) => old.len(),
            None => {
                entry.received += 1;
                0
            }
        };
        entry.bytes = entry.bytes - replaced + payload.len();
        self.total_bytes = self.total_bytes - replaced + payload.len();
        // A huge expiry means "never", not an overflow.
        entry.deadline =
            (now.checked_add(limits.expiry)).unwrap_or(now + Duration::from_secs(1 << 32));
        if entry.bytes > limits.max_bytes {
            return Err(ReassemblyError::TooLarge {
                max: limits.max_bytes,
            });
        }
        if entry.received < sum {
            return Ok(None);
        }
        let done = self.remove(message_id).map(|p| p.parts);
        Ok(done.map(|parts| parts.into_iter().flatten().flatten().collect()))
    }

    /// Drops the messages waiting longest, other than `message_id`, until a part of `incoming`
    /// bytes for it fits within the count and byte limits.
    fn make_room(&mut self, message_id: &str, incoming: usize) {
        let is_new = !self.pending.contains_key(message_id);
        loop {
            let too_many = is_new && self.pending.len() >= self.limits.max_pending.max(1);
            let too_big = self.total_bytes + incoming > self.limits.max_total_bytes;
            if !(too_many || too_big) {
                return;
            }
            let oldest = (self.pending.iter())
                .filter(|(id, _)| id.as_str() != message_id)
                .min_by_key(|(_, p)| p.deadline)
                .map(|(id, _)| id.clone());
            let Some(id) = oldest else { return };
            tracing::warn!(message_id = %id, "dropping an incomplete split message to make room");
            self.remove(&id);
        }
    }

    #[cfg(test)]
    fn pending(&self) -> usize {
        self.pending.len()
    }

    #[cfg(test)]
    fn total_bytes(&self) -> usize {
        self.total_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reassembly() -> Reassembly {
        Reassembly::new(ReassemblyLimits {
            max_pending: 2,
            max_parts: 4,
            max_bytes: 10,
            max_total_bytes: 15,
            expiry: Duration::from_secs(5),
        })
    }

    #[test]
    fn incomplete_messages_expire_on_the_timer_without_another_part() {
        let mut r = reassembly();
        let now = Instant::now();
        r.add("a", 2, 0, b"12345", now).unwrap();
        r.add("b", 2, 0, b"12345", now + Duration::from_secs(1))
            .unwrap();
        assert_eq!(r.next_deadline(), Some(now + Duration::from_secs(5)));
        r.expire(now + Duration::from_secs(5));
        assert_eq!((r.pending(), r.total_bytes()), (1, 5));
        assert_eq!(r.next_deadline(), Some(now + Duration::from_secs(6)));
        r.expire(now + Duration::from_secs(6));
        assert_eq!(
            (r.pending(), r.total_bytes(), r.next_deadline()),
            (0, 0, None)
        );
    }

    #[test]
    fn first_parts_of_many_messages_stay_within_the_total_bytes() {
        let mut r = Reassembly::new(ReassemblyLimits {
            max_pending: 100,
            max_total_bytes: 15,
            ..reassembly().limits
        });
        let now = Instant::now();
        for n in 0..100 {
            r.add(
                &format!("m{n}"),
                2,
                0,
                b"123456789",
                now + Duration::from_millis(n),
            )
            .unwrap();
            assert!(r.total_bytes() <= 15, "{} bytes held", r.total_bytes());
        }
        assert_eq!(r.pending(), 1, "only the newest first part fits");
        assert_eq!(
            r.add("m99", 2, 1, b"a", now + Duration::from_secs(1)),
            Ok(Some(b"123456789a".to_vec()))
        );
        assert_eq!(r.total_bytes(), 0);
    }

    #[test]
    fn parts_in_any_order_make_the_message() {
        let mut r = reassembly();
        let now = Instant::now();
        assert_eq!(r.add("m", 3, 2, b"c", now), Ok(None));
        assert_eq!(r.add("m", 3, 0, b"a", now), Ok(None));
        assert_eq!(r.add("m", 3, 0, b"a", now), Ok(None), "a duplicate part");
        assert_eq!(r.add("m", 3, 1, b"b", now), Ok(Some(b"abc".to_vec())));
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn an_expired_message_starts_over() {
        let mut r = reassembly();
        let now = Instant::now();
        assert_eq!(r.add("m", 2, 0, b"a", now), Ok(None));
        let later = now + Duration::from_secs(6);
        assert_eq!(r.add("m", 2, 1, b"b", later), Ok(None));
        assert_eq!(r.pending(), 1);
    }

    #[test]
    fn bounds_are_enforced() {
        let mut r = reassembly();
        let now = Instant::now();
        assert_eq!(
            r.add("m", 5, 0, b"a", now),
            Err(ReassemblyError::TooManyParts { sum: 5, max: 4 })
        );
        assert_eq!(
            r.add("m", 2, 2, b"a", now),
            Err(ReassemblyError::SeqOutOfRange { seq: 2, sum: 2 })
        );
        assert_eq!(r.add("m", 2, 0, b"123456", now), Ok(None));
        assert_eq!(
            r.add("m", 2, 1, b"123456", now),
            Err(ReassemblyError::TooLarge { max: 10 })
        );
        assert_eq!(r.pending(), 0);
        assert_eq!(r.add("m", 2, 0, b"a", now), Ok(None));
        assert_eq!(
            r.add("m", 3, 1, b"b", now),
            Err(ReassemblyError::SumChanged {
                sum: 3,
                expected: 2
            })
        );
    }

    #[test]
    fn the_oldest_pending_message_makes_room() {
        let mut r = reassembly();
        let now = Instant::now();
        r.add("old", 2, 0, b"a", now).unwrap();
        r.add("mid", 2, 0, b"a", now + Duration::from_secs(1))
            .unwrap();
        r.add("new", 2, 0, b"a", now + Duration::from_secs(2))
            .unwrap();
        assert_eq!(r.pending(), 2);
        assert_eq!(
            r.add("old", 2, 1, b"b", now + Duration::from_secs(2)),
            Ok(None)
        );
    }
}
