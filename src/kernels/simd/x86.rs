//! AVX2 forms of the kernels in [`super`]: `i8` values widened to `i16` (`vpmovsxbw`), pair
//! products summed into `i32` lanes (`vpmaddwd`). Each public function takes a [`Level`] of AVX2,
//! which only the detection in [`super`] makes: that is the check behind every `unsafe` call of
//! a `#[target_feature]` function here.

use super::{dot_from, Channel, Isa, Level, TILE};
use core::arch::x86_64::*;

/// [`super::vectorized`] at AVX2.
#[inline(always)]
pub(super) fn vectorized<R>(level: Level, f: impl FnOnce() -> R) -> R {
    debug_assert!(level.has_avx2());
    // SAFETY: as in `dense_dots`, the `Level` proves AVX2 (and FMA: detection asks for both).
    unsafe { with_avx2_fma(f) }
}

#[target_feature(enable = "avx2,fma")]
unsafe fn with_avx2_fma<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// [`super::vectorized`] at AVX-512.
#[inline(always)]
pub(super) fn vectorized_512<R>(level: Level, f: impl FnOnce() -> R) -> R {
    debug_assert_eq!(level.0, Isa::Avx512);
    // SAFETY: a `Level` of AVX-512 is made only after detection found AVX-512F, AVX2 and FMA.
    unsafe { with_avx512(f) }
}

#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn with_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// The AVX2 [`super::dense_dots`]; `w.len() == out.len() · x.len()` (the caller sliced it).
pub(super) fn dense_dots(level: Level, x: &[i8], w: &[i8], out: &mut [i32]) {
    debug_assert_eq!(w.len(), out.len() * x.len());
    if level.has_avx2() {
        // SAFETY: a `Level` of AVX2 exists only after `is_x86_feature_detected!("avx2")` (or
        // the build's `target_feature = "avx2"`) said yes, so the CPU runs AVX2 instructions.
        unsafe { dense_dots_avx2(x, w, out) }
    }
}

#[target_feature(enable = "avx2")]
unsafe fn dense_dots_avx2(x: &[i8], w: &[i8], out: &mut [i32]) {
    let n = x.len();
    if n == 0 {
        return out.fill(0);
    }
    let whole = n - n % 16;
    let rows = w.chunks_exact(n);
    let mut rows_and_outs = rows.zip(out.iter_mut()).peekable();
    while rows_and_outs.peek().is_some() {
        // up to four rows share each load of the input
        let mut group: [(&[i8], Option<&mut i32>); 4] =
            [(&[], None), (&[], None), (&[], None), (&[], None)];
        let mut count = 0;
        for slot in group.iter_mut() {
            if let Some((row, o)) = rows_and_outs.next() {
                *slot = (row, Some(o));
                count += 1;
            }
        }
        let mut acc = [_mm256_setzero_si256(); 4];
        for k in (0..whole).step_by(16) {
            // SAFETY: `k + 16 <= whole <= n = x.len()`, and each row of the group has `n`
            // values (or is unused, `count` rows only): every 16-byte load is inside its slice.
            unsafe {
                let xv = _mm256_cvtepi8_epi16(_mm_loadu_si128(x.as_ptr().add(k).cast()));
                for (a, (row, _)) in acc.iter_mut().zip(&group).take(count) {
                    let wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(row.as_ptr().add(k).cast()));
                    *a = _mm256_add_epi32(*a, _mm256_madd_epi16(xv, wv));
                }
            }
        }
        let sums = sum_lanes(acc);
        for (&sum, (row, o)) in sums.iter().zip(group.iter_mut()).take(count) {
            if let Some(o) = o.take() {
                *o = dot_from(sum, &row[whole..], &x[whole..]);
            }
        }
    }
}

/// The lane sums of four vectors.
#[target_feature(enable = "avx2")]
unsafe fn sum_lanes(v: [__m256i; 4]) -> [i32; 4] {
    let s01 = _mm256_hadd_epi32(v[0], v[1]);
    let s23 = _mm256_hadd_epi32(v[2], v[3]);
    let s = _mm256_hadd_epi32(s01, s23);
    let s = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256::<1>(s));
    let mut out = [0i32; 4];
    // SAFETY: `out` is 16 bytes, the width of the store.
    unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), s) };
    out
}

/// The AVX2 [`super::conv_tile`]; every row lies in `cols` and every weight slice has
/// `rows.len()` values or more (the caller checked).
pub(super) fn conv_tile(
    level: Level,
    w: &[&[i16]],
    cols: &[i16],
    rows: &[u16],
    acc: &mut [[i32; TILE]],
    add: bool,
) {
    if !level.has_avx2() {
        return;
    }
    let mut c = 0;
    while c < w.len() {
        // four channels share each load of the rows; the rest one at a time
        let step = if w.len() - c >= 4 { 4 } else { 1 };
        let (w, acc) = (&w[c..c + step], &mut acc[c..c + step]);
        // SAFETY: as in `dense_dots`, the `Level` proves AVX2; the rows and weights were
        // checked by the caller.
        unsafe {
            if step == 4 {
                conv_tile_avx2::<4>(w, cols, rows, acc, add)
            } else {
                conv_tile_avx2::<1>(w, cols, rows, acc, add)
            }
        }
        c += step;
    }
}

/// `C` channels of a tile, two patch rows at a time: the rows interleaved
/// (`vpunpcklwd`/`vpunpckhwd`: positions 0–3 and 8–11 in one vector, 4–7 and 12–15 in the other)
/// against each channel's two weights broadcast as one `i32` (`vpmaddwd`), so the sums sit in
/// that order until the store. An odd last row is paired with itself under a zero weight.
///
/// # Safety
/// AVX2; `rows[r] + TILE <= cols.len()` for every row, `w.len() >= C` and `w[c].len() >=
/// rows.len()` for every channel.
#[target_feature(enable = "avx2")]
unsafe fn conv_tile_avx2<const C: usize>(
    w: &[&[i16]],
    cols: &[i16],
    rows: &[u16],
    acc: &mut [[i32; TILE]],
    add: bool,
) {
    let acc = &mut acc[..C];
    let weights: [*const i16; C] = core::array::from_fn(|c| w[c].as_ptr());
    let mut lo = [_mm256_setzero_si256(); C];
    let mut hi = [_mm256_setzero_si256(); C];
    for c in (0..C).filter(|_| add) {
        // SAFETY: each `acc` row is `TILE` = 16 `i32`s, two 32-byte vectors.
        let (p0, p8) = unsafe {
            (
                _mm256_loadu_si256(acc[c].as_ptr().cast()),
                _mm256_loadu_si256(acc[c][8..].as_ptr().cast()),
            )
        };
        lo[c] = _mm256_permute2x128_si256::<0x20>(p0, p8);
        hi[c] = _mm256_permute2x128_si256::<0x31>(p0, p8);
    }
    let cols = cols.as_ptr();
    let whole = rows.len() / 2;
    for j in 0..rows.len().div_ceil(2) {
        let r0 = usize::from(rows[2 * j]);
        let r1 = if j < whole {
            usize::from(rows[2 * j + 1])
        } else {
            r0
        };
        // SAFETY: both rows are in `cols` (16 `i16`s from each, one 32-byte load; the caller
        // checked `row + TILE <= cols.len()`).
        let (first_row, second_row) = unsafe {
            (
                _mm256_loadu_si256(cols.add(r0).cast()),
                _mm256_loadu_si256(cols.add(r1).cast()),
            )
        };
        let (a, b) = (
            _mm256_unpacklo_epi16(first_row, second_row),
            _mm256_unpackhi_epi16(first_row, second_row),
        );
        for c in 0..C {
            // SAFETY: weights `2j` and, for `j < whole`, `2j + 1` are below `rows.len() <=
            // w[c].len()`; the pair is read unaligned.
            let pair = unsafe {
                if j < whole {
                    weights[c].add(2 * j).cast::<i32>().read_unaligned()
                } else {
                    i32::from(*weights[c].add(2 * j) as u16)
                }
            };
            let pair = _mm256_set1_epi32(pair);
            lo[c] = _mm256_add_epi32(lo[c], _mm256_madd_epi16(a, pair));
            hi[c] = _mm256_add_epi32(hi[c], _mm256_madd_epi16(b, pair));
        }
    }
    for c in 0..C {
        let (p0, p8) = (
            _mm256_permute2x128_si256::<0x20>(lo[c], hi[c]),
            _mm256_permute2x128_si256::<0x31>(lo[c], hi[c]),
        );
        // SAFETY: as the loads of `acc` above.
        unsafe {
            _mm256_storeu_si256(acc[c].as_mut_ptr().cast(), p0);
            _mm256_storeu_si256(acc[c][8..].as_mut_ptr().cast(), p8);
        }
    }
}

/// The AVX2 [`super::requantize`] for `shift ≥ 25` and an `i8` zero point (the caller checked):
/// `false`, with `out` untouched, when some `acc + bias` leaves `i32`.
pub(super) fn requantize(
    level: Level,
    channel: &Channel,
    acc: &[i32; TILE],
    picks: Option<&[u8; TILE]>,
    out: &mut [i8],
) -> bool {
    if !level.has_avx2() {
        return false;
    }
    // SAFETY: as in `dense_dots`, the `Level` proves AVX2.
    unsafe { requantize_avx2(channel, acc, picks, out) }
}

/// Sixteen outputs of one channel, in 64-bit lanes: `s = acc + bias` (checked for `i32`
/// overflow), then the rounding half away from zero as `sign(s) · ((|s| · m + 2^(shift−1)) >>
/// shift)` — unsigned products (`vpmuldq`'s unsigned form `vpmuludq` on `|s|`, even and odd
/// lanes), a logical shift, the sign put back by `vpsignd` — then saturating packs with the zero
/// point added in `i16`, which saturate as the `i64` sum would (|zp| ≤ 128). That is the
/// portable `(v + half − [v < 0]) >> shift` for `v = s · m`: with `u = |v|` and `u + half = q ·
/// 2^shift + r`, `−u + half − 1 = −q · 2^shift + (2^shift − 1 − r)`, whose floor is `−q`; and
/// `q < 2^31` because `m < 2^25 ≤ 2^shift`.
#[target_feature(enable = "avx2")]
unsafe fn requantize_avx2(
    channel: &Channel,
    acc: &[i32; TILE],
    picks: Option<&[u8; TILE]>,
    out: &mut [i8],
) -> bool {
    let zero = _mm256_setzero_si256();
    let bias = _mm256_set1_epi32(channel.bias as i32);
    let multiplier = _mm256_set1_epi64x(channel.multiplier);
    let half = _mm256_set1_epi64x(channel.half());
    let count = _mm_cvtsi32_si128(channel.shift as i32);
    let round = |p: __m256i| _mm256_srl_epi64(_mm256_add_epi64(p, half), count);
    let mut overflow = zero;
    let mut halves = [zero; 2];
    for (h, out) in halves.iter_mut().enumerate() {
        // SAFETY: `acc` is 16 `i32`s; the load reads eight from `8·h`.
        let a = unsafe { _mm256_loadu_si256(acc[8 * h..].as_ptr().cast()) };
        let s = _mm256_add_epi32(a, bias);
        overflow = _mm256_or_si256(
            overflow,
            _mm256_and_si256(_mm256_xor_si256(a, s), _mm256_xor_si256(bias, s)),
        );
        // |i32::MIN| is 2^31 as the unsigned value the products read
        let magnitude = _mm256_abs_epi32(s);
        let even = round(_mm256_mul_epu32(magnitude, multiplier));
        let odd = round(_mm256_mul_epu32(
            _mm256_srli_epi64::<32>(magnitude),
            multiplier,
        ));
        let q = _mm256_blend_epi32::<0b1010_1010>(even, _mm256_slli_epi64::<32>(odd));
        *out = _mm256_sign_epi32(q, s);
    }
    if _mm256_movemask_ps(_mm256_castsi256_ps(overflow)) != 0 {
        return false;
    }
    // i16 lanes: [h0 0..4, h1 0..4 | h0 4..8, h1 4..8]
    let words = _mm256_adds_epi16(
        _mm256_packs_epi32(halves[0], halves[1]),
        _mm256_set1_epi16(channel.zero_point as i16),
    );
    // bytes of each 128-bit lane: its eight words, twice; dwords 0, 4, 1, 5 are the order
    let packed = _mm256_packs_epi16(words, words);
    let ordered = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 0, 4, 1, 5));
    let mut ordered = _mm256_castsi256_si128(ordered);
    if let Some(picks) = picks {
        // SAFETY: `picks` is 16 bytes, the width of the load.
        let picks = unsafe { _mm_loadu_si128(picks.as_ptr().cast()) };
        ordered = _mm_shuffle_epi8(ordered, _mm_and_si128(picks, _mm_set1_epi8(15)));
    }
    if out.len() == TILE {
        // SAFETY: `out` is 16 bytes, the width of the store.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), ordered) };
    } else {
        let mut bytes = [0i8; TILE];
        // SAFETY: `bytes` is 16 bytes, the width of the store.
        unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), ordered) };
        for (o, b) in out.iter_mut().zip(bytes) {
            *o = b;
        }
    }
    true
}
