//! The int8 2-D convolution: patches gathered on the stack in tiles of output positions, the
//! products by [`simd::conv_tile`](crate::kernels::simd::conv_tile), each channel requantized.

use super::Channels;
use crate::kernels::conv::ConvGeom;
use crate::kernels::simd::{conv_tile, requantize, vectorized, Channel, Level, TILE};

/// Values of the stack block [`conv_i8`] gathers patches into (4 KiB of `i16`).
pub const INT8_BLOCK: usize = 2048;

/// Output channels whose `i32` sums [`conv_i8`] keeps at once (1 KiB on the stack).
pub const INT8_CHANNELS: usize = 16;

/// Patch-row pairs of one segment: [`TILE`] positions of them fill the block but for one row
/// pair, room for the gather's sixteen-wide writes past the last row.
const SEGMENT: usize = INT8_BLOCK / (2 * TILE) - 1;

/// Most tiles one gather serves, when the block holds their whole patches.
const WIDE: usize = 4;

/// One sample of a 2-D convolution (cross-correlation, PyTorch's `[C_out, C_in, KH, KW]`
/// weights), [`TILE`] output positions at a time: their patches are gathered on the stack as
/// `x − zp_in` (zero at the padding) in [`conv_tile`]'s layout, at most [`INT8_BLOCK`] values
/// at once — up to four tiles per gather when their patches fit, a longer patch in segments,
/// its sums kept in `i32` for up to [`INT8_CHANNELS`] channels per pass; then each channel is
/// requantized. About 8 KiB of stack: the block, the sums, the weights' and requantizations'
/// views for one pass, the tile's runs of output rows.
///
/// ```
/// use stratanet::kernels::conv::ConvGeom;
/// use stratanet::kernels::int8::{conv_i8, Channels};
/// use stratanet::kernels::requant::Requant;
/// let one = Requant::from_real(1.0 - 1e-12).unwrap().to_word(); // 1 in fixed point
/// let q = Channels { bias: &[0], requant: &[one], input_zero_point: 0, output_zero_point: 0 };
/// // 1 channel, 2×2 input, 2×2 kernel, padding 1 on each side: a 3×3 output
/// let g = ConvGeom { c_in: 1, c_out: 1, h: 2, w: 2, kh: 2, kw: 2, sh: 1, sw: 1, ph: 1, pw: 1, oh: 3, ow: 3 };
/// let mut y = [0i8; 9];
/// conv_i8(&g, &[1, 2, 3, 4], &[1, 0, 0, 1], &q, &mut y);
/// assert_eq!(y, [1, 2, 0, 3, 5, 2, 0, 3, 4]);
/// ```
pub fn conv_i8(g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    let level = Level::detected();
    vectorized(level, || conv_at(level, g, x, w, q, y));
}

/// [`conv_i8`] with the kernels of `level` (inlined into [`vectorized`]'s code for it).
#[inline(always)]
fn conv_at(level: Level, g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    let (patch, positions) = (g.patch(), g.positions());
    let segments = patch.div_ceil(2).div_ceil(SEGMENT).max(1);
    // Tiles per gather: one when the patch takes segments, else as many as the block holds
    // (with two rows of room for the gather's writes past the last).
    let tiles = match segments {
        1 => (INT8_BLOCK / ((patch.div_ceil(2) * 2 + 2) * TILE)).clamp(1, WIDE),
        _ => 1,
    };
    let width = tiles * TILE;
    let mut block = [0i16; INT8_BLOCK];
    let mut sums = [[0i32; TILE]; INT8_CHANNELS];
    for start in (0..positions).step_by(width) {
        let n = width.min(positions - start);
        for first in (0..g.c_out).step_by(INT8_CHANNELS) {
            let channels = first..g.c_out.min(first + INT8_CHANNELS);
            let segment_weights = |s: usize| {
                let rows = 2 * s * SEGMENT..patch.min(2 * (s + 1) * SEGMENT);
                let mut weights: [&[i8]; INT8_CHANNELS] = [&[]; INT8_CHANNELS];
                for (d, c) in weights.iter_mut().zip(channels.clone()) {
                    *d = &w[c * patch + rows.start..c * patch + rows.end];
                }
                (weights, rows)
            };
            // with one segment, its weights and each channel's requantization serve every tile
            let single = segment_weights(0);
            let mut requants = [Channel::ZERO; INT8_CHANNELS];
            for (d, c) in requants.iter_mut().zip(channels.clone()) {
                *d = q.channel(c);
            }
            for tile in (0..n).step_by(TILE) {
                let sums = &mut sums[..channels.len()];
                sums.fill([0; TILE]);
                for s in 0..segments {
                    let other;
                    let (weights, rows) = if s == 0 {
                        (&single.0, single.1.clone())
                    } else {
                        other = segment_weights(s);
                        (&other.0, other.1.clone())
                    };
                    // A gather serves every channel and tile of one segment: once per `start`
                    // when there is one segment, else once per segment and channel pass.
                    if tile == 0 && (segments > 1 || first == 0) {
                        let zp = q.input_zero_point;
                        gather(g, x, zp, start..start + n, rows.clone(), &mut block, width);
                    }
                    let (weights, pairs) = (&weights[..channels.len()], rows.len().div_ceil(2));
                    conv_tile(level, weights, &block[tile..], width, pairs, sums);
                }
                let at = start + tile;
                let count = TILE.min(n - tile);
                for ((c, acc), channel) in channels.clone().zip(sums.iter()).zip(&requants) {
                    let out = &mut y[c * positions + at..c * positions + at + count];
                    requantize(level, channel, acc, out);
                }
            }
        }
    }
}

/// Rows `rows` of the patches of output positions `range` (at most `width`) as `x −
/// zero_point`, in [`conv_tile`]'s layout: row `r` of position `range.start + k` at
/// `block[(r − rows.start) · width + k]`; 0 at the padding, for positions past `range` and in
/// the zero row after an odd count. A patch row is `(c, ki, kj)` in that order. Positions of one
/// output row read one run of input columns: with stride 1 converted sixteen at a time (the
/// lanes past the run zeroed), otherwise one column at a time.
#[inline(always)]
fn gather(
    g: &ConvGeom,
    x: &[i8],
    zero_point: i32,
    range: core::ops::Range<usize>,
    rows: core::ops::Range<usize>,
    block: &mut [i16],
    width: usize,
) {
    let plane = g.h * g.w;
    let shifted = |v: &i8| i32::from(*v).wrapping_sub(zero_point) as i16;
    // The tile's runs of positions in one output row: (first slot, oy, ox, count).
    let mut runs = [(0, 0, 0, 0); WIDE * TILE];
    let (mut slots, mut position, mut count_runs) = (0, range.start, 0);
    while position < range.end {
        let (oy, ox) = (position / g.ow, position % g.ow);
        let count = (g.ow - ox).min(range.end - position);
        runs[count_runs] = (slots, oy, ox, count);
        (slots, position, count_runs) = (slots + count, position + count, count_runs + 1);
    }
    let taps = g.kh * g.kw;
    let (mut c, mut ki, mut kj) = (
        rows.start / taps,
        rows.start % taps / g.kw,
        rows.start % g.kw,
    );
    for r in 0..rows.len() {
        // A run's columns are written sixteen at a time, so they may spill into the next row,
        // which is zeroed before its own runs (the block has a row of room past the segment).
        let line = &mut block[r * width..(r + 1) * width + TILE];
        line[..width].fill(0);
        for &(k, oy, ox, count) in &runs[..count_runs] {
            let iy = (oy * g.sh + ki).wrapping_sub(g.ph);
            if iy >= g.h {
                continue;
            }
            let row = c * plane + iy * g.w;
            // output column ox + t reads input column (ox + t)·sw + kj − pw
            let x0 = ox * g.sw + kj;
            if g.sw == 1 {
                let t0 = g.pw.saturating_sub(x0).min(count);
                let t1 = (g.w + g.pw).saturating_sub(x0).min(count);
                if t0 >= t1 {
                    continue;
                }
                let mut done = 0;
                while t0 + done < t1 {
                    let (from, len, at) =
                        (row + x0 + t0 - g.pw + done, t1 - t0 - done, k + t0 + done);
                    if let Some(src) = x.get(from..from + TILE) {
                        // lanes past the run are zeroed: a later run, or none, owns them
                        let out = &mut line[at..at + TILE];
                        for (i, (d, v)) in out.iter_mut().zip(src).enumerate() {
                            *d = if i < len { shifted(v) } else { 0 };
                        }
                    } else {
                        let len = len.min(TILE);
                        for (d, v) in line[at..at + len].iter_mut().zip(&x[from..]) {
                            *d = shifted(v);
                        }
                    }
                    done += TILE;
                }
            } else {
                let row = &x[row..row + g.w];
                for (t, d) in line[k..k + count].iter_mut().enumerate() {
                    if let Some(v) = row.get((x0 + t * g.sw).wrapping_sub(g.pw)) {
                        *d = shifted(v);
                    }
                }
            }
        }
        // the next patch row: (c, ki, kj) in that order
        kj += 1;
        if kj == g.kw {
            (kj, ki) = (0, ki + 1);
            if ki == g.kh {
                (ki, c) = (0, c + 1);
            }
        }
    }
    if rows.len() % 2 == 1 {
        block[rows.len() * width..(rows.len() + 1) * width].fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::requant::Requant;

    #[test]
    fn convolutions_agree_with_the_direct_sum_on_every_level() {
        // strides, padding, odd patches, patches of several segments, channels past one pass
        let shapes = [
            (3, 4, 7, 5, 3, 2, 2, 1, 1, 1),
            (3, 4, 7, 5, 3, 3, 2, 2, 1, 1),
            (1, 8, 9, 9, 3, 3, 1, 1, 1, 1),
            (17, 5, 6, 6, 3, 3, 1, 1, 1, 1), // 153 rows: two segments
            (40, 37, 4, 5, 3, 3, 1, 2, 0, 2), // 360 rows, 37 channels
            (2, 3, 3, 3, 3, 3, 1, 1, 3, 3),  // windows of padding only
            (1, 3, 5, 40, 3, 3, 1, 1, 1, 1), // output rows longer than a tile
            (2, 2, 3, 37, 3, 3, 1, 2, 1, 1), // and with stride 2
        ];
        for (c_in, c_out, h, w, kh, kw, sh, sw, ph, pw) in shapes {
            let (oh, ow) = ((h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1);
            let g = ConvGeom {
                c_in,
                c_out,
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
            let x: alloc::vec::Vec<i8> = (0..g.in_len()).map(|i| ((i * 37) % 255) as i8).collect();
            let w: alloc::vec::Vec<i8> = (0..g.c_out * g.patch())
                .map(|i| ((i * 53) % 41) as i8 - 20)
                .collect();
            let r: alloc::vec::Vec<i32> = (0..c_out)
                .map(|c| {
                    Requant::from_real(0.004 + 0.001 * c as f64)
                        .unwrap()
                        .to_word()
                })
                .collect();
            let bias: alloc::vec::Vec<i32> = (0..c_out as i32).map(|c| 37 * c - 300).collect();
            let q = Channels {
                bias: &bias,
                requant: &r,
                input_zero_point: -3,
                output_zero_point: 2,
            };
            let want = direct_conv(&g, &x, &w, &q);
            assert!(want.iter().any(|&v| v != want[0]));
            for level in Level::available() {
                let mut got = alloc::vec![0i8; g.out_len()];
                conv_at(level, &g, &x, &w, &q, &mut got);
                assert_eq!(got, want, "{} on {g:?}", level.name());
            }
        }
    }

    /// The convolution as its formula: one output at a time.
    fn direct_conv(g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>) -> alloc::vec::Vec<i8> {
        let mut y = alloc::vec![0i8; g.out_len()];
        for co in 0..g.c_out {
            for oy in 0..g.oh {
                for ox in 0..g.ow {
                    let mut acc = 0i32;
                    for c in 0..g.c_in {
                        for ki in 0..g.kh {
                            for kj in 0..g.kw {
                                let (iy, ix) = (
                                    (oy * g.sh + ki).checked_sub(g.ph),
                                    (ox * g.sw + kj).checked_sub(g.pw),
                                );
                                let (Some(iy), Some(ix)) = (iy, ix) else {
                                    continue;
                                };
                                if iy >= g.h || ix >= g.w {
                                    continue;
                                }
                                let weight = w[((co * g.c_in + c) * g.kh + ki) * g.kw + kj];
                                let v =
                                    i32::from(x[(c * g.h + iy) * g.w + ix]) - q.input_zero_point;
                                acc += i32::from(weight) * v;
                            }
                        }
                    }
                    y[(co * g.oh + oy) * g.ow + ox] = q.output(co, acc);
                }
            }
        }
        y
    }
}
