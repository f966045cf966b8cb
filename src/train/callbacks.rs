//! Callbacks on [`super::CompiledModel::fit`]: hooks at the start and end of training, of each
//! epoch and of each batch, with the right to stop training, change the learning rate and read or
//! replace the weights (Keras's callbacks, in Rust's idiom).
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::train::callbacks::{EarlyStopping, LearningRateScheduler, Monitor, StepDecay};
//! use rand::SeedableRng;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let mut model = Model::<Vector<2>, (Dense<2, 4>, Tanh, Dense<4, 1>)>::new(&mut rng).compile(Mse, Adam::new(0.05));
//! let (x, y) = ([0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 1.0, 0.0]);
//! let mut stop = EarlyStopping::new(Monitor::Loss).patience(5).restore_best_weights();
//! let mut schedule = LearningRateScheduler::new(StepDecay { every: 50, factor: 0.5 });
//! let history = model.fit(&x, &y, Fit::epochs(500).batch_size(4).callback(&mut stop).callback(&mut schedule).silent())?;
//! assert!(history.len() <= 500);
//! # Ok::<(), stratanet::Error>(())
//! ```

use super::fit::EpochStats;
use crate::error::{Error, Result};
use crate::module::Params;
use crate::Scalar;
use alloc::vec::Vec;
use num_traits::Float;

/// The weights of the model being trained, as flat slices in the network's parameter order.
pub(crate) trait ParamAccess<E> {
    fn visit(&self, f: &mut dyn FnMut(&[E]));
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E]));
}

/// Weights here are every stored tensor — parameters and batch-norm statistics — as a saved
/// model holds them.
impl<E: Scalar, P: Params<E>> ParamAccess<E> for P {
    fn visit(&self, f: &mut dyn FnMut(&[E])) {
        self.visit_tensors(f)
    }
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        self.visit_tensors_mut(f)
    }
}

/// What a callback sees of the training run, and may change.
pub struct TrainContext<'a, E> {
    /// The current epoch, from 0.
    pub epoch: usize,
    /// Epochs requested.
    pub epochs: usize,
    /// The optimizer's learning rate; a callback may set it (it applies from the next step).
    pub learning_rate: f64,
    /// Set to `true` to stop training after the current epoch.
    pub stop: bool,
    pub(crate) params: &'a mut dyn ParamAccess<E>,
}

impl<E: Scalar> TrainContext<'_, E> {
    /// Copies every weight (parameters, then batch-norm statistics, in the network's order) into
    /// `out`, replacing its content.
    pub fn copy_weights(&self, out: &mut Vec<E>) {
        out.clear();
        self.params.visit(&mut |s: &[E]| out.extend_from_slice(s));
    }

    /// Replaces every weight with `weights` (as [`TrainContext::copy_weights`] wrote them).
    pub fn load_weights(&mut self, weights: &[E]) {
        let mut offset = 0;
        self.params.visit_mut(&mut |s: &mut [E]| {
            s.copy_from_slice(&weights[offset..offset + s.len()]);
            offset += s.len();
        });
    }
}

/// Hooks into [`super::CompiledModel::fit`]. Every method has a default that does nothing; an
/// `Err` ends training and `fit` returns it.
pub trait Callback<E: Scalar> {
    /// Before the first epoch.
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        Ok(())
    }
    /// Before each epoch.
    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        Ok(())
    }
    /// After each batch, with the batch's mean loss (before its update).
    fn on_batch_end(
        &mut self,
        _batch: usize,
        _loss: f64,
        _ctx: &mut TrainContext<'_, E>,
    ) -> Result<()> {
        Ok(())
    }
    /// After each epoch (and its validation).
    fn on_epoch_end(&mut self, _stats: &EpochStats, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        Ok(())
    }
    /// After the last epoch, or after a callback stopped training.
    fn on_train_end(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        Ok(())
    }
}

/// Which epoch metric a callback watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Monitor {
    /// Training loss.
    Loss,
    /// Training accuracy.
    Accuracy,
    /// Validation loss.
    ValLoss,
    /// Validation accuracy.
    ValAccuracy,
}

/// Whether smaller or larger values of the monitored metric are better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Smaller is better (losses).
    Min,
    /// Larger is better (accuracies).
    Max,
}

impl Monitor {
    fn name(self) -> &'static str {
        match self {
            Monitor::Loss => "loss",
            Monitor::Accuracy => "accuracy",
            Monitor::ValLoss => "val_loss",
            Monitor::ValAccuracy => "val_accuracy",
        }
    }

    /// The metric's value in `stats`; an `Err` when a validation metric is monitored but `fit`
    /// has no validation data.
    pub fn value(self, stats: &EpochStats) -> Result<f64> {
        let value = match self {
            Monitor::Loss => Some(stats.loss),
            Monitor::Accuracy => Some(stats.accuracy),
            Monitor::ValLoss => stats.val_loss,
            Monitor::ValAccuracy => stats.val_accuracy,
        };
        value.ok_or_else(|| Error::InvalidSetting {
            what: "monitor",
            detail: alloc::format!(
                "expected validation data to monitor {}, got none",
                self.name()
            ),
        })
    }

    /// Keras's "auto" mode: accuracies are maximized, losses minimized.
    pub fn direction(self) -> Direction {
        match self {
            Monitor::Accuracy | Monitor::ValAccuracy => Direction::Max,
            Monitor::Loss | Monitor::ValLoss => Direction::Min,
        }
    }
}

/// Tracks the best value of a monitored metric, Keras-style: an improvement must beat the best
/// by more than `min_delta`.
#[derive(Clone, Copy, Debug)]
struct Best {
    direction: Direction,
    min_delta: f64,
    value: f64,
}

impl Best {
    fn new(direction: Direction, min_delta: f64) -> Self {
        let value = if direction == Direction::Min {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
        Self {
            direction,
            min_delta: min_delta.abs(),
            value,
        }
    }

    fn improves(&self, current: f64) -> bool {
        match self.direction {
            Direction::Min => current < self.value - self.min_delta,
            Direction::Max => current > self.value + self.min_delta,
        }
    }
}

/// Stops training when the monitored metric has not improved for `patience` epochs, and can
/// restore the weights of the best epoch (Keras's `EarlyStopping`).
pub struct EarlyStopping<E> {
    monitor: Monitor,
    patience: usize,
    restore_best_weights: bool,
    best: Best,
    wait: usize,
    best_epoch: Option<usize>,
    stopped_epoch: Option<usize>,
    best_weights: Vec<E>,
}

impl<E: Scalar> EarlyStopping<E> {
    /// Watches `monitor` (direction from its kind), patience 0, min_delta 0, no restore.
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            patience: 0,
            restore_best_weights: false,
            best: Best::new(monitor.direction(), 0.0),
            wait: 0,
            best_epoch: None,
            stopped_epoch: None,
            best_weights: Vec::new(),
        }
    }
    /// Epochs without improvement before stopping.
    pub fn patience(self, patience: usize) -> Self {
        Self { patience, ..self }
    }
    /// The smallest change that counts as an improvement.
    pub fn min_delta(self, min_delta: f64) -> Self {
        Self {
            best: Best::new(self.best.direction, min_delta),
            ..self
        }
    }
    /// Overrides the direction (Keras's `mode`).
    pub fn direction(self, direction: Direction) -> Self {
        Self {
            best: Best::new(direction, self.best.min_delta),
            ..self
        }
    }
    /// On stopping, put back the weights of the best epoch.
    pub fn restore_best_weights(self) -> Self {
        Self {
            restore_best_weights: true,
            ..self
        }
    }
    /// The epoch (from 0) at which training was stopped, if it was.
    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped_epoch
    }
    /// The best epoch so far (from 0) and its value.
    pub fn best(&self) -> Option<(usize, f64)> {
        self.best_epoch.map(|e| (e, self.best.value))
    }
}

impl<E: Scalar> Callback<E> for EarlyStopping<E> {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.best = Best::new(self.best.direction, self.best.min_delta);
        (self.wait, self.best_epoch, self.stopped_epoch) = (0, None, None);
        Ok(())
    }

    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let current = self.monitor.value(stats)?;
        if self.best.improves(current) {
            self.best.value = current;
            self.best_epoch = Some(ctx.epoch);
            self.wait = 0;
            if self.restore_best_weights {
                ctx.copy_weights(&mut self.best_weights);
            }
            return Ok(());
        }
        self.wait += 1;
        if self.wait >= self.patience && ctx.epoch > 0 {
            ctx.stop = true;
            self.stopped_epoch = Some(ctx.epoch);
            if self.restore_best_weights && self.best_epoch.is_some() {
                ctx.load_weights(&self.best_weights);
            }
        }
        Ok(())
    }
}

/// Keeps a copy of the weights in memory: of the best epoch by a monitored metric, or of the
/// latest epoch (Keras's `ModelCheckpoint` with `save_best_only` or without). Copy them back
/// with [`ModelCheckpoint::restore`], or get them as a weights file with
/// [`ModelCheckpoint::weights_file`].
pub struct ModelCheckpoint<E> {
    best: Option<(Monitor, Best)>,
    epoch: Option<usize>,
    weights: Vec<E>,
}

impl<E: Scalar> ModelCheckpoint<E> {
    /// Keeps the weights of the best epoch by `monitor`.
    pub fn best(monitor: Monitor) -> Self {
        Self {
            best: Some((monitor, Best::new(monitor.direction(), 0.0))),
            epoch: None,
            weights: Vec::new(),
        }
    }
    /// Keeps the weights of every epoch (the latest replaces the previous).
    pub fn every_epoch() -> Self {
        Self {
            best: None,
            epoch: None,
            weights: Vec::new(),
        }
    }
    /// The epoch (from 0) of the kept weights.
    pub fn epoch(&self) -> Option<usize> {
        self.epoch
    }
    /// The kept weights, in the network's parameter order.
    pub fn weights(&self) -> Option<&[E]> {
        self.epoch.map(|_| self.weights.as_slice())
    }
    /// The kept weights as a weights file of network type `P` (see [`crate::persist`]), for
    /// writing to disk.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::train::callbacks::{ModelCheckpoint, Monitor};
    /// use rand::SeedableRng;
    /// type Net = (Dense<2, 3>, Tanh, Dense<3, 1>);
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let mut model = Model::<Vector<2>, Net>::new(&mut rng).compile(Mse, Adam::new(0.01));
    /// let mut best = ModelCheckpoint::best(Monitor::Loss);
    /// model.fit(&[0.0, 1.0, 1.0, 0.0], &[1.0, 0.0], Fit::epochs(5).callback(&mut best).silent())?;
    /// let bytes = best.weights_file::<Net>().expect("an epoch was kept");
    /// let mut restored = Model::<Vector<2>, Net>::new(&mut rng);
    /// restored.load_weights(&bytes)?;
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn weights_file<P: Params<E>>(&self) -> Option<Vec<u8>> {
        let mut network = P::zeros();
        self.restore(&mut network)
            .then(|| crate::persist::save_weights(&network))
    }

    /// Copies the kept weights into `network`; returns whether there were any.
    pub fn restore<P: Params<E>>(&self, network: &mut P) -> bool {
        let Some(weights) = self.weights() else {
            return false;
        };
        let mut offset = 0;
        network.visit_tensors_mut(&mut |s: &mut [E]| {
            s.copy_from_slice(&weights[offset..offset + s.len()]);
            offset += s.len();
        });
        true
    }
}

impl<E: Scalar> Callback<E> for ModelCheckpoint<E> {
    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        if let Some((monitor, best)) = &mut self.best {
            let current = monitor.value(stats)?;
            if !best.improves(current) {
                return Ok(());
            }
            best.value = current;
        }
        self.epoch = Some(ctx.epoch);
        ctx.copy_weights(&mut self.weights);
        Ok(())
    }
}

/// A learning-rate schedule: the rate for an epoch, from the initial rate and the current one.
pub trait Schedule {
    /// The learning rate for `epoch` (from 0).
    fn rate(&mut self, epoch: usize, initial: f64, current: f64) -> f64;
}

/// `initial · factor^⌊epoch / every⌋`.
#[derive(Clone, Copy, Debug)]
pub struct StepDecay {
    /// Epochs between drops.
    pub every: usize,
    /// Multiplier at each drop.
    pub factor: f64,
}

impl Schedule for StepDecay {
    fn rate(&mut self, epoch: usize, initial: f64, _current: f64) -> f64 {
        initial * Float::powi(self.factor, (epoch / self.every.max(1)) as i32)
    }
}

/// `initial · rate^epoch`.
#[derive(Clone, Copy, Debug)]
pub struct ExponentialDecay {
    /// Multiplier per epoch.
    pub rate: f64,
}

impl Schedule for ExponentialDecay {
    fn rate(&mut self, epoch: usize, initial: f64, _current: f64) -> f64 {
        initial * Float::powi(self.rate, epoch as i32)
    }
}

/// Cosine decay from the initial rate to `min_rate` over `epochs`:
/// `min + (initial − min)·(1 + cos(π·epoch/epochs))/2`, then `min_rate`.
#[derive(Clone, Copy, Debug)]
pub struct CosineDecay {
    /// Epochs of the decay.
    pub epochs: usize,
    /// The final rate.
    pub min_rate: f64,
}

impl Schedule for CosineDecay {
    fn rate(&mut self, epoch: usize, initial: f64, _current: f64) -> f64 {
        let progress = (epoch as f64 / self.epochs.max(1) as f64).min(1.0);
        self.min_rate
            + (initial - self.min_rate) * 0.5 * (1.0 + Float::cos(core::f64::consts::PI * progress))
    }
}

/// Any closure `(epoch, current rate) -> rate` is a schedule (Keras's `LearningRateScheduler`).
impl<F: FnMut(usize, f64) -> f64> Schedule for F {
    fn rate(&mut self, epoch: usize, _initial: f64, current: f64) -> f64 {
        self(epoch, current)
    }
}

/// Sets the learning rate at the start of every epoch from a [`Schedule`].
pub struct LearningRateScheduler<S> {
    schedule: S,
    initial: Option<f64>,
}

impl<S: Schedule> LearningRateScheduler<S> {
    /// A scheduler following `schedule`; the initial rate is the optimizer's when training starts.
    pub fn new(schedule: S) -> Self {
        Self {
            schedule,
            initial: None,
        }
    }
}

impl<E: Scalar, S: Schedule> Callback<E> for LearningRateScheduler<S> {
    fn on_train_begin(&mut self, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.initial = Some(ctx.learning_rate);
        Ok(())
    }
    fn on_epoch_begin(&mut self, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let initial = *self.initial.get_or_insert(ctx.learning_rate);
        ctx.learning_rate = self.schedule.rate(ctx.epoch, initial, ctx.learning_rate);
        Ok(())
    }
}

/// Multiplies the learning rate by `factor` when the monitored metric has not improved for
/// `patience` epochs, then waits `cooldown` epochs (Keras's `ReduceLROnPlateau`; defaults
/// factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_rate 0).
pub struct ReduceLrOnPlateau {
    monitor: Monitor,
    factor: f64,
    patience: usize,
    cooldown: usize,
    min_rate: f64,
    best: Best,
    wait: usize,
    cooling: usize,
}

impl ReduceLrOnPlateau {
    /// Watches `monitor` with Keras's defaults.
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            factor: 0.1,
            patience: 10,
            cooldown: 0,
            min_rate: 0.0,
            best: Best::new(monitor.direction(), 1e-4),
            wait: 0,
            cooling: 0,
        }
    }
    /// The multiplier (below 1).
    pub fn factor(self, factor: f64) -> Self {
        Self { factor, ..self }
    }
    /// Epochs without improvement before reducing.
    pub fn patience(self, patience: usize) -> Self {
        Self { patience, ..self }
    }
    /// Epochs to wait after a reduction.
    pub fn cooldown(self, cooldown: usize) -> Self {
        Self { cooldown, ..self }
    }
    /// The rate is never reduced below this.
    pub fn min_rate(self, min_rate: f64) -> Self {
        Self { min_rate, ..self }
    }
    /// The smallest change that counts as an improvement.
    pub fn min_delta(self, min_delta: f64) -> Self {
        Self {
            best: Best::new(self.best.direction, min_delta),
            ..self
        }
    }
}

impl<E: Scalar> Callback<E> for ReduceLrOnPlateau {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.best = Best::new(self.best.direction, self.best.min_delta);
        (self.wait, self.cooling) = (0, 0);
        Ok(())
    }

    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let current = self.monitor.value(stats)?;
        if self.cooling > 0 {
            self.cooling -= 1;
            self.wait = 0;
        }
        if self.best.improves(current) {
            self.best.value = current;
            self.wait = 0;
        } else if self.cooling == 0 {
            self.wait += 1;
            if self.wait >= self.patience && ctx.learning_rate > self.min_rate {
                ctx.learning_rate = (ctx.learning_rate * self.factor).max(self.min_rate);
                self.cooling = self.cooldown;
                self.wait = 0;
            }
        }
        Ok(())
    }
}

/// Ends training with an `Err` naming the epoch and batch where the loss stopped being finite
/// (Keras's `TerminateOnNaN`, as an error).
#[derive(Clone, Copy, Debug, Default)]
pub struct StopOnNaN;

impl<E: Scalar> Callback<E> for StopOnNaN {
    fn on_batch_end(
        &mut self,
        batch: usize,
        loss: f64,
        ctx: &mut TrainContext<'_, E>,
    ) -> Result<()> {
        if loss.is_finite() {
            Ok(())
        } else {
            Err(Error::NonFiniteLoss {
                epoch: ctx.epoch,
                batch,
            })
        }
    }
}

/// Writes one CSV line per epoch (`epoch,loss,accuracy,val_loss,val_accuracy,learning_rate`) to a
/// file, replacing it when training begins (Keras's `CSVLogger`).
#[cfg(feature = "std")]
pub struct CsvLogger {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
}

#[cfg(feature = "std")]
impl CsvLogger {
    /// Logs to `path`.
    pub fn new(path: impl Into<std::path::PathBuf>) -> Self {
        Self {
            path: path.into(),
            file: None,
        }
    }

    fn write(&mut self, line: &str) -> Result<()> {
        use std::io::Write;
        use std::string::ToString;
        let io = |e: std::io::Error| Error::Io {
            path: self.path.display().to_string(),
            detail: e.to_string(),
        };
        let file = match &mut self.file {
            Some(file) => file,
            slot => slot.insert(std::fs::File::create(&self.path).map_err(io)?),
        };
        writeln!(file, "{line}").map_err(io)
    }
}

#[cfg(feature = "std")]
impl<E: Scalar> Callback<E> for CsvLogger {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.file = None;
        self.write("epoch,loss,accuracy,val_loss,val_accuracy,learning_rate")
    }

    fn on_epoch_end(&mut self, s: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let opt = |v: Option<f64>| v.map(|v| alloc::format!("{v}")).unwrap_or_default();
        let line = alloc::format!(
            "{},{},{},{},{},{}",
            ctx.epoch,
            s.loss,
            s.accuracy,
            opt(s.val_loss),
            opt(s.val_accuracy),
            s.learning_rate
        );
        self.write(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(loss: f64) -> EpochStats {
        EpochStats {
            loss,
            accuracy: 0.0,
            val_loss: None,
            val_accuracy: None,
            learning_rate: 0.1,
        }
    }

    /// Runs `callback` over scripted epoch losses; the "weights" are one value set to the epoch
    /// number at the start of each epoch. Returns (epochs run, final weight, final rate).
    type Weights = crate::layers::DenseT<crate::shape::Dim<1>, crate::shape::Dim<1>, f64>;

    fn script<C: Callback<f64>>(callback: &mut C, losses: &[f64]) -> (usize, f64, f64) {
        let mut weights = <Weights as Params<f64>>::zeros();
        let mut rate = 0.1;
        let mut ctx = TrainContext {
            epoch: 0,
            epochs: losses.len(),
            learning_rate: rate,
            stop: false,
            params: &mut weights,
        };
        callback.on_train_begin(&mut ctx).unwrap();
        let mut run = 0;
        for (epoch, &loss) in losses.iter().enumerate() {
            weights.weight_mut()[0] = epoch as f64;
            let mut ctx = TrainContext {
                epoch,
                epochs: losses.len(),
                learning_rate: rate,
                stop: false,
                params: &mut weights,
            };
            callback.on_epoch_begin(&mut ctx).unwrap();
            callback.on_epoch_end(&stats(loss), &mut ctx).unwrap();
            rate = ctx.learning_rate;
            run = epoch + 1;
            if ctx.stop {
                break;
            }
        }
        (run, weights.weight()[0], rate)
    }

    #[test]
    fn early_stopping_stops_after_patience_and_restores_the_best_epoch() {
        let losses = [1.0, 0.8, 0.6, 0.61, 0.7, 0.65, 0.9, 0.5];
        let mut stop = EarlyStopping::<f64>::new(Monitor::Loss)
            .patience(3)
            .restore_best_weights();
        // best at epoch 2; epochs 3, 4, 5 do not improve: stop at epoch 5 with epoch 2's weights
        assert_eq!(script(&mut stop, &losses), (6, 2.0, 0.1));
        assert_eq!(stop.stopped_epoch(), Some(5));
        assert_eq!(stop.best(), Some((2, 0.6)));
        // min_delta: 0.8 → 0.6 improves by more than 0.15, nothing after does
        let mut strict = EarlyStopping::<f64>::new(Monitor::Loss)
            .patience(2)
            .min_delta(0.15);
        assert_eq!(script(&mut strict, &losses).0, 5);
    }

    #[test]
    fn checkpoint_keeps_the_best_epoch() {
        let mut best = ModelCheckpoint::<f64>::best(Monitor::Loss);
        script(&mut best, &[1.0, 0.5, 0.7, 0.6]);
        // weights: [weight, bias] = [epoch, 0]
        assert_eq!(
            (best.epoch(), best.weights()),
            (Some(1), Some(&[1.0, 0.0][..]))
        );
        let mut net = <Weights as Params<f64>>::zeros();
        assert!(best.restore(&mut net));
        assert_eq!(net.weight(), &[1.0]);
        let mut latest = ModelCheckpoint::<f64>::every_epoch();
        assert!(!latest.restore(&mut net));
        script(&mut latest, &[1.0, 0.5, 0.7]);
        assert_eq!(latest.epoch(), Some(2));
    }

    #[test]
    fn schedules_produce_the_documented_rates() {
        let rates = |s: &mut dyn Schedule| (0..5).map(|e| s.rate(e, 0.1, 0.0)).collect::<Vec<_>>();
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
        assert!(close(
            &rates(&mut StepDecay {
                every: 2,
                factor: 0.5
            }),
            &[0.1, 0.1, 0.05, 0.05, 0.025]
        ));
        assert!(close(
            &rates(&mut ExponentialDecay { rate: 0.9 }),
            &[0.1, 0.09, 0.081, 0.0729, 0.06561]
        ));
        assert!(close(
            &rates(&mut CosineDecay {
                epochs: 4,
                min_rate: 0.0
            }),
            &[0.1, 0.085355339059327, 0.05, 0.014644660940672, 0.0]
        ));
        let mut halve = |_: usize, lr: f64| lr / 2.0;
        assert_eq!(halve.rate(3, 0.1, 0.4), 0.2);
        // through the callback: the rate is set at every epoch's start
        let mut scheduler = LearningRateScheduler::new(StepDecay {
            every: 1,
            factor: 0.5,
        });
        assert!((script(&mut scheduler, &[1.0; 4]).2 - 0.0125).abs() < 1e-15);
    }

    #[test]
    fn reduce_on_plateau_cuts_the_rate_after_patience() {
        let mut plateau = ReduceLrOnPlateau::new(Monitor::Loss)
            .patience(2)
            .factor(0.5)
            .cooldown(1);
        // improves, then flat: epochs 2 and 3 wait → cut at 3; cooldown at 4; flat at 5, 6 → cut at 6
        let (_, _, rate) = script(&mut plateau, &[1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
        assert!((rate - 0.025).abs() < 1e-15, "{rate}");
    }
}
