//! Early stopping (Keras's `EarlyStopping`).

use super::{Best, Callback, Direction, EpochStats, Monitor, TrainContext};
use crate::error::Result;
use crate::Scalar;
use alloc::vec::Vec;

/// Stops training when the monitored metric has not improved for `patience` epochs, and can
/// restore the weights of the best epoch (Keras's `EarlyStopping`).
///
/// ```
/// use stratanet::prelude::*;
/// let x: Vec<f32> = (0..64).map(|i| i as f32 / 64.0).collect();
/// let y: Vec<f32> = x.iter().map(|v| 2.0 * v - 1.0).collect();
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Adam::new(0.1));
/// let mut stop = EarlyStopping::new(Monitor::ValLoss).patience(3).restore_best_weights();
/// let settings = Fit::epochs(500).validation_split(0.25).silent().callback(&mut stop);
/// let history = model.fit(&x, &y, settings)?;
/// // training ended early, with the best epoch's weights back
/// assert!(history.epochs.len() < 500 && stop.stopped_epoch().is_some());
/// let (best, value) = stop.best().unwrap();
/// assert!(best < history.epochs.len() && value == history.epochs[best].val_loss.unwrap());
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Debug)]
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
    /// Watches `monitor` (direction from the metric: losses and errors down, the rest up),
    /// patience 0, min_delta 0, no restore.
    #[must_use]
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            patience: 0,
            restore_best_weights: false,
            best: Best::new(None, 0.0),
            wait: 0,
            best_epoch: None,
            stopped_epoch: None,
            best_weights: Vec::new(),
        }
    }
    /// Epochs without improvement before stopping.
    #[must_use]
    pub fn patience(self, patience: usize) -> Self {
        Self { patience, ..self }
    }
    /// The smallest change that counts as an improvement.
    #[must_use]
    pub fn min_delta(self, min_delta: f64) -> Self {
        Self {
            best: Best::new(self.best.direction, min_delta),
            ..self
        }
    }
    /// Overrides the direction (Keras's `mode`).
    #[must_use]
    pub fn direction(self, direction: Direction) -> Self {
        Self {
            best: Best::new(Some(direction), self.best.min_delta),
            ..self
        }
    }
    /// At the end of training — when it stopped early and also when every epoch ran (Keras 3's
    /// rule) — put back the weights of the best epoch.
    #[must_use]
    pub fn restore_best_weights(self) -> Self {
        Self {
            restore_best_weights: true,
            ..self
        }
    }
    /// The epoch (from 0) at which training was stopped, if it was.
    #[must_use]
    pub fn stopped_epoch(&self) -> Option<usize> {
        self.stopped_epoch
    }
    /// The best epoch so far (from 0) and its value.
    #[must_use]
    pub fn best(&self) -> Option<(usize, f64)> {
        self.best_epoch.zip(self.best.value)
    }
}

impl<E: Scalar> Callback<E> for EarlyStopping<E> {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        self.best.reset();
        (self.wait, self.best_epoch, self.stopped_epoch) = (0, None, None);
        Ok(())
    }

    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        if self.best.update(self.monitor.score(stats)?) {
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
        }
        Ok(())
    }

    fn on_train_end(&mut self, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        if self.restore_best_weights && self.best_epoch.is_some() {
            ctx.load_weights(&self.best_weights)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

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
    fn best_weights_are_restored_when_every_epoch_ran() {
        // best at epoch 2, patience never runs out: all 5 epochs run, epoch 2's weights return
        let losses = [1.0, 0.8, 0.6, 0.7, 0.65];
        let mut stop = EarlyStopping::<f64>::new(Monitor::Loss)
            .patience(10)
            .restore_best_weights();
        assert_eq!(script(&mut stop, &losses), (5, 2.0, 0.1));
        assert_eq!(stop.stopped_epoch(), None);
        // without restore_best_weights the last epoch's weights stay
        let mut keep = EarlyStopping::<f64>::new(Monitor::Loss).patience(10);
        assert_eq!(script(&mut keep, &losses), (5, 4.0, 0.1));
    }
}
