//! Checks for data entering at run time: done once, before any training step.

use crate::error::{check_samples, Error, Result};
use crate::loss::Loss;
use crate::module::Module;
use crate::shape::Shape;
use crate::Scalar;

/// Checks a flat slice of `In`-shaped samples for network `Net` (non-empty, whole samples,
/// finite values, values the first layer accepts) and returns the number of samples.
pub(crate) fn check_inputs<In: Shape, Net: Module<In, E>, E: Scalar>(
    what: &'static str,
    x: &[E],
) -> Result<usize> {
    let n = check_samples(what, x, In::NUMEL)?;
    Net::check_input(x)?;
    Ok(n)
}

/// Checks that `y` holds the labels of `n` samples and that each label is valid for the loss.
/// `what` names them in errors ("labels", "validation labels").
pub(crate) fn check_labels<Out: Shape, E: Scalar, L: Loss<Out, E>>(
    what: &'static str,
    n: usize,
    y: &[L::Label],
) -> Result<()> {
    let expected = n * L::LABELS_PER_SAMPLE;
    if y.len() != expected {
        return Err(Error::CountMismatch {
            what,
            inputs: n,
            expected_labels: expected,
            labels: y.len(),
        });
    }
    y.iter()
        .enumerate()
        .try_for_each(|(i, &label)| L::check_label(i, label))
        .map_err(|e| e.for_labels(what))
}
