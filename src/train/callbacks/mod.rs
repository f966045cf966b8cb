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

mod checkpoint;
#[cfg(feature = "std")]
mod csv_logger;
mod early_stopping;
mod lambda;
mod schedule;
mod stop_on_nan;

pub use checkpoint::ModelCheckpoint;
#[cfg(feature = "std")]
pub use csv_logger::CsvLogger;
pub use early_stopping::EarlyStopping;
pub use lambda::LambdaCallback;
pub use schedule::{
    CosineDecay, ExponentialDecay, LearningRateScheduler, ReduceLrOnPlateau, Schedule, StepDecay,
};
pub use stop_on_nan::StopOnNan;

use super::history::EpochStats;
use crate::error::{Error, Result};
pub use crate::metric::Direction;
use crate::metric::Score;
use crate::Scalar;
use alloc::vec::Vec;

/// What a callback sees of the training run, and may change.
#[derive(Debug)]
#[non_exhaustive]
pub struct TrainContext<'a, E> {
    /// The current epoch, from 0.
    pub epoch: usize,
    /// Epochs requested.
    pub epochs: usize,
    /// The optimizer's learning rate; a callback may set it (it applies from the next step).
    pub learning_rate: f64,
    /// Set to `true` to stop training after the current epoch.
    pub stop: bool,
    pub(crate) weights: &'a mut [E],
}

impl<E: Scalar> TrainContext<'_, E> {
    /// Copies every weight (parameters, then batch-norm statistics, in the network's order) into
    /// `out`, replacing its content.
    pub fn copy_weights(&self, out: &mut Vec<E>) {
        out.clear();
        out.extend_from_slice(self.weights);
    }

    /// Replaces every weight with `weights` (as [`TrainContext::copy_weights`] wrote them); an
    /// array of another length (another network's) is an `Err` and changes nothing.
    pub fn load_weights(&mut self, weights: &[E]) -> Result<()> {
        if weights.len() != self.weights.len() {
            return Err(Error::WeightsLength {
                expected: self.weights.len(),
                got: weights.len(),
            });
        }
        self.weights.copy_from_slice(weights);
        Ok(())
    }
}

/// Hooks into [`super::CompiledModel::fit`]. Every method has a default that does nothing; an
/// `Err` ends training and `fit` returns it.
///
/// A callback of your own — here one that halves the learning rate every other epoch and
/// records the losses:
/// ```
/// use stratanet::prelude::*;
/// use stratanet::train::{callbacks::TrainContext, EpochStats};
///
/// #[derive(Default)]
/// struct Halve { losses: Vec<f64> }
///
/// impl Callback<f32> for Halve {
///     fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, f32>) -> stratanet::Result<()> {
///         self.losses.push(stats.loss);
///         if ctx.epoch % 2 == 1 {
///             ctx.learning_rate /= 2.0;
///         }
///         Ok(())
///     }
/// }
///
/// let mut halve = Halve::default();
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Sgd::new(0.1));
/// let history = model.fit(&[0.0, 1.0], &[1.0, 3.0], Fit::epochs(4).silent().callback(&mut halve))?;
/// assert_eq!(halve.losses.len(), 4);
/// assert_eq!(history.epochs[3].learning_rate, 0.05); // halved after epoch 1
/// # Ok::<(), stratanet::Error>(())
/// ```
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

/// Which epoch value a callback watches: the loss, or a compiled metric by name, on the
/// training or the validation data.
///
/// ```
/// use stratanet::train::callbacks::Monitor;
/// assert_eq!(Monitor::ValAccuracy, Monitor::ValMetric("accuracy"));
/// ```
#[derive(Clone, Copy, Debug, Eq)]
pub enum Monitor {
    /// Training loss.
    Loss,
    /// Validation loss.
    ValLoss,
    /// Training accuracy (`Metric("accuracy")`).
    Accuracy,
    /// Validation accuracy (`ValMetric("accuracy")`).
    ValAccuracy,
    /// A compiled metric on the training data, by name (`"mae"`, `"auc"`, …).
    Metric(&'static str),
    /// A compiled metric on the validation data, by name.
    ValMetric(&'static str),
}

impl PartialEq for Monitor {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Monitor {
    /// (validation, metric name or `None` for the loss).
    fn key(self) -> (bool, Option<&'static str>) {
        match self {
            Monitor::Loss => (false, None),
            Monitor::ValLoss => (true, None),
            Monitor::Accuracy => (false, Some("accuracy")),
            Monitor::ValAccuracy => (true, Some("accuracy")),
            Monitor::Metric(name) => (false, Some(name)),
            Monitor::ValMetric(name) => (true, Some(name)),
        }
    }

    /// The watched value in `stats`, with its direction (losses are minimized; a metric says
    /// which way it improves — Keras's "auto" mode). An `Err` when a validation value is
    /// watched but `fit` has no validation data, or the metric was not compiled.
    pub fn score(self, stats: &EpochStats) -> Result<Score> {
        let (validation, name) = self.key();
        let prefix = if validation { "val_" } else { "" };
        let scores = if validation {
            stats.val_metrics.ok_or_else(|| Error::InvalidSetting {
                what: "monitor",
                detail: alloc::format!(
                    "expected validation data to monitor {prefix}{}, got none",
                    name.unwrap_or("loss")
                ),
            })?
        } else {
            stats.metrics
        };
        let Some(name) = name else {
            let value = if validation {
                stats.val_loss
            } else {
                Some(stats.loss)
            };
            return Ok(Score {
                name: "loss",
                value: value.unwrap_or(f64::NAN),
                direction: Direction::Min,
            });
        };
        scores.score(name)
    }
}

/// Tracks the best value of a monitored metric, Keras-style: an improvement must beat the best
/// by more than `min_delta`; the first finite value is the first best. The direction is the
/// metric's own unless overridden.
#[derive(Clone, Copy, Debug)]
struct Best {
    direction: Option<Direction>,
    min_delta: f64,
    value: Option<f64>,
}

impl Best {
    fn new(direction: Option<Direction>, min_delta: f64) -> Self {
        Self {
            direction,
            min_delta: min_delta.abs(),
            value: None,
        }
    }

    /// Forgets the best value (a new `fit`), keeping the settings.
    fn reset(&mut self) {
        self.value = None;
    }

    /// Whether `score` improves on the best; if it does, it becomes the best.
    fn update(&mut self, score: Score) -> bool {
        let current = score.value;
        let better = !current.is_nan()
            && self
                .value
                .is_none_or(|best| match self.direction.unwrap_or(score.direction) {
                    Direction::Min => current < best - self.min_delta,
                    Direction::Max => current > best + self.min_delta,
                });
        if better {
            self.value = Some(current);
        }
        better
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::module::Weights;

    pub(crate) fn stats(loss: f64) -> EpochStats {
        use crate::metric::Scores;
        EpochStats {
            loss,
            metrics: Scores::default(),
            val_loss: None,
            val_metrics: None,
            learning_rate: 0.1,
        }
    }

    /// The network of the scripts: one weight, one bias.
    pub(crate) type Net = crate::layers::Dense<1, 1>;

    /// Runs `callback` over scripted epoch losses; the "weights" are one value set to the epoch
    /// number at the start of each epoch. Returns (epochs run, final weight, final rate).
    pub(crate) fn script<C: Callback<f64>>(callback: &mut C, losses: &[f64]) -> (usize, f64, f64) {
        let mut weights = Weights::<Net, f64>::zeros();
        let mut rate = 0.1;
        let mut ctx = TrainContext {
            epoch: 0,
            epochs: losses.len(),
            learning_rate: rate,
            stop: false,
            weights: weights.as_mut_slice(),
        };
        callback.on_train_begin(&mut ctx).unwrap();
        let mut run = 0;
        for (epoch, &loss) in losses.iter().enumerate() {
            weights.as_mut_slice()[0] = epoch as f64;
            let mut ctx = TrainContext {
                epoch,
                epochs: losses.len(),
                learning_rate: rate,
                stop: false,
                weights: weights.as_mut_slice(),
            };
            callback.on_epoch_begin(&mut ctx).unwrap();
            callback.on_epoch_end(&stats(loss), &mut ctx).unwrap();
            rate = ctx.learning_rate;
            run = epoch + 1;
            if ctx.stop {
                break;
            }
        }
        let mut ctx = TrainContext {
            epoch: run.saturating_sub(1),
            epochs: losses.len(),
            learning_rate: rate,
            stop: false,
            weights: weights.as_mut_slice(),
        };
        callback.on_train_end(&mut ctx).unwrap();
        (run, weights.as_slice()[0], rate)
    }
}
