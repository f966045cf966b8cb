//! What `fit` prints (with `std`): a live progress bar per epoch on a terminal (steps done, ETA,
//! running loss and metrics), one line per epoch when output is not a terminal, nothing when
//! silent.

use super::EpochStats;
use crate::metric::{scores_of, Line, Metric, Task};
use std::boxed::Box;
use std::format;
use std::io::{IsTerminal, Write};
use std::println;
use std::string::String;
use std::time::{Duration, Instant};

const BAR: usize = 24;
const REDRAW: Duration = Duration::from_millis(100);

pub(crate) struct Progress {
    verbose: bool,
    live: bool,
    epoch: usize,
    epochs: usize,
    batches: usize,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(verbose: bool, epoch: usize, epochs: usize, batches: usize) -> Self {
        let live = verbose && std::io::stdout().is_terminal();
        Self {
            verbose,
            live,
            epoch,
            epochs,
            batches,
            started: Instant::now(),
            drawn: None,
        }
    }

    /// Redraws the bar (at most every 100 ms) after `done` batches.
    pub(crate) fn batch_done<T: Task>(
        &mut self,
        done: usize,
        loss: f64,
        metrics: &[Box<dyn Metric<Task = T>>],
    ) {
        if !self.live || self.drawn.is_some_and(|t| t.elapsed() < REDRAW) {
            return;
        }
        self.drawn = Some(Instant::now());
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = elapsed / done as f64 * (self.batches - done) as f64;
        let filled = BAR * done / self.batches;
        let bar: String = (0..BAR)
            .map(|i| {
                if i < filled {
                    '='
                } else if i == filled {
                    '>'
                } else {
                    ' '
                }
            })
            .collect();
        let scores = scores_of(metrics);
        let line = Line {
            scores: &scores,
            prefix: "",
        };
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "\rEpoch {}/{} [{bar}] {done}/{} - ETA {eta:.1} s - loss: {loss:.4}{line}\x1b[K",
            self.epoch + 1,
            self.epochs,
            self.batches
        );
        let _ = out.flush();
    }

    /// Prints the epoch's line (replacing the bar) and returns its duration in seconds.
    pub(crate) fn epoch_done(&self, stats: &EpochStats) -> f64 {
        let seconds = self.started.elapsed().as_secs_f64();
        if self.verbose {
            let train = Line {
                scores: &stats.metrics,
                prefix: "",
            };
            let mut line = format!(
                "Epoch {}/{} - {:.2} ms - loss: {:.4}{train}",
                self.epoch + 1,
                self.epochs,
                seconds * 1e3,
                stats.loss,
            );
            if let (Some(l), Some(m)) = (stats.val_loss, &stats.val_metrics) {
                let val = Line {
                    scores: m,
                    prefix: "val_",
                };
                line += &format!(" - val_loss: {l:.4}{val}");
            }
            let start = if self.live { "\r" } else { "" };
            let end = if self.live { "\x1b[K" } else { "" };
            println!("{start}{line}{end}");
        }
        seconds
    }
}
