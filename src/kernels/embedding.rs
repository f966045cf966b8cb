//! Embedding look-ups: checking token ids, gathering table rows, and the scatter-add of the
//! backward pass.

use crate::error::InputError;
use crate::Scalar;

/// `Ok` when every id is a whole number in `0..vocabulary`, else the first that is not.
pub fn check_ids<E: Scalar>(ids: &[E], vocabulary: usize) -> Result<(), InputError> {
    match ids.iter().position(|&id| {
        id.fract() != E::zero() || id < E::zero() || id.as_f64() >= vocabulary as f64
    }) {
        None => Ok(()),
        Some(index) => Err(InputError::TokenOutOfRange {
            index,
            value: ids[index].as_f64(),
            vocabulary,
        }),
    }
}

/// The table row of an id (checked to be a whole number in range when data entered; rounding
/// keeps the id piecewise constant, so finite differences see a zero input gradient).
pub fn token<E: Scalar>(id: E) -> usize {
    id.round().as_f64() as usize
}

/// Copies each id's row of `table` (`d` values per row) into `y`.
pub fn look_up<E: Scalar>(table: &[E], d: usize, ids: &[E], y: &mut [E]) {
    for (&id, row) in ids.iter().zip(y.chunks_exact_mut(d)) {
        let id = token(id);
        row.copy_from_slice(&table[id * d..(id + 1) * d]);
    }
}

/// The backward pass of [`look_up`]: each id's table row collects its output row's gradient.
#[cfg(feature = "alloc")]
pub fn scatter_add<E: Scalar>(grads: &mut [E], d: usize, ids: &[E], dy: &[E]) {
    for (&id, row) in ids.iter().zip(dy.chunks_exact(d)) {
        let id = token(id);
        for (acc, &g) in grads[id * d..(id + 1) * d].iter_mut().zip(row) {
            *acc = *acc + g;
        }
    }
}
