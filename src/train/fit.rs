//! [`CompiledModel::fit`], the epoch loop, and its settings ([`Fit`]).

use super::callbacks::Callback;
use super::compiled::CompiledModel;
use super::data::{check_inputs, check_labels};
use super::dataset::{Dataset, Reading, Slices, Source};
use super::history::{EpochStats, History};
use crate::error::{Error, Result};
use crate::init::index_below;
use crate::loss::Loss;
use crate::module::Module;
use crate::optim::Optimizer;
use crate::shape::Shape;
use crate::Scalar;
use alloc::format;
use alloc::vec::Vec;
use rand::rngs::StdRng;

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

impl<E: Scalar, Label> core::fmt::Debug for Fit<'_, E, Label> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Fit")
            .field("epochs", &self.epochs)
            .field("batch_size", &self.batch_size)
            .field("shuffle", &self.shuffle)
            .field("validation_split", &self.validation_split)
            .field(
                "validation_data",
                &self.validation_data.map(|(x, _)| x.len()),
            )
            .field("verbose", &self.verbose)
            .field("callbacks", &self.callbacks.len())
            .finish()
    }
}

impl<'a, E: Scalar, Label> Fit<'a, E, Label> {
    /// Train for `epochs` passes over the data, batch size 32, shuffled, printing one line per
    /// epoch (with `std`).
    #[must_use]
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
    #[must_use]
    pub fn callback(mut self, callback: &'a mut dyn Callback<E>) -> Self {
        self.callbacks.push(callback);
        self
    }
    /// Samples per gradient step (the last batch of an epoch may be smaller). Use the data set's
    /// size for full-batch gradient descent.
    #[must_use]
    pub fn batch_size(self, batch_size: usize) -> Self {
        Self { batch_size, ..self }
    }
    /// Whether to shuffle the training samples before each epoch (default on).
    #[must_use]
    pub fn shuffle(self, shuffle: bool) -> Self {
        Self { shuffle, ..self }
    }
    /// Hold out this fraction of the samples, taken from the end before shuffling (as Keras).
    #[must_use]
    pub fn validation_split(self, fraction: f64) -> Self {
        Self {
            validation_split: fraction,
            ..self
        }
    }
    /// Evaluate on these samples after every epoch (takes precedence over a split).
    #[must_use]
    pub fn validation_data(self, x: &'a [E], y: &'a [Label]) -> Self {
        Self {
            validation_data: Some((x, y)),
            ..self
        }
    }
    /// Print nothing.
    #[must_use]
    pub fn silent(self) -> Self {
        Self {
            verbose: false,
            ..self
        }
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
    /// Trains on `x` (whole `In` samples, flat) with labels `y` as `settings` say, and returns
    /// the per-epoch history. All data and every setting (optimizer, loss, metrics, clipping)
    /// are checked before the first step; a callback's `Err` ends training and is returned.
    /// `fit` never returns `Ok` for a model whose weights went NaN or infinite: it stops at the
    /// end of that epoch with [`Error::NonFiniteWeights`], leaving the diverged weights in the
    /// model (restore a checkpoint, or train again with a smaller learning rate).
    pub fn fit(
        &mut self,
        x: &[E],
        y: &[L::Label],
        settings: Fit<'_, E, L::Label>,
    ) -> Result<History> {
        self.validate_settings()?;
        let n = check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>("labels", n, y)?;
        self.fit_from(&mut Self::slices(x, y), settings)
    }

    /// [`CompiledModel::fit`] on a [`Dataset`] the user implements, read sample by sample in
    /// each epoch's shuffled order, so the data need not be in memory. Each sample is checked
    /// as it is read (an invalid one is an [`Error::Sample`] naming it);
    /// `validation_split` holds out the data set's last samples, as `fit` does.
    pub fn fit_dataset<D>(
        &mut self,
        data: &mut D,
        settings: Fit<'_, E, L::Label>,
    ) -> Result<History>
    where
        D: Dataset<E, L::Label> + ?Sized,
    {
        self.validate_settings()?;
        if data.is_empty() {
            return Err(Error::Empty { what: "data set" });
        }
        self.fit_from(&mut Self::reading(data), settings)
    }

    /// The epoch loop over `data`.
    fn fit_from<S: Source<E, L::Label>>(
        &mut self,
        data: &mut S,
        settings: Fit<'_, E, L::Label>,
    ) -> Result<History> {
        let n = data.len();
        if settings.batch_size == 0 {
            return Err(Error::InvalidSetting {
                what: "batch_size",
                detail: "expected at least 1, got 0".into(),
            });
        }
        let split = settings.validation_split;
        if !(0.0..1.0).contains(&split) {
            return Err(Error::InvalidSetting {
                what: "validation_split",
                detail: format!("expected a fraction in [0, 1), got {split}"),
            });
        }
        let (n_train, mut held) = match settings.validation_data {
            Some((vx, vy)) => {
                let nv = check_inputs::<In, Net, E>("validation inputs", vx)?;
                check_labels::<Net::Output, E, L>("validation labels", nv, vy)?;
                (n, Held::Data(Self::slices(vx, vy)))
            }
            // Keras: `split_at = int(n * (1 - validation_split))`, validation is the tail.
            None if split > 0.0 => {
                let n_train = (n as f64 * (1.0 - split)) as usize;
                (n_train, Held::Tail(n_train..n))
            }
            None => (n, Held::Nothing),
        };
        if n_train == 0 {
            return Err(Error::Empty {
                what: "training inputs after the validation split",
            });
        }
        if matches!(&held, Held::Tail(r) if r.is_empty()) {
            return Err(Error::Empty {
                what: "validation inputs after the validation split",
            });
        }

        let epochs = settings.epochs;
        let mut callbacks = settings.callbacks;
        let capacity = settings.batch_size.min(n_train);
        Self::reserve(&mut self.workspace, capacity);
        let mut order: Vec<usize> = (0..n_train).collect();
        let mut history = History::default();
        self.notify(&mut callbacks, 0, epochs, |c, ctx| c.on_train_begin(ctx))?;
        for epoch in 0..epochs {
            let stop = self.notify(&mut callbacks, epoch, epochs, |c, ctx| {
                c.on_epoch_begin(ctx)
            })?;
            let learning_rate = self.optimizer.learning_rate();
            #[cfg(feature = "std")]
            let mut progress = super::progress::Progress::new(
                settings.verbose,
                epoch,
                epochs,
                n_train.div_ceil(capacity),
            );
            if settings.shuffle {
                shuffle(&mut order, &mut self.model.rng);
            }
            self.set_training();
            self.reset_metrics();
            let (mut loss_sum, mut seen) = (0.0, 0);
            for (batch, indices) in order.chunks(capacity).enumerate() {
                self.gather(data, indices.iter().copied())?;
                let l = self.step(indices.len());
                (loss_sum, seen) = (loss_sum + l, seen + indices.len());
                let batch_loss = l / indices.len() as f64;
                self.notify(&mut callbacks, epoch, epochs, |cb, ctx| {
                    cb.on_batch_end(batch, batch_loss, ctx)
                })?;
                #[cfg(feature = "std")]
                progress.batch_done(batch + 1, loss_sum / seen as f64, &self.metrics);
            }
            self.check_finite(epoch)?;
            let metrics = self.scores();
            let evaluation = match &mut held {
                Held::Nothing => None,
                Held::Data(v) => Some(self.evaluate_from(v, 0..v.len())?),
                Held::Tail(range) => Some(self.evaluate_from(data, range.clone())?),
            };
            let stats = EpochStats {
                loss: loss_sum / n_train as f64,
                metrics,
                val_loss: evaluation.map(|e| e.loss),
                val_metrics: evaluation.map(|e| e.metrics),
                learning_rate,
            };
            #[cfg(feature = "std")]
            history.seconds.push(progress.epoch_done(&stats));
            history.epochs.push(stats);
            let stop_now = self.notify(&mut callbacks, epoch, epochs, |c, ctx| {
                c.on_epoch_end(&stats, ctx)
            })?;
            if stop || stop_now {
                break;
            }
        }
        let last = history.epochs.len().saturating_sub(1);
        self.notify(&mut callbacks, last, epochs, |c, ctx| c.on_train_end(ctx))?;
        // A callback may have replaced the weights (restored a checkpoint, loaded its own).
        self.check_finite(last)?;
        Ok(history)
    }

    /// Reads the samples at `indices` into the workspace's batch buffers.
    pub(super) fn gather<S: Source<E, L::Label>>(
        &mut self,
        data: &mut S,
        indices: impl Iterator<Item = usize>,
    ) -> Result<()> {
        let ws = self.workspace.as_mut().expect("gather runs after reserve");
        data.gather(indices, &mut ws.x, &mut ws.y, Self::check_sample)
    }

    /// `x`, `y` (checked) as a source of whole samples.
    pub(super) fn slices<'a>(x: &'a [E], y: &'a [L::Label]) -> Slices<'a, E, L::Label> {
        Slices {
            x,
            y,
            per_input: In::NUMEL,
            per_label: L::LABELS_PER_SAMPLE,
        }
    }

    /// A user's data set as a source of whole samples.
    pub(super) fn reading<D: ?Sized>(data: &mut D) -> Reading<'_, D> {
        Reading {
            data,
            per_input: In::NUMEL,
            per_label: L::LABELS_PER_SAMPLE,
        }
    }

    /// Checks one sample read from a user's data set, as `fit` checks slices.
    pub(super) fn check_sample(x: &[E], y: &[L::Label]) -> Result<()> {
        check_inputs::<In, Net, E>("inputs", x)?;
        check_labels::<Net::Output, E, L>("labels", 1, y)
    }
}

/// Where validation samples come from: nowhere, slices of their own, or the tail of the
/// training data set.
enum Held<'a, E, Label> {
    Nothing,
    Data(Slices<'a, E, Label>),
    Tail(core::ops::Range<usize>),
}

/// Fisher–Yates shuffle.
fn shuffle(order: &mut [usize], rng: &mut StdRng) {
    for i in (1..order.len()).rev() {
        order.swap(i, index_below(rng, i + 1));
    }
}
