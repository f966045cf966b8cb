//! The int8 2-D convolution in tiles of output positions, the products by
//! [`simd::conv_tile`](crate::kernels::simd::conv_tile), each channel requantized. A stride-1
//! convolution reads its patch rows as shifted windows of a padded copy of the input (in bands
//! of output rows); any other, or one whose padded rows do not fit, gathers patches.

use super::Channels;
use crate::kernels::conv::ConvGeom;
use crate::kernels::simd::{
    conv_tile, requantize, requantize_picked, vectorized, Channel, Level, TILE,
};
use core::ops::Range;

/// Values of the stack block [`conv_i8`] copies or gathers its input into (4 KiB of `i16`).
pub const INT8_BLOCK: usize = 2048;

/// Output channels whose `i32` sums [`conv_i8`] keeps at once (512 bytes on the stack).
pub const INT8_CHANNELS: usize = 8;

/// Patch rows of one segment (one [`conv_tile`] call): a tile's worth of them, and a tile of room
/// for the gather's sixteen-wide writes past the last, fill the block. Their weights for one
/// channel pass take 2 KiB of stack as `i16`.
const SEGMENT: usize = INT8_BLOCK / TILE - 2;

/// Most tiles one gather serves, when the block holds their whole patches.
const WIDE: usize = 4;

/// The block of a stride-1 convolution whose whole padded input fits 256 values and whose
/// patch one short segment: a small input's call then zeroes 1 KiB of stack, not 7.
const SMALL_BLOCK: usize = 256;

/// Patch rows of a segment with the [`SMALL_BLOCK`].
const SMALL_SEGMENT: usize = SMALL_BLOCK / TILE - 2;

/// One sample of a 2-D convolution (cross-correlation, PyTorch's `[C_out, C_in, KH, KW]`
/// weights), [`TILE`] output positions at a time, their sums kept in `i32` for up to
/// [`INT8_CHANNELS`] channels per pass, then requantized; the input enters as `x − zp_in` (zero
/// at the padding) in an [`INT8_BLOCK`] of `i16` on the stack. With stride 1 the block holds a
/// padded copy of the input rows a band of output rows reads, and a patch row of a tile is a
/// window of it; otherwise (or when not even one output row's input fits) the tiles' patches are
/// gathered into it, a long patch in segments. About 7 KiB of stack: the block, one segment's
/// weights for one pass widened to `i16` (2 KiB), the pass's sums and requantizations, the row
/// offsets of one segment. A stride-1 input whose padded copy fits 256 values, with a patch of
/// at most 14 rows, takes a block of that size instead: about 1.5 KiB in all.
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
    vectorized(
        level,
        #[inline(always)]
        || conv_at(level, g, x, w, q, y),
    );
}

/// [`conv_i8`] with the kernels of `level` (inlined into [`vectorized`]'s code for it).
#[inline(always)]
fn conv_at(level: Level, g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    if g.positions() == 0 {
        return;
    }
    if band_rows(g, SMALL_BLOCK) == Some(g.oh) && g.patch() <= SMALL_SEGMENT {
        return banded::<SMALL_BLOCK, SMALL_SEGMENT>(level, g, x, w, q, y, g.oh);
    }
    match band_rows(g, INT8_BLOCK) {
        Some(band) => banded::<INT8_BLOCK, SEGMENT>(level, g, x, w, q, y, band),
        None => gathered(level, g, x, w, q, y),
    }
}

/// Output rows per band of a stride-1 convolution, when the padded input rows of at least one
/// fit a block of `block` values with a tile's room after them.
fn band_rows(g: &ConvGeom, block: usize) -> Option<usize> {
    let per_row = g.c_in * (g.w + 2 * g.pw);
    let fit = (block - TILE) / per_row.max(1);
    (g.sh == 1 && g.sw == 1 && fit >= g.kh).then(|| (fit + 1 - g.kh).min(g.oh))
}

/// Channels `channels`' weights for patch rows `rows` (at most `R`), widened to `i16` into
/// `wide` (a channel's run in each of its rows), as [`conv_tile`] takes them.
#[inline(always)]
fn widen<'a, const R: usize>(
    w: &[i8],
    patch: usize,
    channels: Range<usize>,
    rows: Range<usize>,
    wide: &'a mut [[i16; R]; INT8_CHANNELS],
) -> [&'a [i16]; INT8_CHANNELS] {
    let n = rows.len();
    let mut views: [&[i16]; INT8_CHANNELS] = [&[]; INT8_CHANNELS];
    for ((view, d), c) in views.iter_mut().zip(wide.iter_mut()).zip(channels) {
        let d = &mut d[..n];
        for (d, &v) in d.iter_mut().zip(&w[c * patch + rows.start..][..n]) {
            *d = i16::from(v);
        }
        *view = d;
    }
    views
}

/// The requantizations of channels `channels`.
#[inline(always)]
fn channels_of(q: &Channels<'_>, channels: Range<usize>) -> [Channel; INT8_CHANNELS] {
    let mut requants = [Channel::ZERO; INT8_CHANNELS];
    for (d, c) in requants.iter_mut().zip(channels) {
        *d = q.channel(c);
    }
    requants
}

/// Segment `s` of a patch in segments of `len` rows.
#[inline(always)]
fn segment(patch: usize, len: usize, s: usize) -> Range<usize> {
    s * len..patch.min((s + 1) * len)
}

/// Stride 1, in bands of `band` output rows: the band's padded input rows (`height = band + kh −
/// 1` per channel, `wp = w + 2·pw` wide) are copied once as `x − zp` into the block, channel
/// `c`'s row `yb` at `(c·height + yb)·wp`; patch row `(c, ki, kj)` of output `(oy, ox)` is then
/// the value at `(c·height + oy − top + ki)·wp + ox + kj`. So tiles run over the band's
/// positions in the padded rows' layout (`(oy − top)·wp + ox`, `ox < wp`), across row ends: a
/// position with `ox ≥ ow` reads the next row's values (or the zeroed tile after the copy) and
/// is not written.
#[inline(always)]
fn banded<const B: usize, const R: usize>(
    level: Level,
    g: &ConvGeom,
    x: &[i8],
    w: &[i8],
    q: &Channels<'_>,
    y: &mut [i8],
    band: usize,
) {
    let (patch, positions, wp) = (g.patch(), g.positions(), g.w + 2 * g.pw);
    let segments = patch.div_ceil(R);
    let mut block = [0i16; B];
    let mut offsets = [0u16; R];
    let mut wide = [[0i16; R]; INT8_CHANNELS];
    let mut sums = [[0i32; TILE]; INT8_CHANNELS];
    let mut picks = [0u8; TILE];
    for top in (0..g.oh).step_by(band) {
        let height = band.min(g.oh - top) + g.kh - 1;
        pad(g, x, q.input_zero_point, top, height, &mut block);
        // the offsets of patch rows `rows` from a tile's first value
        let row_offsets = |rows: Range<usize>, offsets: &mut [u16; R]| {
            let (mut c, mut ki, mut kj) = row_at(g, rows.start);
            for d in offsets.iter_mut().take(rows.len()) {
                *d = ((c * height + ki) * wp + kj) as u16;
                (c, ki, kj) = next_row(g, c, ki, kj);
            }
        };
        let single = segment(patch, R, 0);
        row_offsets(single.clone(), &mut offsets);
        for first in (0..g.c_out).step_by(INT8_CHANNELS) {
            let channels = first..g.c_out.min(first + INT8_CHANNELS);
            let n = channels.len();
            // with one segment, its weights and offsets serve every tile
            let mut weights: [&[i16]; INT8_CHANNELS] = [&[]; INT8_CHANNELS];
            if segments == 1 {
                weights = widen(w, patch, channels.clone(), single.clone(), &mut wide);
            }
            let requants = channels_of(q, channels.clone());
            let sums = &mut sums[..n];
            let end = (height - g.kh) * wp + g.ow;
            for at in (0..end).step_by(TILE) {
                for s in 0..segments {
                    let rows = segment(patch, R, s);
                    if segments > 1 {
                        row_offsets(rows.clone(), &mut offsets);
                        weights = widen(w, patch, channels.clone(), rows.clone(), &mut wide);
                    }
                    let rows = &offsets[..rows.len()];
                    conv_tile(level, &weights[..n], &block[at..], rows, sums, s > 0);
                }
                let range = at..end.min(at + TILE);
                let (to, count, in_order) = tile_picks(g, wp, top, range, &mut picks);
                if count == 0 {
                    continue; // all past the rows' ends (a kernel wider than a tile)
                }
                for ((c, acc), channel) in channels.clone().zip(sums.iter()).zip(&requants) {
                    // Sixteen bytes where the plane has room: those past `count` land on later
                    // positions, which later tiles write (positions are written in order).
                    let plane = &mut y[c * positions..][..positions];
                    let out = &mut plane[to..(to + TILE).min(positions).max(to + count)];
                    if in_order {
                        requantize(level, channel, acc, out);
                    } else {
                        requantize_picked(level, channel, acc, &picks, out);
                    }
                }
            }
        }
    }
}

/// Which of band positions `range` (at most [`TILE`], see [`banded`]) are outputs: their
/// indices in the tile into `picks`; returns the first one's output position, their count (the
/// outputs of a tile are consecutive positions of the output) and whether they are the tile's
/// first positions in order (then `picks` is left as it was).
#[inline(always)]
fn tile_picks(
    g: &ConvGeom,
    wp: usize,
    top: usize,
    range: Range<usize>,
    picks: &mut [u8; TILE],
) -> (usize, usize, bool) {
    let (mut oy, mut ox) = (range.start / wp, range.start % wp);
    if ox + range.len() <= g.ow {
        return ((top + oy) * g.ow + ox, range.len(), true); // inside one row: every position
    }
    // run by run: a row's outputs, then its padding positions
    let (mut first, mut count, mut k) = (None, 0, 0);
    while k < range.len() {
        let left = range.len() - k;
        if ox < g.ow {
            let run = (g.ow - ox).min(left);
            first.get_or_insert((top + oy) * g.ow + ox);
            for (d, p) in picks[count..count + run].iter_mut().zip(k..) {
                *d = p as u8;
            }
            (count, k, ox) = (count + run, k + run, ox + run);
        } else {
            let skip = (wp - ox).min(left);
            (k, ox) = (k + skip, ox + skip);
        }
        if ox == wp {
            (oy, ox) = (oy + 1, 0);
        }
    }
    (first.unwrap_or(0), count, count == TILE)
}

/// The padded input rows `top..top + height` (padded coordinates) of every channel as `x −
/// zero_point` into `block` (see [`banded`]), then a zeroed tile after them.
#[inline(always)]
fn pad(g: &ConvGeom, x: &[i8], zero_point: i32, top: usize, height: usize, block: &mut [i16]) {
    let wp = g.w + 2 * g.pw;
    let copied = g.c_in * height * wp;
    for (r, line) in block[..copied].chunks_exact_mut(wp).enumerate() {
        let (c, iy) = (r / height, (top + r % height).wrapping_sub(g.ph));
        if iy >= g.h {
            line.fill(0);
            continue;
        }
        let row = &x[(c * g.h + iy) * g.w..][..g.w];
        line[..g.pw].fill(0);
        for (d, v) in line[g.pw..g.pw + g.w].iter_mut().zip(row) {
            *d = i32::from(*v).wrapping_sub(zero_point) as i16;
        }
        line[g.pw + g.w..].fill(0);
    }
    block[copied..copied + TILE].fill(0);
}

/// Patch row `r` as `(c, ki, kj)`: rows run in that order.
#[inline(always)]
fn row_at(g: &ConvGeom, r: usize) -> (usize, usize, usize) {
    let taps = g.kh * g.kw;
    (r / taps, r % taps / g.kw, r % g.kw)
}

/// The patch row after `(c, ki, kj)`: rows run in that order.
#[inline(always)]
fn next_row(g: &ConvGeom, c: usize, ki: usize, kj: usize) -> (usize, usize, usize) {
    match (kj + 1 == g.kw, ki + 1 == g.kh) {
        (false, _) => (c, ki, kj + 1),
        (true, false) => (c, ki + 1, 0),
        (true, true) => (c + 1, 0, 0),
    }
}

/// Any stride: tiles' patches gathered into the block (see [`gather`]), up to four tiles per
/// gather when their patches fit, a longer patch in segments.
#[inline(always)]
fn gathered(level: Level, g: &ConvGeom, x: &[i8], w: &[i8], q: &Channels<'_>, y: &mut [i8]) {
    let (patch, positions) = (g.patch(), g.positions());
    let segments = patch.div_ceil(SEGMENT).max(1);
    // Tiles per gather: one when the patch takes segments, else as many as the block holds
    // (with a row of room for the gather's writes past the last).
    let tiles = match segments {
        1 => (INT8_BLOCK / ((patch + 1) * TILE)).clamp(1, WIDE),
        _ => 1,
    };
    let width = tiles * TILE;
    let mut block = [0i16; INT8_BLOCK];
    let mut offsets = [0u16; SEGMENT];
    for (r, d) in offsets.iter_mut().enumerate() {
        *d = (r * width) as u16;
    }
    let mut wide = [[0i16; SEGMENT]; INT8_CHANNELS];
    let mut sums = [[0i32; TILE]; INT8_CHANNELS];
    for start in (0..positions).step_by(width) {
        let n = width.min(positions - start);
        for first in (0..g.c_out).step_by(INT8_CHANNELS) {
            let channels = first..g.c_out.min(first + INT8_CHANNELS);
            let requants = channels_of(q, channels.clone());
            let mut single: [&[i16]; INT8_CHANNELS] = [&[]; INT8_CHANNELS];
            for tile in (0..n).step_by(TILE) {
                let sums = &mut sums[..channels.len()];
                for s in 0..segments {
                    let rows = segment(patch, SEGMENT, s);
                    // A gather serves every channel and tile of one segment: once per `start`
                    // when there is one segment, else once per segment and channel pass.
                    if tile == 0 && (segments > 1 || first == 0) {
                        let zp = q.input_zero_point;
                        gather(g, x, zp, start..start + n, rows.clone(), &mut block, width);
                    }
                    // with one segment, the weights are widened once for every tile
                    if tile == 0 || segments > 1 {
                        single = widen(w, patch, channels.clone(), rows.clone(), &mut wide);
                    }
                    let (weights, rows) = (&single[..channels.len()], &offsets[..rows.len()]);
                    conv_tile(level, weights, &block[tile..], rows, sums, s > 0);
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
/// zero_point`: row `r` of position `range.start + k` at `block[(r − rows.start) · width + k]`;
/// 0 at the padding and for positions past `range`. A patch row is `(c, ki, kj)` in that order.
/// Positions of one output row read one run of input columns: with stride 1 converted sixteen
/// at a time (the lanes past the run zeroed), otherwise one column at a time.
#[inline(always)]
fn gather(
    g: &ConvGeom,
    x: &[i8],
    zero_point: i32,
    range: Range<usize>,
    rows: Range<usize>,
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
    let (mut c, mut ki, mut kj) = row_at(g, rows.start);
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
        (c, ki, kj) = next_row(g, c, ki, kj);
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
            (8, 3, 12, 30, 3, 3, 1, 1, 1, 1), // bands of 5 output rows
            (40, 5, 4, 20, 3, 3, 1, 1, 1, 1), // one output row's input past the block
            (16, 8, 5, 5, 1, 1, 1, 1, 0, 0), // pointwise
            (3, 2, 6, 7, 2, 4, 1, 1, 0, 2),  // rectangular kernel and padding
            (1, 8, 8, 8, 3, 3, 1, 1, 1, 1),  // tiles across row ends (the small block)
            (2, 3, 5, 5, 3, 3, 1, 1, 1, 1),  // a small input, its patch past a small segment
            (2, 3, 20, 1, 3, 1, 1, 1, 1, 0), // rows one wide: a tile spans 16 of them
            (1, 2, 3, 34, 1, 33, 1, 1, 0, 0), // a tile with no outputs
            (0, 2, 3, 3, 3, 3, 1, 1, 1, 1),  // no input channels: the bias alone
            (0, 2, 3, 3, 3, 3, 2, 2, 1, 1),  // and gathered
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
            assert!(c_in == 0 || want.iter().any(|&v| v != want[0]));
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
