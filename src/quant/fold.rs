//! Batch-norm folding: a `BatchNorm` right after a weighted layer in a tuple becomes part of
//! that layer's weights when quantizing ([`QuantLayout::FOLD_WEIGHTS`], [`QuantLayout::FOLDS`]),
//! so the int8 network stores and runs one step where the float one has two.

use super::QuantLayout;
use crate::module::Layout;

/// Layer `M`'s layout in a tuple, after a layer that folds (`prev_folds`, its
/// [`QuantLayout::FOLD_WEIGHTS`] not 0): nothing if `M` folds into it.
pub(super) const fn after<M: QuantLayout>(prev_folds: usize, layout: Layout) -> Layout {
    if prev_folds > 0 && M::FOLDS {
        Layout::Tensors(&[])
    } else {
        layout
    }
}

/// Whether layer `i` of a tuple, given every layer's [`QuantLayout::FOLD_WEIGHTS`] and
/// [`QuantLayout::FOLDS`], is folded into layer `i − 1`.
pub(super) const fn folded(fold_weights: &[usize], folds: &[bool], i: usize) -> bool {
    i > 0 && i < folds.len() && fold_weights[i - 1] > 0 && folds[i]
}

/// `tensors` of a layer whose last step has `weights` float weights (output channel rows) then
/// its bias, with the batch norm `norm` (`γ, β, μ, σ²` of its `c` channels) folded in: each row
/// and bias scaled by `a = γ / √(σ² + ε)`, the bias then shifted by `β − a·μ`.
#[cfg(feature = "alloc")]
pub(super) fn fold(tensors: &[f32], weights: usize, norm: &[f32]) -> alloc::vec::Vec<f32> {
    let c = norm.len() / 4;
    let (a, shift) = affine(norm);
    let mut folded = tensors.to_vec();
    let end = folded.len();
    let (rows, bias) = folded[end - c - weights..].split_at_mut(weights);
    for ((row, b), (&a, &shift)) in rows
        .chunks_exact_mut(weights / c)
        .zip(bias)
        .zip(a.iter().zip(&shift))
    {
        row.iter_mut().for_each(|w| *w = (f64::from(*w) * a) as f32);
        *b = (f64::from(*b) * a + shift) as f32;
    }
    folded
}

/// A batch norm's per-channel map `a·x + b` (`a = γ / √(σ² + ε)`, `b = β − a·μ`), from its
/// tensors `γ, β, μ, σ²`.
#[cfg(feature = "alloc")]
pub(super) fn affine(norm: &[f32]) -> (alloc::vec::Vec<f64>, alloc::vec::Vec<f64>) {
    let c = norm.len() / 4;
    let eps = crate::layers::BATCH_NORM_EPSILON;
    (0..c)
        .map(|ch| {
            let (gamma, beta) = (f64::from(norm[ch]), f64::from(norm[c + ch]));
            let (mean, var) = (f64::from(norm[2 * c + ch]), f64::from(norm[3 * c + ch]));
            let a = gamma / num_traits::Float::sqrt(var + eps);
            (a, beta - a * mean)
        })
        .unzip()
}
