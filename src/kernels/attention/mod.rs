//! Scaled dot-product attention of one sequence, every head, in plain loops over contiguous
//! rows (no buffers, no allocation: the same code serves training and allocation-free
//! inference).
//!
//! `qkv` is `[T, 3D]`: each step's query, key and value projections side by side, head `h`
//! owning columns `h·dh .. (h + 1)·dh` of each (PyTorch's `in_proj` layout, `dh = D / H`). For
//! each head, `S = Q·Kᵀ/√dh` (`T × T`, entries `j > i` masked to −∞ when causal), `P =
//! softmax(S)` by rows (max subtracted first), `O = P·V`; the heads' outputs side by side are
//! `o`, `[T, D]`.

mod products;

pub use products::{attention_backward_products, attention_forward_products, attention_scratch};

use super::matmul::dot;
use super::rowwise::softmax_in_place;
use super::simd::{vectorized, Level};
use crate::Scalar;

/// The shape of one attention call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttentionGeom {
    /// Sequence length `T`.
    pub steps: usize,
    /// Model width `D`.
    pub width: usize,
    /// Heads `H` (dividing `D`).
    pub heads: usize,
    /// Whether step `i` attends only to steps `j ≤ i`.
    pub causal: bool,
}

impl AttentionGeom {
    fn head(&self) -> usize {
        self.width / self.heads
    }
    /// The steps query `i` attends to.
    fn keys(&self, i: usize) -> usize {
        if self.causal {
            i + 1
        } else {
            self.steps
        }
    }
}

/// `y += alpha·x`.
#[inline(always)]
fn axpy<E: Scalar>(y: &mut [E], alpha: E, x: &[E]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = *y + alpha * x;
    }
}

/// One sequence forward: writes the attention weights `p` (`[H, T, T]`, zero where masked) and
/// the heads' outputs `o` (`[T, D]`).
///
/// ```
/// use stratanet::kernels::attention::{attention_forward, AttentionGeom};
/// // one head of width 1 over two steps; equal keys: each query averages the two values
/// let g = AttentionGeom { steps: 2, width: 1, heads: 1, causal: false };
/// let qkv = [1.0f64, 0.5, 2.0, 3.0, 0.5, 4.0]; // (q, k, v) per step
/// let (mut p, mut o) = ([0.0; 4], [0.0; 2]);
/// attention_forward(&g, &qkv, &mut p, &mut o);
/// assert_eq!(o, [3.0, 3.0]);
/// ```
pub fn attention_forward<E: Scalar>(g: &AttentionGeom, qkv: &[E], p: &mut [E], o: &mut [E]) {
    let level = Level::detected();
    vectorized(
        level,
        #[inline(always)]
        || forward_at(g, qkv, p, o),
    );
}

/// [`attention_forward`]'s loops, inlined into [`vectorized`]'s code for the detected level.
#[inline(always)]
fn forward_at<E: Scalar>(g: &AttentionGeom, qkv: &[E], p: &mut [E], o: &mut [E]) {
    let (t, d, dh) = (g.steps, g.width, g.head());
    let scale = E::one() / E::from_f64(dh as f64).sqrt();
    o[..t * d].fill(E::zero());
    for h in 0..g.heads {
        let (qc, kc, vc) = (h * dh, d + h * dh, 2 * d + h * dh);
        for i in 0..t {
            let row = &mut p[(h * t + i) * t..(h * t + i + 1) * t];
            let q = &qkv[i * 3 * d + qc..i * 3 * d + qc + dh];
            let keys = g.keys(i);
            for (j, s) in row[..keys].iter_mut().enumerate() {
                *s = dot(q, &qkv[j * 3 * d + kc..j * 3 * d + kc + dh]) * scale;
            }
            softmax_in_place(&mut row[..keys]);
            row[keys..].fill(E::zero());
            let out = &mut o[i * d + h * dh..i * d + (h + 1) * dh];
            for (j, &s) in row[..keys].iter().enumerate() {
                axpy(out, s, &qkv[j * 3 * d + vc..j * 3 * d + vc + dh]);
            }
        }
    }
}

/// One sequence backward, after [`attention_forward`] gave `p`: from `d_o` (`[T, D]`) writes
/// `d_qkv` (`[T, 3D]`). With `dP[i, j] = dO_i·V_j`, the softmax gives
/// `dS[i, j] = P[i, j]·(dP[i, j] − Σ_j' P[i, j']·dP[i, j'])`; then `dQ_i = Σ_j dS[i, j]·K_j/√dh`,
/// `dK_j = Σ_i dS[i, j]·Q_i/√dh`, `dV_j = Σ_i P[i, j]·dO_i`. `row` holds `T` values of scratch.
pub fn attention_backward<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &[E],
    d_o: &[E],
    row: &mut [E],
    d_qkv: &mut [E],
) {
    let level = Level::detected();
    vectorized(
        level,
        #[inline(always)]
        || backward_at(g, qkv, p, d_o, row, d_qkv),
    );
}

/// [`attention_backward`]'s loops, inlined into [`vectorized`]'s code for the detected level.
#[inline(always)]
fn backward_at<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &[E],
    d_o: &[E],
    row: &mut [E],
    d_qkv: &mut [E],
) {
    let (t, d, dh) = (g.steps, g.width, g.head());
    let scale = E::one() / E::from_f64(dh as f64).sqrt();
    d_qkv[..t * 3 * d].fill(E::zero());
    for h in 0..g.heads {
        let (qc, kc, vc) = (h * dh, d + h * dh, 2 * d + h * dh);
        for i in 0..t {
            let weights = &p[(h * t + i) * t..(h * t + i + 1) * t];
            let d_out = &d_o[i * d + h * dh..i * d + (h + 1) * dh];
            let keys = g.keys(i);
            let mut weighted = E::zero();
            for j in 0..keys {
                row[j] = dot(d_out, &qkv[j * 3 * d + vc..j * 3 * d + vc + dh]);
                weighted = weighted + weights[j] * row[j];
            }
            // each update one slice of `d_qkv` against rows of `qkv` and `d_o`: loops over
            // `dh` contiguous values, no index arithmetic per value
            let at = |step: usize, column: usize| step * 3 * d + column..step * 3 * d + column + dh;
            let q_i = &qkv[at(i, qc)];
            for j in 0..keys {
                let ds = weights[j] * (row[j] - weighted) * scale;
                axpy(&mut d_qkv[at(i, qc)], ds, &qkv[at(j, kc)]);
                axpy(&mut d_qkv[at(j, kc)], ds, q_i);
                axpy(&mut d_qkv[at(j, vc)], weights[j], d_out);
            }
        }
    }
}
