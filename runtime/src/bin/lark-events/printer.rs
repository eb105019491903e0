//! Printing events on stdout without ever blocking the handlers: lines go through a queue, bounded
//! in lines and bytes, to a thread that writes them. An event that does not fit is refused (the
//! handler fails, so the platform delivers it again later), and counted in the log.

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

use lark_runtime::dispatch::HandlerResult;

/// Lines waiting for stdout at most.
const QUEUE_LINES: usize = 1024;
/// Bytes waiting for stdout at most (a longer line still passes when nothing waits).
const QUEUE_BYTES: usize = 8 << 20;

/// The sending side of the queue; clones share it.
#[derive(Clone)]
pub struct Printer {
    lines: SyncSender<String>,
    /// Bytes waiting in the queue.
    waiting: Arc<Mutex<usize>>,
    refused: Arc<AtomicU64>,
}

impl Printer {
    /// Starts the thread that writes to stdout.
    pub fn start() -> Self {
        let (lines, receiver) = sync_channel(QUEUE_LINES);
        let waiting = Arc::new(Mutex::new(0));
        let writer_waiting = Arc::clone(&waiting);
        std::thread::spawn(move || write_lines(&receiver, &writer_waiting));
        Self {
            lines,
            waiting,
            refused: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Queues `line` for stdout, or fails at once when the queue is full or stdout is gone.
    pub fn print(&self, line: String) -> HandlerResult {
        let len = line.len();
        {
            let mut waiting = lock(&self.waiting);
            if *waiting > 0 && *waiting + len > QUEUE_BYTES {
                return Err(self.refuse("its queue is full").into());
            }
            *waiting += len;
        }
        match self.lines.try_send(line) {
            Ok(()) => Ok(()),
            Err(error) => {
                *lock(&self.waiting) -= len;
                let why = match error {
                    TrySendError::Full(_) => "its queue is full",
                    TrySendError::Disconnected(_) => "it cannot be written to",
                };
                Err(self.refuse(why).into())
            }
        }
    }

    fn refuse(&self, why: &str) -> String {
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        format!(
            "event not printed: stdout is not keeping up ({why}); {refused} refused so far, \
             each to be delivered again"
        )
    }
}

/// Writes each line as it comes; stops when stdout fails (the queue then refuses every line).
fn write_lines(lines: &Receiver<String>, waiting: &Mutex<usize>) {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        let written = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
        *lock(waiting) -= line.len();
        if let Err(error) = written {
            tracing::error!("cannot write to stdout: {error}; events are no longer printed");
            return;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
