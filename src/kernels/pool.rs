//! Pooling kernels over `[C, H, W]` samples, windows of `k×k` with stride `s`, no padding.
//! Max pooling finds each window's arg-max again in the backward pass.

use super::simd::Level;
use crate::Scalar;

/// The geometry of a 2-D pooling over one sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolGeom {
    /// Channels.
    pub c: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Window size.
    pub k: usize,
    /// Stride.
    pub s: usize,
    /// Output height: `(h − k) / s + 1`.
    pub oh: usize,
    /// Output width: `(w − k) / s + 1`.
    pub ow: usize,
}

impl PoolGeom {
    fn in_len(&self) -> usize {
        self.c * self.h * self.w
    }
    fn out_len(&self) -> usize {
        self.c * self.oh * self.ow
    }
    /// Calls `f(out index, corner index)` for every output position of one sample, in output
    /// order, with the input index of its window's top-left corner (plain loops, no division).
    fn for_each_window(&self, mut f: impl FnMut(usize, usize)) {
        let mut o = 0;
        for c in 0..self.c {
            for oy in 0..self.oh {
                let top = (c * self.h + oy * self.s) * self.w;
                for ox in 0..self.ow {
                    f(o, top + ox * self.s);
                    o += 1;
                }
            }
        }
    }
}

/// `y` = window maxima of `n` samples.
///
/// ```
/// use stratanet::kernels::pool::{max_pool_forward, PoolGeom};
/// let g = PoolGeom { c: 1, h: 2, w: 2, k: 2, s: 2, oh: 1, ow: 1 };
/// let mut y = [0.0f32];
/// max_pool_forward(&g, 1, &[1.0, 4.0, 3.0, 2.0], &mut y);
/// assert_eq!(y, [4.0]);
/// ```
pub fn max_pool_forward<E: Scalar>(g: &PoolGeom, n: usize, x: &[E], y: &mut [E]) {
    each_sample(g, n, x, y, |g, x, y| max_pool_sample(g, x, y, E::max));
}

/// [`max_pool_forward`] compiled for the detected level
/// ([`vectorized`](super::simd::vectorized)): the path of training and batch inference.
/// Allocation-free inference keeps the plain loop: dispatching there would grow a no_std
/// binary's code.
///
/// ```
/// use stratanet::kernels::pool::{max_pool_forward_dispatched, PoolGeom};
/// let g = PoolGeom { c: 1, h: 2, w: 4, k: 2, s: 2, oh: 1, ow: 2 };
/// let mut y = [0.0f32; 2];
/// max_pool_forward_dispatched(&g, 1, &[1.0, 4.0, 0.0, 5.0, 3.0, 2.0, 7.0, 6.0], &mut y);
/// assert_eq!(y, [4.0, 7.0]);
/// ```
#[cfg(feature = "alloc")]
pub fn max_pool_forward_dispatched<E: Scalar>(g: &PoolGeom, n: usize, x: &[E], y: &mut [E]) {
    let level = Level::detected();
    super::simd::vectorized(
        level,
        #[inline(always)]
        || {
            each_sample(
                g,
                n,
                x,
                y,
                #[inline(always)]
                |g, x, y| {
                    if !pairs_forward(level, g, x, y) {
                        max_pool_sample_at(g, x, y, E::max);
                    }
                },
            );
        },
    );
}

/// One sample's 2×2 pooling through the SIMD kernel ([`Scalar::max_pool_pairs_forward`]), in
/// the bands of [`pair_bands`]; `false` (nothing written) for other windows, or where the type
/// and level have no kernel (it answers the same for every band).
#[cfg(feature = "alloc")]
#[inline(always)]
fn pairs_forward<E: Scalar>(level: Level, g: &PoolGeom, x: &[E], y: &mut [E]) -> bool {
    if !(g.k == 2 && g.s == 2) {
        return false;
    }
    let (bands, xs, ys) = pair_bands(g);
    for b in 0..bands {
        let (x, y) = (&x[b * xs..(b + 1) * xs], &mut y[b * ys..(b + 1) * ys]);
        if !E::max_pool_pairs_forward(level, x, g.w, g.ow, y) {
            return false;
        }
    }
    true
}

/// How one sample's 2×2 pooling splits into bands of row pairs for the SIMD kernels: `(bands,
/// input values, output values)` of each. One band when every row is in a window (even
/// height: the channels' row pairs follow each other), else one a channel (its last row out).
fn pair_bands(g: &PoolGeom) -> (usize, usize, usize) {
    if g.h == 2 * g.oh {
        (1, g.in_len(), g.out_len())
    } else {
        (g.c, g.h * g.w, g.oh * g.ow)
    }
}

/// `pool(g, x_s, y_s)` on each of the first `n` samples.
#[inline(always)]
fn each_sample<E>(
    g: &PoolGeom,
    n: usize,
    x: &[E],
    y: &mut [E],
    pool: impl Fn(&PoolGeom, &[E], &mut [E]),
) {
    for (x_s, y_s) in x
        .chunks_exact(g.in_len())
        .zip(y.chunks_exact_mut(g.out_len()))
        .take(n)
    {
        pool(g, x_s, y_s);
    }
}

/// Window maxima of one sample of any element type, `max` the larger of two (the int8 kernels
/// share it).
pub(crate) fn max_pool_sample<T: Copy>(
    g: &PoolGeom,
    x: &[T],
    y: &mut [T],
    max: impl Fn(T, T) -> T,
) {
    max_pool_sample_at(g, x, y, max);
}

/// [`max_pool_sample`]'s loops, inlined where [`max_pool_forward_dispatched`] compiles them for
/// a level (the plain callers keep one out-of-line copy).
#[inline(always)]
fn max_pool_sample_at<T: Copy>(g: &PoolGeom, x: &[T], y: &mut [T], max: impl Fn(T, T) -> T) {
    // Row by row: each input row of a window band updates the whole output row at once.
    for (c, y_plane) in y[..g.out_len()].chunks_exact_mut(g.oh * g.ow).enumerate() {
        for (oy, y_row) in y_plane.chunks_exact_mut(g.ow).enumerate() {
            for ki in 0..g.k {
                let start = (c * g.h + oy * g.s + ki) * g.w;
                let row = &x[start..start + g.w];
                if g.k == 2 && g.s == 2 {
                    // The common 2×2 pooling, with the window width known to the compiler.
                    for (out, pair) in y_row.iter_mut().zip(row.chunks_exact(2)) {
                        let m = max(pair[0], pair[1]);
                        *out = if ki == 0 { m } else { max(*out, m) };
                    }
                    continue;
                }
                for (ox, out) in y_row.iter_mut().enumerate() {
                    let window = &row[ox * g.s..ox * g.s + g.k];
                    let first = if ki == 0 { window[0] } else { *out };
                    *out = window.iter().fold(first, |m, &v| max(m, v));
                }
            }
        }
    }
}

/// `dx` = each output gradient routed to the first position of its window that holds the
/// maximum `y` (summed where windows overlap). Finding the position again here, rather than
/// recording it in the forward pass, keeps the forward pass free of data-dependent branches.
pub fn max_pool_backward<E: Scalar>(
    g: &PoolGeom,
    n: usize,
    x: &[E],
    y: &[E],
    dy: &[E],
    dx: &mut [E],
) {
    let level = Level::detected();
    let pairs = g.k == 2 && g.s == 2;
    // Non-overlapping 2×2 windows over even sides write every input position: no fill.
    if !(pairs && g.h.is_multiple_of(2) && g.w.is_multiple_of(2)) {
        dx[..n * g.in_len()].fill(E::zero());
    }
    for s in 0..n {
        let x_s = &x[s * g.in_len()..(s + 1) * g.in_len()];
        let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
        let out = s * g.out_len()..(s + 1) * g.out_len();
        let (y_s, dy_s) = (&y[out.clone()], &dy[out]);
        if pairs && pairs_backward(level, g, (x_s, y_s, dy_s), dx_s) {
            continue;
        }
        if pairs {
            // Non-overlapping 2×2 windows, row by row: route with selects instead of a search.
            for (c, (y_plane, dy_plane)) in y_s
                .chunks_exact(g.oh * g.ow)
                .zip(dy_s.chunks_exact(g.oh * g.ow))
                .enumerate()
            {
                for (oy, (y_row, dy_row)) in y_plane
                    .chunks_exact(g.ow)
                    .zip(dy_plane.chunks_exact(g.ow))
                    .enumerate()
                {
                    let top = (c * g.h + 2 * oy) * g.w;
                    let (x_top, x_bottom) = (
                        &x_s[top..top + 2 * g.ow],
                        &x_s[top + g.w..top + g.w + 2 * g.ow],
                    );
                    let (dx_top, dx_rest) = dx_s[top..].split_at_mut(g.w);
                    let (dx_top, dx_bottom) = (&mut dx_top[..2 * g.ow], &mut dx_rest[..2 * g.ow]);
                    let windows = x_top.chunks_exact(2).zip(x_bottom.chunks_exact(2));
                    let grads = dx_top
                        .chunks_exact_mut(2)
                        .zip(dx_bottom.chunks_exact_mut(2));
                    for (((xt, xb), (dt, db)), (&m, &d)) in
                        windows.zip(grads).zip(y_row.iter().zip(dy_row))
                    {
                        let hit = [xt[0] == m, xt[1] == m, xb[0] == m];
                        let pick = |chosen: bool| if chosen { d } else { E::zero() };
                        // `&` and `|`, not `&&` and `||`: no data-dependent branches.
                        dt[0] = pick(hit[0]);
                        dt[1] = pick(hit[1] & !hit[0]);
                        db[0] = pick(hit[2] & !hit[0] & !hit[1]);
                        db[1] = pick(!(hit[0] | hit[1] | hit[2]));
                    }
                }
            }
            continue;
        }
        g.for_each_window(|o, corner| {
            let mut at = corner;
            'search: for ki in 0..g.k {
                let row = corner + ki * g.w;
                for (kj, &v) in x_s[row..row + g.k].iter().enumerate() {
                    if v == y_s[o] {
                        at = row + kj;
                        break 'search;
                    }
                }
            }
            dx_s[at] = dx_s[at] + dy_s[o];
        });
    }
}

/// One sample's 2×2 pooling backward pass through the SIMD kernel
/// ([`Scalar::max_pool_pairs_backward`]), in the bands of [`pair_bands`]; `false`
/// (nothing written) where the type and level have no kernel.
#[inline(always)]
fn pairs_backward<E: Scalar>(
    level: Level,
    g: &PoolGeom,
    (x, y, dy): (&[E], &[E], &[E]),
    dx: &mut [E],
) -> bool {
    let (bands, xs, ys) = pair_bands(g);
    for b in 0..bands {
        let (inputs, outputs) = (b * xs..(b + 1) * xs, b * ys..(b + 1) * ys);
        let band = (&x[inputs.clone()], g.w, g.ow);
        let (y, dy) = (&y[outputs.clone()], &dy[outputs]);
        if !E::max_pool_pairs_backward(level, band, y, dy, &mut dx[inputs]) {
            return false;
        }
    }
    true
}

/// `y` = window means of `n` samples.
///
/// ```
/// use stratanet::kernels::pool::{avg_pool_forward, PoolGeom};
/// let g = PoolGeom { c: 1, h: 2, w: 2, k: 2, s: 2, oh: 1, ow: 1 };
/// let mut y = [0.0f32];
/// avg_pool_forward(&g, 1, &[1.0, 4.0, 3.0, 2.0], &mut y);
/// assert_eq!(y, [2.5]);
/// ```
pub fn avg_pool_forward<E: Scalar>(g: &PoolGeom, n: usize, x: &[E], y: &mut [E]) {
    let scale = E::from_f64(1.0 / (g.k * g.k) as f64);
    for s in 0..n {
        let x_s = &x[s * g.in_len()..(s + 1) * g.in_len()];
        let y_s = &mut y[s * g.out_len()..(s + 1) * g.out_len()];
        g.for_each_window(|o, corner| {
            let mut sum = E::zero();
            for ki in 0..g.k {
                for &v in &x_s[corner + ki * g.w..corner + ki * g.w + g.k] {
                    sum = sum + v;
                }
            }
            y_s[o] = sum * scale;
        });
    }
}

/// `dx` = each output gradient spread evenly over its window (summed where windows overlap).
pub fn avg_pool_backward<E: Scalar>(g: &PoolGeom, n: usize, dy: &[E], dx: &mut [E]) {
    let scale = E::from_f64(1.0 / (g.k * g.k) as f64);
    dx[..n * g.in_len()].fill(E::zero());
    for s in 0..n {
        let dy_s = &dy[s * g.out_len()..(s + 1) * g.out_len()];
        let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
        g.for_each_window(|o, corner| {
            let share = dy_s[o] * scale;
            for ki in 0..g.k {
                for v in &mut dx_s[corner + ki * g.w..corner + ki * g.w + g.k] {
                    *v = *v + share;
                }
            }
        });
    }
}
/// Global average pooling: each `plane`-long plane of `x` to its mean in `y` (one value per
/// plane).
pub fn plane_means<E: Scalar>(x: &[E], plane: usize, y: &mut [E]) {
    let scale = E::from_f64(1.0 / plane as f64);
    for (out, values) in y.iter_mut().zip(x.chunks_exact(plane)) {
        *out = values.iter().fold(E::zero(), |sum, &v| sum + v) * scale;
    }
}

/// The backward pass of [`plane_means`]: every input of a plane receives `1/plane` of its
/// mean's gradient.
#[cfg(feature = "alloc")]
pub fn plane_means_backward<E: Scalar>(dy: &[E], plane: usize, dx: &mut [E]) {
    let scale = E::from_f64(1.0 / plane as f64);
    for (&d, values) in dy.iter().zip(dx.chunks_exact_mut(plane)) {
        values.fill(d * scale);
    }
}

/// Global max pooling: each `plane`-long plane of `x` to its largest value in `y`.
pub fn plane_maxima<E: Scalar>(x: &[E], plane: usize, y: &mut [E]) {
    for (out, values) in y.iter_mut().zip(x.chunks_exact(plane)) {
        *out = values.iter().skip(1).fold(values[0], |m, &v| m.max(v));
    }
}

/// The backward pass of [`plane_maxima`]: each plane's gradient goes to its first maximum
/// (the value equal to the pooled output), the rest of the plane gets zero.
#[cfg(feature = "alloc")]
pub fn plane_maxima_backward<E: Scalar>(x: &[E], y: &[E], dy: &[E], plane: usize, dx: &mut [E]) {
    let planes = x.chunks_exact(plane).zip(dx.chunks_exact_mut(plane));
    for (((values, grads), &max), &d) in planes.zip(y).zip(dy) {
        grads.fill(E::zero());
        if let Some(at) = values.iter().position(|&v| v == max) {
            grads[at] = d;
        }
    }
}

/// Adds to `sums[c]` the sum of plane `c` of each of the `n` samples of `x` (`sums.len()`
/// planes of `plane` values each): a bias gradient over every sample and position.
pub fn add_plane_sums<E: Scalar>(x: &[E], plane: usize, n: usize, sums: &mut [E]) {
    for sample in x.chunks_exact(plane * sums.len()).take(n) {
        for (sum, values) in sums.iter_mut().zip(sample.chunks_exact(plane)) {
            *sum = values.iter().fold(*sum, |s, &v| s + v);
        }
    }
}

/// Mean over time: `y` = the mean of the `steps` rows of each of `n` samples of `steps × f`
/// values.
pub fn step_means<E: Scalar>(steps: usize, f: usize, n: usize, x: &[E], y: &mut [E]) {
    let scale = E::from_f64(1.0 / steps as f64);
    for (sample, out) in x.chunks_exact(steps * f).zip(y.chunks_exact_mut(f)).take(n) {
        out.fill(E::zero());
        for row in sample.chunks_exact(f) {
            for (o, &v) in out.iter_mut().zip(row) {
                *o = *o + v;
            }
        }
        for o in out.iter_mut() {
            *o = *o * scale;
        }
    }
}

/// The backward pass of [`step_means`]: every step receives `1/steps` of its sample's gradient.
#[cfg(feature = "alloc")]
pub fn step_means_backward<E: Scalar>(steps: usize, f: usize, n: usize, dy: &[E], dx: &mut [E]) {
    let scale = E::from_f64(1.0 / steps as f64);
    for (dy, dx) in dy
        .chunks_exact(f)
        .zip(dx.chunks_exact_mut(steps * f))
        .take(n)
    {
        for row in dx.chunks_exact_mut(f) {
            for (d, &g) in row.iter_mut().zip(dy) {
                *d = g * scale;
            }
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};

    #[test]
    fn dispatched_max_pooling_gives_the_plain_loops_bits() {
        // 2×2 over even and odd sides, overlapping 3×3 windows with stride 2, two samples
        for (c, h, w, k, s) in [(3, 8, 6, 2, 2), (2, 7, 9, 2, 2), (2, 9, 8, 3, 2)] {
            let (oh, ow) = ((h - k) / s + 1, (w - k) / s + 1);
            let g = PoolGeom {
                c,
                h,
                w,
                k,
                s,
                oh,
                ow,
            };
            let x: Vec<f32> = (0..2 * g.in_len())
                .map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.25)
                .collect();
            let (mut plain, mut dispatched) =
                (vec![0.0; 2 * g.out_len()], vec![1.0; 2 * g.out_len()]);
            max_pool_forward(&g, 2, &x, &mut plain);
            max_pool_forward_dispatched(&g, 2, &x, &mut dispatched);
            assert_eq!(plain, dispatched, "{g:?}");
        }
    }
}
