//! A callback made of closures (Keras's `LambdaCallback`).

use super::{Callback, EpochStats, TrainContext};
use crate::error::Result;
use crate::Scalar;
use alloc::boxed::Box;

/// The closure type of [`LambdaCallback::on_epoch_end`].
type EpochHook<'a, E> = Box<dyn FnMut(&EpochStats, &mut TrainContext<'_, E>) -> Result<()> + 'a>;
/// The closure type of [`LambdaCallback::on_batch_end`].
type BatchHook<'a, E> = Box<dyn FnMut(usize, f64, &mut TrainContext<'_, E>) -> Result<()> + 'a>;

/// A callback from closures, for the hooks you give (Keras's `LambdaCallback`); the others do
/// nothing.
///
/// ```
/// use stratanet::prelude::*;
/// let mut losses = Vec::new();
/// let mut batches = 0;
/// let mut hooks = LambdaCallback::new()
///     .on_epoch_end(|stats, _ctx| {
///         losses.push(stats.loss);
///         Ok(())
///     })
///     .on_batch_end(|_batch, _loss, _ctx| {
///         batches += 1;
///         Ok(())
///     });
/// let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0).compile(Mse, Sgd::new(0.1));
/// let x = [0.0, 1.0, 2.0, 3.0];
/// model.fit(&x, &[1.0, 3.0, 5.0, 7.0], Fit::epochs(3).batch_size(2).silent().callback(&mut hooks))?;
/// drop(hooks);
/// assert_eq!((losses.len(), batches), (3, 6));
/// # Ok::<(), stratanet::Error>(())
/// ```
#[derive(Default)]
pub struct LambdaCallback<'a, E> {
    epoch_end: Option<EpochHook<'a, E>>,
    batch_end: Option<BatchHook<'a, E>>,
}

impl<E> core::fmt::Debug for LambdaCallback<'_, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LambdaCallback")
            .field("on_epoch_end", &self.epoch_end.is_some())
            .field("on_batch_end", &self.batch_end.is_some())
            .finish()
    }
}

impl<'a, E: Scalar> LambdaCallback<'a, E> {
    /// A callback with no hooks yet.
    #[must_use]
    pub fn new() -> Self {
        Self {
            epoch_end: None,
            batch_end: None,
        }
    }

    /// Runs `f` after each epoch, with its statistics; an `Err` ends training.
    #[must_use]
    pub fn on_epoch_end(
        self,
        f: impl FnMut(&EpochStats, &mut TrainContext<'_, E>) -> Result<()> + 'a,
    ) -> Self {
        Self {
            epoch_end: Some(Box::new(f)),
            ..self
        }
    }

    /// Runs `f` after each batch, with its index and mean loss; an `Err` ends training.
    #[must_use]
    pub fn on_batch_end(
        self,
        f: impl FnMut(usize, f64, &mut TrainContext<'_, E>) -> Result<()> + 'a,
    ) -> Self {
        Self {
            batch_end: Some(Box::new(f)),
            ..self
        }
    }
}

impl<E: Scalar> Callback<E> for LambdaCallback<'_, E> {
    fn on_epoch_end(&mut self, stats: &EpochStats, ctx: &mut TrainContext<'_, E>) -> Result<()> {
        match &mut self.epoch_end {
            Some(f) => f(stats, ctx),
            None => Ok(()),
        }
    }

    fn on_batch_end(
        &mut self,
        batch: usize,
        loss: f64,
        ctx: &mut TrainContext<'_, E>,
    ) -> Result<()> {
        match &mut self.batch_end {
            Some(f) => f(batch, loss, ctx),
            None => Ok(()),
        }
    }
}
