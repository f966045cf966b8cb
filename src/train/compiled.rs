//! [`CompiledModel`], what `compile` makes of a [`Model`]: the loss, the optimizer, the
//! metrics, the training workspace and one training step. Evaluation and prediction are in
//! `evaluate.rs`, the epoch loop in `fit.rs`.

use super::callbacks::{Callback, TrainContext};
use super::clip::Clip;
use super::data::{check_inputs, check_labels};
use super::model::Model;
use super::update::UpdateState;
use crate::error::{check_non_negative, Error, Result};
use crate::loss::Loss;
use crate::metric::{self, IntoMetrics, Metric, Scores, Task};
use crate::module::{Backward, Mode, Module, Weights};
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use rand::Rng;

/// The buffers of a training step, sized for `capacity` samples.
pub(super) struct Workspace<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, E: Scalar> {
    pub(super) capacity: usize,
    pub(super) work: Net::Work,
    pub(super) x: Vec<E>,
    pub(super) y: Vec<L::Label>,
    pub(super) out: Vec<E>,
    pub(super) d_out: Vec<E>,
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

/// Loss and metrics of one training step.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct StepStats {
    /// Mean loss over the batch (before the update).
    pub loss: f64,
    /// The compiled metrics over the batch (before the update).
    pub metrics: Scores,
}

impl StepStats {
    /// The batch's accuracy (a classifier's default metric).
    pub fn accuracy(&self) -> Result<f64> {
        self.metrics.value("accuracy")
    }
}

/// A model with a loss and an optimizer: it can `fit`, `evaluate` and `predict`.
///
/// ```
/// use stratanet::prelude::*;
/// // y = 1 when x₀ + x₁ > 1
/// let x: Vec<f32> = (0..200).map(|i| ((i * 37) % 100) as f32 / 100.0).collect();
/// let y: Vec<f32> = x.chunks(2).map(|p| f32::from(u8::from(p[0] + p[1] > 1.0))).collect();
/// let mut model = Model::<Vector<2>, (Dense<2, 8>, Relu, Dense<8, 1>)>::seeded(3)
///     .compile(BinaryCrossEntropyWithLogits, Adam::new(0.05));
/// let history = model.fit(&x, &y, Fit::epochs(60).batch_size(16).silent())?;
/// assert!(history.last().unwrap().loss < 0.3);
/// let report = model.evaluate(&x, &y)?;
/// assert!(report.accuracy()? > 0.9);
/// let logits = model.predict(&[0.9, 0.9, 0.1, 0.2])?;
/// assert!(logits.sample(0)[0] > 0.0 && logits.sample(1)[0] < 0.0);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub struct CompiledModel<In: Shape, Net: Module<In, E>, L: Loss<Net::Output, E>, O, E: Scalar = f32>
{
    pub(super) model: Model<In, Net, E>,
    pub(super) loss: L,
    pub(super) optimizer: O,
    pub(super) clip: Option<Clip>,
    pub(super) grads: Weights<Net, E>,
    pub(super) state: UpdateState<E>,
    pub(super) steps: u64,
    pub(super) workspace: Option<Workspace<In, Net, L, E>>,
    pub(super) metrics: Vec<Box<dyn Metric<Task = L::Task>>>,
    #[cfg(feature = "threading")]
    pub(super) pool: super::parallel::Pool<In, Net, L, O, E>,
}

impl<In, Net, L, O, E> core::fmt::Debug for CompiledModel<In, Net, L, O, E>
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E> + core::fmt::Debug,
    O: core::fmt::Debug,
    E: Scalar,
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CompiledModel")
            .field("model", &self.model)
            .field("loss", &self.loss)
            .field("optimizer", &self.optimizer)
            .field("clip", &self.clip)
            .field("steps", &self.steps)
            .field("metrics", &self.metrics)
            .finish_non_exhaustive()
    }
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
        let grads = Weights::zeros();
        Self {
            clip: None,
            state: UpdateState::new::<O>(grads.trainable_ranges()),
            grads,
            steps: 0,
            workspace: None,
            metrics: L::Task::defaults(),
            #[cfg(feature = "threading")]
            pool: super::parallel::Pool::new(),
            model,
            loss,
            optimizer,
        }
    }

    /// The metrics to report, replacing the default ([`metric::Accuracy`] for a classifier,
    /// none for a regression): one metric or a tuple of up to six, each of the loss's task
    /// (Keras's `compile(metrics=[...])`). The history, the progress line, the CSV log and
    /// [`CompiledModel::evaluate`] follow them.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::metric::{Accuracy, TopK};
    /// let mut model = Model::<Vector<4>, Dense<4, 10>>::seeded(0)
    ///     .compile(SoftmaxCrossEntropy, Adam::default())
    ///     .metrics((Accuracy, TopK::<3>));
    /// let e = model.evaluate(&[0.5; 4], &[7])?;
    /// assert_eq!(e.metrics.len(), 2);
    /// assert!(e.metric("top_k_accuracy")? >= e.accuracy()?);
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[must_use]
    pub fn metrics(self, metrics: impl IntoMetrics<L::Task>) -> Self {
        Self {
            metrics: metrics.into_metrics(),
            ..self
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
    #[must_use]
    pub fn with_clipping(self, clip: Clip) -> Self {
        Self {
            clip: Some(clip),
            ..self
        }
    }

    /// The most threads a training step may use, this one included (feature `threading`; the
    /// default is the machine's available parallelism). A step uses fewer when its batch is
    /// not worth them (see `Module::COST`), and one for a network with batch normalization.
    /// A given thread count gives the same bits on every run; another count rounds the summed
    /// gradients differently. `0` is refused when training starts.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let x = vec![0.5f32; 256 * 64];
    /// let y: Vec<usize> = (0..256).map(|i| i % 10).collect();
    /// let mut two = Model::<Vector<64>, (Dense<64, 256>, Relu, Dense<256, 10>)>::seeded(1)
    ///     .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
    ///     .threads(2);
    /// let mut again = Model::<Vector<64>, (Dense<64, 256>, Relu, Dense<256, 10>)>::seeded(1)
    ///     .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
    ///     .threads(2);
    /// let (a, b) = (two.train_on_batch(&x, &y)?, again.train_on_batch(&x, &y)?);
    /// assert_eq!(a.loss, b.loss);
    /// assert_eq!(two.model().weights().as_slice(), again.model().weights().as_slice());
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    #[cfg(feature = "threading")]
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.pool.threads = threads;
        self
    }

    /// How many threads a training step over `batch` samples uses: 1 without the `threading`
    /// feature, for a network with batch normalization, or when the batch's work (its
    /// `Module::COST` times `batch`) is too small to share; else at most `threads` (its builder).
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let tiny = Model::<Vector<4>, Dense<4, 2>>::seeded(1).compile(Mse, Sgd::new(0.1));
    /// assert_eq!(tiny.threads_for(64), 1);
    /// ```
    pub fn threads_for(&self, batch: usize) -> usize {
        #[cfg(feature = "threading")]
        return self.shards(batch);
        #[cfg(not(feature = "threading"))]
        {
            let _one_thread = batch;
            1
        }
    }

    /// Optimizer steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A table of the network's layers, output shapes and parameter counts (Keras's `summary`).
    pub fn summary(&self) -> String {
        Model::<In, Net, E>::summary_table()
    }

    /// [`Model::save_weights`] of the model being trained.
    pub fn save_weights(&self) -> Vec<u8> {
        self.model.save_weights()
    }

    /// [`Model::load_weights`] into the model being trained; the optimizer's state is kept.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// let mut a = Model::<Vector<2>, Dense<2, 1>>::seeded(1).compile(Mse, Adam::default());
    /// let b = Model::<Vector<2>, Dense<2, 1>>::seeded(2).compile(Mse, Adam::default());
    /// a.load_weights(&b.save_weights())?;
    /// assert_eq!(a.model().weights().as_slice(), b.model().weights().as_slice());
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn load_weights(&mut self, bytes: &[u8]) -> Result<()> {
        self.model.load_weights(bytes)
    }

    /// [`Model::save`] of the model being trained.
    #[cfg(feature = "std")]
    pub fn save(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        self.model.save(path)
    }

    /// [`Model::load`] into the model being trained.
    #[cfg(feature = "std")]
    pub fn load(&mut self, path: impl AsRef<std::path::Path>) -> Result<()> {
        self.model.load(path)
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
    pub(super) fn set_mode(&mut self, mode: Mode) {
        #[cfg(feature = "threading")]
        self.pool.set_mode(mode);
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
    /// update, state update. Returns the batch's summed loss; the metrics count its samples.
    /// With the `threading` feature a batch worth it is split over threads (`parallel`).
    pub(super) fn step(&mut self, n: usize) -> f64 {
        #[cfg(feature = "threading")]
        if let shards @ 2.. = self.shards(n) {
            return self.sharded_step(n, shards);
        }
        let loss_sum = self.gradients(n);
        self.update();
        loss_sum
    }

    /// Forward, loss and backward over the first `n` samples in the workspace, into
    /// `self.grads`; returns the summed loss.
    fn gradients(&mut self, n: usize) -> f64 {
        let ws = self.workspace.as_mut().expect("step runs after reserve");
        let (din, per) = (In::NUMEL, L::LABELS_PER_SAMPLE);
        let shard = Shard {
            tensors: self.model.weights.as_slice(),
            x: &ws.x[..n * din],
            labels: &ws.y[..n * per],
            batch: n,
        };
        let buffers = (&mut ws.out[..], &mut ws.d_out[..], &mut ws.work);
        self.grads.as_mut_slice().fill(E::zero());
        let grads = self.grads.as_mut_slice();
        shard_gradients::<In, Net, L, E>(&self.loss, &mut self.metrics, shard, buffers, grads)
    }

    /// Clipping, the optimizer's update from `self.grads` on this thread, and the layers'
    /// state update.
    pub(super) fn update(&mut self) {
        if let Some(clip) = self.clip {
            clip.apply(&mut self.grads);
        }
        self.steps += 1;
        let weights = self.model.weights.as_mut_slice();
        let grads = self.grads.as_slice();
        self.state
            .update(&self.optimizer, self.steps, weights, grads);
        let ws = self.workspace.as_ref().expect("step runs after reserve");
        Net::update_state(self.model.weights.as_mut_slice(), &ws.work);
    }

    /// Starts a pass: every metric forgets what it saw.
    pub(super) fn reset_metrics(&mut self) {
        for m in &mut self.metrics {
            m.reset();
        }
    }

    /// The metrics' values over the pass so far.
    pub(super) fn scores(&self) -> Scores {
        metric::scores_of(&self.metrics)
    }

    /// One gradient step on the given batch (Keras's `train_on_batch`); returns the batch's loss
    /// and metrics before the update. After the first call with a batch of this size or
    /// smaller it allocates nothing of its own.
    pub fn train_on_batch(&mut self, x: &[E], y: &[L::Label]) -> Result<StepStats> {
        self.validate_settings()?;
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>("labels", n, y)?;
        let ws = Self::reserve(&mut self.workspace, n);
        ws.x[..x.len()].copy_from_slice(x);
        ws.y[..y.len()].copy_from_slice(y);
        self.set_training();
        self.reset_metrics();
        let loss_sum = self.step(n);
        self.check_finite(0)?;
        Ok(StepStats {
            loss: loss_sum / n as f64,
            metrics: self.scores(),
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
        // A schedule or callback that returns NaN, infinity or a negative rate is an `Err`, not
        // gradient ascent into a NaN model.
        check_non_negative("learning rate set by a callback", rate)?;
        self.optimizer.set_learning_rate(rate);
        Ok(stop)
    }

    /// Checks the loss's settings and that every metric fits its classes.
    pub(super) fn validate_loss(&self) -> Result<()> {
        self.loss.validate()?;
        if self.metrics.len() > metric::CAPACITY {
            return Err(Error::InvalidSetting {
                what: "metrics",
                detail: alloc::format!(
                    "expected at most {} metrics, got {}",
                    metric::CAPACITY,
                    self.metrics.len()
                ),
            });
        }
        self.metrics.iter().try_for_each(|m| m.validate(L::CLASSES))
    }

    /// `Err` when a weight is NaN or infinite after `epoch`: `fit` and `train_on_batch` never
    /// return `Ok` for a diverged model.
    pub(super) fn check_finite(&self, epoch: usize) -> Result<()> {
        match self.model.weights.non_finite_tensor() {
            None => Ok(()),
            Some(tensor) => Err(Error::NonFiniteWeights { epoch, tensor }),
        }
    }

    /// Checks every setting before training or evaluating: the optimizer's hyper-parameters,
    /// the loss's, and the clipping threshold.
    pub(super) fn validate_settings(&self) -> Result<()> {
        self.optimizer.validate()?;
        self.validate_loss()?;
        #[cfg(feature = "threading")]
        if self.pool.threads == 0 {
            return Err(Error::InvalidSetting {
                what: "threads",
                detail: String::from("expected at least 1 thread, got 0"),
            });
        }
        match self.clip {
            Some(clip) => clip.validate(),
            None => Ok(()),
        }
    }
}

/// What a shard of a training step reads: the weights, its samples and labels, and the size
/// of the whole batch (the loss is its mean).
pub(super) struct Shard<'a, E, Y> {
    pub(super) tensors: &'a [E],
    pub(super) x: &'a [E],
    pub(super) labels: &'a [Y],
    pub(super) batch: usize,
}

/// Forward, loss and backward over one shard of a batch, accumulating into `grads`: the loss
/// gradient of each sample is scaled by `1 / batch`, and `metrics` count the shard's samples.
/// `buffers` are the output, its gradient and the network's work, each for at least the shard.
/// Returns the shard's summed loss.
pub(super) fn shard_gradients<In, Net, L, E>(
    loss: &L,
    metrics: &mut [Box<dyn Metric<Task = L::Task>>],
    shard: Shard<'_, E, L::Label>,
    buffers: (&mut [E], &mut [E], &mut Net::Work),
    grads: &mut [E],
) -> f64
where
    In: Shape,
    Net: Module<In, E>,
    L: Loss<Net::Output, E>,
    E: Scalar,
{
    let (dout, per) = (Net::Output::NUMEL, L::LABELS_PER_SAMPLE);
    let n = shard.x.len() / In::NUMEL;
    let (out, d_out, work) = buffers;
    let (out, d_out) = (&mut out[..n * dout], &mut d_out[..n * dout]);
    Net::forward(shard.tensors, shard.x, n, out, work);
    let scale = E::from_f64(1.0 / shard.batch as f64);
    let mut loss_sum = 0.0;
    for i in 0..n {
        let rows = i * dout..(i + 1) * dout;
        let label = &shard.labels[i * per..(i + 1) * per];
        let grad = Some((&mut d_out[rows.clone()], scale));
        loss_sum += score(loss, metrics, Net::SOFTMAX_OUTPUT, &out[rows], label, grad);
    }
    let pass = Backward {
        tensors: shard.tensors,
        x: shard.x,
        y: out,
        dy: d_out,
        dx: None,
        n,
        grads,
    };
    Net::backward(pass, work);
    loss_sum
}

/// One sample's loss (and with `grad` its scaled gradient), counted by every metric;
/// `from_softmax` when the network ends with a `Softmax` layer.
pub(super) fn score<Out: Shape, E: Scalar, L: Loss<Out, E>>(
    loss: &L,
    metrics: &mut [Box<dyn Metric<Task = L::Task>>],
    from_softmax: bool,
    pred: &[E],
    label: &[L::Label],
    grad: Option<(&mut [E], E)>,
) -> f64 {
    let value = if from_softmax {
        loss.per_sample_on_probabilities(pred, label, grad)
    } else {
        loss.per_sample(pred, label, grad)
    };
    count(loss, metrics, from_softmax, pred, label);
    value
}

/// Counts one sample's prediction in every metric (none: nothing to do).
pub(super) fn count<Out: Shape, E: Scalar, L: Loss<Out, E>>(
    loss: &L,
    metrics: &mut [Box<dyn Metric<Task = L::Task>>],
    from_softmax: bool,
    pred: &[E],
    label: &[L::Label],
) {
    if metrics.is_empty() {
        return;
    }
    let sample = loss.sample(pred, label, from_softmax);
    for metric in metrics {
        metric.update(&sample);
    }
}
