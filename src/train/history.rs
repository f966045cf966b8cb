//! What training returns: per-epoch metrics ([`History`]) and evaluations.

use crate::error::{Error, Result};
use crate::metric::Scores;
use alloc::vec::Vec;
use core::ops::Deref;

/// The loss and metrics of one epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct EpochStats {
    /// Mean training loss over the epoch's samples (as the weights moved).
    pub loss: f64,
    /// The compiled metrics over the epoch's training samples (as the weights moved).
    pub metrics: Scores,
    /// Loss on the validation data after the epoch.
    pub val_loss: Option<f64>,
    /// The metrics on the validation data after the epoch.
    pub val_metrics: Option<Scores>,
    /// The learning rate used during the epoch.
    pub learning_rate: f64,
}

impl EpochStats {
    /// The training value of the metric called `name` (`"accuracy"`, `"mae"`, …); an `Err`
    /// naming the compiled metrics if it is not one.
    pub fn metric(&self, name: &str) -> Result<f64> {
        self.metrics.value(name)
    }
    /// Its validation value; an `Err` also when `fit` had no validation data.
    pub fn val_metric(&self, name: &str) -> Result<f64> {
        let val = self.val_metrics.ok_or_else(|| Error::InvalidSetting {
            what: "val_metric",
            detail: alloc::format!("expected validation data for val_{name}, got none"),
        })?;
        val.value(name)
    }
    /// The training accuracy (a classifier's default metric).
    pub fn accuracy(&self) -> Result<f64> {
        self.metric("accuracy")
    }
    /// The validation accuracy.
    pub fn val_accuracy(&self) -> Result<f64> {
        self.val_metric("accuracy")
    }
}

/// Per-epoch metrics of a `fit`; dereferences to a slice of [`EpochStats`]. Two histories are
/// equal when their epochs' metrics are (wall-clock seconds differ between identical runs).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct History {
    /// One entry per epoch.
    pub epochs: Vec<EpochStats>,
    /// Wall-clock seconds of each epoch, training and validation.
    #[cfg(feature = "std")]
    pub seconds: Vec<f64>,
}

#[cfg(feature = "std")]
impl History {
    /// The mean wall-clock seconds of an epoch (0 when no epoch ran).
    ///
    /// ```
    /// let mut history = stratanet::History::default();
    /// history.seconds = vec![0.5, 1.5];
    /// assert_eq!(history.mean_epoch_seconds(), 1.0);
    /// ```
    #[must_use]
    pub fn mean_epoch_seconds(&self) -> f64 {
        if self.seconds.is_empty() {
            0.0
        } else {
            self.seconds.iter().sum::<f64>() / self.seconds.len() as f64
        }
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.epochs == other.epochs
    }
}

impl Deref for History {
    type Target = [EpochStats];
    fn deref(&self) -> &[EpochStats] {
        &self.epochs
    }
}

/// Loss and metrics over a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Evaluation {
    /// Mean loss.
    pub loss: f64,
    /// The compiled metrics.
    pub metrics: Scores,
}

impl Evaluation {
    /// The value of the metric called `name`; an `Err` naming the compiled metrics if it is not
    /// one.
    pub fn metric(&self, name: &str) -> Result<f64> {
        self.metrics.value(name)
    }
    /// The accuracy (a classifier's default metric).
    pub fn accuracy(&self) -> Result<f64> {
        self.metric("accuracy")
    }
}
