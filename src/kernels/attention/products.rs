//! The same attention as [`attention_forward`](super::attention_forward) and
//! [`attention_backward`](super::attention_backward), each head's work as matrix products over
//! strided views of `qkv` (no gather): `S = Q·Kᵀ`, `O = P·V` forward; `dP = dO·Vᵀ`,
//! `dQ = dS·K`, `dK = dSᵀ·Q`, `dV = Pᵀ·dO` backward. Training uses it (a batch's workspace holds
//! its scratch); the loops stay for allocation-free inference and as the reference these are
//! tested against. A causal mask computes the full `T × T` scores and zeroes the masked
//! weights after the softmax, so the products need no mask of their own.

use super::AttentionGeom;
use crate::kernels::gemm::MatRef;
use crate::kernels::matmul::{dot, matmul};
use crate::kernels::rowwise::softmax_in_place;
use crate::kernels::simd::{vectorized, Level};
use crate::Scalar;

/// Scratch values [`attention_backward_products`] needs: `dP` (`T × T`) and one head's
/// product (`T × dh`). [`attention_forward_products`] uses the first `T·dh` of the same.
pub fn attention_scratch(g: &AttentionGeom) -> usize {
    g.steps * g.steps + g.steps * g.width / g.heads
}

/// `rows` rows of `cols` values at `stride` apart, starting at `data[offset]`.
fn view<E>(data: &[E], offset: usize, stride: usize) -> MatRef<'_, E> {
    MatRef {
        data: &data[offset..],
        row_stride: stride,
        col_stride: 1,
    }
}

/// The transpose of [`view`].
fn view_t<E>(data: &[E], offset: usize, stride: usize) -> MatRef<'_, E> {
    MatRef {
        data: &data[offset..],
        row_stride: 1,
        col_stride: stride,
    }
}

/// Writes the `T × dh` rows of `head` into columns `column..column + dh` of `out` (rows
/// `stride` apart).
fn scatter<E: Scalar>(head: &[E], dh: usize, out: &mut [E], column: usize, stride: usize) {
    for (i, row) in head.chunks_exact(dh).enumerate() {
        out[i * stride + column..i * stride + column + dh].copy_from_slice(row);
    }
}

/// [`attention_forward`](super::attention_forward) by products; `scratch` holds at least
/// [`attention_scratch`] values.
///
/// ```
/// use stratanet::kernels::attention::{attention_forward_products, attention_scratch, AttentionGeom};
/// // one head of width 1 over two steps; equal keys: each query averages the two values
/// let g = AttentionGeom { steps: 2, width: 1, heads: 1, causal: false };
/// let qkv = [1.0f64, 0.5, 2.0, 3.0, 0.5, 4.0]; // (q, k, v) per step
/// let (mut p, mut o, mut scratch) = ([0.0; 4], [0.0; 2], vec![0.0; attention_scratch(&g)]);
/// attention_forward_products(&g, &qkv, &mut p, &mut o, &mut scratch);
/// assert_eq!(o, [3.0, 3.0]);
/// ```
pub fn attention_forward_products<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &mut [E],
    o: &mut [E],
    scratch: &mut [E],
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || forward_at(g, qkv, p, o, scratch),
    );
}

/// [`attention_forward_products`]' body, its softmax loops compiled for the detected level.
#[inline(always)]
fn forward_at<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &mut [E],
    o: &mut [E],
    scratch: &mut [E],
) {
    let (t, d, dh) = (g.steps, g.width, g.width / g.heads);
    let scale = E::one() / E::from_f64(dh as f64).sqrt();
    let head_out = &mut scratch[..t * dh];
    for h in 0..g.heads {
        let (qc, kc, vc) = (h * dh, d + h * dh, 2 * d + h * dh);
        let p_h = &mut p[h * t * t..(h + 1) * t * t];
        let (q, k_t) = (view(qkv, qc, 3 * d), view_t(qkv, kc, 3 * d));
        matmul(t, dh, t, q, k_t, false, p_h);
        for (i, row) in p_h.chunks_exact_mut(t).enumerate() {
            let keys = g.keys(i);
            for s in &mut row[..keys] {
                *s = *s * scale;
            }
            softmax_in_place(&mut row[..keys]);
            row[keys..].fill(E::zero());
        }
        let v = view(qkv, vc, 3 * d);
        matmul(t, t, dh, MatRef::row_major(p_h, t), v, false, head_out);
        scatter(head_out, dh, o, h * dh, d);
    }
}

/// [`attention_backward`](super::attention_backward) by products, after either forward gave
/// `p`; `scratch` holds at least [`attention_scratch`] values. Every value of `d_qkv`'s
/// `[T, 3D]` is written.
pub fn attention_backward_products<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &[E],
    d_o: &[E],
    scratch: &mut [E],
    d_qkv: &mut [E],
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || backward_at(g, qkv, p, d_o, scratch, d_qkv),
    );
}

/// [`attention_backward_products`]' body, its softmax-gradient loops compiled for the
/// detected level.
#[inline(always)]
fn backward_at<E: Scalar>(
    g: &AttentionGeom,
    qkv: &[E],
    p: &[E],
    d_o: &[E],
    scratch: &mut [E],
    d_qkv: &mut [E],
) {
    let (t, d, dh) = (g.steps, g.width, g.width / g.heads);
    let scale = E::one() / E::from_f64(dh as f64).sqrt();
    let (d_s, head_out) = scratch[..t * t + t * dh].split_at_mut(t * t);
    for h in 0..g.heads {
        let (qc, kc, vc) = (h * dh, d + h * dh, 2 * d + h * dh);
        let p_h = &p[h * t * t..(h + 1) * t * t];
        // dP = dO·Vᵀ, then dS = P ⊙ (dP − Σ_j P ⊙ dP)·scale in place, row by row.
        let d_out = view(d_o, h * dh, d);
        matmul(t, dh, t, d_out, view_t(qkv, vc, 3 * d), false, d_s);
        for (weights, row) in p_h.chunks_exact(t).zip(d_s.chunks_exact_mut(t)) {
            let weighted = dot(weights, row);
            for (ds, &w) in row.iter_mut().zip(weights) {
                *ds = w * (*ds - weighted) * scale;
            }
        }
        let d_s = MatRef::row_major(&*d_s, t);
        matmul(t, t, dh, d_s, view(qkv, kc, 3 * d), false, head_out);
        scatter(head_out, dh, d_qkv, qc, 3 * d);
        let d_s_t = MatRef::transposed(d_s.data, t);
        matmul(t, t, dh, d_s_t, view(qkv, qc, 3 * d), false, head_out);
        scatter(head_out, dh, d_qkv, kc, 3 * d);
        let p_t = MatRef::transposed(p_h, t);
        matmul(t, t, dh, p_t, view(d_o, h * dh, d), false, head_out);
        scatter(head_out, dh, d_qkv, vc, 3 * d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{attention_backward, attention_forward};
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn values<E: Scalar>(len: usize, seed: f64) -> Vec<E> {
        (0..len)
            .map(|i| E::from_f64((i as f64 * seed).sin() * 1.5))
            .collect()
    }

    /// The largest difference between the loops and the products, forward (`p`, `o`) and
    /// backward (`d_qkv`), relative to the largest value of each.
    fn largest_difference<E: Scalar>(g: &AttentionGeom) -> f64 {
        let (t, d, h) = (g.steps, g.width, g.heads);
        let qkv = values::<E>(3 * t * d, 0.37);
        let d_o = values::<E>(t * d, 0.73);
        let (mut p_loops, mut o_loops) = (vec![E::zero(); h * t * t], vec![E::zero(); t * d]);
        attention_forward(g, &qkv, &mut p_loops, &mut o_loops);
        let mut d_loops = vec![E::zero(); 3 * t * d];
        attention_backward(
            g,
            &qkv,
            &p_loops,
            &d_o,
            &mut vec![E::zero(); t],
            &mut d_loops,
        );

        let mut scratch = vec![E::zero(); attention_scratch(g)];
        // stale values everywhere: the products must write every output value
        let (mut p, mut o) = (
            vec![E::from_f64(9.0); h * t * t],
            vec![E::from_f64(9.0); t * d],
        );
        attention_forward_products(g, &qkv, &mut p, &mut o, &mut scratch);
        let mut d_qkv = vec![E::from_f64(9.0); 3 * t * d];
        attention_backward_products(g, &qkv, &p, &d_o, &mut scratch, &mut d_qkv);

        let relative = |a: &[E], b: &[E]| {
            let top = a
                .iter()
                .map(|v| v.to_f64().unwrap().abs())
                .fold(1e-300, f64::max);
            let diff = a
                .iter()
                .zip(b)
                .map(|(x, y)| (x.to_f64().unwrap() - y.to_f64().unwrap()).abs())
                .fold(0.0, f64::max);
            diff / top
        };
        relative(&p_loops, &p)
            .max(relative(&o_loops, &o))
            .max(relative(&d_loops, &d_qkv))
    }

    #[test]
    fn products_agree_with_the_loops() {
        for (steps, width, heads) in [(1, 4, 2), (3, 6, 3), (7, 8, 2), (33, 48, 3), (32, 64, 4)] {
            for causal in [false, true] {
                let g = AttentionGeom {
                    steps,
                    width,
                    heads,
                    causal,
                };
                let f64_error = largest_difference::<f64>(&g);
                assert!(f64_error < 1e-13, "{g:?}: f64 {f64_error:e}");
                let f32_error = largest_difference::<f32>(&g);
                assert!(f32_error < 1e-5, "{g:?}: f32 {f32_error:e}");
            }
        }
    }
}
