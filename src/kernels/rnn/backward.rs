//! Backpropagation through time for the recurrent kernels of [`super`], each cell's derivation
//! beside its loop.

use super::{transpose_batch_time, Cell, RnnBuffers, RnnGeom, RnnGrads, RnnWeights};
use crate::kernels::gemm::MatRef;
use crate::kernels::matmul::{matmul, matmul_shared_b};
use crate::kernels::simd::{vectorized, Level};
use crate::Scalar;

/// Backward pass through time after [`rnn_forward`](super::rnn_forward) on the same inputs. `dy` is `[n, T, H]`
/// when `all_steps`, else `[n, H]` (the last step only). Adds parameter gradients to `grads`
/// and writes `∂L/∂x` (`[n, T, F]`) when asked.
#[allow(clippy::too_many_arguments)]
pub fn rnn_backward<E: Scalar>(
    g: &RnnGeom,
    n: usize,
    p: RnnWeights<'_, E>,
    buf: &mut RnnBuffers<E>,
    dy: &[E],
    all_steps: bool,
    grads: RnnGrads<'_, E>,
    dx: Option<&mut [E]>,
) {
    let level = Level::detected();
    vectorized(
        level,
        #[inline(always)]
        || backward_at(g, n, p, buf, dy, all_steps, grads, dx),
    );
}

/// [`rnn_backward`]'s loops, inlined into [`vectorized`]'s code for the detected level.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn backward_at<E: Scalar>(
    g: &RnnGeom,
    n: usize,
    p: RnnWeights<'_, E>,
    buf: &mut RnnBuffers<E>,
    dy: &[E],
    all_steps: bool,
    grads: RnnGrads<'_, E>,
    dx: Option<&mut [E]>,
) {
    let (cell, t, f, h, w) = (g.cell, g.steps, g.features, g.hidden, g.width());
    let RnnBuffers {
        xt,
        gates,
        hs,
        aux,
        tanh_c,
        d_pre,
        d_rec,
        dh,
        dc,
        dxt,
        w_hh_t: _,
        w_hh,
    } = buf;
    w_hh.forget(); // the weights changed since the last pass
    let (dh, dc) = (&mut dh[..n * h], &mut dc[..n * h]);
    dh.fill(E::zero());
    dc.fill(E::zero());

    for step in (0..t).rev() {
        // dh += ∂L/∂h_step from the output.
        for s in 0..n {
            let from = if all_steps {
                (s * t + step) * h
            } else if step == t - 1 {
                s * h
            } else {
                continue;
            };
            for (d, &v) in dh[s * h..(s + 1) * h].iter_mut().zip(&dy[from..from + h]) {
                *d = *d + v;
            }
        }
        let h_prev = &hs[step * n * h..(step + 1) * n * h];
        let act = &gates[step * n * w..(step + 1) * n * w];
        let da = &mut d_pre[step * n * w..(step + 1) * n * w];
        match cell {
            Cell::Tanh => {
                // h = tanh(a): ∂a = ∂h ⊙ (1 − h²).
                for ((d, &hv), &gh) in da.iter_mut().zip(act.iter()).zip(dh.iter()) {
                    *d = gh * (E::one() - hv * hv);
                }
            }
            Cell::Lstm => {
                // c = f⊙c₋ + i⊙g, h = o⊙tanh(c) (tanh(c) as the forward pass saved it):
                // ∂o = ∂h⊙tanh(c); ∂c += ∂h⊙o⊙(1 − tanh²c); ∂i = ∂c⊙g; ∂f = ∂c⊙c₋; ∂g = ∂c⊙i;
                // ∂c₋ = ∂c⊙f; then through σ' = s(1 − s) and tanh' = 1 − g².
                let c_prev = &aux[step * n * h..(step + 1) * n * h];
                let tanh_now = &tanh_c[step * n * h..(step + 1) * n * h];
                for s in 0..n {
                    // every slice exactly `h` long, so the loop runs without bounds checks
                    // (and vectorizes)
                    let [ai, af, ag, ao]: [&[E]; 4] =
                        core::array::from_fn(|q| &act[s * w + q * h..][..h]);
                    let (d_i, rest) = da[s * w..(s + 1) * w].split_at_mut(h);
                    let (d_f, rest) = rest.split_at_mut(h);
                    let (d_g, d_o) = rest.split_at_mut(h);
                    let d_o = &mut d_o[..h];
                    let (cp, tcs) = (&c_prev[s * h..][..h], &tanh_now[s * h..][..h]);
                    let (dhs, dcs) = (&dh[s * h..][..h], &mut dc[s * h..][..h]);
                    for j in 0..h {
                        let (i, fg, gg, o) = (ai[j], af[j], ag[j], ao[j]);
                        let tc = tcs[j];
                        let dcell = dcs[j] + dhs[j] * o * (E::one() - tc * tc);
                        d_i[j] = dcell * gg * i * (E::one() - i);
                        d_f[j] = dcell * cp[j] * fg * (E::one() - fg);
                        d_g[j] = dcell * i * (E::one() - gg * gg);
                        d_o[j] = dhs[j] * tc * o * (E::one() - o);
                        dcs[j] = dcell * fg;
                    }
                }
            }
            Cell::Gru => {
                // h = (1 − z)⊙n + z⊙h₋, n = tanh(a_n + r⊙m) with m = W_hn h₋ + b_hn:
                // ∂n = ∂h⊙(1 − z), ∂z = ∂h⊙(h₋ − n), ∂h₋ (direct) = ∂h⊙z;
                // ∂a_n = ∂n⊙(1 − n²), ∂r = ∂a_n⊙m, ∂m = ∂a_n⊙r; σ' for r and z.
                let m = &aux[step * n * h..(step + 1) * n * h];
                let d_rec = &mut d_rec[..n * w];
                for s in 0..n {
                    let a = &act[s * w..(s + 1) * w];
                    let (d, dr) = (&mut da[s * w..(s + 1) * w], &mut d_rec[s * w..(s + 1) * w]);
                    for j in 0..h {
                        let k = s * h + j;
                        let (r, z, cand) = (a[j], a[h + j], a[2 * h + j]);
                        let d_an = dh[k] * (E::one() - z) * (E::one() - cand * cand);
                        let d_ar = d_an * m[k] * r * (E::one() - r);
                        let d_az = dh[k] * (h_prev[k] - cand) * z * (E::one() - z);
                        (d[j], d[h + j], d[2 * h + j]) = (d_ar, d_az, d_an);
                        (dr[j], dr[h + j], dr[2 * h + j]) = (d_ar, d_az, d_an * r);
                        dh[k] = dh[k] * z;
                    }
                }
            }
        }
        // Recurrent weights: ∂W_hh += ∂recᵀ · h₋ and ∂h₋ (+)= ∂rec · W_hh.
        let d_rec_step: &[E] = if cell == Cell::Gru {
            &d_rec[..n * w]
        } else {
            &d_pre[step * n * w..(step + 1) * n * w]
        };
        matmul(
            w,
            n,
            h,
            MatRef::transposed(d_rec_step, w),
            MatRef::row_major(h_prev, h),
            true,
            grads.w_hh,
        );
        if cell == Cell::Gru {
            for row in d_rec_step.chunks_exact(w) {
                for (acc, &v) in grads.b_hh.iter_mut().zip(row) {
                    *acc = *acc + v;
                }
            }
        }
        matmul_shared_b(
            n,
            w,
            h,
            MatRef::row_major(d_rec_step, w),
            MatRef::row_major(p.w_hh, h),
            cell == Cell::Gru,
            dh,
            w_hh,
        );
    }

    // Input weights over all steps at once.
    let d_all = &d_pre[..t * n * w];
    matmul(
        w,
        t * n,
        f,
        MatRef::transposed(d_all, w),
        MatRef::row_major(&xt[..t * n * f], f),
        true,
        grads.w_ih,
    );
    for row in d_all.chunks_exact(w) {
        for (acc, &v) in grads.b_ih.iter_mut().zip(row) {
            *acc = *acc + v;
        }
    }
    if let Some(dx) = dx {
        let dxt = &mut dxt[..t * n * f];
        matmul(
            t * n,
            w,
            f,
            MatRef::row_major(d_all, w),
            MatRef::row_major(p.w_ih, f),
            false,
            dxt,
        );
        transpose_batch_time(n, t, f, dxt, dx, false);
    }
}
