//! Learning-rate schedules and the callbacks that apply them.

use super::{Best, Callback, EpochStats, Monitor, TrainContext};
use crate::error::{check_non_negative, check_setting, Result};
use crate::Scalar;
use num_traits::Float;

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
#[derive(Debug)]
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
#[derive(Debug)]
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
    #[must_use]
    pub fn new(monitor: Monitor) -> Self {
        Self {
            monitor,
            factor: 0.1,
            patience: 10,
            cooldown: 0,
            min_rate: 0.0,
            best: Best::new(None, 1e-4),
            wait: 0,
            cooling: 0,
        }
    }
    /// The multiplier (below 1).
    #[must_use]
    pub fn factor(self, factor: f64) -> Self {
        Self { factor, ..self }
    }
    /// Epochs without improvement before reducing.
    #[must_use]
    pub fn patience(self, patience: usize) -> Self {
        Self { patience, ..self }
    }
    /// Epochs to wait after a reduction.
    #[must_use]
    pub fn cooldown(self, cooldown: usize) -> Self {
        Self { cooldown, ..self }
    }
    /// The rate is never reduced below this.
    #[must_use]
    pub fn min_rate(self, min_rate: f64) -> Self {
        Self { min_rate, ..self }
    }
    /// The smallest change that counts as an improvement.
    #[must_use]
    pub fn min_delta(self, min_delta: f64) -> Self {
        Self {
            best: Best::new(self.best.direction, min_delta),
            ..self
        }
    }
}

impl<E: Scalar> Callback<E> for ReduceLrOnPlateau {
    fn on_train_begin(&mut self, _ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let factor = self.factor;
        let in_range = factor > 0.0 && factor < 1.0;
        check_setting(
            "ReduceLrOnPlateau factor",
            factor,
            in_range,
            "a number in (0, 1)",
        )?;
        check_non_negative("ReduceLrOnPlateau min_rate", self.min_rate)?;
        check_non_negative("ReduceLrOnPlateau min_delta", self.best.min_delta)?;
        self.best.reset();
        (self.wait, self.cooling) = (0, 0);
        Ok(())
    }

    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        let current = self.monitor.score(stats)?;
        if self.cooling > 0 {
            self.cooling -= 1;
            self.wait = 0;
        }
        if self.best.update(current) {
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use alloc::vec::Vec;

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
