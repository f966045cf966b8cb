//! Batch normalization kernels over `n` samples laid out `[n, C, plane]` (`plane = 1` for
//! vectors, `H·W` for images): statistics per channel over the `m = n·plane` values.

use crate::Scalar;

/// Per-channel statistics and normalized values of one forward pass.
#[derive(Debug)]
pub struct NormStats<'a, E> {
    /// `x̂ = (x − μ)·inv_std`, `[n, C, plane]`.
    pub xhat: &'a mut [E],
    /// `1/√(σ² + ε)` per channel.
    pub inv_std: &'a mut [E],
    /// The batch mean per channel.
    pub mean: &'a mut [E],
    /// The batch variance per channel (biased, `1/m`).
    pub var: &'a mut [E],
}

fn channel_values<E: Copy>(
    x: &[E],
    n: usize,
    c: usize,
    plane: usize,
    ch: usize,
) -> impl Iterator<Item = E> + '_ {
    (0..n).flat_map(move |s| {
        x[(s * c + ch) * plane..(s * c + ch + 1) * plane]
            .iter()
            .copied()
    })
}

/// Training forward: normalizes with the batch's own mean and variance,
/// `y = γ·x̂ + β`. Writes the statistics to `stats`.
#[allow(clippy::too_many_arguments)]
pub fn batch_norm_train<E: Scalar>(
    n: usize,
    c: usize,
    plane: usize,
    eps: E,
    x: &[E],
    gamma: &[E],
    beta: &[E],
    y: &mut [E],
    stats: NormStats<'_, E>,
) {
    let m = E::from_f64((n * plane) as f64);
    for ch in 0..c {
        let mean = channel_values(x, n, c, plane, ch).fold(E::zero(), |a, v| a + v) / m;
        let var = channel_values(x, n, c, plane, ch)
            .fold(E::zero(), |a, v| a + (v - mean) * (v - mean))
            / m;
        let inv = E::one() / (var + eps).sqrt();
        (stats.mean[ch], stats.var[ch], stats.inv_std[ch]) = (mean, var, inv);
    }
    normalize(
        n,
        c,
        plane,
        x,
        stats.mean,
        stats.inv_std,
        gamma,
        beta,
        y,
        stats.xhat,
    );
}

/// `x̂ = (x − μ)·inv_std`, `y = γ·x̂ + β`, per channel.
#[allow(clippy::too_many_arguments)]
pub fn normalize<E: Scalar>(
    n: usize,
    c: usize,
    plane: usize,
    x: &[E],
    mean: &[E],
    inv_std: &[E],
    gamma: &[E],
    beta: &[E],
    y: &mut [E],
    xhat: &mut [E],
) {
    for s in 0..n {
        for ch in 0..c {
            let at = (s * c + ch) * plane..(s * c + ch + 1) * plane;
            for ((out, h), &v) in y[at.clone()]
                .iter_mut()
                .zip(&mut xhat[at.clone()])
                .zip(&x[at])
            {
                *h = (v - mean[ch]) * inv_std[ch];
                *out = gamma[ch] * *h + beta[ch];
            }
        }
    }
}

/// Backward. `training`: through the batch statistics,
/// `dx = (γ·inv_std/m)·(m·dy − Σdy − x̂·Σ(dy·x̂))`; inference (fixed statistics):
/// `dx = γ·inv_std·dy`. Both add `dγ += Σ dy·x̂`, `dβ += Σ dy`.
#[allow(clippy::too_many_arguments)]
pub fn batch_norm_backward<E: Scalar>(
    n: usize,
    c: usize,
    plane: usize,
    training: bool,
    xhat: &[E],
    inv_std: &[E],
    gamma: &[E],
    dy: &[E],
    dx: Option<&mut [E]>,
    dgamma: &mut [E],
    dbeta: &mut [E],
) {
    let m = E::from_f64((n * plane) as f64);
    let mut dx = dx;
    for ch in 0..c {
        let sum_dy = channel_values(dy, n, c, plane, ch).fold(E::zero(), |a, v| a + v);
        let sum_dy_xhat = channel_values(dy, n, c, plane, ch)
            .zip(channel_values(xhat, n, c, plane, ch))
            .fold(E::zero(), |a, (g, h)| a + g * h);
        dgamma[ch] = dgamma[ch] + sum_dy_xhat;
        dbeta[ch] = dbeta[ch] + sum_dy;
        let Some(dx) = dx.as_deref_mut() else {
            continue;
        };
        let scale = gamma[ch] * inv_std[ch];
        for s in 0..n {
            let at = (s * c + ch) * plane..(s * c + ch + 1) * plane;
            for ((d, &g), &h) in dx[at.clone()]
                .iter_mut()
                .zip(&dy[at.clone()])
                .zip(&xhat[at])
            {
                *d = if training {
                    scale / m * (m * g - sum_dy - h * sum_dy_xhat)
                } else {
                    scale * g
                };
            }
        }
    }
}
/// Inference on one sample of `C` channels with `plane` values each, from the stored tensors
/// `[γ, β, running mean, running variance]`: `y = γ·(x − mean)/√(var + ε) + β`.
pub fn infer_planes<E: Scalar>(
    channels: usize,
    plane: usize,
    eps: E,
    tensors: &[E],
    x: &[E],
    y: &mut [E],
) {
    let (gamma, rest) = tensors.split_at(channels);
    let (beta, rest) = rest.split_at(channels);
    let (mean, var) = rest.split_at(channels);
    for (ch, (out, values)) in y
        .chunks_exact_mut(plane)
        .zip(x.chunks_exact(plane))
        .enumerate()
    {
        let scale = gamma[ch] / (var[ch] + eps).sqrt();
        for (o, &v) in out.iter_mut().zip(values) {
            *o = (v - mean[ch]) * scale + beta[ch];
        }
    }
}

/// Folds a batch's statistics into running ones: `running ← keep·running + (1 − keep)·batch`.
#[cfg(feature = "alloc")]
pub fn fold_running<E: Scalar>(keep: f64, running: &mut [E], batch: &[E]) {
    let (keep, take) = (E::from_f64(keep), E::from_f64(1.0 - keep));
    for (r, &b) in running.iter_mut().zip(batch) {
        *r = keep * *r + take * b;
    }
}
