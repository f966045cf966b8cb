//! Depthwise convolution (PyTorch `groups = C`): output channel `o` filters input channel
//! `o / m` alone with its own `kh × kw` kernel, `m` the depth multiplier. Direct loops: a
//! depthwise layer has `kh·kw` multiply-adds per output, too few for a matrix product to pay.
//!
//! The geometry is a [`ConvGeom`] with `c_out = m · c_in`; weights are PyTorch's
//! `[c_out, 1, kh, kw]`.

use super::conv::ConvGeom;
use super::pool::add_plane_sums;
use crate::Scalar;

/// Calls `f(tap, input, output, cols)` for every output channel, kernel offset and output row
/// whose input row lies inside the input: `tap` indexes the weight, `input` is the input row's
/// start plus the kernel column, `output` the output row's start, `cols` the output columns
/// whose input column lies inside the input (output column `ox` reads `input + ox·sw − pw`).
fn for_each_tap(g: &ConvGeom, mut f: impl FnMut(usize, usize, usize, core::ops::Range<usize>)) {
    let m = g.c_out / g.c_in;
    for o in 0..g.c_out {
        for ki in 0..g.kh {
            for kj in 0..g.kw {
                let tap = (o * g.kh + ki) * g.kw + kj;
                let cols = ConvGeom::valid(g.w, g.ow, g.sw, g.pw, kj);
                for oy in ConvGeom::valid(g.h, g.oh, g.sh, g.ph, ki) {
                    let iy = oy * g.sh + ki - g.ph;
                    let input = ((o / m) * g.h + iy) * g.w + kj;
                    f(tap, input, o * g.oh * g.ow + oy * g.ow, cols.clone());
                }
            }
        }
    }
}

/// `n` samples forward: `y[o] = b[o] + Σ_{ki, kj} W[o, ki, kj] · x[o / m, ·]`; without `b` the
/// outputs start at zero.
///
/// ```
/// use stratanet::kernels::conv::ConvGeom;
/// use stratanet::kernels::depthwise::depthwise_forward;
/// // two channels, 1×1 kernels 2 and 3
/// let g = ConvGeom { c_in: 2, c_out: 2, h: 1, w: 2, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, oh: 1, ow: 2 };
/// let mut y = [0.0f32; 4];
/// depthwise_forward(&g, 1, &[1.0, 2.0, 3.0, 4.0], &[2.0, 3.0], Some(&[0.5, 0.0]), &mut y);
/// assert_eq!(y, [2.5, 4.5, 9.0, 12.0]);
/// ```
pub fn depthwise_forward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    b: Option<&[E]>,
    y: &mut [E],
) {
    let plane = g.oh * g.ow;
    for (xs, ys) in x
        .chunks_exact(g.in_len())
        .zip(y.chunks_exact_mut(g.out_len()))
        .take(n)
    {
        for (o, out) in ys.chunks_exact_mut(plane).enumerate() {
            out.fill(b.map_or(E::zero(), |b| b[o]));
        }
        for_each_tap(g, |tap, input, output, cols| {
            let wv = w[tap];
            for ox in cols {
                ys[output + ox] = ys[output + ox] + wv * xs[input + ox * g.sw - g.pw];
            }
        });
    }
}

/// `n` samples backward: adds `∂L/∂W` to `dw` and `∂L/∂b` to `db` (when given), and writes
/// `∂L/∂x` to `dx` (when given): each tap's weight times `dy`, summed onto the input it read.
#[allow(clippy::too_many_arguments)]
pub fn depthwise_backward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    dy: &[E],
    mut dx: Option<&mut [E]>,
    dw: &mut [E],
    db: Option<&mut [E]>,
) {
    if let Some(db) = db {
        add_plane_sums(dy, g.oh * g.ow, n, db);
    }
    if let Some(dx) = dx.as_deref_mut() {
        dx[..n * g.in_len()].fill(E::zero());
    }
    for (s, (xs, ds)) in x
        .chunks_exact(g.in_len())
        .zip(dy.chunks_exact(g.out_len()))
        .take(n)
        .enumerate()
    {
        let mut dxs = dx
            .as_deref_mut()
            .map(|d| &mut d[s * g.in_len()..(s + 1) * g.in_len()]);
        for_each_tap(g, |tap, input, output, cols| {
            let mut sum = E::zero();
            for ox in cols.clone() {
                sum = sum + ds[output + ox] * xs[input + ox * g.sw - g.pw];
            }
            dw[tap] = dw[tap] + sum;
            if let Some(dxs) = dxs.as_deref_mut() {
                let wv = w[tap];
                for ox in cols {
                    let at = input + ox * g.sw - g.pw;
                    dxs[at] = dxs[at] + wv * ds[output + ox];
                }
            }
        });
    }
}
