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

/// `tile = A_panel · B_panel` over `kc` steps (`a`: `kc·MR` values, step by step; `b`:
/// `kc·NR`), the tile row-major `MR × NR`.
///
/// Panics unless `level` has the kernel and the panels hold `kc` steps.
pub(super) fn tile(level: Level, kc: usize, a: &[f32], b: &[f32], tile: &mut [f32; MR * NR]) {
    assert!(has_kernel(level) && a.len() >= kc * MR && b.len() >= kc * NR);
    // SAFETY: a `Level` of AVX-512 is made only after detection found AVX-512F; the assert
    // above proves every read (`kc` steps of MR values of `a` and NR of `b`).
    unsafe { tile_avx512(kc, a.as_ptr(), b.as_ptr(), tile) }
}

#[target_feature(enable = "avx512f")]
unsafe fn tile_avx512(kc: usize, a: *const f32, b: *const f32, tile: &mut [f32; MR * NR]) {
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    for p in 0..kc {
        // SAFETY: step `p < kc` of the B panel is NR values at `p·NR` (the caller's check).
        let (b0, b1) = unsafe {
            let row = b.add(p * NR);
            (_mm512_loadu_ps(row), _mm512_loadu_ps(row.add(16)))
        };
        for (r, acc) in acc.iter_mut().enumerate() {
            // SAFETY: step `p` of the A panel is MR values at `p·MR`; `r < MR`.
            let v = _mm512_set1_ps(unsafe { *a.add(p * MR + r) });
            acc[0] = _mm512_fmadd_ps(v, b0, acc[0]);
            acc[1] = _mm512_fmadd_ps(v, b1, acc[1]);
        }
    }
    for (row, acc) in tile.chunks_exact_mut(NR).zip(&acc) {
        // SAFETY: each row of the tile is NR = 32 values, two 16-lane stores.
        unsafe {
            _mm512_storeu_ps(row.as_mut_ptr(), acc[0]);
            _mm512_storeu_ps(row.as_mut_ptr().add(16), acc[1]);
        }
    }
}
