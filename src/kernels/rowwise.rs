//! Row-wise kernels: softmax over the last dimension, and the arg-max of a row.

use super::matmul::sum;
use crate::Scalar;

/// Index of the first largest value of `row`: the class a classifier's output picks. `None` for
/// an empty row or one holding a NaN (a NaN is not smaller than anything, so no class wins).
///
/// ```
/// use stratanet::kernels::rowwise::arg_max;
/// assert_eq!(arg_max(&[0.1, 0.7, 0.7, 0.2]), Some(1));
/// assert_eq!(arg_max(&[0.1, f32::NAN, 0.2]), None);
/// ```
pub fn arg_max<T: PartialOrd + Copy>(row: &[T]) -> Option<usize> {
    // A value not equal to itself (NaN) orders with nothing: no class is the largest.
    if row.is_empty() || row.iter().any(|v| v.partial_cmp(v).is_none()) {
        return None;
    }
    let mut best = 0;
    for (i, v) in row.iter().enumerate() {
        if *v > row[best] {
            best = i;
        }
    }
    Some(best)
}

/// `y = softmax(x)` for each row of `len` values, shifted by the row maximum for stability.
///
/// ```
/// use stratanet::kernels::rowwise::softmax_rows;
/// let mut y = [0.0f64; 2];
/// softmax_rows(&[0.0, 0.0], 2, &mut y);
/// assert_eq!(y, [0.5, 0.5]);
/// ```
pub fn softmax_rows<E: Scalar>(x: &[E], len: usize, y: &mut [E]) {
    for (xr, yr) in x.chunks_exact(len).zip(y.chunks_exact_mut(len)) {
        let max = xr.iter().fold(E::neg_infinity(), |m, &v| m.max(v));
        let mut sum = E::zero();
        for (o, &v) in yr.iter_mut().zip(xr) {
            *o = (v - max).exp();
            sum = sum + *o;
        }
        for o in yr.iter_mut() {
            *o = *o / sum;
        }
    }
}

/// [`softmax_rows`] of one row, in place.
///
/// ```
/// use stratanet::kernels::rowwise::softmax_in_place;
/// let mut row = [1.0f64, 1.0];
/// softmax_in_place(&mut row);
/// assert_eq!(row, [0.5, 0.5]);
/// ```
#[inline(always)]
pub fn softmax_in_place<E: Scalar>(row: &mut [E]) {
    let max = max_of(row);
    // Three passes, none carrying a value from one element to the next but the sum (in eight
    // partial sums), so each vectorizes where the caller is compiled for a wider level.
    for v in row.iter_mut() {
        *v = (*v - max).fast_exp();
    }
    let total = sum(row);
    for v in row.iter_mut() {
        *v = *v / total;
    }
}

/// The largest value of `row` (−∞ for an empty one), in sixteen partial maxima so the loop
/// vectorizes; a NaN is passed over here and makes the softmax NaN through its exponential.
#[inline(always)]
fn max_of<E: Scalar>(row: &[E]) -> E {
    const LANES: usize = 16;
    let larger = |m: E, v: E| if v > m { v } else { m };
    let mut acc = [E::neg_infinity(); LANES];
    let chunks = row.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for lane in 0..LANES {
            acc[lane] = larger(acc[lane], c[lane]);
        }
    }
    acc.iter()
        .chain(tail)
        .fold(E::neg_infinity(), |m, &v| larger(m, v))
}

/// Backward of [`softmax_rows`]: `dx = y ⊙ (dy − Σ dy⊙y)` per row (the softmax Jacobian
/// `diag(y) − y·yᵀ` applied to `dy`).
///
/// ```
/// use stratanet::kernels::rowwise::softmax_rows_backward;
/// let mut dx = [0.0f64; 2];
/// // a gradient that is the same for every class does not move the softmax
/// softmax_rows_backward(&[0.3, 0.7], &[1.0, 1.0], 2, &mut dx);
/// assert!(dx.iter().all(|v| v.abs() < 1e-15));
/// ```
pub fn softmax_rows_backward<E: Scalar>(y: &[E], dy: &[E], len: usize, dx: &mut [E]) {
    for ((yr, gr), dr) in y
        .chunks_exact(len)
        .zip(dy.chunks_exact(len))
        .zip(dx.chunks_exact_mut(len))
    {
        let dot = yr
            .iter()
            .zip(gr)
            .fold(E::zero(), |acc, (&a, &b)| acc + a * b);
        for ((d, &a), &g) in dr.iter_mut().zip(yr).zip(gr) {
            *d = a * (g - dot);
        }
    }
}

/// `ln Σ exp(row)`, stable for any finite row.
///
/// ```
/// let v = stratanet::kernels::rowwise::log_sum_exp(&[1e4f64, 1e4]);
/// assert!((v - (1e4 + 2f64.ln())).abs() < 1e-9);
/// ```
pub fn log_sum_exp<E: Scalar>(row: &[E]) -> E {
    let max = row.iter().fold(E::neg_infinity(), |m, &v| m.max(v));
    let sum = row.iter().fold(E::zero(), |acc, &v| acc + (v - max).exp());
    max + sum.ln()
}
