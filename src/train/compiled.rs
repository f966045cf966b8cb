//! [`CompiledModel`]: a model with a loss, an optimizer and a training workspace: one training
//! step, evaluation and prediction. The epoch loop, [`CompiledModel::fit`], is in `fit.rs`.

use super::callbacks::{Callback, TrainContext};
use super::clip::Clip;
use super::data::{check_inputs, check_labels};
use super::history::Evaluation;
use super::metrics::ClassReport;
use super::model::{forward_in_chunks, Model, PREDICT_CHUNK};
use crate::batch::Batch;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::module::{Backward, Mode, Module, Weights};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use rand::Rng;

impl<In: Shape, Net: Module<In, E>, E: Scalar> Model<In, Net, E> {
    /// Adds a loss and an optimizer (Keras's `compile`).
    pub fn compile<L: Loss<Net::Output, E>, O: Optimizer>(
        self,
        loss: L,
        optimizer: O,
    ) -> CompiledModel<In, Net, L, O, E> {
        CompiledModel::new(self, loss, optimizer)
    }
}

/// The buffers of a training step, sized for `capacity` samples.
pub(super) struct Workspace<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    pub(super) capacity: usize,
    work: Net::Work,
    pub(super) x: Vec<E>,
    pub(super) y: Vec<L::Label>,
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
    pub(super) model: Model<In, Net, E>,
    loss: L,
    pub(super) optimizer: O,
    clip: Option<Clip>,
    grads: Weights<Net, E>,
    state: Vec<E>,
    steps: u64,
    pub(super) workspace: Option<Workspace<In, Net, L, E>>,
}

impl<In, Net, L, O, E> CompiledModel<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    O: Optimizer,
    E: Scalar,
{
    pub(super) fn new(model: Model<In, Net, E>, loss: L, optimizer: O) -> Self {
        Self {
            clip: None,
            grads: Weights::zeros(),
            state: vec![E::zero(); Net::PARAMS * O::STATE_PER_PARAM],
            steps: 0,
            workspace: None,
            model,
            loss,
            optimizer,
        }
    }

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
    pub(super) fn reserve(
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
    pub(super) fn set_training(&mut self) {
        let seed = self.model.rng.next_u64();
        self.set_mode(Mode::Training { seed });
    }

    /// One step on the first `n` samples in the workspace: forward, loss, backward, clipping,
    /// update, state update. Returns the batch's summed loss and correct count.
    pub(super) fn step(&mut self, n: usize) -> (f64, usize) {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let (din, dout, per) = (In::NUMEL, Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
        let weights = &mut self.model.weights;
        let (x, out) = (&ws.x[..n * din], &mut ws.out[..n * dout]);
        Net::forward(weights.as_slice(), x, n, out, &mut ws.work);

        let scale = E::from_f64(1.0 / n as f64);
        let (mut loss_sum, mut correct) = (0.0, 0);
        for i in 0..n {
            let rows = i * dout..(i + 1) * dout;
            let label = &ws.y[i * per..(i + 1) * per];
            let pred = &ws.out[rows.clone()];
            loss_sum += self
                .loss
                .per_sample(pred, label, Some((&mut ws.d_out[rows], scale)));
            correct += usize::from(self.loss.correct(pred, label));
        }

        self.grads.as_mut_slice().fill(E::zero());
        let pass = Backward {
            tensors: weights.as_slice(),
            x: &ws.x[..n * din],
            y: &ws.out[..n * dout],
            dy: &ws.d_out[..n * dout],
            dx: None,
            n,
            grads: self.grads.as_mut_slice(),
        };
        Net::backward(pass, &mut ws.work);
        if let Some(clip) = self.clip {
            clip.apply(&mut self.grads);
        }

        self.steps += 1;
        let (t, optimizer, state) = (self.steps, &self.optimizer, &mut self.state);
        let slots = O::STATE_PER_PARAM;
        let mut offset = 0;
        weights.zip_trainable(&self.grads, &mut |p: &mut [E], g: &[E]| {
            let len = p.len();
            optimizer.update(t, p, g, &mut state[offset * slots..(offset + len) * slots]);
            offset += len;
        });
        Net::update_state(weights.as_mut_slice(), &ws.work);
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
    pub(super) fn notify(
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
            weights: self.model.weights.as_mut_slice(),
        };
        for callback in callbacks.iter_mut() {
            event(&mut **callback, &mut ctx)?;
        }
        let (rate, stop) = (ctx.learning_rate, ctx.stop);
        self.optimizer.set_learning_rate(rate);
        Ok(stop)
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
            let tensors = self.model.weights.as_slice();
            Net::forward(tensors, xc, m, &mut ws.out[..m * dout], &mut ws.work);
            for (pred, label) in ws.out[..m * dout]
                .chunks_exact(dout)
                .zip(yc.chunks_exact(lpp))
            {
                visit(&self.loss, pred, label);
            }
        }
    }

    pub(super) fn evaluate_checked(&mut self, x: &[E], y: &[L::Label]) -> Evaluation {
        let n = x.len() / In::NUMEL;
        let (mut loss_sum, mut correct) = (0.0, 0);
        self.infer_chunks(x, y, |loss, pred, label| {
            loss_sum += loss.per_sample(pred, label, None);
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
        let tensors = self.model.weights.as_slice();
        forward_in_chunks::<In, Net, E>(tensors, &mut ws.work, capacity, x, out);
    }

    /// Runs the network on `x` in inference mode, reusing the training workspace.
    pub fn predict(&mut self, x: &[E]) -> Result<Batch<Net::Output, E>> {
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        let mut out = vec![E::zero(); n * Net::Output::NUMEL];
        self.predict_checked(x, n, &mut out);
        Batch::from_vec(out)
    }
}
