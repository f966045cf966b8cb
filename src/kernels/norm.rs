//! Layer normalization over rows: each row of `d` values is normalized by its own mean and
//! (biased) variance, then scaled and shifted per column.

use super::matmul::{dot, sum, sum_of};
use super::simd::{vectorized, Level};
use crate::Scalar;

/// Normalizes every `d`-long row of `x`: `y = γ ⊙ (x − μ)/√(σ² + ε) + β`. With `saved`, stores
/// each row's normalized values `x̂` (same layout as `x`) and `1/√(σ² + ε)` (one per row) for
/// the backward pass.
///
/// ```
/// use stratanet::kernels::norm::layer_norm_forward;
/// let mut y = [0.0f64; 2];
/// layer_norm_forward(2, 0.0, &[1.0, 3.0], &[1.0, 1.0], &[0.0, 0.0], &mut y, None);
/// assert_eq!(y, [-1.0, 1.0]);
/// ```
pub fn layer_norm_forward<E: Scalar>(
    d: usize,
    eps: f64,
    x: &[E],
    gamma: &[E],
    beta: &[E],
    y: &mut [E],
    saved: Option<(&mut [E], &mut [E])>,
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || forward_rows(d, eps, x, gamma, beta, y, saved),
    );
}

/// [`layer_norm_forward`]'s body, compiled for the detected level: each row's mean and variance
/// in eight partial sums ([`sum`]), so they vectorize as the per-column loops do.
#[inline(always)]
fn forward_rows<E: Scalar>(
    d: usize,
    eps: f64,
    x: &[E],
    gamma: &[E],
    beta: &[E],
    y: &mut [E],
    mut saved: Option<(&mut [E], &mut [E])>,
) {
    let scale = E::from_f64(1.0 / d as f64);
    let eps = E::from_f64(eps);
    for (r, (row, out)) in x.chunks_exact(d).zip(y.chunks_exact_mut(d)).enumerate() {
        let mean = sum(row) * scale;
        let var = sum_of(row, |v| (v - mean) * (v - mean)) * scale;
        let inv = E::one() / (var + eps).sqrt();
        for (((o, &v), &g), &b) in out.iter_mut().zip(row).zip(gamma).zip(beta) {
            *o = (v - mean) * inv * g + b;
        }
        if let Some((x_hat, inv_std)) = saved.as_mut() {
            for (h, &v) in x_hat[r * d..(r + 1) * d].iter_mut().zip(row) {
                *h = (v - mean) * inv;
            }
            inv_std[r] = inv;
        }
    }
}

/// Backward of [`layer_norm_forward`] over `rows` rows, from the saved `x̂` and `1/√(σ² + ε)`:
/// with `g = γ ⊙ dy`, `dx = (g − mean(g) − x̂ · mean(g ⊙ x̂)) / √(σ² + ε)`; adds
/// `Σ_rows dy ⊙ x̂` to `dgamma` and `Σ_rows dy` to `dbeta`.
///
/// ```
/// use stratanet::kernels::norm::layer_norm_backward;
/// let (mut dx, mut dgamma, mut dbeta) = ([9.0f64; 2], [0.0; 2], [0.0; 2]);
/// // x̂ = [−1, 1]: a gradient along x̂ itself is removed by the variance term
/// layer_norm_backward(2, 1, &[-1.0, 1.0], &[1.0], &[1.0, 1.0], &[-1.0, 1.0], Some(&mut dx), &mut dgamma, &mut dbeta);
/// assert_eq!((dx, dgamma, dbeta), ([0.0, 0.0], [1.0, 1.0], [-1.0, 1.0]));
/// ```
#[allow(clippy::too_many_arguments)]
pub fn layer_norm_backward<E: Scalar>(
    d: usize,
    rows: usize,
    x_hat: &[E],
    inv_std: &[E],
    gamma: &[E],
    dy: &[E],
    dx: Option<&mut [E]>,
    dgamma: &mut [E],
    dbeta: &mut [E],
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || backward_rows(d, rows, x_hat, inv_std, gamma, dy, dx, dgamma, dbeta),
    );
}

/// [`layer_norm_backward`]'s body, compiled for the detected level. `dx`'s row first holds
/// `g = γ ⊙ dy`, so both means are vectorized sums over it.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn backward_rows<E: Scalar>(
    d: usize,
    rows: usize,
    x_hat: &[E],
    inv_std: &[E],
    gamma: &[E],
    dy: &[E],
    mut dx: Option<&mut [E]>,
    dgamma: &mut [E],
    dbeta: &mut [E],
) {
    let scale = E::from_f64(1.0 / d as f64);
    let (dgamma, dbeta) = (&mut dgamma[..d], &mut dbeta[..d]);
    for r in 0..rows {
        let (h, g_out) = (&x_hat[r * d..(r + 1) * d], &dy[r * d..(r + 1) * d]);
        for (((dg, db), &g), &hv) in dgamma.iter_mut().zip(dbeta.iter_mut()).zip(g_out).zip(h) {
            *dg = *dg + g * hv;
            *db = *db + g;
        }
        if let Some(dx) = dx.as_deref_mut() {
            let dx = &mut dx[r * d..(r + 1) * d];
            for ((o, &gm), &g) in dx.iter_mut().zip(gamma).zip(g_out) {
                *o = gm * g;
            }
            let (mean_g, mean_gh) = (sum(dx) * scale, dot(dx, h) * scale);
            for (o, &hv) in dx.iter_mut().zip(h) {
                *o = (*o - mean_g - hv * mean_gh) * inv_std[r];
            }
        }
    }
}
