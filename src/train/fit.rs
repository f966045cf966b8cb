//! Settings for [`super::CompiledModel::fit`] and what it returns.

use super::callbacks::Callback;
use crate::Scalar;
use alloc::vec::Vec;
use core::ops::Deref;

/// How to train: epochs, batch size, shuffling, validation, callbacks and printing (Keras's
/// `fit` options). With `std`, `fit` shows a live progress bar per epoch on a terminal and one
/// line per epoch otherwise, unless [`Fit::silent`].
///
/// ```
/// use stratanet::Fit;
/// let settings: Fit<f32, f32> = Fit::epochs(20).batch_size(64).validation_split(0.2).silent();
/// # let _ = settings;
/// ```
pub struct Fit<'a, E: Scalar, Label> {
    pub(crate) epochs: usize,
    pub(crate) batch_size: usize,
    pub(crate) shuffle: bool,
    pub(crate) validation_split: f64,
    pub(crate) validation_data: Option<(&'a [E], &'a [Label])>,
    // Printing needs `std`; without it `fit` is always silent.
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) verbose: bool,
    pub(crate) callbacks: Vec<&'a mut dyn Callback<E>>,
}

impl<'a, E: Scalar, Label> Fit<'a, E, Label> {
    /// Train for `epochs` passes over the data, batch size 32, shuffled, printing one line per
    /// epoch (with `std`).
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            batch_size: 32,
            shuffle: true,
            validation_split: 0.0,
            validation_data: None,
            verbose: true,
            callbacks: Vec::new(),
        }
    }
    /// Adds a callback (called in the order added); see [`super::callbacks`].
    pub fn callback(mut self, callback: &'a mut dyn Callback<E>) -> Self {
        self.callbacks.push(callback);
        self
    }
    /// Samples per gradient step (the last batch of an epoch may be smaller). Use the data set's
    /// size for full-batch gradient descent.
    pub fn batch_size(self, batch_size: usize) -> Self {
        Self { batch_size, ..self }
    }
    /// Whether to shuffle the training samples before each epoch (default on).
    pub fn shuffle(self, shuffle: bool) -> Self {
        Self { shuffle, ..self }
    }
    /// Hold out this fraction of the samples, taken from the end before shuffling (as Keras).
    pub fn validation_split(self, fraction: f64) -> Self {
        Self {
            validation_split: fraction,
            ..self
        }
    }
    /// Evaluate on these samples after every epoch (takes precedence over a split).
    pub fn validation_data(self, x: &'a [E], y: &'a [Label]) -> Self {
        Self {
            validation_data: Some((x, y)),
            ..self
        }
    }
    /// Print nothing.
    pub fn silent(self) -> Self {
        Self {
            verbose: false,
            ..self
        }
    }
}

/// The metrics of one epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
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

/// Per-epoch metrics of a `fit`; dereferences to a slice of [`EpochStats`].
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// let history = stratanet::History { epochs: vec![], seconds: vec![0.5, 1.5] };
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

impl Deref for History {
    type Target = [EpochStats];
    fn deref(&self) -> &[EpochStats] {
        &self.epochs
    }
}

/// Loss and accuracy over a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// Mean loss.
    pub loss: f64,
    /// Fraction of samples predicted correctly.
    pub accuracy: f64,
}
