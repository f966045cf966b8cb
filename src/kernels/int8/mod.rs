//! Integer-only kernels of int8 inference: `i8 × i8 → i32` accumulators, requantized per output
//! channel by a fixed-point multiplier ([`Requant`]); no floating point anywhere, so they run on
//! a core without an FPU.
//!
//! A tensor's int8 value `q` stands for `scale · (q − zero_point)`. A weighted layer's output
//! channel `c` is `acc = bias[c] + Σ w[c, ·] · (x − zp_in)` (the input's zero point subtracted,
//! so zero padding is exact), then `y = clamp(zp_out + round(acc · M[c]), −128, 127)` with
//! `M[c] = s_in · s_w[c] / s_out`. Pooling keeps the input's scale and zero point.

use super::conv::ConvGeom;
use super::pool::{max_pool_sample, PoolGeom};
use super::requant::{round_shift, saturate_i8, Requant};
use super::simd::{dense_dots, vectorized, Channel, Level, TILE};

mod conv;
pub use conv::{conv_i8, INT8_BLOCK, INT8_CHANNELS};

/// The per-channel integer parameters of a weighted layer.
#[derive(Clone, Copy, Debug)]
pub struct Channels<'a> {
    /// `round(b[c] / (s_in · s_w[c]))` per output channel.
    pub bias: &'a [i32],
    /// `M[c]` in one word each ([`Requant::to_word`]).
    pub requant: &'a [i32],
    /// The input's zero point.
    pub input_zero_point: i32,
    /// The output's zero point.
    pub output_zero_point: i32,
}

impl Channels<'_> {
    /// Output channel `c`'s int8 value for accumulator `acc` (the bias not yet added).
    #[inline]
    fn output(&self, c: usize, acc: i32) -> i8 {
        self.channel(c).output(acc)
    }

    /// Output channel `c`'s requantization, decoded once for its outputs.
    #[inline]
    fn channel(&self, c: usize) -> Channel {
        let r = Requant::from_word(self.requant[c]);
        Channel {
            bias: i64::from(self.bias[c]),
            multiplier: i64::from(r.multiplier),
            shift: r.shift.clamp(1, 62) as u32,
            zero_point: i64::from(self.output_zero_point),
        }
    }
}

/// One sample of a dense layer: `y[o]` from `Σ_i w[o, i] · x[i]`. The input's zero point is
/// folded into the bias when quantizing (`bias[o] = round(b[o] / (s_in · s_w[o])) −
/// zp_in · Σ_i w[o, i]`, as TFLite's fully connected kernel does), so the loop is a plain int8
/// dot product.
///
/// ```
/// use stratanet::kernels::int8::{dense_i8, Channels};
/// use stratanet::kernels::requant::Requant;
/// let half = Requant::from_real(0.5).unwrap().to_word();
/// // bias 4 with the zero point 1 folded in: 4 − 1·(2 − 1) = 3
/// let q = Channels { bias: &[3], requant: &[half], input_zero_point: 1, output_zero_point: -3 };
/// let mut y = [0i8];
/// dense_i8(2, 1, &[3, 5], &[2, -1], &q, &mut y);
/// assert_eq!(y, [-3 + 2]); // (4 + 2·(3 − 1) − 1·(5 − 1)) · 0.5 = 2
/// ```
pub fn dense_i8(inputs: usize, outputs: usize, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    dense_at(Level::detected(), inputs, outputs, x, w, q, y);
}

/// [`dense_i8`] with the kernels of `level`.
fn dense_at(
    level: Level,
    inputs: usize,
    outputs: usize,
    x: &[i8],
    w: &[i8],
    q: &Channels<'_>,
    y: &mut [i8],
) {
    let mut dots = [0i32; TILE];
    for (block, (rows, out)) in w[..inputs * outputs]
        .chunks(TILE * inputs.max(1))
        .zip(y[..outputs].chunks_mut(TILE))
        .enumerate()
    {
        let dots = &mut dots[..out.len()];
        dense_dots(level, &x[..inputs], rows, dots);
        for (k, (o, &dot)) in out.iter_mut().zip(dots.iter()).enumerate() {
            *o = q.output(block * TILE + k, dot);
        }
    }
}

/// One sample of a depthwise convolution: output channel `o` filters input channel `o / m`
/// (`m = c_out / c_in`) with its own `kh × kw` kernel.
///
/// ```
/// use stratanet::kernels::conv::ConvGeom;
/// use stratanet::kernels::int8::{depthwise_i8, Channels};
/// use stratanet::kernels::requant::Requant;
/// let one = Requant::from_real(1.0 - 1e-12).unwrap().to_word();
/// let q = Channels { bias: &[1, 0], requant: &[one; 2], input_zero_point: 0, output_zero_point: 0 };
/// let g = ConvGeom { c_in: 2, c_out: 2, h: 1, w: 2, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, oh: 1, ow: 2 };
/// let mut y = [0i8; 4];
/// depthwise_i8(&g, &[1, 2, 3, 4], &[2, 3], &q, &mut y);
/// assert_eq!(y, [3, 5, 9, 12]);
/// ```
pub fn depthwise_i8(g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    let m = g.c_out / g.c_in;
    let plane = g.h * g.w;
    let taps = g.kh * g.kw;
    for o in 0..g.c_out {
        let input = &x[(o / m) * plane..(o / m + 1) * plane];
        let kernel = &w[o * taps..(o + 1) * taps];
        for oy in 0..g.oh {
            for ox in 0..g.ow {
                let mut acc = 0i32;
                for ki in 0..g.kh {
                    let Some(iy) = (oy * g.sh + ki).checked_sub(g.ph).filter(|&v| v < g.h) else {
                        continue;
                    };
                    for kj in 0..g.kw {
                        let Some(ix) = (ox * g.sw + kj).checked_sub(g.pw).filter(|&v| v < g.w)
                        else {
                            continue;
                        };
                        let v = i32::from(input[iy * g.w + ix]).wrapping_sub(q.input_zero_point);
                        acc = acc.wrapping_add(i32::from(kernel[ki * g.kw + kj]).wrapping_mul(v));
                    }
                }
                y[(o * g.oh + oy) * g.ow + ox] = q.output(o, acc);
            }
        }
    }
}

/// A per-channel affine map over `channels` planes of `plane` values (batch norm in inference):
/// `y[c, ·]` from `w[c] · (x[c, ·] − zp_in)`.
pub fn affine_i8(plane: usize, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    for (c, ((xs, ys), &weight)) in x
        .chunks_exact(plane)
        .zip(y.chunks_exact_mut(plane))
        .zip(w)
        .enumerate()
    {
        let channel = q.channel(c);
        for (out, &v) in ys.iter_mut().zip(xs) {
            let v = i32::from(v).wrapping_sub(q.input_zero_point);
            *out = channel.output(i32::from(weight).wrapping_mul(v));
        }
    }
}

/// Window maxima of one sample (the scale and zero point carry over: max commutes with them).
///
/// ```
/// use stratanet::kernels::int8::max_pool_i8;
/// use stratanet::kernels::pool::PoolGeom;
/// let g = PoolGeom { c: 1, h: 2, w: 2, k: 2, s: 2, oh: 1, ow: 1 };
/// let mut y = [0i8];
/// max_pool_i8(&g, &[1, -4, 3, 2], &mut y);
/// assert_eq!(y, [3]);
/// ```
pub fn max_pool_i8(g: &PoolGeom, x: &[i8], y: &mut [i8]) {
    if (g.k, g.s, g.h % 2, g.w % 2) == (2, 2, 0, 0) {
        let level = Level::detected();
        vectorized(
            level,
            #[inline(always)]
            || max_pool_pairs(g.w, &x[..g.c * g.h * g.w], y),
        );
    } else {
        max_pool_sample(g, x, y, Ord::max);
    }
}

/// 2×2 windows at stride 2 over rows of even width `w` (an even number of them), in blocks of
/// rows, each step one flat loop over the block (vectorized: no loop over a row's few values):
/// the larger of each value and the one below it, then of each column pair of that, then every
/// other row of the result is the output.
#[inline(always)]
fn max_pool_pairs(w: usize, x: &[i8], y: &mut [i8]) {
    const BLOCK: usize = 512;
    let (mut below, mut pairs) = ([0i8; BLOCK], [0i8; BLOCK / 2]);
    let rows = (BLOCK / w.max(1)) & !1; // an even number of input rows per block
    if rows == 0 {
        let (h, half) = (x.len() / w, w / 2);
        let g = PoolGeom {
            c: 1,
            h,
            w,
            k: 2,
            s: 2,
            oh: h / 2,
            ow: half,
        };
        return max_pool_sample(&g, x, y, Ord::max);
    }
    for (xs, ys) in x.chunks(rows * w).zip(y.chunks_mut(rows * w / 4)) {
        let n = xs.len() - w; // the last row has none below it (and is not an output's top)
        for ((b, &top), &under) in below.iter_mut().zip(&xs[..n]).zip(&xs[w..]) {
            *b = top.max(under);
        }
        for (p, two) in pairs.iter_mut().zip(below[..n].chunks_exact(2)) {
            // the pair as one 16-bit word, its halves sign-extended by shifts: vector shifts
            // rather than a byte shuffle
            let word = i16::from_le_bytes([two[0] as u8, two[1] as u8]);
            *p = ((word << 8) >> 8).max(word >> 8) as i8;
        }
        match w / 2 {
            2 => every_other(2, &pairs, ys),
            4 => every_other(4, &pairs, ys),
            8 => every_other(8, &pairs, ys),
            half => every_other(half, &pairs, ys),
        }
    }
}

/// `y` row `r` = `pairs` row `2r` (rows of `n`; a constant where it is inlined with one).
#[inline(always)]
fn every_other(n: usize, pairs: &[i8], y: &mut [i8]) {
    for (out, two) in y.chunks_exact_mut(n).zip(pairs.chunks(2 * n)) {
        out.copy_from_slice(&two[..n]);
    }
}

/// Window means of one sample: `zp + round(Σ (q − zp) / k²)`, rounded half away from zero (the
/// real values' mean, so the rounding is that of a float mean).
///
/// The scale and zero point carry over.
///
/// ```
/// use stratanet::kernels::int8::avg_pool_i8;
/// use stratanet::kernels::pool::PoolGeom;
/// let g = PoolGeom { c: 1, h: 2, w: 2, k: 2, s: 2, oh: 1, ow: 1 };
/// let mut y = [0i8];
/// avg_pool_i8(&g, &[1, 2, 3, 4], 0, &mut y); // 2.5 → 3
/// assert_eq!(y, [3]);
/// avg_pool_i8(&g, &[1, 2, 3, 4], 5, &mut y); // 5 + round(−2.5) = 2
/// assert_eq!(y, [2]);
/// ```
pub fn avg_pool_i8(g: &PoolGeom, x: &[i8], zero_point: i32, y: &mut [i8]) {
    let count = (g.k * g.k) as i32;
    for_each_window(g, y, |corner| {
        let mut sum = 0i32;
        for di in 0..g.k {
            for &v in &x[corner + di * g.w..corner + di * g.w + g.k] {
                sum = sum.wrapping_add(i32::from(v).wrapping_sub(zero_point));
            }
        }
        rounded_mean(sum, count, zero_point)
    });
}

/// `y[o] = f(index of window o's top-left corner)` over one sample.
fn for_each_window(g: &PoolGeom, y: &mut [i8], mut f: impl FnMut(usize) -> i8) {
    let mut o = 0;
    for c in 0..g.c {
        for oy in 0..g.oh {
            let top = (c * g.h + oy * g.s) * g.w;
            for ox in 0..g.ow {
                y[o] = f(top + ox * g.s);
                o += 1;
            }
        }
    }
}

/// `zero_point + sum / count`, the quotient rounded half away from zero, saturated to `i8`.
fn rounded_mean(sum: i32, count: i32, zero_point: i32) -> i8 {
    // round(s / c) = trunc((2s ± c) / 2c), the sign of s
    let (twice, count) = (2 * i64::from(sum), i64::from(count.max(1)));
    let q = if twice >= 0 {
        (twice + count) / (2 * count)
    } else {
        (twice - count) / (2 * count)
    };
    saturate_i8(i64::from(zero_point) + q)
}

/// The mean of each plane of `plane` values (global average pooling), rounded as
/// [`avg_pool_i8`]'s.
pub fn plane_means_i8(x: &[i8], plane: usize, zero_point: i32, y: &mut [i8]) {
    for (xs, out) in x.chunks_exact(plane.max(1)).zip(y.iter_mut()) {
        let sum = xs.iter().fold(0i32, |s, &v| {
            s.wrapping_add(i32::from(v).wrapping_sub(zero_point))
        });
        *out = rounded_mean(sum, plane as i32, zero_point);
    }
}

/// The maximum of each plane of `plane` values (global max pooling).
pub fn plane_maxima_i8(x: &[i8], plane: usize, y: &mut [i8]) {
    for (xs, out) in x.chunks_exact(plane).zip(y.iter_mut()) {
        *out = xs.iter().copied().max().unwrap_or(i8::MIN);
    }
}

/// `y = clamp(x, lo, hi)`: ReLU (`lo` the zero point) and ReLU6 (`hi` the step of 6) in the
/// input's scale.
pub fn clamp_i8(lo: i8, hi: i8, x: &[i8], y: &mut [i8]) {
    // max then min: no panic when a file gives `lo > hi`
    for (out, &v) in y.iter_mut().zip(x) {
        *out = v.max(lo).min(hi);
    }
}

/// One input of a sum: its values, zero point and fixed-point multiplier (`s_k / s_out` at the
/// shared shift).
#[derive(Clone, Copy, Debug)]
pub struct Term<'a> {
    /// The values.
    pub values: &'a [i8],
    /// Their zero point.
    pub zero_point: i32,
    /// `round(s_k / s_out · 2^shift)`.
    pub multiplier: i32,
}

/// `y = zp_out + round(Σ_k (x_k − zp_k) · s_k / s_out)`, one rounding per element: the sum of
/// differently quantized tensors (residual and `Add` merges). `y` itself is the first term,
/// with `first` its zero point and multiplier; `shift` is shared by all terms.
///
/// ```
/// use stratanet::kernels::int8::{add_i8, Term};
/// // y in steps of 0.5, the other term in steps of 0.25, the output in steps of 1; shift 4
/// let mut y = [2i8, -3];
/// add_i8(&mut y, (0, 8), &[Term { values: &[4, 1], zero_point: 0, multiplier: 4 }], 4, 1);
/// assert_eq!(y, [1 + 2, 1 - 1]); // 1 + 1 = 2; −1.5 + 0.25 = −1.25 → −1
/// ```
pub fn add_i8(
    y: &mut [i8],
    first: (i32, i32),
    others: &[Term<'_>],
    shift: u32,
    output_zero_point: i32,
) {
    for (e, out) in y.iter_mut().enumerate() {
        let term = |v: i8, zero_point: i32, multiplier: i32| {
            (i64::from(v) - i64::from(zero_point)).saturating_mul(i64::from(multiplier))
        };
        let mut acc = term(*out, first.0, first.1);
        for t in others {
            acc = acc.saturating_add(term(t.values[e], t.zero_point, t.multiplier));
        }
        *out = saturate_i8(i64::from(output_zero_point) + round_shift(acc, shift));
    }
}

/// In place, from one scale and zero point to another: `y = zp_out + round((y − zp_in) · M)`
/// (a concatenated branch into the block's output steps).
pub fn requantize_i8(y: &mut [i8], input_zero_point: i32, r: Requant, output_zero_point: i32) {
    for v in y.iter_mut() {
        let d = i64::from(*v) - i64::from(input_zero_point);
        *v = saturate_i8(i64::from(output_zero_point) + r.apply(d));
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;

    fn unit(c: usize) -> alloc::vec::Vec<i32> {
        alloc::vec![Requant::from_real(1.0 - 1e-12).unwrap().to_word(); c]
    }

    #[test]
    fn dense_agrees_on_every_level() {
        let (inputs, outputs) = (37, 21); // ragged against 16 inputs and 4 rows
        let x: alloc::vec::Vec<i8> = (0..inputs).map(|i| ((i * 91) % 255) as i8).collect();
        let w: alloc::vec::Vec<i8> = (0..inputs * outputs)
            .map(|i| ((i * 7) % 251) as i8)
            .collect();
        let r = alloc::vec![Requant::from_real(0.0007).unwrap().to_word(); outputs];
        let bias: alloc::vec::Vec<i32> = (0..outputs as i32).map(|c| 500 * c - 4000).collect();
        let q = Channels {
            bias: &bias,
            requant: &r,
            input_zero_point: 0,
            output_zero_point: -5,
        };
        let want: alloc::vec::Vec<i8> = (0..outputs)
            .map(|o| {
                let dot = (0..inputs)
                    .map(|i| i32::from(w[o * inputs + i]) * i32::from(x[i]))
                    .sum();
                q.output(o, dot)
            })
            .collect();
        assert!(want.iter().any(|&v| v != want[0]));
        for level in Level::available() {
            let mut got = alloc::vec![0i8; outputs];
            dense_at(level, inputs, outputs, &x, &w, &q, &mut got);
            assert_eq!(got, want, "{}", level.name());
        }
    }

    #[test]
    fn two_by_two_max_pooling_agrees_with_the_windows_on_every_level() {
        // (c, h, w): the widths of the constant arms, others, several blocks, rows past a block
        let shapes = [
            (8, 8, 8),
            (3, 4, 2),
            (1, 2, 4),
            (5, 6, 16),
            (2, 4, 6),
            (2, 6, 30),
            (3, 64, 8),
            (1, 2, 600),
            (2, 2, 1030),
        ];
        for (c, h, w) in shapes {
            let g = PoolGeom {
                c,
                h,
                w,
                k: 2,
                s: 2,
                oh: h / 2,
                ow: w / 2,
            };
            let x: alloc::vec::Vec<i8> = (0..c * h * w)
                .map(|i| (((i * 37 + i / 7) % 150) as i32 - 128) as i8) // −128 to 21
                .collect();
            let mut want = alloc::vec![0i8; c * h * w / 4];
            max_pool_sample(&g, &x, &mut want, Ord::max);
            // negative maxima too (a lost sign extension shows there)
            assert!(want.iter().any(|&v| v < 0) && want.iter().any(|&v| v > 0));
            for level in Level::available() {
                let mut got = alloc::vec![0i8; want.len()];
                vectorized(
                    level,
                    #[inline(always)]
                    || max_pool_pairs(w, &x, &mut got),
                );
                assert_eq!(got, want, "{c}×{h}×{w} {}", level.name());
            }
        }
    }

    #[test]
    fn means_round_half_away_from_zero() {
        assert_eq!(rounded_mean(5, 2, 0), 3);
        assert_eq!(rounded_mean(-5, 2, 0), -3);
        assert_eq!(rounded_mean(7, 4, 0), 2); // 1.75
        assert_eq!(rounded_mean(-6, 4, 0), -2); // −1.5
        assert_eq!(rounded_mean(4, 3, 0), 1); // 1.33
        assert_eq!(rounded_mean(-5, 3, 10), 8); // 10 − 1.67
        assert_eq!(rounded_mean(-5, 2, -127), -128); // saturated
        let mut y = [0i8; 2];
        plane_means_i8(&[1, 2, -1, -2], 2, 0, &mut y);
        assert_eq!(y, [2, -2]);
        plane_means_i8(&[1, 2, -1, -2], 2, 2, &mut y); // 2 + round(−0.5), 2 + round(−3.5)
        assert_eq!(y, [1, -2]);
        plane_maxima_i8(&[1, 2, -1, -2], 2, &mut y);
        assert_eq!(y, [2, -1]);
    }

    #[test]
    fn affine_clamp_and_requantize() {
        let r = unit(2);
        let q = Channels {
            bias: &[1, 0],
            requant: &r,
            input_zero_point: 1,
            output_zero_point: 0,
        };
        let mut y = [0i8; 4];
        affine_i8(2, &[1, 2, 3, 4], &[2, -1], &q, &mut y);
        assert_eq!(y, [1, 3, -2, -3]);
        clamp_i8(-1, 2, &[-5, 0, 7, 2], &mut y);
        assert_eq!(y, [-1, 0, 2, 2]);
        let mut v = [10i8, -10];
        requantize_i8(&mut v, 2, Requant::from_real(0.5).unwrap(), -1);
        assert_eq!(v, [-1 + 4, -1 - 6]);
    }
}
