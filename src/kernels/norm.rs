//! Layer normalization over rows: each row of `d` values is normalized by its own mean and
//! (biased) variance, then scaled and shifted per column.

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
    mut saved: Option<(&mut [E], &mut [E])>,
) {
    let scale = E::from_f64(1.0 / d as f64);
    let eps = E::from_f64(eps);
    for (r, (row, out)) in x.chunks_exact(d).zip(y.chunks_exact_mut(d)).enumerate() {
        let mean = row.iter().fold(E::zero(), |s, &v| s + v) * scale;
        let var = row
            .iter()
            .fold(E::zero(), |s, &v| s + (v - mean) * (v - mean))
            * scale;
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
#[allow(clippy::too_many_arguments)]
pub fn layer_norm_backward<E: Scalar>(
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
    for r in 0..rows {
        let (h, g_out) = (&x_hat[r * d..(r + 1) * d], &dy[r * d..(r + 1) * d]);
        let (mut mean_g, mut mean_gh) = (E::zero(), E::zero());
        for j in 0..d {
            dgamma[j] = dgamma[j] + g_out[j] * h[j];
            dbeta[j] = dbeta[j] + g_out[j];
            let g = gamma[j] * g_out[j];
            mean_g = mean_g + g;
            mean_gh = mean_gh + g * h[j];
        }
        if let Some(dx) = dx.as_deref_mut() {
            let (mean_g, mean_gh) = (mean_g * scale, mean_gh * scale);
            for j in 0..d {
                dx[r * d + j] = (gamma[j] * g_out[j] - mean_g - h[j] * mean_gh) * inv_std[r];
            }
        }
    }
}
