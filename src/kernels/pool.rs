//! Pooling kernels over `[C, H, W]` samples, windows of `k×k` with stride `s`, no padding.
//! Max pooling records the arg-max of each window for the backward pass.

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
    /// Visits every output position of sample-local channel planes: `(out index, input index of the
    /// window's top-left corner)`.
    fn windows(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.c).flat_map(move |c| {
            (0..self.oh).flat_map(move |oy| {
                (0..self.ow).map(move |ox| {
                    (
                        (c * self.oh + oy) * self.ow + ox,
                        (c * self.h + oy * self.s) * self.w + ox * self.s,
                    )
                })
            })
        })
    }
}

/// `y` = window maxima of `n` samples; `argmax` receives each maximum's input index within its
/// sample (the first one on ties).
///
/// ```
/// use stratanet::kernels::pool::{max_pool_forward, PoolGeom};
/// let g = PoolGeom { c: 1, h: 2, w: 2, k: 2, s: 2, oh: 1, ow: 1 };
/// let (mut y, mut arg) = ([0.0f32], [0usize]);
/// max_pool_forward(&g, 1, &[1.0, 4.0, 3.0, 2.0], &mut y, &mut arg);
/// assert_eq!((y, arg), ([4.0], [1]));
/// ```
pub fn max_pool_forward<E: Scalar>(
    g: &PoolGeom,
    n: usize,
    x: &[E],
    y: &mut [E],
    argmax: &mut [usize],
) {
    for s in 0..n {
        let x_s = &x[s * g.in_len()..(s + 1) * g.in_len()];
        let y_s = &mut y[s * g.out_len()..(s + 1) * g.out_len()];
        let arg_s = &mut argmax[s * g.out_len()..(s + 1) * g.out_len()];
        for (o, corner) in g.windows() {
            let mut best = corner;
            for ki in 0..g.k {
                for kj in 0..g.k {
                    let i = corner + ki * g.w + kj;
                    if x_s[i] > x_s[best] {
                        best = i;
                    }
                }
            }
            y_s[o] = x_s[best];
            arg_s[o] = best;
        }
    }
}

/// `dx` = each output gradient routed to its window's arg-max (summed where windows overlap).
pub fn max_pool_backward<E: Scalar>(
    g: &PoolGeom,
    n: usize,
    dy: &[E],
    argmax: &[usize],
    dx: &mut [E],
) {
    dx[..n * g.in_len()].fill(E::zero());
    for s in 0..n {
        let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
        let range = s * g.out_len()..(s + 1) * g.out_len();
        for (&d, &i) in dy[range.clone()].iter().zip(&argmax[range]) {
            dx_s[i] = dx_s[i] + d;
        }
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
        for (o, corner) in g.windows() {
            let mut sum = E::zero();
            for ki in 0..g.k {
                for &v in &x_s[corner + ki * g.w..corner + ki * g.w + g.k] {
                    sum = sum + v;
                }
            }
            y_s[o] = sum * scale;
        }
    }
}

/// `dx` = each output gradient spread evenly over its window (summed where windows overlap).
pub fn avg_pool_backward<E: Scalar>(g: &PoolGeom, n: usize, dy: &[E], dx: &mut [E]) {
    let scale = E::from_f64(1.0 / (g.k * g.k) as f64);
    dx[..n * g.in_len()].fill(E::zero());
    for s in 0..n {
        let dy_s = &dy[s * g.out_len()..(s + 1) * g.out_len()];
        let dx_s = &mut dx[s * g.in_len()..(s + 1) * g.in_len()];
        for (o, corner) in g.windows() {
            let share = dy_s[o] * scale;
            for ki in 0..g.k {
                for v in &mut dx_s[corner + ki * g.w..corner + ki * g.w + g.k] {
                    *v = *v + share;
                }
            }
        }
    }
}
