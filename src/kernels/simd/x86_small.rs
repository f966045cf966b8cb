//! The AVX-512 kernel of [`sgemm`](super::sgemm)'s small products (a layer of a few dozen
//! units): `C = alpha·A·B + beta·C` without packing. Four or eight rows of `A` at a time, each
//! value broadcast where it lies (any strides), times `B`'s rows read in place as up to four
//! 16-lane vectors (the last one masked), summed in registers; the products the seed network's
//! dense layers make spent two thirds of a training step packing panels for a handful of tiles.

use super::{Isa, Level};
use core::arch::x86_64::*;

/// The widest `C` this kernel takes: four 16-lane vectors.
pub(super) const MAX_N: usize = 64;

/// Whether `level` has this kernel.
pub(super) fn has_kernel(level: Level) -> bool {
    level.0 == Isa::Avx512
}

/// A matrix operand of the own `f32` products (this kernel's `A`, and every operand of
/// [`sgemm`](super::sgemm)): element `(i, j)` at `data[i·row_stride + j·col_stride]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Operand<'a> {
    pub(crate) data: &'a [f32],
    pub(crate) row_stride: usize,
    pub(crate) col_stride: usize,
}

/// `C = alpha·A·B + beta·C` (`beta = 0` ignores what `C` held) for `A` m×k (strided), `B`
/// k×n with row `p` contiguous at `b[p·ldb..][..n]`, `C` m×n with row `i` at `c[i·ldc..][..n]`.
///
/// Panics unless `level` has the kernel, `1 ≤ n ≤ MAX_N`, `m, k ≥ 1` and the slices hold
/// their matrices.
pub(super) fn product(
    level: Level,
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: Operand<'_>,
    (b, ldb): (&[f32], usize),
    beta: f32,
    (c, ldc): (&mut [f32], usize),
) {
    assert!(has_kernel(level) && (1..=MAX_N).contains(&n) && m >= 1 && k >= 1);
    // the last element's index, in checked arithmetic (a wrapped index would pass the check)
    let last = |rows: usize, stride: usize, cols: usize, col_stride: usize| {
        let along = (cols - 1).checked_mul(col_stride)?;
        (rows - 1).checked_mul(stride)?.checked_add(along)
    };
    let a_last = last(m, a.row_stride, k, a.col_stride);
    let covers = |last: Option<usize>, len: usize| matches!(last, Some(at) if at < len);
    assert!(
        covers(a_last, a.data.len()),
        "small product: A does not cover {m}x{k}"
    );
    assert!(
        ldb >= n && covers(last(k, ldb, n, 1), b.len()),
        "small product: B too short"
    );
    assert!(
        ldc >= n && covers(last(m, ldc, n, 1), c.len()),
        "small product: C too short"
    );
    let (a_at, strides) = (a.data.as_ptr(), (a.row_stride, a.col_stride));
    let (b_at, c_at) = (b.as_ptr(), c.as_mut_ptr());
    // SAFETY: a `Level` of AVX-512 is made only after detection found AVX-512F. The asserts
    // above prove every access: rows `i < m` and steps `p < k` of A (its last element is in
    // the slice, strides are non-negative), `n` values of each row `p < k` of B, and `n`
    // values of each row `i < m` of C, which the caller borrows mutably.
    unsafe {
        let (shape, b, c) = ((m, k, n), (b_at, ldb), (c_at, ldc));
        match n.div_ceil(16) {
            1 => product_avx512::<1, 8>(shape, alpha, a_at, strides, b, beta, c),
            2 => product_avx512::<2, 8>(shape, alpha, a_at, strides, b, beta, c),
            3 => product_avx512::<3, 4>(shape, alpha, a_at, strides, b, beta, c),
            _ => product_avx512::<4, 4>(shape, alpha, a_at, strides, b, beta, c),
        }
    }
}

/// [`product`] with `NV = ⌈n / 16⌉` vectors a row, `ROWS` rows at a time (eight for one or
/// two vectors, so eight sums are in flight; four for more, within the 32 registers).
///
/// # Safety
/// AVX-512F is available; `a` covers `m` rows and `k` steps at `strides`, `b` holds `k` rows
/// of `n` values `ldb` apart, `c` `m` rows of `n` values `ldc` apart, borrowed mutably by the
/// caller; `n` is in
/// `16·(NV − 1) + 1 ..= 16·NV`.
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn product_avx512<const NV: usize, const ROWS: usize>(
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: *const f32,
    (row_stride, col_stride): (usize, usize),
    (b, ldb): (*const f32, usize),
    beta: f32,
    (c, ldc): (*mut f32, usize),
) {
    let tail = n - 16 * (NV - 1); // 1..=16 lanes of the last vector
    let mut masks = [0xffff_u16; NV];
    masks[NV - 1] = (((1_u32 << tail) - 1) & 0xffff) as u16;
    let unit_alpha = alpha == 1.0;
    let (alpha, beta_v) = (_mm512_set1_ps(alpha), _mm512_set1_ps(beta));
    for i0 in (0..m).step_by(ROWS) {
        let rows = ROWS.min(m - i0);
        // a row past the last repeats the last and is not written
        let mut row = [a; ROWS];
        for (r, at) in row.iter_mut().enumerate() {
            // SAFETY: row `i0 + min(r, rows − 1) < m` of A starts inside it.
            *at = unsafe { a.add((i0 + r.min(rows - 1)) * row_stride) };
        }
        let mut acc = [[_mm512_setzero_ps(); NV]; ROWS];
        if unit_alpha && beta != 0.0 {
            // `C += A·B` (a layer's bias or an accumulated gradient): C's old values start the
            // sums, loaded before the sum so their latency overlaps it
            for (r, acc) in acc.iter_mut().take(rows).enumerate() {
                for (v, acc) in acc.iter_mut().enumerate() {
                    // SAFETY: the masked lanes of row `i0 + r < m` of C, values `16·v..` of `n`.
                    let old =
                        unsafe { _mm512_maskz_loadu_ps(masks[v], c.add((i0 + r) * ldc + 16 * v)) };
                    *acc = _mm512_mul_ps(beta_v, old);
                }
            }
        }
        for p in 0..k {
            let mut bv = [_mm512_setzero_ps(); NV];
            for (v, lanes) in bv.iter_mut().enumerate() {
                // SAFETY: lanes `16·v..` of row `p < k` of B, masked to its `n` values.
                *lanes = unsafe { _mm512_maskz_loadu_ps(masks[v], b.add(p * ldb + 16 * v)) };
            }
            for (acc, &at) in acc.iter_mut().zip(&row) {
                // SAFETY: step `p < k` of a row of A that lies in it.
                let s = _mm512_set1_ps(unsafe { *at.add(p * col_stride) });
                for (acc, &lanes) in acc.iter_mut().zip(&bv) {
                    *acc = _mm512_fmadd_ps(s, lanes, *acc);
                }
            }
        }
        for (r, acc) in acc.iter().take(rows).enumerate() {
            for (v, &t) in acc.iter().enumerate() {
                // SAFETY: the masked lanes of row `i0 + r < m` of C, values `16·v..` of `n`.
                unsafe {
                    let at = c.add((i0 + r) * ldc + 16 * v);
                    let mut out = if unit_alpha {
                        t
                    } else {
                        _mm512_mul_ps(alpha, t)
                    };
                    if beta != 0.0 && !unit_alpha {
                        let old = _mm512_maskz_loadu_ps(masks[v], at);
                        out = _mm512_fmadd_ps(beta_v, old, out);
                    }
                    _mm512_mask_storeu_ps(at, masks[v], out);
                }
            }
        }
    }
}
