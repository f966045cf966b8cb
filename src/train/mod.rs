//! Keras-style training: [`Model`] binds an input shape to a network; `compile` adds a loss and
//! an optimizer; the [`CompiledModel`] can `fit`, `evaluate` and `predict`.
//!
//! Training owns a workspace: every activation, gradient and optimizer-state buffer is sized
//! once for the batch capacity and reused, so a steady-state step allocates nothing.

mod data;
mod fit;

pub use fit::{EpochStats, Evaluation, Fit, History};

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::module::Module;
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::tensor::Batch;
use crate::Scalar;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;
use core::marker::PhantomData;
use data::{check_inputs, check_labels};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Samples per forward pass when predicting without a training workspace.
const PREDICT_CHUNK: usize = 256;

/// A network `Net` bound to per-sample input shape `In`, with element type `E`.
///
/// ```
/// use stratanet::prelude::*;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let model = Model::<Vector<3>, (Dense<3, 2>, Softmax)>::new(&mut rng);
/// let probs = model.predict(&[0.1, 0.2, 0.3])?;
/// assert!((probs.sample(0).iter().sum::<f32>() - 1.0).abs() < 1e-6);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct Model<In: Shape, Net, E: Scalar = f32> {
    net: Net,
    rng: StdRng,
    shapes: PhantomData<(In, E)>,
}

impl<In: Shape, Net: Module<In, E>, E: Scalar> Model<In, Net, E> {
    /// A network initialized from `rng` (Keras's initializers); the same `rng` seeds shuffling,
    /// so one seed fixes the whole run.
    pub fn new<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let net = Net::init(rng);
        Self::from_network(net, rng.next_u64())
    }

    /// Wraps an existing network; `shuffle_seed` seeds the shuffling of `fit`.
    pub fn from_network(net: Net, shuffle_seed: u64) -> Self {
        Self {
            net,
            rng: StdRng::seed_from_u64(shuffle_seed),
            shapes: PhantomData,
        }
    }

    /// The network.
    pub fn network(&self) -> &Net {
        &self.net
    }

    /// The network, mutably (e.g. to load weights).
    pub fn network_mut(&mut self) -> &mut Net {
        &mut self.net
    }

    /// The number of trainable parameters.
    pub const PARAMS: usize = Net::PARAMS;

    /// Runs the network on `x`, a flat slice of whole `In` samples.
    pub fn predict(&self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let capacity = n.min(PREDICT_CHUNK);
        let mut work = Net::work(capacity);
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        forward_in_chunks::<In, Net, E>(&self.net, &mut work, capacity, x, &mut out);
        Batch::from_vec(out)
    }

    /// Adds a loss and an optimizer (Keras's `compile`).
    pub fn compile<L: Loss<Net::Output, E>, O: Optimizer>(
        self,
        loss: L,
        optimizer: O,
    ) -> CompiledModel<In, Net, L, O, E> {
        CompiledModel {
            grads: Net::zeros(),
            state: vec![E::zero(); Net::PARAMS * O::STATE_PER_PARAM],
            steps: 0,
            workspace: None,
            model: self,
            loss,
            optimizer,
        }
    }
}

/// Forward pass over `x` in chunks of at most `capacity` samples, into `out`.
fn forward_in_chunks<In: Shape, Net: Module<In, E>, E: Scalar>(
    net: &Net,
    work: &mut Net::Work,
    capacity: usize,
    x: &[E],
    out: &mut [E],
) {
    let rows_in = capacity * In::NUMEL;
    let rows_out = capacity * Net::Output::NUMEL;
    for (xc, oc) in x.chunks(rows_in).zip(out.chunks_mut(rows_out)) {
        net.forward(xc, xc.len() / In::NUMEL, oc, work);
    }
}

/// The buffers of a training step, sized for `capacity` samples.
struct Workspace<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    capacity: usize,
    work: Net::Work,
    x: Vec<E>,
    y: Vec<L::Label>,
    out: Vec<E>,
    d_out: Vec<E>,
}

impl<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> Workspace<In, Net, L, E> {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            work: Net::work(capacity),
            x: vec![E::zero(); capacity * In::NUMEL],
            y: vec![L::Label::default(); capacity * L::LABELS_PER_SAMPLE],
            out: vec![E::zero(); capacity * Net::Output::NUMEL],
            d_out: vec![E::zero(); capacity * Net::Output::NUMEL],
        }
    }
}

/// Loss and accuracy of one training step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    /// Mean loss over the batch (before the update).
    pub loss: f64,
    /// Fraction of the batch predicted correctly (before the update).
    pub accuracy: f64,
}

/// A model with a loss and an optimizer: it can `fit`, `evaluate` and `predict`.
pub struct CompiledModel<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar = f32>
{
    model: Model<In, Net, E>,
    loss: L,
    optimizer: O,
    grads: Net,
    state: Vec<E>,
    steps: u64,
    workspace: Option<Workspace<In, Net, L, E>>,
}

impl<In, Net, L, O, E> CompiledModel<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    /// The model (network and input shape).
    pub fn model(&self) -> &Model<In, Net, E> {
        &self.model
    }

    /// The model, mutably.
    pub fn model_mut(&mut self) -> &mut Model<In, Net, E> {
        &mut self.model
    }

    /// Drops the loss, optimizer and buffers.
    pub fn into_model(self) -> Model<In, Net, E> {
        self.model
    }

    /// The optimizer (e.g. to change its learning rate).
    pub fn optimizer_mut(&mut self) -> &mut O {
        &mut self.optimizer
    }

    /// Optimizer steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Makes sure the workspace holds at least `capacity` samples; allocates only when it grows.
    fn reserve(
        slot: &mut Option<Workspace<In, Net, L, E>>,
        capacity: usize,
    ) -> &mut Workspace<In, Net, L, E> {
        match slot {
            Some(ws) if ws.capacity >= capacity => {}
            _ => *slot = Some(Workspace::new(capacity)),
        }
        slot.as_mut().expect("workspace was just set")
    }

    /// One step on the first `n` samples in the workspace: forward, loss, backward, update.
    fn step(&mut self, n: usize) -> (f64, usize) {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let (din, dout, per) = (In::NUMEL, Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        let net = &mut self.model.net;
        net.forward(&ws.x[..n * din], n, &mut ws.out[..n * dout], &mut ws.work);

        let scale = E::from_f64(1.0 / n as f64);
        let (mut loss_sum, mut correct) = (0.0, 0);
        for i in 0..n {
            let pred = &ws.out[i * dout..(i + 1) * dout];
            let label = &ws.y[i * per..(i + 1) * per];
            loss_sum += self.loss.sample(
                pred,
                label,
                Some((&mut ws.d_out[i * dout..(i + 1) * dout], scale)),
            );
            correct += usize::from(self.loss.correct(pred, label));
        }

        self.grads.visit_mut(&mut |g: &mut [E]| g.fill(E::zero()));
        net.backward(
            &ws.x[..n * din],
            &ws.out[..n * dout],
            &ws.d_out[..n * dout],
            None,
            n,
            &mut ws.work,
            &mut self.grads,
        );

        self.steps += 1;
        let (t, optimizer, state) = (self.steps, &self.optimizer, &mut self.state);
        let slots = O::STATE_PER_PARAM;
        let mut offset = 0;
        net.visit_with(&self.grads, &mut |p: &mut [E], g: &[E]| {
            let len = p.len();
            optimizer.update(t, p, g, &mut state[offset * slots..(offset + len) * slots]);
            offset += len;
        });
        (loss_sum, correct)
    }

    /// One gradient step on the given batch (Keras's `train_on_batch`); returns the batch's loss
    /// and accuracy before the update. After the first call with a batch of this size or
    /// smaller it allocates nothing.
    pub fn train_on_batch(&mut self, x: &[E], y: &[L::Label]) -> Result<StepStats> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>(n, y)?;
        let ws = Self::reserve(&mut self.workspace, n);
        ws.x[..x.len()].copy_from_slice(x);
        ws.y[..y.len()].copy_from_slice(y);
        let (loss_sum, correct) = self.step(n);
        Ok(StepStats {
            loss: loss_sum / n as f64,
            accuracy: correct as f64 / n as f64,
        })
    }

    /// Trains on `x` (whole `In` samples, flat) with labels `y` as `settings` say, and returns
    /// the per-epoch history. All data is checked before the first step.
    pub fn fit(
        &mut self,
        x: &[E],
        y: &[L::Label],
        settings: Fit<'_, E, L::Label>,
    ) -> Result<History> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>(n, y)?;
        if settings.batch_size == 0 {
            return Err(Error::InvalidSetting {
                what: "batch_size",
                detail: "expected at least 1, got 0".into(),
            });
        }
        let split = settings.validation_split;
        if !(0.0..1.0).contains(&split) {
            return Err(Error::InvalidSetting {
                what: "validation_split",
                detail: format!("expected a fraction in [0, 1), got {split}"),
            });
        }
        let (n_train, validation) = match settings.validation_data {
            Some((vx, vy)) => {
                let nv = check_inputs::<In, Net, E>("validation inputs", vx)?;
                check_labels::<Net::Output, E, L>(nv, vy)?;
                (n, Some((vx, vy)))
            }
            // Keras: `split_at = int(n * (1 - validation_split))`, validation is the tail.
            None if split > 0.0 => {
                let n_train = (n as f64 * (1.0 - split)) as usize;
                let (per, lpp) = (In::NUMEL, L::LABELS_PER_SAMPLE);
                (n_train, Some((&x[n_train * per..], &y[n_train * lpp..])))
            }
            None => (n, None),
        };
        if n_train == 0 {
            return Err(Error::Empty {
                what: "training inputs after the validation split",
            });
        }
        if validation.is_some_and(|(vx, _)| vx.is_empty()) {
            return Err(Error::Empty {
                what: "validation inputs after the validation split",
            });
        }

        let capacity = settings.batch_size.min(n_train);
        Self::reserve(&mut self.workspace, capacity);
        let mut order: Vec<usize> = (0..n_train).collect();
        let mut history = History::default();
        for epoch in 0..settings.epochs {
            #[cfg(feature = "std")]
            let started = std::time::Instant::now();
            if settings.shuffle {
                shuffle(&mut order, &mut self.model.rng);
            }
            let (mut loss_sum, mut correct) = (0.0, 0);
            for batch in order.chunks(capacity) {
                self.gather(x, y, batch);
                let (l, c) = self.step(batch.len());
                loss_sum += l;
                correct += c;
            }
            let evaluation = validation.map(|(vx, vy)| self.evaluate_checked(vx, vy));
            history.epochs.push(EpochStats {
                loss: loss_sum / n_train as f64,
                accuracy: correct as f64 / n_train as f64,
                val_loss: evaluation.map(|e| e.loss),
                val_accuracy: evaluation.map(|e| e.accuracy),
            });
            #[cfg(feature = "std")]
            {
                let seconds = started.elapsed().as_secs_f64();
                history.seconds.push(seconds);
                if settings.verbose {
                    print_epoch(epoch + 1, settings.epochs, seconds, &history.epochs[epoch]);
                }
            }
            #[cfg(not(feature = "std"))]
            let _ = epoch;
        }
        Ok(history)
    }

    /// Copies the samples at `indices` into the workspace's batch buffers.
    fn gather(&mut self, x: &[E], y: &[L::Label], indices: &[usize]) {
        let ws = self.workspace.as_mut().expect("gather runs after reserve");
        let (per, lpp) = (In::NUMEL, L::LABELS_PER_SAMPLE);
        for (row, &i) in indices.iter().enumerate() {
            ws.x[row * per..(row + 1) * per].copy_from_slice(&x[i * per..(i + 1) * per]);
            ws.y[row * lpp..(row + 1) * lpp].copy_from_slice(&y[i * lpp..(i + 1) * lpp]);
        }
    }

    /// Mean loss and accuracy on `x`, `y` (Keras's `evaluate`).
    pub fn evaluate(&mut self, x: &[E], y: &[L::Label]) -> Result<Evaluation> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>(n, y)?;
        Ok(self.evaluate_checked(x, y))
    }

    fn evaluate_checked(&mut self, x: &[E], y: &[L::Label]) -> Evaluation {
        let n = x.len() / In::NUMEL;
        let capacity = self.workspace.as_ref().map_or(32, |ws| ws.capacity);
        let ws = Self::reserve(&mut self.workspace, capacity);
        let (dout, lpp) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        let (mut loss_sum, mut correct) = (0.0, 0);
        for (xc, yc) in x.chunks(capacity * In::NUMEL).zip(y.chunks(capacity * lpp)) {
            let m = xc.len() / In::NUMEL;
            self.model
                .net
                .forward(xc, m, &mut ws.out[..m * dout], &mut ws.work);
            for (pred, label) in ws.out[..m * dout]
                .chunks_exact(dout)
                .zip(yc.chunks_exact(lpp))
            {
                loss_sum += self.loss.sample(pred, label, None);
                correct += usize::from(self.loss.correct(pred, label));
            }
        }
        Evaluation {
            loss: loss_sum / n as f64,
            accuracy: correct as f64 / n as f64,
        }
    }

    /// Runs the network on `x`, reusing the training workspace.
    pub fn predict(&mut self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let capacity = self
            .workspace
            .as_ref()
            .map_or(n.min(PREDICT_CHUNK), |ws| ws.capacity);
        let ws = Self::reserve(&mut self.workspace, capacity);
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        forward_in_chunks::<In, Net, E>(&self.model.net, &mut ws.work, capacity, x, &mut out);
        Batch::from_vec(out)
    }
}

/// Fisher–Yates shuffle.
fn shuffle(order: &mut [usize], rng: &mut StdRng) {
    for i in (1..order.len()).rev() {
        order.swap(i, crate::init::index_below(rng, i + 1));
    }
}

#[cfg(feature = "std")]
fn print_epoch(epoch: usize, epochs: usize, seconds: f64, stats: &EpochStats) {
    use std::println;
    let mut line = format!(
        "Epoch {epoch}/{epochs} - {:.2} ms - loss: {:.4} - accuracy: {:.4}",
        seconds * 1e3,
        stats.loss,
        stats.accuracy
    );
    if let (Some(l), Some(a)) = (stats.val_loss, stats.val_accuracy) {
        line += &format!(" - val_loss: {l:.4} - val_accuracy: {a:.4}");
    }
    println!("{line}");
}
