//! Zero padding and nearest-neighbour upsampling of `[C, H, W]` samples, with their adjoints.

use crate::Scalar;

/// The geometry of a padding or upsampling over one sample: `c` planes of `h × w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planes {
    /// Channels.
    pub c: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
}

/// `n` samples zero-padded by `p` on every side: `y[c, i + p, j + p] = x[c, i, j]`.
///
/// ```
/// use stratanet::kernels::resample::{pad, Planes};
/// let mut y = [9.0f32; 9];
/// pad(Planes { c: 1, h: 1, w: 1 }, 1, 1, &[5.0], &mut y);
/// assert_eq!(y, [0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0]);
/// ```
pub fn pad<E: Scalar>(g: Planes, p: usize, n: usize, x: &[E], y: &mut [E]) {
    let (oh, ow) = (g.h + 2 * p, g.w + 2 * p);
    let planes = x.chunks_exact(g.h * g.w).zip(y.chunks_exact_mut(oh * ow));
    for (src, dst) in planes.take(n * g.c) {
        dst.fill(E::zero());
        for (row, out) in src.chunks_exact(g.w).zip(dst.chunks_exact_mut(ow).skip(p)) {
            out[p..p + g.w].copy_from_slice(row);
        }
    }
}

/// The adjoint of [`pad`]: `dx[c, i, j] = dy[c, i + p, j + p]`.
pub fn crop<E: Scalar>(g: Planes, p: usize, n: usize, dy: &[E], dx: &mut [E]) {
    let (oh, ow) = (g.h + 2 * p, g.w + 2 * p);
    let planes = dy.chunks_exact(oh * ow).zip(dx.chunks_exact_mut(g.h * g.w));
    for (src, dst) in planes.take(n * g.c) {
        for (row, out) in src.chunks_exact(ow).skip(p).zip(dst.chunks_exact_mut(g.w)) {
            out.copy_from_slice(&row[p..p + g.w]);
        }
    }
}

/// `n` samples upsampled by `f` (nearest): `y[c, i, j] = x[c, i / f, j / f]`.
///
/// ```
/// use stratanet::kernels::resample::{upsample, Planes};
/// let mut y = [0.0f32; 8];
/// upsample(Planes { c: 1, h: 1, w: 2 }, 2, 1, &[1.0, 2.0], &mut y);
/// assert_eq!(y, [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0]);
/// ```
pub fn upsample<E: Scalar>(g: Planes, f: usize, n: usize, x: &[E], y: &mut [E]) {
    let ow = g.w * f;
    let planes = x
        .chunks_exact(g.h * g.w)
        .zip(y.chunks_exact_mut(g.h * f * ow));
    for (src, dst) in planes.take(n * g.c) {
        for (row, band) in src.chunks_exact(g.w).zip(dst.chunks_exact_mut(f * ow)) {
            let (first, rest) = band.split_at_mut(ow);
            for (&v, out) in row.iter().zip(first.chunks_exact_mut(f)) {
                out.fill(v);
            }
            for copy in rest.chunks_exact_mut(ow) {
                copy.copy_from_slice(first);
            }
        }
    }
}

/// The adjoint of [`upsample`]: each input receives the sum of the `f × f` outputs it filled.
pub fn upsample_backward<E: Scalar>(g: Planes, f: usize, n: usize, dy: &[E], dx: &mut [E]) {
    let ow = g.w * f;
    let planes = dy
        .chunks_exact(g.h * f * ow)
        .zip(dx.chunks_exact_mut(g.h * g.w));
    for (src, dst) in planes.take(n * g.c) {
        for (band, row) in src.chunks_exact(f * ow).zip(dst.chunks_exact_mut(g.w)) {
            row.fill(E::zero());
            for line in band.chunks_exact(ow) {
                for (out, block) in row.iter_mut().zip(line.chunks_exact(f)) {
                    *out = block.iter().fold(*out, |sum, &v| sum + v);
                }
            }
        }
    }
}
