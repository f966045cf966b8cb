//! Stopping on a non-finite loss (Keras's `TerminateOnNaN`).

use super::{Callback, TrainContext};
use crate::error::{Error, Result};
use crate::Scalar;

/// Ends training with an `Err` naming the epoch and batch where the loss stopped being finite
/// (Keras's `TerminateOnNaN`, as an error).
#[derive(Clone, Copy, Debug, Default)]
pub struct StopOnNan;

impl<E: Scalar> Callback<E> for StopOnNan {
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
