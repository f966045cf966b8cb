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

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::module::Weights;

    pub(crate) fn stats(loss: f64) -> EpochStats {
        EpochStats {
            loss,
            accuracy: 0.0,
            val_loss: None,
            val_accuracy: None,
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
