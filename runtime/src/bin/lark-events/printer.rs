//! Printing events on stdout without ever blocking the handlers: lines go through a queue, bounded
//! in lines and bytes, to a thread that writes them. An event that does not fit is refused (the
//! handler fails, so the platform delivers it again later), and counted in the log.

use std::io::{BufWriter, Write as _};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::time::Duration;

use lark_runtime::dispatch::HandlerResult;

/// Lines waiting for stdout at most.
const QUEUE_LINES: usize = 1024;
/// Bytes waiting for stdout at most (a longer line still passes when nothing waits).
const QUEUE_BYTES: usize = 8 << 20;
/// The writer's buffer: lines that arrive together reach stdout in one write.
const WRITE_BUFFER: usize = 64 << 10;
/// How long the writer waits, after writing what was queued, for more lines before it sleeps until
/// the next one: under load it is then woken once per pause, not once per line.
const BATCH_PAUSE: Duration = Duration::from_millis(1);

/// The sending side of the queue; clones share it.
#[derive(Clone)]
pub struct Printer {
    lines: SyncSender<Vec<u8>>,
    /// Bytes waiting in the queue.
    waiting: Arc<AtomicUsize>,
    refused: Arc<AtomicU64>,
}

impl Printer {
    /// Starts the thread that writes to stdout.
    pub fn start() -> Self {
        let (lines, receiver) = sync_channel(QUEUE_LINES);
        let waiting = Arc::new(AtomicUsize::new(0));
        let writer_waiting = Arc::clone(&waiting);
        std::thread::spawn(move || write_lines(&receiver, &writer_waiting));
        Self {
            lines,
            waiting,
            refused: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Queues `line` (without its line break) for stdout, or fails at once when the queue is full or
    /// stdout is gone.
    pub fn print(&self, line: Vec<u8>) -> HandlerResult {
        let len = line.len();
        let room =
            |waiting: usize| (waiting == 0 || waiting + len <= QUEUE_BYTES).then(|| waiting + len);
        if self
            .waiting
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, room)
            .is_err()
        {
            return Err(self.refuse("its queue is full").into());
        }
        match self.lines.try_send(line) {
            Ok(()) => Ok(()),
            Err(error) => {
                self.waiting.fetch_sub(len, Ordering::Relaxed);
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

/// Writes the lines as they come, flushing whenever the queue is empty, then pausing for more; stops
/// when stdout fails (the queue then refuses every line).
fn write_lines(lines: &Receiver<Vec<u8>>, waiting: &AtomicUsize) {
    let mut stdout = BufWriter::with_capacity(WRITE_BUFFER, std::io::stdout().lock());
    let mut paused = false;
    loop {
        let line = match lines.try_recv() {
            Ok(line) => line,
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => {
                // Nothing else is waiting: what was written goes out before the thread sleeps.
                if let Err(error) = stdout.flush() {
                    return stopped(&error);
                }
                if !paused {
                    paused = true;
                    std::thread::sleep(BATCH_PAUSE);
                    continue;
                }
                match lines.recv() {
                    Ok(line) => line,
                    Err(_disconnected) => return,
                }
            }
        };
        paused = false;
        let written = stdout
            .write_all(&line)
            .and_then(|()| stdout.write_all(b"\n"));
        waiting.fetch_sub(line.len(), Ordering::Relaxed);
        if let Err(error) = written {
            return stopped(&error);
        }
    }
}

fn stopped(error: &std::io::Error) {
    tracing::error!("cannot write to stdout: {error}; events are no longer printed");
}
