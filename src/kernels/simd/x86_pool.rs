//! The AVX-512 form of 2×2 max pooling over a band of input row pairs, forward
//! ([`super::max_pool_pairs_forward`]) and backward ([`super::max_pool_pairs_backward`]): one
//! call for a whole band (a sample's or a channel's rows), sixteen windows per step, the rows'
//! even and odd columns separated by `vpermt2ps`; forward takes the maxima as `f32::max` does,
//! backward gives the gradient to the first position holding the maximum by mask arithmetic
//! and interleaves the gradients back; short rows by masked loads and stores.

use super::{Isa, Level};
use core::arch::x86_64::*;

/// Whether `level` has this kernel.
pub(super) fn has_kernel(level: Level) -> bool {
    level.0 == Isa::Avx512
}

/// See [`super::max_pool_pairs_forward`]; the caller checked the level and that `x` holds
/// the band (`band_fits`).
pub(super) fn pairs_forward(level: Level, x: &[f32], w: usize, ow: usize, m: &mut [f32]) {
    assert!(has_kernel(level) && band_fits(x.len(), w, ow, m.len()));
    // SAFETY: detection found AVX-512F (the `Level`).
    unsafe { band_forward_avx512(x, w, ow, m) }
}

/// Whether a band of `m_len / ow` row pairs of `w`-value rows, each read for `2·ow` values,
/// lies within `x_len` values.
pub(super) fn band_fits(x_len: usize, w: usize, ow: usize, m_len: usize) -> bool {
    ow > 0
        && 2 * ow <= w
        && m_len.is_multiple_of(ow)
        && (m_len == 0 || (2 * (m_len / ow) - 1) * w + 2 * ow <= x_len)
}

/// # Safety
/// AVX-512F is available.
#[target_feature(enable = "avx512f")]
unsafe fn band_forward_avx512(x: &[f32], w: usize, ow: usize, m: &mut [f32]) {
    for i in 0..m.len() / ow {
        let mi = &mut m[i * ow..][..ow];
        let (top, bottom) = (&x[2 * i * w..][..2 * ow], &x[(2 * i + 1) * w..][..2 * ow]);
        // SAFETY: AVX-512F (this function's contract); the rows hold `2·ow` values and `mi`
        // `ow` (their lengths, from the slicing above).
        unsafe { pairs_forward_avx512(ow, [top, bottom], mi) }
    }
}

/// One row pair of the band.
///
/// # Safety
/// AVX-512F is available; both rows hold `2·ow` values and `m` holds `ow`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn pairs_forward_avx512(ow: usize, rows: [&[f32]; 2], m: &mut [f32]) {
    for w0 in (0..ow).step_by(16) {
        let (windows, lo, hi) = masks(ow, w0);
        // SAFETY: window `w0 + t` for `t < 16` and `w0 + t < ow` reads values `2·(w0 + t)` and
        // `2·(w0 + t) + 1` of each row (`< 2·ow`) and writes value `w0 + t` of `m` (`< ow`);
        // the masks enable exactly those lanes.
        unsafe {
            let (t0, t1) = split(rows[0], w0, lo, hi);
            let (b0, b1) = split(rows[1], w0, lo, hi);
            // the loop's order: the top pair's maximum, then the larger with the bottom pair's
            let top = max_number(t0, t1);
            let bottom = max_number(b0, b1);
            _mm512_mask_storeu_ps(m.as_mut_ptr().add(w0), windows, max_number(top, bottom));
        }
    }
}

/// `f32::max` per lane: `vmaxps` with the operands swapped, then `b` where `a` is NaN (a NaN
/// is passed over, as the loop does). A maximum of two zeros keeps `a`'s sign, which
/// `f32::max` leaves open (compilers differ).
#[inline]
#[target_feature(enable = "avx512f")]
fn max_number(a: __m512, b: __m512) -> __m512 {
    let larger = _mm512_max_ps(b, a);
    _mm512_mask_mov_ps(larger, _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(a, a), b)
}

/// The masks of the windows `w0..` of `ow` (at most sixteen), and of the first and second
/// sixteen of their `2·count` row values.
#[inline]
fn masks(ow: usize, w0: usize) -> (__mmask16, __mmask16, __mmask16) {
    let count = (ow - w0).min(16);
    (
        ((1u32 << count) - 1) as u16,
        ((1u32 << (2 * count).min(16)) - 1) as u16,
        ((1u32 << (2 * count).saturating_sub(16)) - 1) as u16,
    )
}

/// A row's even and odd columns from value `2·w0` on, as [`masks`] enable them.
///
/// # Safety
/// AVX-512F is present, and every lane `lo` and `hi` enable (values `2·w0 ..` and
/// `2·w0 + 16 ..` of `row`) lies within `row`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn split(row: &[f32], w0: usize, lo: __mmask16, hi: __mmask16) -> (__m512, __m512) {
    let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    // SAFETY: the caller's contract: the enabled lanes lie within `row`.
    let (a, b) = unsafe {
        (
            _mm512_maskz_loadu_ps(lo, row.as_ptr().add(2 * w0)),
            _mm512_maskz_loadu_ps(hi, row.as_ptr().add(2 * w0 + 16)),
        )
    };
    (
        _mm512_permutex2var_ps(a, even, b),
        _mm512_permutex2var_ps(a, odd, b),
    )
}

/// See [`super::max_pool_pairs_backward`]; the caller checked the level and that `x` and `dx`
/// hold the band and `m` and `d` match (`band_fits`).
pub(super) fn pairs_backward(
    level: Level,
    (x, w, ow): (&[f32], usize, usize),
    m: &[f32],
    d: &[f32],
    dx: &mut [f32],
) {
    assert!(has_kernel(level) && d.len() == m.len());
    assert!(band_fits(x.len(), w, ow, m.len()) && band_fits(dx.len(), w, ow, m.len()));
    // SAFETY: detection found AVX-512F (the `Level`).
    unsafe { band_backward_avx512((x, w, ow), m, d, dx) }
}

/// # Safety
/// AVX-512F is available.
#[target_feature(enable = "avx512f")]
unsafe fn band_backward_avx512(
    (x, w, ow): (&[f32], usize, usize),
    m: &[f32],
    d: &[f32],
    dx: &mut [f32],
) {
    // (index loops, not iterator adapters: an adapter instantiated here for `f32` is shared
    // with size-optimized dependents, which then call it instead of inlining their own)
    for i in 0..m.len() / ow {
        let (mi, di) = (&m[i * ow..][..ow], &d[i * ow..][..ow]);
        let (top, bottom) = (&x[2 * i * w..][..2 * ow], &x[(2 * i + 1) * w..][..2 * ow]);
        let pair = &mut dx[2 * i * w..][..w + 2 * ow];
        // SAFETY: AVX-512F (this function's contract); the lengths the slicing above gave.
        unsafe { pairs_avx512((ow, w), [top, bottom], mi, di, pair) }
    }
}

/// One row pair of the band.
///
/// # Safety
/// AVX-512F is available; `rows` hold `2·ow` values, `m` and `d` hold `ow`, and `dx` holds
/// the pair's gradient rows, `w ≥ 2·ow` apart (`w + 2·ow` values).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn pairs_avx512(
    (ow, w): (usize, usize),
    rows: [&[f32]; 2],
    m: &[f32],
    d: &[f32],
    dx: &mut [f32],
) {
    let low = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    let high = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    let zero = _mm512_setzero_ps();
    for w0 in (0..ow).step_by(16) {
        let (windows, lo, hi) = masks(ow, w0);
        // SAFETY (every load and store below): window `w0 + t` for `t < 16` and `w0 + t < ow`
        // reads values `2·(w0 + t)` and `2·(w0 + t) + 1` of a row (`< 2·ow`) and value
        // `w0 + t` of `m` and `d` (`< ow`); the masks enable exactly those lanes.
        let (t0, t1, b0, mv, dv) = unsafe {
            let (t0, t1) = split(rows[0], w0, lo, hi);
            let (b0, _) = split(rows[1], w0, lo, hi); // bottom right: what is left
            let mv = _mm512_maskz_loadu_ps(windows, m.as_ptr().add(w0));
            let dv = _mm512_maskz_loadu_ps(windows, d.as_ptr().add(w0));
            (t0, t1, b0, mv, dv)
        };
        // the first position (top left, top right, bottom left, bottom right) equal to the max
        let h0 = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(t0, mv);
        let h1 = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(t1, mv) & !h0;
        let h2 = _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(b0, mv) & !(h0 | h1);
        let h3 = !(h0 | h1 | h2);
        let o0 = _mm512_mask_mov_ps(zero, h0 & windows, dv);
        let o1 = _mm512_mask_mov_ps(zero, h1 & windows, dv);
        let o2 = _mm512_mask_mov_ps(zero, h2 & windows, dv);
        let o3 = _mm512_mask_mov_ps(zero, h3 & windows, dv);
        macro_rules! join {
            ($row:expr, $a:expr, $b:expr) => {{
                let at = dx.as_mut_ptr().add($row + 2 * w0);
                _mm512_mask_storeu_ps(at, lo, _mm512_permutex2var_ps($a, low, $b));
                _mm512_mask_storeu_ps(at.add(16), hi, _mm512_permutex2var_ps($a, high, $b));
            }};
        }
        // SAFETY: as above, for the stores into the top row (`dx[..2·ow]`) and the bottom
        // one (`dx[w..w + 2·ow]`).
        unsafe {
            join!(0, o0, o1);
            join!(w, o2, o3);
        }
    }
}
