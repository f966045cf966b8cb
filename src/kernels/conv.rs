//! Convolution kernels (cross-correlation, as PyTorch) by im2col + matrix product.
//!
//! One sample `x` is `[C_in, H, W]`; its im2col block has rows `(c, ki, kj)` and columns
//! `(oy, ox)`, holding `x[c, oy·SH + ki − PH, ox·SW + kj − PW]` (0 outside). A batch of `n`
//! samples puts the blocks side by side, `cols` = `[C_in·KH·KW, n·OH·OW]`, so one matrix product
//! per pass serves the whole batch: `Z = W·cols` with `W` `[C_out, C_in·KH·KW]` (PyTorch's
//! `[C_out, C_in, KH, KW]`), then `y[s, co, q] = Z[co, s·OH·OW + q] + b[co]`.
//! Conv1d is the case `H = KH = 1`.

use super::gemm::MatRef;
use super::matmul::{matmul, sum};
use super::simd::{vectorized, Level};
use crate::Scalar;

/// The geometry of a 2-D convolution over one sample (sizes are element counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    /// Input channels.
    pub c_in: usize,
    /// Output channels.
    pub c_out: usize,
    /// Input height and width.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
    /// Vertical stride.
    pub sh: usize,
    /// Horizontal stride.
    pub sw: usize,
    /// Vertical zero padding (each side).
    pub ph: usize,
    /// Horizontal zero padding (each side).
    pub pw: usize,
    /// Output height: `(h + 2·ph − kh) / sh + 1`.
    pub oh: usize,
    /// Output width: `(w + 2·pw − kw) / sw + 1`.
    pub ow: usize,
}

impl ConvGeom {
    /// Rows of the im2col matrix: `c_in · kh · kw`.
    #[must_use]
    pub fn patch(&self) -> usize {
        self.c_in * self.kh * self.kw
    }
    /// Output positions per channel: `oh · ow`.
    #[must_use]
    pub fn positions(&self) -> usize {
        self.oh * self.ow
    }
    /// Values in one input sample.
    #[must_use]
    pub fn in_len(&self) -> usize {
        self.c_in * self.h * self.w
    }
    /// Values in one output sample.
    #[must_use]
    pub fn out_len(&self) -> usize {
        self.c_out * self.positions()
    }

    /// For kernel offset `k` along an axis, the output index range whose input index
    /// `o·stride + k − pad` lies inside `0..len`.
    #[must_use]
    pub fn valid(
        len: usize,
        out: usize,
        stride: usize,
        pad: usize,
        k: usize,
    ) -> core::ops::Range<usize> {
        // o·stride + k ≥ pad  ⇔  o ≥ ceil((pad − k) / stride)
        let first = pad.saturating_sub(k).div_ceil(stride);
        // o·stride + k − pad < len  ⇔  o < (len + pad − k) / stride rounded up
        let end = (len + pad).saturating_sub(k).div_ceil(stride).min(out);
        first..end.max(first)
    }
}

/// Values of the stack block [`conv_direct`] gathers input patches into (8 KiB of `f32`).
pub const DIRECT_BLOCK: usize = 2048;

/// One sample's convolution without heap buffers (for allocation-free inference).
///
/// When a whole output row's patches fit in [`DIRECT_BLOCK`] values, the im2col block of as many
/// output rows as fit is gathered on the stack and each output channel's rows are formed as
/// `b + Σ_r W[co, r] · cols[r, :]` — long contiguous loops. Otherwise (a very wide row of very
/// deep patches) each kernel offset adds its weight times the input positions it reaches.
///
/// ```
/// use stratanet::kernels::conv::{conv_direct, ConvGeom};
/// let g = ConvGeom { c_in: 1, c_out: 1, h: 2, w: 2, kh: 2, kw: 2, sh: 1, sw: 1, ph: 0, pw: 0, oh: 1, ow: 1 };
/// let mut y = [0.0f32];
/// conv_direct(&g, &[1.0, 2.0, 3.0, 4.0], &[1.0, 0.0, 0.0, 1.0], &[0.5], &mut y);
/// assert_eq!(y, [5.5]);
/// ```
pub fn conv_direct<E: Scalar>(g: &ConvGeom, x: &[E], w: &[E], b: &[E], y: &mut [E]) {
    let (patch, positions) = (g.patch(), g.positions());
    let row_values = patch * g.ow;
    if row_values == 0 || row_values > DIRECT_BLOCK {
        return conv_by_offsets(g, x, w, b, y);
    }
    let mut block = [E::zero(); DIRECT_BLOCK];
    let rows_per_block = DIRECT_BLOCK / row_values;
    let mut first_row = 0;
    while first_row < g.oh {
        let rows = first_row..(first_row + rows_per_block).min(g.oh);
        let q = rows.len() * g.ow;
        im2col_rows(g, x, rows.clone(), &mut block, q, false);
        for co in 0..g.c_out {
            let start = co * positions + first_row * g.ow;
            let out = &mut y[start..start + q];
            out.fill(b[co]);
            let weights = &w[co * patch..(co + 1) * patch];
            // Four patch rows per pass over the output row: a quarter of the loads and stores.
            let quads = weights.chunks_exact(4).zip(block.chunks_exact(4 * q));
            for (w4, c4) in quads {
                let (c0, c1, c2, c3) = (&c4[..q], &c4[q..2 * q], &c4[2 * q..3 * q], &c4[3 * q..]);
                for i in 0..q {
                    out[i] = out[i] + w4[0] * c0[i] + w4[1] * c1[i] + w4[2] * c2[i] + w4[3] * c3[i];
                }
            }
            let done = patch - patch % 4;
            for (&weight, cols) in weights[done..]
                .iter()
                .zip(block[done * q..].chunks_exact(q))
            {
                for (o, &v) in out.iter_mut().zip(cols) {
                    *o = *o + weight * v;
                }
            }
        }
        first_row = rows.end;
    }
}

/// [`conv_direct`] without a block: for each output channel, input channel and kernel offset,
/// the weight times the input positions it reaches is added to the output plane.
fn conv_by_offsets<E: Scalar>(g: &ConvGeom, x: &[E], w: &[E], b: &[E], y: &mut [E]) {
    let plane = g.h * g.w;
    for (co, out) in y[..g.out_len()].chunks_exact_mut(g.positions()).enumerate() {
        out.fill(b[co]);
        for (c, input) in x[..g.in_len()].chunks_exact(plane).enumerate() {
            for ki in 0..g.kh {
                let rows = ConvGeom::valid(g.h, g.oh, g.sh, g.ph, ki);
                for kj in 0..g.kw {
                    let weight = w[((co * g.c_in + c) * g.kh + ki) * g.kw + kj];
                    let cols = ConvGeom::valid(g.w, g.ow, g.sw, g.pw, kj);
                    if cols.is_empty() {
                        continue;
                    }
                    // The first input column this offset reads, for the first valid output.
                    let first = cols.start * g.sw + kj - g.pw;
                    for oy in rows.clone() {
                        let iy = oy * g.sh + ki - g.ph;
                        let out_row = &mut out[oy * g.ow + cols.start..oy * g.ow + cols.end];
                        let in_row = &input[iy * g.w + first..(iy + 1) * g.w];
                        for (o, &v) in out_row.iter_mut().zip(in_row.iter().step_by(g.sw)) {
                            *o = *o + weight * v;
                        }
                    }
                }
            }
        }
    }
}

/// Fills one sample's im2col block (`patch × positions`) from `x`; row `r` of the block starts
/// at `cols[r · ld]` (`ld = positions` for a block of its own).
///
/// ```
/// use stratanet::kernels::conv::{im2col, ConvGeom};
/// // 1 channel, 3×3 input, 2×2 kernel, stride 1, no padding: 4 positions
/// let g = ConvGeom { c_in: 1, c_out: 1, h: 3, w: 3, kh: 2, kw: 2, sh: 1, sw: 1, ph: 0, pw: 0, oh: 2, ow: 2 };
/// let x: Vec<f32> = (0..9).map(|v| v as f32).collect();
/// let mut cols = [0.0f32; 16];
/// im2col(&g, &x, &mut cols, 4);
/// assert_eq!(&cols[..4], &[0.0, 1.0, 3.0, 4.0]); // kernel offset (0, 0) at each position
/// ```
pub fn im2col<E: Scalar>(g: &ConvGeom, x: &[E], cols: &mut [E], ld: usize) {
    im2col_rows(g, x, 0..g.oh, cols, ld, true);
}

/// [`im2col`] for the output rows `out_rows` only: the block has `out_rows.len() · ow` columns.
/// `shift`: "same" padding at stride 1 by one shifted copy per patch row ([`shifted_rows`]);
/// allocation-free inference ([`conv_direct`]) keeps the row-by-row copies, which compile to
/// less code (815 B less in the no_std proof's f32 inference code).
#[inline(always)] // into the callers' vectorized code
fn im2col_rows<E: Scalar>(
    g: &ConvGeom,
    x: &[E],
    out_rows: core::ops::Range<usize>,
    cols: &mut [E],
    ld: usize,
    shift: bool,
) {
    let q = out_rows.len() * g.ow;
    for ki in 0..g.kh {
        let valid = ConvGeom::valid(g.h, g.oh, g.sh, g.ph, ki);
        let rows = valid.start.max(out_rows.start)..valid.end.min(out_rows.end);
        for kj in 0..g.kw {
            let cols_ok = ConvGeom::valid(g.w, g.ow, g.sw, g.pw, kj);
            for c in 0..g.c_in {
                let plane = &x[c * g.h * g.w..(c + 1) * g.h * g.w];
                let r = (c * g.kh + ki) * g.kw + kj;
                let out = &mut cols[r * ld..r * ld + q];
                if shift && g.sh == 1 && g.sw == 1 && g.ow == g.w {
                    shifted_rows(g, plane, (ki, kj), (&rows, &cols_ok), out_rows.start, out);
                    continue;
                }
                out.fill(E::zero());
                for oy in rows.clone() {
                    let iy = oy * g.sh + ki - g.ph;
                    let src = &plane[iy * g.w..(iy + 1) * g.w];
                    let at = (oy - out_rows.start) * g.ow;
                    let dst = &mut out[at..at + g.ow];
                    if g.sw == 1 {
                        let first = cols_ok.start + kj - g.pw;
                        dst[cols_ok.clone()].copy_from_slice(&src[first..first + cols_ok.len()]);
                    } else {
                        for ox in cols_ok.clone() {
                            dst[ox] = src[ox * g.sw + kj - g.pw];
                        }
                    }
                }
            }
        }
    }
}

/// One row of [`im2col_rows`] where the output is as wide as the input at stride 1 (the
/// "same" padding of odd kernels): each output position reads the input a fixed distance
/// away, so the valid output rows are one shifted copy of the plane ([`Shift`]); then zeros
/// where the window falls on padding — whole rows, and the border columns (which the copy
/// filled from the neighbouring rows) by strided stores. Each value written once, by one
/// library copy instead of one per image row.
#[inline(always)]
fn shifted_rows<E: Scalar>(
    g: &ConvGeom,
    plane: &[E],
    k: (usize, usize),
    valid: (&core::ops::Range<usize>, &core::ops::Range<usize>),
    first: usize,
    out: &mut [E],
) {
    let Some(s) = Shift::new(g, k, valid, first) else {
        out.fill(E::zero());
        return;
    };
    out[..s.lo].fill(E::zero());
    out[s.hi..].fill(E::zero());
    out[s.from..s.to].copy_from_slice(&plane[s.at..s.at + (s.to - s.from)]);
    s.zero_borders(out, valid.1, g.w);
}

/// Where one patch row of a column block meets its input plane under "same" padding at
/// stride 1 (output as wide as input, `w`): the block's values `lo..hi` are the valid output
/// rows; `from..to` of them, one contiguous run, pair with plane values from `at` on. The run's
/// values in border columns (outside the valid ones) pair with the neighbouring rows' edges
/// instead, so [`shifted_rows`] and [`col2im_add`] set them to zero ([`Shift::zero_borders`]).
struct Shift {
    lo: usize,
    hi: usize,
    from: usize,
    to: usize,
    at: usize,
}

impl Shift {
    /// For kernel offset `(ki, kj)`, the valid output rows and columns `(rows, cols)`, and a
    /// block starting at output row `first`; `None` when no value reaches the input.
    #[inline(always)]
    fn new(
        g: &ConvGeom,
        (ki, kj): (usize, usize),
        (rows, cols): (&core::ops::Range<usize>, &core::ops::Range<usize>),
        first: usize,
    ) -> Option<Self> {
        if rows.is_empty() || cols.is_empty() {
            return None;
        }
        let w = g.w;
        let (lo, hi) = ((rows.start - first) * w, (rows.end - first) * w);
        Some(Self {
            lo,
            hi,
            from: lo + cols.start,
            to: hi - (w - cols.end),
            // output (rows.start, cols.start) meets input (rows.start + ki − ph, cols.start + kj − pw)
            at: (rows.start + ki - g.ph) * w + (cols.start + kj - g.pw),
        })
    }

    /// Zeros in `block`'s rows `lo..hi` (of `w` values) outside the columns `cols`.
    #[inline(always)]
    fn zero_borders<E: Scalar>(&self, block: &mut [E], cols: &core::ops::Range<usize>, w: usize) {
        for j in (0..cols.start).chain(cols.end..w) {
            for v in block[self.lo + j..self.hi].iter_mut().step_by(w) {
                *v = E::zero();
            }
        }
    }
}

/// Adds one sample's column block (`patch × positions`, row `r` at `cols[r · ld]`) back into its
/// input gradient `dx` (the adjoint of [`im2col`]). The entries of `cols` whose window falls on
/// padding (which reach no input) may be set to zero on the way.
#[inline(always)] // into the callers' vectorized code
pub fn col2im_add<E: Scalar>(g: &ConvGeom, cols: &mut [E], ld: usize, dx: &mut [E]) {
    let q = g.positions();
    for ki in 0..g.kh {
        let rows = ConvGeom::valid(g.h, g.oh, g.sh, g.ph, ki);
        for kj in 0..g.kw {
            let cols_ok = ConvGeom::valid(g.w, g.ow, g.sw, g.pw, kj);
            for c in 0..g.c_in {
                let plane = &mut dx[c * g.h * g.w..(c + 1) * g.h * g.w];
                let r = (c * g.kh + ki) * g.kw + kj;
                let src = &mut cols[r * ld..r * ld + q];
                if g.sh == 1 && g.sw == 1 && g.ow == g.w {
                    // as `shifted_rows`: the border columns zeroed, then one shifted sum
                    if let Some(s) = Shift::new(g, (ki, kj), (&rows, &cols_ok), 0) {
                        s.zero_borders(src, &cols_ok, g.w);
                        let run = &src[s.from..s.to];
                        for (d, &v) in plane[s.at..s.at + run.len()].iter_mut().zip(run) {
                            *d = *d + v;
                        }
                    }
                    continue;
                }
                for oy in rows.clone() {
                    let iy = oy * g.sh + ki - g.ph;
                    let dst = &mut plane[iy * g.w..(iy + 1) * g.w];
                    let row = &src[oy * g.ow..(oy + 1) * g.ow];
                    if g.sw == 1 {
                        let first = cols_ok.start + kj - g.pw;
                        for (d, &v) in dst[first..first + cols_ok.len()]
                            .iter_mut()
                            .zip(&row[cols_ok.clone()])
                        {
                            *d = *d + v;
                        }
                    } else {
                        for ox in cols_ok.clone() {
                            let ix = ox * g.sw + kj - g.pw;
                            dst[ix] = dst[ix] + row[ox];
                        }
                    }
                }
            }
        }
    }
}

/// Forward pass over `n` samples, one product per sample: `cols` (at least `patch ×
/// positions` values) receives each sample's im2col matrix in turn and `y` the outputs `[n,
/// c_out, positions]`, the bias first and `W·cols` added onto it (so no layout change between
/// the product and the outputs). One sample's matrix at a time stays in cache; the backward
/// pass builds it again from `x` rather than reading a whole batch's back from memory.
pub fn conv_forward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    b: &[E],
    cols: &mut [E],
    y: &mut [E],
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || forward_at(g, n, x, w, b, cols, y),
    );
}

/// [`conv_forward`]'s loops, compiled for the detected level (the products dispatch again).
#[inline(always)]
fn forward_at<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    b: &[E],
    cols: &mut [E],
    y: &mut [E],
) {
    let (p, q) = (g.patch(), g.positions());
    let cols_s = &mut cols[..p * q];
    for s in 0..n {
        im2col(g, &x[s * g.in_len()..(s + 1) * g.in_len()], cols_s, q);
        let y_s = &mut y[s * g.out_len()..(s + 1) * g.out_len()];
        for (row, &bias) in y_s.chunks_exact_mut(q).zip(b) {
            row.fill(bias);
        }
        let (w, cols_s) = (MatRef::row_major(w, p), MatRef::row_major(&*cols_s, q));
        matmul(g.c_out, p, q, w, cols_s, true, y_s);
    }
}

/// Backward pass over `n` samples with inputs `x`, one sample at a time: its im2col matrix
/// `cols_s` built again in `cols`, with `dY_s` its output gradients (`c_out × positions`, as
/// `dy` holds them), `dW += dY_s·cols_sᵀ`, `db += row sums of dY_s`, and when asked `dcols =
/// Wᵀ·dY_s` (`patch × positions`, in `dcols`), which col2im adds back onto the sample's input
/// positions. `cols` and `dcols` hold at least `patch × positions` values each.
#[allow(clippy::too_many_arguments)]
pub fn conv_backward<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    dy: &[E],
    dx: Option<&mut [E]>,
    dw: &mut [E],
    db: &mut [E],
    (cols, dcols): (&mut [E], &mut [E]),
) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || backward_at(g, n, x, w, dy, dx, dw, db, (cols, dcols)),
    );
}

/// [`conv_backward`]'s loops (bias sums, col2im), compiled for the detected level.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn backward_at<E: Scalar>(
    g: &ConvGeom,
    n: usize,
    x: &[E],
    w: &[E],
    dy: &[E],
    mut dx: Option<&mut [E]>,
    dw: &mut [E],
    db: &mut [E],
    (cols, dcols): (&mut [E], &mut [E]),
) {
    let (p, q) = (g.patch(), g.positions());
    let (cols_s, dcols) = (&mut cols[..p * q], &mut dcols[..p * q]);
    for s in 0..n {
        let dy_s = &dy[s * g.out_len()..(s + 1) * g.out_len()];
        im2col(g, &x[s * g.in_len()..(s + 1) * g.in_len()], cols_s, q);
        let cols_s = &*cols_s;
        let d_out = MatRef::row_major(dy_s, q);
        matmul(
            g.c_out,
            q,
            p,
            d_out,
            MatRef::transposed(cols_s, q),
            true,
            dw,
        );
        for (acc, row) in db.iter_mut().zip(dy_s.chunks_exact(q)) {
            *acc = *acc + sum(row);
        }
        if let Some(dx) = dx.as_deref_mut() {
            matmul(p, g.c_out, q, MatRef::transposed(w, p), d_out, false, dcols);
            let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
            dx_s.fill(E::zero());
            col2im_add(g, dcols, q, dx_s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The direct definition of the convolution, for comparison.
    fn naive(g: &ConvGeom, x: &[f64], w: &[f64], b: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; g.out_len()];
        for co in 0..g.c_out {
            for oy in 0..g.oh {
                for ox in 0..g.ow {
                    let mut acc = b[co];
                    for c in 0..g.c_in {
                        for ki in 0..g.kh {
                            for kj in 0..g.kw {
                                let iy = (oy * g.sh + ki) as isize - g.ph as isize;
                                let ix = (ox * g.sw + kj) as isize - g.pw as isize;
                                if iy >= 0 && ix >= 0 && (iy as usize) < g.h && (ix as usize) < g.w
                                {
                                    let xv = x[(c * g.h + iy as usize) * g.w + ix as usize];
                                    acc += xv * w[((co * g.c_in + c) * g.kh + ki) * g.kw + kj];
                                }
                            }
                        }
                    }
                    y[(co * g.oh + oy) * g.ow + ox] = acc;
                }
            }
        }
        y
    }

    #[test]
    fn matches_the_direct_definition() {
        // "Same" padding at stride 1 (3×3 pad 1, 5×5 pad 2) takes im2col's shifted copy. The
        // last two also cover `conv_direct`'s paths: many blocks of one output row each
        // (50-value patches × 40 columns), and rows too wide for a block (750 × 6).
        for (c_in, h, w, k, s, p) in [
            (2, 7, 7, 3, 1, 0),
            (3, 6, 9, 3, 1, 1),
            (2, 7, 6, 3, 2, 1),
            (2, 8, 8, 5, 1, 2),
            (2, 5, 9, 2, 3, 1),
            (2, 4, 4, 4, 1, 0),
            (2, 30, 40, 5, 1, 2),
            (30, 6, 12, 5, 2, 2),
        ] {
            let (oh, ow) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1);
            let g = ConvGeom {
                c_in,
                c_out: 3,
                h,
                w,
                kh: k,
                kw: k,
                sh: s,
                sw: s,
                ph: p,
                pw: p,
                oh,
                ow,
            };
            let x: Vec<f64> = (0..g.in_len()).map(|i| (i as f64 * 0.7).sin()).collect();
            let wt: Vec<f64> = (0..g.c_out * g.patch())
                .map(|i| (i as f64 * 0.3).cos())
                .collect();
            let b = [0.1, -0.2, 0.3];
            let mut cols = vec![0.0; g.patch() * g.positions()];
            let mut y = vec![0.0; g.out_len()];
            conv_forward(&g, 1, &x, &wt, &b, &mut cols, &mut y);
            let mut direct = vec![0.0; g.out_len()];
            conv_direct(&g, &x, &wt, &b, &mut direct);
            for ((a, d), e) in y.iter().zip(&direct).zip(naive(&g, &x, &wt, &b)) {
                assert!((a - e).abs() < 1e-12, "im2col {h}x{w} k{k} s{s} p{p}");
                assert!((d - e).abs() < 1e-12, "direct {h}x{w} k{k} s{s} p{p}");
            }
        }
    }

    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x, c; the second geometry ("same" padding at
        // stride 1) takes both shifted forms.
        let geometries = [
            (2, 5, 6, 3, 2, 2, 1, 1, 1, 3, 7),
            (3, 5, 7, 3, 3, 1, 1, 1, 1, 5, 7),
        ];
        for (c_in, h, w, kh, kw, sh, sw, ph, pw, oh, ow) in geometries {
            let g = ConvGeom {
                c_in,
                c_out: 1,
                h,
                w,
                kh,
                kw,
                sh,
                sw,
                ph,
                pw,
                oh,
                ow,
            };
            let x: Vec<f64> = (0..g.in_len()).map(|i| (i as f64 * 1.3).sin()).collect();
            let c: Vec<f64> = (0..g.patch() * g.positions())
                .map(|i| (i as f64 * 0.9).cos())
                .collect();
            let mut cols = vec![0.0; c.len()];
            im2col(&g, &x, &mut cols, g.positions());
            let mut back = vec![0.0; x.len()];
            col2im_add(&g, &mut c.clone(), g.positions(), &mut back);
            let lhs: f64 = cols.iter().zip(&c).map(|(a, b)| a * b).sum();
            let rhs: f64 = x.iter().zip(&back).map(|(a, b)| a * b).sum();
            assert!((lhs - rhs).abs() < 1e-12, "{h}x{w} k{kh}x{kw} s{sh}");
        }
    }
}
