//! Transposed convolution (PyTorch `ConvTranspose2d`): the adjoint of a convolution's input
//! gradient. Each input value `x[ci, iy, ix]` adds `W[ci, co, ki, kj] · x` to output
//! `y[co, iy·s + ki − p, ix·s + kj − p]` (dropped outside the output).
//!
//! The geometry is the [`ConvGeom`] of the convolution it transposes, which maps the transposed
//! layer's output back to its input: `c_in`, `h`, `w` are the transposed output's channels and
//! size, `c_out`, `oh`, `ow` its input's; weights are PyTorch's `[c_out, c_in, kh, kw]`
//! (`[CI, CO, K, K]` of the layer). Direct loops, no buffers.

use super::conv::ConvGeom;
use super::pool::add_plane_sums;
use crate::Scalar;

/// Calls `f(tap, x_row, y_row, cols)` for every (input channel, output channel, kernel offset,
/// input row) whose output row lies inside the output: `tap` indexes the weight, `x_row` is the
/// input row's start, `y_row` the output row's start plus the kernel column, `cols` the input
/// columns whose output column lies inside the output (input column `ix` writes
/// `y_row + ix·sw − pw`).
fn for_each_tap(g: &ConvGeom, mut f: impl FnMut(usize, usize, usize, core::ops::Range<usize>)) {
    for ci in 0..g.c_out {
        for co in 0..g.c_in {
            for ki in 0..g.kh {
                for kj in 0..g.kw {
                    let tap = ((ci * g.c_in + co) * g.kh + ki) * g.kw + kj;
                    let cols = ConvGeom::valid(g.w, g.ow, g.sw, g.pw, kj);
                    for iy in ConvGeom::valid(g.h, g.oh, g.sh, g.ph, ki) {
                        let oy = iy * g.sh + ki - g.ph;
                        let y_row = (co * g.h + oy) * g.w + kj;
                        f(tap, (ci * g.oh + iy) * g.ow, y_row, cols.clone());
                    }
                }
            }
        }
    }
}

/// `n` samples forward: `y = b` per output channel, then every input value spread over the
/// outputs its kernel reaches.
///
/// ```
/// use stratanet::kernels::conv::ConvGeom;
/// use stratanet::kernels::conv_transpose::conv_transpose_forward;
/// // one value through a 2×2 kernel with stride 2: the kernel itself, plus the bias
/// let g = ConvGeom { c_in: 1, c_out: 1, h: 2, w: 2, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0, oh: 1, ow: 1 };
/// let mut y = [0.0f32; 4];
/// conv_transpose_forward(&g, 1, &[2.0], &[1.0, 2.0, 3.0, 4.0], &[0.5], &mut y);
/// assert_eq!(y, [2.5, 4.5, 6.5, 8.5]);
/// ```
pub fn conv_transpose_forward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    b: &[E],
    y: &mut [E],
) {
    let plane = g.h * g.w;
    for (xs, ys) in x
        .chunks_exact(g.out_len())
        .zip(y.chunks_exact_mut(g.in_len()))
        .take(n)
    {
        for (out, &bias) in ys.chunks_exact_mut(plane).zip(b) {
            out.fill(bias);
        }
        for_each_tap(g, |tap, x_row, y_row, cols| {
            let wv = w[tap];
            for ix in cols {
                let at = y_row + ix * g.sw - g.pw;
                ys[at] = ys[at] + wv * xs[x_row + ix];
            }
        });
    }
}

/// `n` samples backward: adds `∂L/∂W` to `dw` and `∂L/∂b` to `db`, and writes `∂L/∂x` to `dx`
/// (when given): each input's gradient gathers `W · dy` over the outputs it reached.
#[allow(clippy::too_many_arguments)]
pub fn conv_transpose_backward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    dy: &[E],
    mut dx: Option<&mut [E]>,
    dw: &mut [E],
    db: &mut [E],
) {
    add_plane_sums(dy, g.h * g.w, n, db);
    if let Some(dx) = dx.as_deref_mut() {
        dx[..n * g.out_len()].fill(E::zero());
    }
    let samples = x.chunks_exact(g.out_len()).zip(dy.chunks_exact(g.in_len()));
    for (s, (xs, ds)) in samples.take(n).enumerate() {
        let mut dxs = dx
            .as_deref_mut()
            .map(|d| &mut d[s * g.out_len()..(s + 1) * g.out_len()]);
        for_each_tap(g, |tap, x_row, y_row, cols| {
            let mut sum = E::zero();
            for ix in cols.clone() {
                sum = sum + ds[y_row + ix * g.sw - g.pw] * xs[x_row + ix];
            }
            dw[tap] = dw[tap] + sum;
            if let Some(dxs) = dxs.as_deref_mut() {
                let wv = w[tap];
                for ix in cols {
                    dxs[x_row + ix] = dxs[x_row + ix] + wv * ds[y_row + ix * g.sw - g.pw];
                }
            }
        });
    }
}
