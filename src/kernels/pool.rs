//! Pooling kernels over `[C, H, W]` samples, windows of `k×k` with stride `s`, no padding.
//! Max pooling finds each window's arg-max again in the backward pass.

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
    // Row by row: each input row of a window band updates the whole output row at once.
    for (x_s, y_s) in x
        .chunks_exact(g.in_len())
        .zip(y.chunks_exact_mut(g.out_len()))
        .take(n)
    {
        for (c, y_plane) in y_s.chunks_exact_mut(g.oh * g.ow).enumerate() {
            for (oy, y_row) in y_plane.chunks_exact_mut(g.ow).enumerate() {
                for ki in 0..g.k {
                    let start = (c * g.h + oy * g.s + ki) * g.w;
                    let row = &x_s[start..start + g.w];
                    if g.k == 2 && g.s == 2 {
                        // The common 2×2 pooling, with the window width known to the compiler.
                        for (out, pair) in y_row.iter_mut().zip(row.chunks_exact(2)) {
                            let m = pair[0].max(pair[1]);
                            *out = if ki == 0 { m } else { out.max(m) };
                        }
                        continue;
                    }
                    for (ox, out) in y_row.iter_mut().enumerate() {
                        let window = &row[ox * g.s..ox * g.s + g.k];
                        let first = if ki == 0 { window[0] } else { *out };
                        *out = window.iter().fold(first, |m, &v| m.max(v));
                    }
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
    dx[..n * g.in_len()].fill(E::zero());
    for s in 0..n {
        let x_s = &x[s * g.in_len()..(s + 1) * g.in_len()];
        let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
        let (y_s, dy_s) = (&y[s * g.out_len()..], &dy[s * g.out_len()..]);
        if g.k == 2 && g.s == 2 {
            // Non-overlapping 2×2 windows: route with selects instead of a search.
            g.for_each_window(|o, corner| {
                let (top, bottom) = (corner, corner + g.w);
                let (m, d) = (y_s[o], dy_s[o]);
                let hit = [x_s[top] == m, x_s[top + 1] == m, x_s[bottom] == m];
                let first = [hit[0], hit[1] && !hit[0], hit[2] && !hit[0] && !hit[1]];
                let rest = !(hit[0] || hit[1] || hit[2]);
                let pick = |chosen: bool| if chosen { d } else { E::zero() };
                dx_s[top] = pick(first[0]);
                dx_s[top + 1] = pick(first[1]);
                dx_s[bottom] = pick(first[2]);
                dx_s[bottom + 1] = pick(rest);
            });
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
