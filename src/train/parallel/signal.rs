//! [`Signal`], how the training thread hands a shard to a helper thread and learns it is done,
//! without allocating: a job counter the helper waits on (spinning for a while, then asleep on
//! a condition variable) and a done counter the training thread spins on.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long an idle helper spins before it sleeps: longer than the gap between the steps of a
/// training loop (scoring, the update, the next batch's copy), so back-to-back steps never pay
/// for a wake-up, and short enough that a model left idle frees its core at once.
const SPIN: Duration = Duration::from_micros(300);

/// Spins between looks at the clock.
const SPINS_PER_LOOK: u32 = 64;

/// The counters one helper thread and the training thread share.
#[derive(Debug, Default)]
pub(super) struct Signal {
    /// Jobs posted so far; a helper runs job `k` when this reaches `k`.
    posted: AtomicU64,
    /// Jobs finished so far.
    done: AtomicU64,
    /// Set while the helper is asleep (or about to be), so `post` knows to wake it.
    sleeping: AtomicBool,
    /// Set (with a last `post`) when the helper should end.
    stop: AtomicBool,
    /// Set when a job panicked: the training thread then panics too instead of waiting.
    failed: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl Signal {
    /// Posts the next job and wakes the helper if it sleeps; returns the job's number.
    pub(super) fn post(&self) -> u64 {
        let job = self.posted.fetch_add(1, Ordering::SeqCst) + 1;
        // With `sleeping` read false, the helper's own `SeqCst` store comes later in the single
        // order of `SeqCst` operations, so its look at `posted` after that store sees this job.
        if self.sleeping.load(Ordering::SeqCst) {
            let _held = self
                .lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            self.wake.notify_one();
        }
        job
    }

    /// Asks the helper to end (it finishes a running job first).
    pub(super) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.post();
    }

    /// The helper's wait for the job after `seen`: its number, or `None` when asked to stop.
    pub(super) fn next_job(&self, seen: u64) -> Option<u64> {
        let started = Instant::now();
        let mut spins = 0u32;
        loop {
            let posted = self.posted.load(Ordering::Acquire);
            if posted != seen {
                return (!self.stop.load(Ordering::SeqCst)).then_some(seen + 1);
            }
            spins += 1;
            if spins.is_multiple_of(SPINS_PER_LOOK) && started.elapsed() > SPIN {
                break;
            }
            std::hint::spin_loop();
        }
        let mut held = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.sleeping.store(true, Ordering::SeqCst);
        while self.posted.load(Ordering::SeqCst) == seen {
            held = self
                .wake
                .wait(held)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        self.sleeping.store(false, Ordering::SeqCst);
        drop(held);
        (!self.stop.load(Ordering::SeqCst)).then_some(seen + 1)
    }

    /// The helper's report that `job` is finished (`ok = false`: it panicked).
    pub(super) fn finish(&self, job: u64, ok: bool) {
        if !ok {
            self.failed.store(true, Ordering::SeqCst);
        }
        self.done.store(job, Ordering::Release);
    }

    /// The training thread's wait for `job`; panics if the helper's job panicked.
    pub(super) fn wait_done(&self, job: u64) {
        let mut spins = 0u32;
        while self.done.load(Ordering::Acquire) < job {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(SPINS_PER_LOOK) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        assert!(
            !self.failed.load(Ordering::SeqCst),
            "a training helper thread panicked (its message is above)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::vec::Vec;

    #[test]
    fn every_posted_job_is_run_once_and_in_order_also_after_the_helper_slept() {
        let signal = Arc::new(Signal::default());
        let log = Arc::new(Mutex::new(Vec::new()));
        let helper = {
            let (signal, log) = (Arc::clone(&signal), Arc::clone(&log));
            std::thread::spawn(move || {
                let mut seen = 0;
                while let Some(job) = signal.next_job(seen) {
                    log.lock().unwrap().push(job);
                    signal.finish(job, true);
                    seen = job;
                }
            })
        };
        for round in 0..40u64 {
            let job = signal.post();
            signal.wait_done(job);
            if round % 10 == 0 {
                // Long enough for the helper to fall asleep: the next post must wake it.
                std::thread::sleep(SPIN * 4);
            }
        }
        signal.stop();
        helper.join().unwrap();
        assert_eq!(*log.lock().unwrap(), (1..=40).collect::<Vec<u64>>());
    }

    #[test]
    #[should_panic(expected = "a training helper thread panicked")]
    fn a_failed_job_makes_the_wait_panic_instead_of_hang() {
        let signal = Signal::default();
        let job = signal.post();
        signal.finish(job, false);
        signal.wait_done(job);
    }
}
