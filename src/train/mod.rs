//! Keras-style training: [`Model`] binds an input shape to a network; `compile` adds a loss and
//! an optimizer; the [`CompiledModel`] can `fit`, `evaluate` and `predict`.
//!
//! Training owns a workspace: every activation, gradient and optimizer-state buffer is sized
//! once for the batch capacity and reused, so a steady-state step allocates nothing.

pub mod callbacks;
mod data;
mod fit;
mod metrics;
#[cfg(feature = "std")]
mod progress;

pub use fit::{EpochStats, Evaluation, Fit, History};
pub use metrics::ClassReport;

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::module::{LayerSummary, Mode, Module, Params};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::tensor::Batch;
use crate::Scalar;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use callbacks::{Callback, TrainContext};
use core::marker::PhantomData;
use data::{check_inputs, check_labels};
use num_traits::Float;
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

    /// The weights (parameters and batch-norm statistics) in stratanet's format; see
    /// [`crate::persist`].
    pub fn save_weights(&self) -> Vec<u8> {
        crate::persist::save_weights(&self.net)
    }

    /// Replaces the weights with those in `bytes` (written by [`Model::save_weights`] for a
    /// network of the same type). On any mismatch or malformed input the model is unchanged
    /// and the `Err` names what was expected and what came.
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<()> {
        self.net = crate::persist::load_weights(bytes)?;
        Ok(())
    }

    /// The number of trainable parameters, a compile-time constant.
    pub const PARAMS: usize = Net::PARAMS;

    /// One row per layer: name, output shape, parameters (all known at compile time).
    pub fn summary_rows() -> Vec<LayerSummary> {
        let mut rows = Vec::new();
        Net::describe(&mut rows);
        rows
    }

    /// A table of the layers, their output shapes and parameter counts, and the total
    /// (Keras's `summary`).
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// type Seed = (Dense<5, 10>, ReLU, Dense<10, 10>, ReLU, Dense<10, 1>, Sigmoid);
    /// let table = Model::<Vector<5>, Seed>::summary();
    /// assert!(table.contains("Dense<5, 10>") && table.contains("Total params: 181"));
    /// const TOTAL: usize = Model::<Vector<5>, Seed>::PARAMS;
    /// assert_eq!(TOTAL, 181);
    /// ```
    pub fn summary() -> String {
        let rows = Self::summary_rows();
        let shape = |dims: &[usize]| format!("{dims:?}");
        let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(5) + 2;
        let mut table = format!(
            "{:<width$}{:<20}{:>12}\n",
            "Layer", "Output shape", "Params"
        );
        let rule = "-".repeat(width + 32);
        table += &format!(
            "{rule}\n{:<width$}{:<20}{:>12}\n",
            "(input)",
            shape(In::DIMS),
            ""
        );
        for row in &rows {
            table += &format!(
                "{:<width$}{:<20}{:>12}\n",
                row.name,
                shape(row.output),
                row.params
            );
        }
        table += &format!("{rule}\nTotal params: {}\n", Net::PARAMS);
        table
    }

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
            clip: None,
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

/// Gradient clipping, applied before every optimizer update (Keras's `clipvalue`, `clipnorm`,
/// `global_clipnorm`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clip {
    /// Clamp every gradient value to `[−v, v]`.
    Value(f64),
    /// Rescale each parameter tensor's gradient to an L2 norm of at most `v`.
    Norm(f64),
    /// Rescale all gradients together to a global L2 norm of at most `v`.
    GlobalNorm(f64),
}

impl Clip {
    /// Clips the gradients of a network in place.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::train::Clip;
    /// let mut g = <Dense<2, 1> as Params<f32>>::zeros();
    /// g.weight_mut().copy_from_slice(&[3.0, 4.0]); // norm 5
    /// Clip::GlobalNorm(1.0).apply(&mut g);
    /// assert!((g.weight()[0] - 0.6).abs() < 1e-6 && (g.weight()[1] - 0.8).abs() < 1e-6);
    /// ```
    pub fn apply<E: Scalar, P: Params<E>>(self, grads: &mut P) {
        let squares = |s: &[E]| s.iter().fold(0.0, |acc, v| acc + v.as_f64() * v.as_f64());
        let rescale = |s: &mut [E], norm: f64, limit: f64| {
            if norm > limit {
                let factor = E::from_f64(limit / norm);
                s.iter_mut().for_each(|v| *v = *v * factor);
            }
        };
        match self {
            Clip::Value(limit) => {
                let (lo, hi) = (E::from_f64(-limit), E::from_f64(limit));
                grads.visit_mut(&mut |s: &mut [E]| {
                    s.iter_mut().for_each(|v| *v = v.max(lo).min(hi))
                });
            }
            Clip::Norm(limit) => {
                grads.visit_mut(&mut |s: &mut [E]| rescale(s, Float::sqrt(squares(s)), limit))
            }
            Clip::GlobalNorm(limit) => {
                let mut sum: f64 = 0.0;
                grads.visit(&mut |s: &[E]| sum += squares(s));
                let total = Float::sqrt(sum);
                grads.visit_mut(&mut |s: &mut [E]| rescale(s, total, limit));
            }
        }
    }
}

/// A model with a loss and an optimizer: it can `fit`, `evaluate` and `predict`.
pub struct CompiledModel<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar = f32>
{
    model: Model<In, Net, E>,
    loss: L,
    optimizer: O,
    clip: Option<Clip>,
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

    /// Clips gradients before every update.
    pub fn with_clipping(self, clip: Clip) -> Self {
        Self {
            clip: Some(clip),
            ..self
        }
    }

    /// Optimizer steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A table of the network's layers, output shapes and parameter counts (Keras's `summary`).
    pub fn summary(&self) -> String {
        Model::<In, Net, E>::summary()
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

    /// Puts the workspace's layers in `mode`.
    fn set_mode(&mut self, mode: Mode) {
        if let Some(ws) = self.workspace.as_mut() {
            Net::set_mode(&mut ws.work, mode);
        }
    }

    /// Training mode with a fresh seed from the model's random stream.
    fn set_training(&mut self) {
        let seed = self.model.rng.next_u64();
        self.set_mode(Mode::Training { seed });
    }

    /// One step on the first `n` samples in the workspace: forward, loss, backward, clipping,
    /// update, state update. Returns the batch's summed loss and correct count.
    fn step(&mut self, n: usize) -> (f64, usize) {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let (din, dout, per) = (In::NUMEL, Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        let net = &mut self.model.net;
        net.forward(&ws.x[..n * din], n, &mut ws.out[..n * dout], &mut ws.work);

        let scale = E::from_f64(1.0 / n as f64);
        let (mut loss_sum, mut correct) = (0.0, 0);
        for i in 0..n {
            let rows = i * dout..(i + 1) * dout;
            let label = &ws.y[i * per..(i + 1) * per];
            let pred = &ws.out[rows.clone()];
            loss_sum += self
                .loss
                .sample(pred, label, Some((&mut ws.d_out[rows], scale)));
            correct += usize::from(self.loss.correct(pred, label));
        }

        self.grads.visit_mut(&mut |g: &mut [E]| g.fill(E::zero()));
        let (x, out, d_out) = (&ws.x[..n * din], &ws.out[..n * dout], &ws.d_out[..n * dout]);
        net.backward(x, out, d_out, None, n, &mut ws.work, &mut self.grads);
        if let Some(clip) = self.clip {
            clip.apply(&mut self.grads);
        }

        self.steps += 1;
        let (t, optimizer, state) = (self.steps, &self.optimizer, &mut self.state);
        let slots = O::STATE_PER_PARAM;
        let mut offset = 0;
        net.visit_with(&self.grads, &mut |p: &mut [E], g: &[E]| {
            let len = p.len();
            optimizer.update(t, p, g, &mut state[offset * slots..(offset + len) * slots]);
            offset += len;
        });
        net.update_state(&ws.work);
        (loss_sum, correct)
    }

    /// One gradient step on the given batch (Keras's `train_on_batch`); returns the batch's loss
    /// and accuracy before the update. After the first call with a batch of this size or
    /// smaller it allocates nothing of its own.
    pub fn train_on_batch(&mut self, x: &[E], y: &[L::Label]) -> Result<StepStats> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>(n, y)?;
        let ws = Self::reserve(&mut self.workspace, n);
        ws.x[..x.len()].copy_from_slice(x);
        ws.y[..y.len()].copy_from_slice(y);
        self.set_training();
        let (loss_sum, correct) = self.step(n);
        Ok(StepStats {
            loss: loss_sum / n as f64,
            accuracy: correct as f64 / n as f64,
        })
    }

    /// Calls `event` on every callback with a fresh context; applies the learning rate they
    /// leave and returns whether one asked to stop.
    fn notify(
        &mut self,
        callbacks: &mut [&mut dyn Callback<E>],
        epoch: usize,
        epochs: usize,
        mut event: impl FnMut(&mut dyn Callback<E>, &mut TrainContext<'_, E>) -> Result<()>,
    ) -> Result<bool> {
        if callbacks.is_empty() {
            return Ok(false);
        }
        let learning_rate = self.optimizer.learning_rate();
        let mut ctx = TrainContext {
            epoch,
            epochs,
            learning_rate,
            stop: false,
            params: &mut self.model.net,
        };
        for callback in callbacks.iter_mut() {
            event(&mut **callback, &mut ctx)?;
        }
        let (rate, stop) = (ctx.learning_rate, ctx.stop);
        self.optimizer.set_learning_rate(rate);
        Ok(stop)
    }

    /// Trains on `x` (whole `In` samples, flat) with labels `y` as `settings` say, and returns
    /// the per-epoch history. All data is checked before the first step; a callback's `Err`
    /// ends training and is returned.
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

        let epochs = settings.epochs;
        let mut callbacks = settings.callbacks;
        let capacity = settings.batch_size.min(n_train);
        Self::reserve(&mut self.workspace, capacity);
        let mut order: Vec<usize> = (0..n_train).collect();
        let mut history = History::default();
        self.notify(&mut callbacks, 0, epochs, |c, ctx| c.on_train_begin(ctx))?;
        for epoch in 0..epochs {
            let stop = self.notify(&mut callbacks, epoch, epochs, |c, ctx| {
                c.on_epoch_begin(ctx)
            })?;
            let learning_rate = self.optimizer.learning_rate();
            #[cfg(feature = "std")]
            let mut progress = progress::Progress::new(
                settings.verbose,
                epoch,
                epochs,
                n_train.div_ceil(capacity),
            );
            if settings.shuffle {
                shuffle(&mut order, &mut self.model.rng);
            }
            self.set_training();
            let (mut loss_sum, mut correct, mut seen) = (0.0, 0, 0);
            for (batch, indices) in order.chunks(capacity).enumerate() {
                self.gather(x, y, indices);
                let (l, c) = self.step(indices.len());
                (loss_sum, correct, seen) = (loss_sum + l, correct + c, seen + indices.len());
                let batch_loss = l / indices.len() as f64;
                self.notify(&mut callbacks, epoch, epochs, |cb, ctx| {
                    cb.on_batch_end(batch, batch_loss, ctx)
                })?;
                #[cfg(feature = "std")]
                progress.batch_done(
                    batch + 1,
                    loss_sum / seen as f64,
                    correct as f64 / seen as f64,
                );
            }
            let evaluation = validation.map(|(vx, vy)| self.evaluate_checked(vx, vy));
            let stats = EpochStats {
                loss: loss_sum / n_train as f64,
                accuracy: correct as f64 / n_train as f64,
                val_loss: evaluation.map(|e| e.loss),
                val_accuracy: evaluation.map(|e| e.accuracy),
                learning_rate,
            };
            #[cfg(feature = "std")]
            history.seconds.push(progress.epoch_done(&stats));
            history.epochs.push(stats);
            let stop_now = self.notify(&mut callbacks, epoch, epochs, |c, ctx| {
                c.on_epoch_end(&stats, ctx)
            })?;
            if stop || stop_now {
                break;
            }
        }
        let last = history.epochs.len().saturating_sub(1);
        self.notify(&mut callbacks, last, epochs, |c, ctx| c.on_train_end(ctx))?;
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

    /// Runs inference over `x` in chunks of the workspace's capacity, calling `visit` with each
    /// chunk's outputs and labels.
    fn infer_chunks(
        &mut self,
        x: &[E],
        y: &[L::Label],
        mut visit: impl FnMut(&L, &[E], &[L::Label]),
    ) {
        let capacity = self.workspace.as_ref().map_or(32, |ws| ws.capacity);
        Self::reserve(&mut self.workspace, capacity);
        self.set_mode(Mode::Inference);
        let ws = self.workspace.as_mut().expect("reserved above");
        let (dout, lpp) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        for (xc, yc) in x.chunks(capacity * In::NUMEL).zip(y.chunks(capacity * lpp)) {
            let m = xc.len() / In::NUMEL;
            self.model
                .net
                .forward(xc, m, &mut ws.out[..m * dout], &mut ws.work);
            for (pred, label) in ws.out[..m * dout]
                .chunks_exact(dout)
                .zip(yc.chunks_exact(lpp))
            {
                visit(&self.loss, pred, label);
            }
        }
    }

    fn evaluate_checked(&mut self, x: &[E], y: &[L::Label]) -> Evaluation {
        let n = x.len() / In::NUMEL;
        let (mut loss_sum, mut correct) = (0.0, 0);
        self.infer_chunks(x, y, |loss, pred, label| {
            loss_sum += loss.sample(pred, label, None);
            correct += usize::from(loss.correct(pred, label));
        });
        Evaluation {
            loss: loss_sum / n as f64,
            accuracy: correct as f64 / n as f64,
        }
    }

    /// A confusion matrix with precision, recall and F1 per class on `x`, `y`; classes are those
    /// of the loss's accuracy (two for a 1-wide output).
    pub fn evaluate_classes(&mut self, x: &[E], y: &[L::Label]) -> Result<ClassReport> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>(n, y)?;
        let classes = L::CLASSES;
        let mut confusion = vec![0usize; classes * classes];
        self.infer_chunks(x, y, |loss, pred, label| {
            confusion[loss.true_class(label) * classes + loss.predicted_class(pred)] += 1;
        });
        Ok(ClassReport::new(classes, confusion))
    }

    /// Runs the network on `x` in inference mode into `out` (`n · Output::NUMEL` values),
    /// reusing the training workspace: no allocation once the workspace exists.
    pub fn predict_into(&mut self, x: &[E], out: &mut [E]) -> Result<()> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let expected = n * Net::Output::NUMEL;
        if out.len() != expected {
            return Err(Error::OutputLength {
                expected,
                got: out.len(),
            });
        }
        self.predict_checked(x, n, out);
        Ok(())
    }

    fn predict_checked(&mut self, x: &[E], n: usize, out: &mut [E]) {
        let capacity = self
            .workspace
            .as_ref()
            .map_or(n.min(PREDICT_CHUNK), |ws| ws.capacity);
        Self::reserve(&mut self.workspace, capacity);
        self.set_mode(Mode::Inference);
        let ws = self.workspace.as_mut().expect("reserved above");
        forward_in_chunks::<In, Net, E>(&self.model.net, &mut ws.work, capacity, x, out);
    }

    /// Runs the network on `x` in inference mode, reusing the training workspace.
    pub fn predict(&mut self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        self.predict_checked(x, n, &mut out);
        Batch::from_vec(out)
    }
}

/// Fisher–Yates shuffle.
fn shuffle(order: &mut [usize], rng: &mut StdRng) {
    for i in (1..order.len()).rev() {
        order.swap(i, crate::init::index_below(rng, i + 1));
    }
}
