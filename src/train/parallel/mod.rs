//! Data-parallel training steps (feature `threading`). A batch worth it is cut into contiguous
//! shards, one per thread: the training thread runs the first, persistent helper threads (one
//! per extra thread, started at the first step that wants them) the others, each into its own
//! gradient buffer. The gradients are then summed in shard order, so a given thread count gives
//! the same bits on every run; a different count rounds differently.
//!
//! Nothing is copied to the helpers and nothing is allocated per step: the model's weights and
//! the workspace's batch are moved (three words each) into locks the helpers read, and moved
//! back after the step. How many threads a step uses follows its work: the network's
//! [`Module::COST`] times the batch must give every thread a shard worth more than what a
//! thread costs ([`SHARD_MIN_WORK`] plus [`SHARD_WORK_PER_VALUE`] per stored value), so a small
//! network never waits for a helper; a network whose samples depend on each other in training
//! ([`Module::BATCH_COUPLED`], batch normalization) never splits its batch.
//!
//! The pool is the crate's own (std threads, a mutex, a condition variable and atomics) rather
//! than rayon: a step's dispatch must not allocate (rayon queues work posted from outside its
//! pool in blocks it allocates as they fill), and helpers that spin for a moment after each
//! shard pick the next one up without a wake-up's latency.

mod signal;

use super::compiled::{count, shard_gradients, CompiledModel, Shard};
use crate::loss::Loss;
use crate::module::{Mode, Module};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use signal::Signal;
use std::boxed::Box;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::vec;
use std::vec::Vec;

/// What one more thread costs a step, in [`Module::COST`] units (about multiply-adds of the
/// forward pass), before its share of the stored values: waking the helper and waiting for it
/// (10–30 µs on a 2-core EPYC, where a dense layer's step runs about 20 units a nanosecond).
/// A thread is used only if every shard's work exceeds this plus [`SHARD_WORK_PER_VALUE`] per
/// stored value. Calibrated by `examples/thread_sweep.rs` (see `benches/BENCHMARKS.md`).
const SHARD_MIN_WORK: usize = 400_000;

/// What each stored value (weight or state) adds to a thread's cost, in [`Module::COST`]
/// units: the helper reads the weights from the training thread's cache, its gradients come
/// back through the reduction, and the update then writes lines both cores held (about 1 ns a
/// value on the same machine: the MNIST MLP's 101,770 values cost a split about 90 µs).
const SHARD_WORK_PER_VALUE: usize = 20;

/// What the training thread lends the helpers for one step.
struct Lent<E, Y> {
    weights: RwLock<Box<[E]>>,
    x: RwLock<Vec<E>>,
    labels: RwLock<Vec<Y>>,
}

impl<E, Y> Lent<E, Y> {
    /// Swaps the weights and the batch with what the slots hold: at a step's start this lends
    /// them (the slots held nothing), at its end, after every helper is done, it returns them.
    fn exchange(&self, weights: &mut Box<[E]>, x: &mut Vec<E>, labels: &mut Vec<Y>) {
        core::mem::swap(
            &mut *self.weights.write().unwrap_or_else(PoisonError::into_inner),
            weights,
        );
        core::mem::swap(
            &mut *self.x.write().unwrap_or_else(PoisonError::into_inner),
            x,
        );
        core::mem::swap(
            &mut *self.labels.write().unwrap_or_else(PoisonError::into_inner),
            labels,
        );
    }
}

/// One shard's place in the batch and the mode to train in.
#[derive(Clone, Copy, Debug)]
struct Job {
    start: usize,
    count: usize,
    batch: usize,
    mode: Mode,
    /// Which `set_mode` of the model this is: the helper applies a mode once, as the training
    /// thread's own work does, so a dropout stream runs on across steps.
    mode_number: u64,
}

/// A helper's own buffers and its last result.
struct Side<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    capacity: usize,
    work: Net::Work,
    out: Vec<E>,
    d_out: Vec<E>,
    grads: Vec<E>,
    loss: L,
    job: Job,
    mode_applied: u64,
    loss_sum: f64,
    shape: PhantomData<fn() -> In>,
}

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> Side<In, Net, L, E> {
    fn new(capacity: usize, loss: L, job: Job) -> Self {
        let dout = Net::Output::NUMEL;
        Self {
            capacity,
            work: Net::work(capacity),
            out: vec![E::zero(); capacity * dout],
            d_out: vec![E::zero(); capacity * dout],
            grads: vec![E::zero(); Net::STORED],
            loss,
            job,
            mode_applied: 0,
            loss_sum: 0.0,
            shape: PhantomData,
        }
    }

    /// Runs the posted job on the lent weights and batch.
    fn run(&mut self, tensors: &[E], x: &[E], labels: &[L::Label], salt: u64) {
        let job = self.job;
        if self.mode_applied != job.mode_number {
            Net::set_mode(&mut self.work, job.mode.for_layer(salt));
            self.mode_applied = job.mode_number;
        }
        let (din, per) = (In::NUMEL, L::LABELS_PER_SAMPLE);
        let samples = job.start..job.start + job.count;
        let shard = Shard {
            tensors,
            x: &x[samples.start * din..samples.end * din],
            labels: &labels[samples.start * per..samples.end * per],
            batch: job.batch,
        };
        self.grads.fill(E::zero());
        let buffers = (&mut self.out[..], &mut self.d_out[..], &mut self.work);
        let (loss, grads) = (&self.loss, &mut self.grads[..]);
        self.loss_sum = shard_gradients::<In, Net, L, E>(loss, &mut [], shard, buffers, grads);
    }
}

/// What a helper thread and the training thread share.
struct Slot<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    signal: Signal,
    side: Mutex<Side<In, Net, L, E>>,
}

/// One helper thread.
struct Helper<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    slot: Arc<Slot<In, Net, L, E>>,
    thread: Option<JoinHandle<()>>,
    /// The number of the job last posted to it.
    posted: u64,
}

/// A poisoned lock's value: a helper that panicked reports it through [`Signal`], and the
/// training thread panics then, so the value is never read in a broken state.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A helper thread's life: wait for a job, run it, report, until asked to stop.
fn serve<In, Net, L, E>(slot: &Slot<In, Net, L, E>, lent: &Lent<E, L::Label>, salt: u64)
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    E: Scalar,
{
    let mut seen = 0;
    while let Some(job) = slot.signal.next_job(seen) {
        let ran = catch_unwind(AssertUnwindSafe(|| {
            let mut side = lock(&slot.side);
            let weights = lent.weights.read().unwrap_or_else(PoisonError::into_inner);
            let x = lent.x.read().unwrap_or_else(PoisonError::into_inner);
            let labels = lent.labels.read().unwrap_or_else(PoisonError::into_inner);
            side.run(&weights, &x, &labels, salt);
        }));
        slot.signal.finish(job, ran.is_ok());
        seen = job;
    }
}

/// The helper threads of one compiled model and what they read.
pub(super) struct Pool<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    /// The most threads a step may use, the training thread included.
    pub(super) threads: usize,
    lent: Arc<Lent<E, L::Label>>,
    helpers: Vec<Helper<In, Net, L, E>>,
    mode: Mode,
    mode_number: u64,
    /// The update's private copy of a tensor after a sharded step (`CompiledModel::update`).
    scratch: Vec<E>,
}

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> Pool<In, Net, L, E> {
    /// A pool of up to the machine's available parallelism; no thread starts yet.
    pub(super) fn new() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            lent: Arc::new(Lent {
                weights: RwLock::new(Box::default()),
                x: RwLock::new(Vec::new()),
                labels: RwLock::new(Vec::new()),
            }),
            helpers: Vec::new(),
            mode: Mode::Inference,
            mode_number: 0,
            scratch: Vec::new(),
        }
    }

    /// `len` values to update a tensor in (grown at the first sharded step, then reused).
    pub(super) fn scratch(&mut self, len: usize) -> &mut [E] {
        if self.scratch.len() < len {
            self.scratch = vec![E::zero(); len];
        }
        &mut self.scratch[..len]
    }

    /// Records the mode the model's layers were put in; helpers apply it at their next job.
    pub(super) fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
        self.mode_number += 1;
    }

    /// How many threads a step over `n` samples uses.
    pub(super) fn shards(&self, n: usize) -> usize {
        if Net::BATCH_COUPLED {
            return 1;
        }
        let per_thread = SHARD_MIN_WORK + SHARD_WORK_PER_VALUE * Net::STORED;
        let by_work = n.saturating_mul(Net::COST) / per_thread;
        self.threads.min(by_work).min(n).max(1)
    }

    /// Makes sure `count` helpers exist with buffers for `capacity` samples each.
    fn reserve(&mut self, count: usize, capacity: usize, loss: &L) {
        let job = Job {
            start: 0,
            count: 0,
            batch: 0,
            mode: self.mode,
            mode_number: 0,
        };
        for helper in &mut self.helpers {
            let mut side = lock(&helper.slot.side);
            if side.capacity < capacity {
                *side = Side::new(capacity, loss.clone(), job);
            }
        }
        while self.helpers.len() < count {
            let slot = Arc::new(Slot {
                signal: Signal::default(),
                side: Mutex::new(Side::new(capacity, loss.clone(), job)),
            });
            let (shared, lent) = (Arc::clone(&slot), Arc::clone(&self.lent));
            let salt = SHARD_SALT + self.helpers.len() as u64;
            let thread = std::thread::Builder::new()
                .name(alloc::format!("stratanet-shard-{}", self.helpers.len() + 1))
                .spawn(move || serve(&shared, &lent, salt))
                .expect("the operating system refused a training helper thread");
            self.helpers.push(Helper {
                slot,
                thread: Some(thread),
                posted: 0,
            });
        }
    }
}

/// Added to a helper's index to seed its layers' randomness apart from the training thread's
/// (layer indices are small; these are not).
const SHARD_SALT: u64 = 1 << 40;

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> Drop
    for Pool<In, Net, L, E>
{
    fn drop(&mut self) {
        for helper in &mut self.helpers {
            helper.slot.signal.stop();
            if let Some(thread) = helper.thread.take() {
                // A helper that panicked has reported it already; its end is all we wait for.
                let _ended = thread.join();
            }
        }
    }
}

/// The samples of shard `i` of `shards` over `n`: contiguous, sizes differ by at most one.
fn shard_range(i: usize, shards: usize, n: usize) -> core::ops::Range<usize> {
    i * n / shards..(i + 1) * n / shards
}

impl<In, Net, L, O, E> CompiledModel<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    /// How many threads a step over `n` samples uses.
    pub(super) fn shards(&self, n: usize) -> usize {
        self.pool.shards(n)
    }

    /// [`CompiledModel::gradients`] over `shards` threads: the training thread takes the first
    /// shard, helper `i` shard `i + 1`; gradients and losses are summed in shard order and the
    /// metrics count the samples in batch order.
    pub(super) fn sharded_gradients(&mut self, n: usize, shards: usize) -> f64 {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let pool = &mut self.pool;
        pool.reserve(shards - 1, n.div_ceil(shards), &self.loss);
        pool.lent
            .exchange(self.model.weights.values_mut(), &mut ws.x, &mut ws.y);
        for (i, helper) in pool.helpers[..shards - 1].iter_mut().enumerate() {
            let samples = shard_range(i + 1, shards, n);
            lock(&helper.slot.side).job = Job {
                start: samples.start,
                count: samples.len(),
                batch: n,
                mode: pool.mode,
                mode_number: pool.mode_number,
            };
            helper.posted = helper.slot.signal.post();
        }

        self.grads.as_mut_slice().fill(E::zero());
        let mut loss_sum = {
            let weights = pool
                .lent
                .weights
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let x = pool.lent.x.read().unwrap_or_else(PoisonError::into_inner);
            let labels = pool
                .lent
                .labels
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            let own = shard_range(0, shards, n);
            let shard = Shard {
                tensors: &weights,
                x: &x[..own.end * In::NUMEL],
                labels: &labels[..own.end * L::LABELS_PER_SAMPLE],
                batch: n,
            };
            let buffers = (&mut ws.out[..], &mut ws.d_out[..], &mut ws.work);
            let grads = self.grads.as_mut_slice();
            shard_gradients::<In, Net, L, E>(&self.loss, &mut self.metrics, shard, buffers, grads)
        };

        let (dout, per) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        for (i, helper) in pool.helpers[..shards - 1].iter().enumerate() {
            helper.slot.signal.wait_done(helper.posted);
            let side = lock(&helper.slot.side);
            crate::kernels::merge::add_assign(self.grads.as_mut_slice(), &side.grads);
            loss_sum += side.loss_sum;
            let labels = pool
                .lent
                .labels
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            for (k, sample) in shard_range(i + 1, shards, n).enumerate() {
                let pred = &side.out[k * dout..(k + 1) * dout];
                let label = &labels[sample * per..(sample + 1) * per];
                count(
                    &self.loss,
                    &mut self.metrics,
                    Net::SOFTMAX_OUTPUT,
                    pred,
                    label,
                );
            }
        }
        // Every helper is done: the batch and the weights go back.
        pool.lent
            .exchange(self.model.weights.values_mut(), &mut ws.x, &mut ws.y);
        loss_sum
    }
}
