//! What training returns: per-epoch metrics ([`History`]) and evaluations.

use alloc::vec::Vec;
use core::ops::Deref;

/// The metrics of one epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct EpochStats {
    /// Mean training loss over the epoch's samples (as the weights moved).
    pub loss: f64,
    /// Training accuracy over the epoch's samples.
    pub accuracy: f64,
    /// Loss on the validation data after the epoch.
    pub val_loss: Option<f64>,
    /// Accuracy on the validation data after the epoch.
    pub val_accuracy: Option<f64>,
    /// The learning rate used during the epoch.
    pub learning_rate: f64,
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

/// Loss and accuracy over a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Evaluation {
    /// Mean loss.
    pub loss: f64,
    /// Fraction of samples predicted correctly.
    pub accuracy: f64,
}
