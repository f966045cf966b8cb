//! Data-parallel training steps (feature `threading`). A batch worth it is cut into contiguous
//! shards, one per thread: the training thread runs the first, persistent helper threads (one
//! per extra thread, started at the first step that wants them) the others, each into its own
//! gradient buffer. The update is split over the same threads: the optimizer's state is held
//! in as many parts (`train::update`), and each thread sums its part's gradients over the
//! shards, in shard order, and updates that part (the training thread in the weights, a helper
//! in a copy of its part written back after). A given thread count gives the same bits on
//! every run; a different count rounds the sum differently. With clipping, which needs the
//! whole gradient's norm first, the training thread sums and updates alone.
//!
//! Nothing is allocated per step and little is copied: the model's weights, the workspace's
//! batch, the training thread's gradients and each part of the optimizer's state are moved
//! (three words each) into locks or buffers the helpers read, and moved back. How many threads a step uses follows its work: the network's
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
use super::update::{copy_part, update_part, write_back};
use crate::loss::Loss;
use crate::module::{Mode, Module};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use core::ops::Range;
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

/// What the training thread lends the helpers for one step, and every shard's gradients.
struct Lent<E, Y> {
    weights: RwLock<Box<[E]>>,
    x: RwLock<Vec<E>>,
    labels: RwLock<Vec<Y>>,
    /// Shard `s`'s gradients: the training thread's (lent for the update), then each
    /// helper's (its own, written by its shard's backward pass). Grown only between steps.
    grads: RwLock<Vec<ShardGrads<E>>>,
}

/// One shard's gradient buffer, shared between the threads that write and sum it.
type ShardGrads<E> = Arc<RwLock<Box<[E]>>>;

/// A read guard, whatever a panicking holder left (see [`lock`]).
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// A write guard, as [`read`].
fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl<E, Y> Lent<E, Y> {
    /// Swaps the weights and the batch with what the slots hold: at a step's start this lends
    /// them (the slots held nothing), at its end, after every helper is done, it returns them.
    fn exchange(&self, weights: &mut Box<[E]>, x: &mut Vec<E>, labels: &mut Vec<Y>) {
        core::mem::swap(&mut *write(&self.weights), weights);
        core::mem::swap(&mut *write(&self.x), x);
        core::mem::swap(&mut *write(&self.labels), labels);
    }

    /// Swaps the training thread's gradients with shard 0's slot (lending or returning them).
    fn exchange_grads(&self, grads: &mut Box<[E]>) {
        core::mem::swap(&mut *write(&read(&self.grads)[0]), grads);
    }
}

/// What a job asks of a helper.
#[derive(Clone, Copy, Debug)]
enum Task {
    /// Forward and backward over its shard into its gradients; then, for the split update to
    /// come, pieces `keep` (indices) of the weights copied into its part's buffer.
    Gradients { keep: Option<(usize, usize)> },
    /// Its part of the update at step `t`: pieces `pieces` (indices), the gradients summed
    /// over the step's first `shards` shards.
    Update {
        t: u64,
        pieces: (usize, usize),
        shards: usize,
    },
}

/// One shard's place in the batch and the mode to train in.
#[derive(Clone, Copy, Debug)]
struct Job {
    task: Task,
    start: usize,
    count: usize,
    batch: usize,
    mode: Mode,
    /// Which `set_mode` of the model this is: the helper applies a mode once, as the training
    /// thread's own work does, so a dropout stream runs on across steps.
    mode_number: u64,
}

/// A helper's own buffers and its last result.
struct Side<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar> {
    capacity: usize,
    /// Its shard's index (its gradients' slot in [`Lent::grads`]).
    shard: usize,
    work: Net::Work,
    out: Vec<E>,
    d_out: Vec<E>,
    loss: L,
    job: Job,
    mode_applied: u64,
    loss_sum: f64,
    /// For a split update: the optimizer, every piece, the part's state (lent), its values
    /// (copied after the gradients, updated, then written back by the training thread) and one
    /// piece's summed gradient.
    optimizer: Option<O>,
    pieces: Arc<[Range<usize>]>,
    state: Vec<E>,
    fresh: Vec<E>,
    sum: Vec<E>,
    shape: PhantomData<fn() -> In>,
}

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O: Optimizer, E: Scalar>
    Side<In, Net, L, O, E>
{
    fn new(capacity: usize, shard: usize, loss: L, job: Job) -> Self {
        let dout = Net::Output::NUMEL;
        Self {
            capacity,
            shard,
            work: Net::work(capacity),
            out: vec![E::zero(); capacity * dout],
            d_out: vec![E::zero(); capacity * dout],
            loss,
            job,
            mode_applied: 0,
            loss_sum: 0.0,
            optimizer: None,
            pieces: Arc::new([]),
            state: Vec::new(),
            fresh: Vec::new(),
            sum: Vec::new(),
            shape: PhantomData,
        }
    }

    /// Runs the posted job on what the training thread lent.
    fn run(&mut self, lent: &Lent<E, L::Label>, salt: u64) {
        match self.job.task {
            Task::Gradients { keep } => {
                let weights = read(&lent.weights);
                let (x, labels) = (read(&lent.x), read(&lent.labels));
                let slot = Arc::clone(&read(&lent.grads)[self.shard]);
                self.gradients(&weights, &x, &labels, &mut write(&slot), salt);
                if let Some((first, end)) = keep {
                    // the weights are in this core's cache now: the part's copy is cheap here
                    copy_part(&self.pieces[first..end], &weights, &mut self.fresh);
                }
            }
            Task::Update { t, pieces, shards } => {
                let o = self
                    .optimizer
                    .as_ref()
                    .expect("an update job carries its optimizer");
                let pieces = &self.pieces[pieces.0..pieces.1];
                let grads = read(&lent.grads);
                let summed = summed_over(&grads[..shards]);
                let (values, sum) = ((&mut self.fresh[..], true), &mut self.sum);
                update_part(o, t, pieces, values, sum, summed, &mut self.state);
            }
        }
    }

    /// Forward and backward over the posted shard into `grads`.
    fn gradients(
        &mut self,
        tensors: &[E],
        x: &[E],
        labels: &[L::Label],
        grads: &mut [E],
        salt: u64,
    ) {
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
        grads.fill(E::zero());
        let buffers = (&mut self.out[..], &mut self.d_out[..], &mut self.work);
        self.loss_sum =
            shard_gradients::<In, Net, L, E>(&self.loss, &mut [], shard, buffers, grads);
    }
}

/// A piece's gradient summed over `shards` in shard order (the first copied, the others
/// added): the order the training thread's own sum takes, so a split update has its bits.
fn summed_over<E: Scalar>(shards: &[ShardGrads<E>]) -> impl FnMut(Range<usize>, &mut [E]) + '_ {
    move |piece, out| {
        out.copy_from_slice(&read(&shards[0])[piece.clone()]);
        for shard in &shards[1..] {
            crate::kernels::merge::add_assign(out, &read(shard)[piece.clone()]);
        }
    }
}

/// What a helper thread and the training thread share.
struct Slot<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar> {
    signal: Signal,
    side: Mutex<Side<In, Net, L, O, E>>,
}

/// One helper thread.
struct Helper<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar> {
    slot: Arc<Slot<In, Net, L, O, E>>,
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
fn serve<In, Net, L, O, E>(slot: &Slot<In, Net, L, O, E>, lent: &Lent<E, L::Label>, salt: u64)
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    let mut seen = 0;
    while let Some(job) = slot.signal.next_job(seen) {
        let ran = catch_unwind(AssertUnwindSafe(|| lock(&slot.side).run(lent, salt)));
        slot.signal.finish(job, ran.is_ok());
        seen = job;
    }
}

/// The helper threads of one compiled model and what they read.
pub(super) struct Pool<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar> {
    /// The most threads a step may use, the training thread included.
    pub(super) threads: usize,
    lent: Arc<Lent<E, L::Label>>,
    helpers: Vec<Helper<In, Net, L, O, E>>,
    mode: Mode,
    mode_number: u64,
    /// One piece's summed gradient, for the training thread's part of a split update (grown
    /// at the first, then reused).
    sum: Vec<E>,
}

impl<In, Net, L, O, E> Pool<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    /// A pool of up to the machine's available parallelism; no thread starts yet.
    pub(super) fn new() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            lent: Arc::new(Lent {
                weights: RwLock::new(Box::default()),
                x: RwLock::new(Vec::new()),
                labels: RwLock::new(Vec::new()),
                grads: RwLock::new(vec![Arc::new(RwLock::new(Box::default()))]),
            }),
            helpers: Vec::new(),
            mode: Mode::Inference,
            mode_number: 0,
            sum: Vec::new(),
        }
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
            task: Task::Gradients { keep: None },
            start: 0,
            count: 0,
            batch: 0,
            mode: self.mode,
            mode_number: 0,
        };
        for helper in &mut self.helpers {
            let mut side = lock(&helper.slot.side);
            if side.capacity < capacity {
                *side = Side::new(capacity, side.shard, loss.clone(), job);
            }
        }
        while self.helpers.len() < count {
            let shard = self.helpers.len() + 1;
            let slot = Arc::new(Slot {
                signal: Signal::default(),
                side: Mutex::new(Side::new(capacity, shard, loss.clone(), job)),
            });
            let grads = vec![E::zero(); Net::STORED].into_boxed_slice();
            write(&self.lent.grads).push(Arc::new(RwLock::new(grads)));
            let (shared, lent) = (Arc::clone(&slot), Arc::clone(&self.lent));
            let salt = SHARD_SALT + self.helpers.len() as u64;
            let thread = std::thread::Builder::new()
                .name(alloc::format!("stratanet-shard-{shard}"))
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

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar> Drop
    for Pool<In, Net, L, O, E>
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

    /// A step over `shards ≥ 2` threads: the gradients of each shard on its thread, then the
    /// update split over the same threads (each sums its part of the gradients and updates
    /// it); with clipping, which needs the whole gradient first, the gradients summed and
    /// updated here.
    pub(super) fn sharded_step(&mut self, n: usize, shards: usize) -> f64 {
        let split = self.clip.is_none();
        let loss_sum = self.sharded_gradients(n, shards, split);
        if !split {
            let grads = read(&self.pool.lent.grads);
            for shard in &grads[1..shards] {
                crate::kernels::merge::add_assign(self.grads.as_mut_slice(), &read(shard));
            }
            drop(grads);
            self.give_back();
            self.update();
        } else {
            self.split_update(shards);
        }
        loss_sum
    }

    /// Returns what a step lent the helpers (every helper is done).
    fn give_back(&mut self) {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        self.pool
            .lent
            .exchange(self.model.weights.values_mut(), &mut ws.x, &mut ws.y);
    }

    /// The gradients over `shards` threads: the training thread takes the first shard into
    /// `self.grads`, helper `i` shard `i + 1` into its own; losses are summed in shard order and
    /// the metrics count the samples in batch order. The weights and the batch stay lent.
    /// With `split` (an update split over the threads to come) the state is split first and
    /// each helper copies its part of the weights after its shard.
    fn sharded_gradients(&mut self, n: usize, shards: usize, split: bool) -> f64 {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let pool = &mut self.pool;
        pool.reserve(shards - 1, n.div_ceil(shards), &self.loss);
        pool.lent
            .exchange(self.model.weights.values_mut(), &mut ws.x, &mut ws.y);
        if split {
            self.state.split(shards);
        }
        for (i, helper) in pool.helpers[..shards - 1].iter_mut().enumerate() {
            let samples = shard_range(i + 1, shards, n);
            let mut side = lock(&helper.slot.side);
            let keep = split.then(|| {
                let part = self.state.part(i + 1);
                let values = self.state.pieces[part.clone()].iter().map(Range::len).sum();
                grow(&mut side.fresh, values);
                side.pieces = Arc::clone(&self.state.pieces);
                (part.start, part.end)
            });
            side.job = Job {
                task: Task::Gradients { keep },
                start: samples.start,
                count: samples.len(),
                batch: n,
                mode: pool.mode,
                mode_number: pool.mode_number,
            };
            drop(side);
            helper.posted = helper.slot.signal.post();
        }

        self.grads.as_mut_slice().fill(E::zero());
        let mut loss_sum = {
            let weights = read(&pool.lent.weights);
            let (x, labels) = (read(&pool.lent.x), read(&pool.lent.labels));
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
        let labels = read(&pool.lent.labels);
        for (i, helper) in pool.helpers[..shards - 1].iter().enumerate() {
            helper.slot.signal.wait_done(helper.posted);
            let side = lock(&helper.slot.side);
            loss_sum += side.loss_sum;
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
        loss_sum
    }

    /// The update split over `shards` threads after [`Self::sharded_gradients`] (with
    /// `split`): each thread sums its part's gradients over the shards and updates its part —
    /// the training thread in the weights, which it takes back first, each helper in the copy
    /// it made ([`update_part`]), which is then written back. Only the optimizer's state moves
    /// between threads (swapped, not copied), so the training thread owns all of it between
    /// steps.
    fn split_update(&mut self, shards: usize) {
        self.steps += 1;
        let t = self.steps;
        self.give_back();
        let pool = &mut self.pool;
        pool.lent.exchange_grads(self.grads.values_mut());
        let pieces = Arc::clone(&self.state.pieces);
        let longest = pieces.iter().map(Range::len).max().unwrap_or(0);
        for (i, helper) in pool.helpers[..shards - 1].iter_mut().enumerate() {
            let part = self.state.part(i + 1);
            let mut side = lock(&helper.slot.side);
            grow(&mut side.sum, longest);
            core::mem::swap(&mut side.state, &mut self.state.parts[i + 1]);
            side.optimizer = Some(self.optimizer.clone());
            side.job.task = Task::Update {
                t,
                pieces: (part.start, part.end),
                shards,
            };
            drop(side);
            helper.posted = helper.slot.signal.post();
        }

        grow(&mut pool.sum, longest);
        {
            let own = &pieces[self.state.part(0)];
            let grads = read(&pool.lent.grads);
            let summed = summed_over(&grads[..shards]);
            let values = (self.model.weights.as_mut_slice(), false);
            let state = &mut self.state.parts[0];
            update_part(
                &self.optimizer,
                t,
                own,
                values,
                &mut pool.sum,
                summed,
                state,
            );
        }
        let weights = self.model.weights.as_mut_slice();
        for (i, helper) in pool.helpers[..shards - 1].iter().enumerate() {
            helper.slot.signal.wait_done(helper.posted);
            let mut side = lock(&helper.slot.side);
            write_back(&pieces[self.state.part(i + 1)], &side.fresh, weights);
            core::mem::swap(&mut side.state, &mut self.state.parts[i + 1]);
        }
        pool.lent.exchange_grads(self.grads.values_mut());
        let ws = self.workspace.as_ref().expect("step runs after reserve");
        Net::update_state(self.model.weights.as_mut_slice(), &ws.work);
    }
}

/// Grows `buffer` to at least `len` values (at the first split update; later ones reuse it).
fn grow<E: Scalar>(buffer: &mut Vec<E>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, E::zero());
    }
}
