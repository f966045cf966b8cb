//! The AVX-512 microkernel of [`sgemm`](super::sgemm): one [`MR`]×[`NR`] tile of `A·B` from
//! a panel of each, its sixteen accumulators (`zmm`) kept in registers over the whole sum.

use super::{Isa, Level};
use core::arch::x86_64::*;

/// Rows of a tile: eight broadcasts of A per step of the sum.
pub(super) const MR: usize = 8;
/// Columns of a tile: two 16-lane vectors of B per step.
pub(super) const NR: usize = 32;

/// Whether `level` has this microkernel.
pub(super) fn has_kernel(level: Level) -> bool {
    level.0 == Isa::Avx512
}

/// Where a tile's [`MR`] rows of A lie: value `(r, p)` (row `r`, step `p` of the sum) at
/// `data[rows[r] + p·step]`. A packed panel has `rows[r] = r` and `step = MR`; A read where it
/// lies has its rows' starts and the stride along the sum (1 for a row-major A, its row count
/// apart for a transposed one), so its rows need no packing.
#[derive(Clone, Copy, Debug)]
pub(super) struct ARows<'a> {
    pub(super) data: &'a [f32],
    pub(super) rows: [usize; MR],
    pub(super) step: usize,
}

impl<'a> ARows<'a> {
    /// A packed panel: `MR` values a step.
    pub(super) fn packed(panel: &'a [f32]) -> Self {
        Self {
            data: panel,
            rows: core::array::from_fn(|r| r),
            step: MR,
        }
    }

    /// Whether every value of `kc` steps lies in `data`: the last step's farthest row,
    /// `max(rows) + (kc − 1)·step`, is inside (no overflow).
    fn holds(&self, kc: usize) -> bool {
        let farthest = self.rows.iter().copied().max().unwrap_or(0);
        let last = (kc - 1)
            .checked_mul(self.step)
            .and_then(|s| s.checked_add(farthest));
        matches!(last, Some(last) if last < self.data.len())
    }
}

/// `tile = A·B_panel` over `kc ≥ 1` steps (`a`: `MR` rows of `kc` steps; `b`: `kc·NR`
/// values, step by step), the tile row-major `MR × NR`.
///
/// Panics unless `level` has the kernel and the operands hold `kc` steps.
pub(super) fn tile(level: Level, kc: usize, a: ARows<'_>, b: &[f32], tile: &mut [f32; MR * NR]) {
    assert!(has_kernel(level) && kc > 0 && a.holds(kc) && b.len() >= kc * NR);
    // SAFETY: a `Level` of AVX-512 is made only after detection found AVX-512F; the assert
    // above proves every read (`kc` steps of A's MR rows, `ARows::holds`, and NR values of
    // `b` a step); the tile is MR rows of NR values, the stores' extent.
    unsafe {
        tile_avx512(
            kc,
            (a.data.as_ptr(), a.rows, a.step),
            b.as_ptr(),
            tile.as_mut_ptr(),
            NR,
            Combine::Set(1.0),
        )
    }
}

/// How [`tile_into`] combines the tile `t` with `C`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Combine {
    /// `C = alpha·t`.
    Set(f32),
    /// `C = alpha·t + beta·C`.
    Scale(f32, f32),
    /// `C += alpha·t`.
    Add(f32),
}

/// [`tile`] straight into a whole `MR × NR` block of `c` (rows `ldc` apart), combined as
/// `combine` says: no tile buffer to copy when the sum is short.
///
/// Panics unless `level` has the kernel, the operands hold `kc` steps and `c` holds the
/// block.
pub(super) fn tile_into(
    level: Level,
    kc: usize,
    a: ARows<'_>,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    combine: Combine,
) {
    assert!(has_kernel(level) && kc > 0 && a.holds(kc) && b.len() >= kc * NR);
    assert!(ldc >= NR && c.len() >= (MR - 1) * ldc + NR);
    // SAFETY: as in `tile`; the assert above proves the block's MR rows of NR values, `ldc`
    // apart, lie in `c`.
    unsafe {
        let a = (a.data.as_ptr(), a.rows, a.step);
        tile_avx512(kc, a, b.as_ptr(), c.as_mut_ptr(), ldc, combine)
    }
}

/// The tile over `kc` steps, combined into the `MR × NR` block at `c` (rows `ldc` apart).
/// `a = (data, rows, step)`: A's value `(r, p)` at `data + rows[r] + p·step`.
///
/// # Safety
/// AVX-512F is available; `a` and `b` hold `kc` steps of their operands; the block lies in
/// one allocation the caller borrows mutably.
#[target_feature(enable = "avx512f")]
unsafe fn tile_avx512(
    kc: usize,
    (a, rows, step): (*const f32, [usize; MR], usize),
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    combine: Combine,
) {
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    for p in 0..kc {
        // SAFETY: step `p < kc` of the B panel is NR values at `p·NR` (the caller's check).
        let (b0, b1) = unsafe {
            let row = b.add(p * NR);
            (_mm512_loadu_ps(row), _mm512_loadu_ps(row.add(16)))
        };
        for (r, acc) in acc.iter_mut().enumerate() {
            // SAFETY: A's value (r, p) at `rows[r] + p·step`, `r < MR`, `p < kc` (the
            // caller's check, `ARows::holds`).
            let v = _mm512_set1_ps(unsafe { *a.add(rows[r] + p * step) });
            acc[0] = _mm512_fmadd_ps(v, b0, acc[0]);
            acc[1] = _mm512_fmadd_ps(v, b1, acc[1]);
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        for (h, &t) in acc.iter().enumerate() {
            // SAFETY: values `16·h..16·h + 16` of row `r < MR` of the block (the caller's
            // check covers MR rows of NR = 32 values, `ldc` apart).
            unsafe {
                let at = c.add(r * ldc + 16 * h);
                let v = match combine {
                    Combine::Set(alpha) => _mm512_mul_ps(_mm512_set1_ps(alpha), t),
                    Combine::Scale(alpha, beta) => _mm512_fmadd_ps(
                        _mm512_set1_ps(alpha),
                        t,
                        _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(at)),
                    ),
                    Combine::Add(alpha) => {
                        _mm512_fmadd_ps(_mm512_set1_ps(alpha), t, _mm512_loadu_ps(at))
                    }
                };
                _mm512_storeu_ps(at, v);
            }
        }
    }
}

/// Rows and columns of a [`dots`] tile.
pub(super) const DOT: usize = 4;
// the tile's sums are reduced together as the sixteen lanes of one vector
const _: () = assert!(DOT * DOT == 16);

/// `out[r·DOT + c] = Σ_p a[r][p] · b[c][p]` over `p < k`: a tile of a product whose operands
/// both run contiguously along the sum (`A` row-major, `B` transposed), sixteen steps of the sum
/// per vector, the last ones masked, the sixteen sums reduced together at the end.
///
/// Panics unless `level` has the kernel and every slice holds `k` values.
pub(super) fn dots(
    level: Level,
    k: usize,
    a: [&[f32]; DOT],
    b: [&[f32]; DOT],
    out: &mut [f32; DOT * DOT],
) {
    assert!(has_kernel(level) && a.iter().chain(&b).all(|s| s.len() >= k));
    // SAFETY: detection found AVX-512F (the `Level`); the assert proves every slice holds the
    // `k` values the kernel reads (the tail's masked loads touch only lanes below `k`).
    unsafe { dots_avx512(k, a.map(<[f32]>::as_ptr), b.map(<[f32]>::as_ptr), out) }
}

#[target_feature(enable = "avx512f")]
unsafe fn dots_avx512(
    k: usize,
    a: [*const f32; DOT],
    b: [*const f32; DOT],
    out: &mut [f32; DOT * DOT],
) {
    let mut acc = [[_mm512_setzero_ps(); DOT]; DOT];
    let step = |p: usize, mask: __mmask16, acc: &mut [[__m512; DOT]; DOT]| {
        // SAFETY: lanes `p..p + 16` under `mask` are below `k` (see the loop and the tail).
        let bv = b.map(|col| unsafe { _mm512_maskz_loadu_ps(mask, col.add(p)) });
        for (acc, row) in acc.iter_mut().zip(a) {
            // SAFETY: as above.
            let av = unsafe { _mm512_maskz_loadu_ps(mask, row.add(p)) };
            for (acc, &bv) in acc.iter_mut().zip(&bv) {
                *acc = _mm512_fmadd_ps(av, bv, *acc);
            }
        }
    };
    let full = k / 16 * 16;
    for p in (0..full).step_by(16) {
        step(p, 0xffff, &mut acc);
    }
    if full < k {
        step(full, (1u16 << (k - full)) - 1, &mut acc);
    }
    // The sixteen sums at once: neighbours' lanes added pairwise (`unpack*_ps`, then
    // `unpack*_pd`), leaving in each 128-bit block four partial sums of four accumulators; then
    // the blocks added across (`shuffle_f32x4`, twice): lane `4r + c` ends as `acc[r][c]`'s sum
    // (45 instructions where sixteen reductions take about 128).
    let mut pairs = [_mm512_setzero_ps(); 8];
    for (i, pair) in pairs.iter_mut().enumerate() {
        // accumulators 2i and 2i + 1 in row-major order: row i / 2, columns 2(i % 2) and on
        let (x, y) = (acc[i / 2][2 * (i % 2)], acc[i / 2][2 * (i % 2) + 1]);
        *pair = _mm512_add_ps(_mm512_unpacklo_ps(x, y), _mm512_unpackhi_ps(x, y));
    }
    let mut quads = [_mm512_setzero_ps(); 4];
    for (j, quad) in quads.iter_mut().enumerate() {
        let (x, y) = (
            _mm512_castps_pd(pairs[2 * j]),
            _mm512_castps_pd(pairs[2 * j + 1]),
        );
        let low = _mm512_castpd_ps(_mm512_unpacklo_pd(x, y));
        *quad = _mm512_add_ps(low, _mm512_castpd_ps(_mm512_unpackhi_pd(x, y)));
    }
    let halves = |x: __m512, y: __m512| {
        let low = _mm512_shuffle_f32x4::<0x44>(x, y);
        let high = _mm512_shuffle_f32x4::<0xEE>(x, y);
        _mm512_add_ps(low, high)
    };
    let (x01, x23) = (halves(quads[0], quads[1]), halves(quads[2], quads[3]));
    let sums = _mm512_add_ps(
        _mm512_shuffle_f32x4::<0x88>(x01, x23),
        _mm512_shuffle_f32x4::<0xDD>(x01, x23),
    );
    // SAFETY: `out` is DOT·DOT = 16 values.
    unsafe { _mm512_storeu_ps(out.as_mut_ptr(), sums) };
}

/// One gathered packing pass: for `s < steps`, lanes `t` of `mask` of
/// `out[s·out_stride..][..16]` = `data[base + s·step + lanes[t]]`, the other lanes 0 — a
/// strided operand's panel values, sixteen per gather instruction.
///
/// Panics unless `level` has the kernel, every read lies in `data` and every write in `out`.
#[allow(clippy::too_many_arguments)]
pub(super) fn gather_steps(
    level: Level,
    data: &[f32],
    base: usize,
    lanes: &[i32; 16],
    mask: u16,
    step: usize,
    steps: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    if steps == 0 {
        return;
    }
    let reach = lanes
        .iter()
        .enumerate()
        .filter(|&(t, _)| mask >> t & 1 == 1)
        .map(|(_, &l)| usize::try_from(l).expect("lane offsets are not negative"))
        .max()
        .unwrap_or(0);
    let last = (steps - 1)
        .checked_mul(step)
        .and_then(|s| s.checked_add(base))
        .and_then(|s| s.checked_add(reach));
    assert!(has_kernel(level) && matches!(last, Some(last) if last < data.len()));
    assert!(out.len() >= (steps - 1) * out_stride + 16);
    // SAFETY: detection found AVX-512F; the asserts prove every unmasked read (at most
    // `base + (steps − 1)·step + reach`) lies in `data` and every 16-value store in `out`.
    unsafe {
        gather_avx512(
            data.as_ptr(),
            base,
            lanes,
            mask,
            step,
            steps,
            out.as_mut_ptr(),
            out_stride,
        )
    }
}

#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx512f")]
unsafe fn gather_avx512(
    data: *const f32,
    base: usize,
    lanes: &[i32; 16],
    mask: u16,
    step: usize,
    steps: usize,
    out: *mut f32,
    out_stride: usize,
) {
    // SAFETY: `lanes` is sixteen `i32`s.
    let offsets = unsafe { _mm512_loadu_si512(lanes.as_ptr().cast()) };
    for s in 0..steps {
        // SAFETY: the unmasked lanes read `base + s·step + lanes[t]`, inside `data` (the
        // caller's check); masked-off lanes are not read; the store is 16 values of `out`.
        unsafe {
            let from = data.add(base + s * step);
            let v = _mm512_mask_i32gather_ps::<4>(_mm512_setzero_ps(), mask, offsets, from);
            _mm512_storeu_ps(out.add(s * out_stride), v);
        }
    }
}

/// Columns of a [`row_dots`] call.
pub(super) const ROW: usize = 8;

/// `out[c] = Σ_p a[p] · b[c][p]` over `p < k`: one row against eight columns, all contiguous
/// along the sum (a single sample's dense layer), eight chains of sixteen-lane sums, the tail
/// masked.
///
/// Panics unless `level` has the kernel and every slice holds `k` values.
pub(super) fn row_dots(level: Level, k: usize, a: &[f32], b: [&[f32]; ROW], out: &mut [f32; ROW]) {
    assert!(has_kernel(level) && a.len() >= k && b.iter().all(|s| s.len() >= k));
    // SAFETY: detection found AVX-512F (the `Level`); the assert proves every slice holds the
    // `k` values the kernel reads (the tail's masked loads touch only lanes below `k`).
    unsafe { row_dots_avx512(k, a.as_ptr(), b.map(<[f32]>::as_ptr), out) }
}

#[target_feature(enable = "avx512f")]
unsafe fn row_dots_avx512(k: usize, a: *const f32, b: [*const f32; ROW], out: &mut [f32; ROW]) {
    let mut acc = [_mm512_setzero_ps(); ROW];
    let full = k / 16 * 16;
    for p in (0..full).step_by(16) {
        // SAFETY: values `p..p + 16 ≤ k` of each slice (the caller's check).
        unsafe {
            let av = _mm512_loadu_ps(a.add(p));
            for (acc, col) in acc.iter_mut().zip(b) {
                *acc = _mm512_fmadd_ps(av, _mm512_loadu_ps(col.add(p)), *acc);
            }
        }
    }
    if full < k {
        let mask = ((1u32 << (k - full)) - 1) as u16;
        // SAFETY: the masked lanes are values `full..k` of each slice.
        unsafe {
            let av = _mm512_maskz_loadu_ps(mask, a.add(full));
            for (acc, col) in acc.iter_mut().zip(b) {
                *acc = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(mask, col.add(full)), *acc);
            }
        }
    }
    for (o, &v) in out.iter_mut().zip(&acc) {
        *o = _mm512_reduce_add_ps(v);
    }
}
