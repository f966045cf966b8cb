//! The AVX-512 transposing copy of the own product's packing ([`pack`](super::pack)): sixteen
//! lanes that each run contiguously along the sum (a dense layer's `[out, in]` weights read as
//! `Wᵀ`) into panel rows of sixteen lanes a step, sixteen steps at a time by a 16×16 transpose
//! in registers — 16 loads, 64 shuffles and 16 stores for 256 values, where gathers cost one
//! instruction of sixteen loads per step.

use super::{x86_gemm, Level};
use core::arch::x86_64::*;

/// For `s < steps`: `out[s·out_stride + t] = data[start + t·lane + s]` for the `live` lanes
/// `t < live`, and 0 for the lanes `live ≤ t < width ≤ 16` (a panel's padding); lanes from
/// `width` on are not written.
///
/// Panics unless `level` has the microkernel, `live ≤ width ≤ 16`, every read lies in `data`
/// and every store in `out`.
#[allow(clippy::too_many_arguments)]
pub(super) fn transpose_steps(
    level: Level,
    data: &[f32],
    start: usize,
    lane: usize,
    (live, width): (usize, usize),
    steps: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    if steps == 0 {
        return;
    }
    assert!(x86_gemm::has_kernel(level) && live <= width && width <= 16);
    let last = live
        .checked_sub(1)
        .map_or(Some(start), |l| l.checked_mul(lane))
        .and_then(|reach| reach.checked_add(start))
        .and_then(|s| s.checked_add(steps - 1));
    assert!(live == 0 || matches!(last, Some(last) if last < data.len()));
    assert!(out.len() >= (steps - 1) * out_stride + width);
    // SAFETY: detection found AVX-512F; the asserts prove every read (lane `t < live`, step
    // `s < steps`: `start + t·lane + s ≤ start + (live − 1)·lane + steps − 1`) lies in
    // `data` and every store (`width` values at `s·out_stride`, `s < steps`) in `out`.
    unsafe {
        transpose_avx512(
            data.as_ptr(),
            (start, lane, live),
            steps,
            (out.as_mut_ptr(), out_stride, width),
        )
    }
}

/// The transpose in blocks of sixteen steps; the last block's steps past `steps` are neither
/// read (masked loads) nor stored, nor are the lanes from `width` on.
///
/// # Safety
/// AVX-512F is available; the reads and stores `transpose_steps` checks lie in the
/// allocations behind `data` and `out`.
#[target_feature(enable = "avx512f")]
unsafe fn transpose_avx512(
    data: *const f32,
    (start, lane, live): (usize, usize, usize),
    steps: usize,
    (out, out_stride, width): (*mut f32, usize, usize),
) {
    let stored: __mmask16 = if width == 16 {
        0xffff
    } else {
        (1 << width) - 1
    };
    let mut s0 = 0;
    while s0 < steps {
        let count = (steps - s0).min(16);
        let mask: __mmask16 = if count == 16 {
            0xffff
        } else {
            (1 << count) - 1
        };
        let mut rows = [_mm512_setzero_ps(); 16];
        for (t, row) in rows.iter_mut().enumerate() {
            // a lane past `live` loads nothing (no lane of its mask is set; its address is
            // only computed, wrapping)
            let lanes = if t < live { mask } else { 0 };
            let at = data.wrapping_add(start.wrapping_add(t.wrapping_mul(lane)) + s0);
            // SAFETY: lane `t < live`, steps `s0..s0 + count` under `mask` (the caller's
            // check); a lane past `live` reads nothing.
            *row = unsafe { _mm512_maskz_loadu_ps(lanes, at) };
        }
        let columns = {
            let r = &rows;
            // The transpose: pairs of rows interleaved (`unpack*_ps`), then pairs of pairs
            // (`unpack*_pd`), leaving each 128-bit block a 4×4 transpose; then the blocks are
            // exchanged across registers (`shuffle_f32x4`, twice).
            // t[2q], t[2q + 1]: rows 2q and 2q + 1 interleaved, low and high half of each block
            let mut t = [_mm512_setzero_ps(); 16];
            for q in 0..8 {
                t[2 * q] = _mm512_unpacklo_ps(r[2 * q], r[2 * q + 1]);
                t[2 * q + 1] = _mm512_unpackhi_ps(r[2 * q], r[2 * q + 1]);
            }
            // u[4i + c], block L: column 4L + c of rows 4i..4i + 4
            let mut u = [_mm512_setzero_ps(); 16];
            for i in 0..4 {
                for h in 0..2 {
                    let a = _mm512_castps_pd(t[4 * i + h]);
                    let b = _mm512_castps_pd(t[4 * i + h + 2]);
                    u[4 * i + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
                    u[4 * i + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
                }
            }
            // column 4L + c = blocks L of u[c], u[4 + c], u[8 + c], u[12 + c]
            let mut cols = [_mm512_setzero_ps(); 16];
            for c in 0..4 {
                let low = _mm512_shuffle_f32x4::<0x44>(u[c], u[4 + c]); // blocks 0, 1 of each
                let high = _mm512_shuffle_f32x4::<0xEE>(u[c], u[4 + c]); // blocks 2, 3
                let low2 = _mm512_shuffle_f32x4::<0x44>(u[8 + c], u[12 + c]);
                let high2 = _mm512_shuffle_f32x4::<0xEE>(u[8 + c], u[12 + c]);
                cols[c] = _mm512_shuffle_f32x4::<0x88>(low, low2);
                cols[4 + c] = _mm512_shuffle_f32x4::<0xDD>(low, low2);
                cols[8 + c] = _mm512_shuffle_f32x4::<0x88>(high, high2);
                cols[12 + c] = _mm512_shuffle_f32x4::<0xDD>(high, high2);
            }
            cols
        };
        let take = if count == 16 { 16 } else { count };
        for (s, column) in columns.iter().enumerate().take(take) {
            // SAFETY: step `s0 + s < steps`, its lanes below `width` (the caller's check).
            unsafe { _mm512_mask_storeu_ps(out.add((s0 + s) * out_stride), stored, *column) };
        }
        s0 += 16;
    }
}
