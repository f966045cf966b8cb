//! The crate's own `f32` matrix product for the levels that have a microkernel (AVX-512):
//! `C = alpha·A·B + beta·C` in blocks (BLIS's loop order), B packed into panels and A too
//! unless it runs contiguously along its rows or columns (then the microkernel reads it where
//! it lies), the packing buffers held per thread and reused, so a product allocates nothing
//! once a thread has made its first. Everything but the microkernel is safe code here; the
//! microkernel ([`x86_gemm`](super::x86_gemm)) reads only the operands it is handed, whose
//! extents it checks.
//!
//! A panel of A holds [`MR`] rows of a `KC`-long stretch of columns, column by column (`MR`
//! values per step of the sum); a panel of B [`NR`] columns, row by row. Rows and columns past
//! the matrix are zero in the panels and never written back.

use super::pack::pack_panels;
use super::x86_gemm::{ARows, Combine, DOT};
use super::x86_small;
pub(crate) use super::x86_small::Operand;
use super::{vectorized, x86_gemm, x86_pack, Level};
use alloc::vec::Vec;
use core::cell::RefCell;

/// Rows of a microkernel's tile.
pub(crate) const MR: usize = x86_gemm::MR;
/// Columns of a microkernel's tile.
pub(crate) const NR: usize = x86_gemm::NR;
/// Steps of the sum per block: a panel of A is `MR·KC` values, of B `KC·NR` (32 KiB).
const KC: usize = 256;
/// Rows of A per packed block (twelve panels: 96 KiB with `KC`).
const MC: usize = 96;
/// Columns of B per packed block (512 KiB with `KC`).
const NC: usize = 512;

std::thread_local! {
    /// This thread's packed blocks of A and B, grown to their largest size once.
    static PANELS: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Whether [`sgemm`] multiplies at `level` (the level has a microkernel).
pub(crate) fn applies(level: Level) -> bool {
    x86_gemm::has_kernel(level)
}

/// Sums at least this long go to the row kernel: below, its reductions cost more than the
/// portable loop (the seed network's 5- and 10-input layers took twice as long).
pub(crate) const ROW_FROM: usize = 32;

/// `c = a·B` (`accumulate`: `c += a·B`) for one row `a` of `k` values and `B` k×n whose columns
/// are contiguous (`B`'s column `j` at `b[j·ldb..][..k]`): a single sample's dense layer, eight
/// columns per call of the row kernel. `false` (and `c` untouched) when `level` has none or
/// the sum is shorter than [`ROW_FROM`].
pub(crate) fn row_times_columns(
    level: Level,
    a: &[f32],
    b: &[f32],
    ldb: usize,
    accumulate: bool,
    c: &mut [f32],
) -> bool {
    let (k, n) = (a.len(), c.len());
    if !applies(level) || k < ROW_FROM {
        return false;
    }
    let column = |j: usize| &b[j * ldb..][..k];
    let mut values = [0.0f32; x86_gemm::ROW];
    for (g, out) in c.chunks_mut(x86_gemm::ROW).enumerate() {
        let first = g * x86_gemm::ROW;
        // past the last column: the first again, not written
        let cols = core::array::from_fn(|t| column(if first + t < n { first + t } else { first }));
        x86_gemm::row_dots(level, k, a, cols, &mut values);
        for (o, &v) in out.iter_mut().zip(&values) {
            *o = if accumulate { *o + v } else { v };
        }
    }
    true
}

/// `C = alpha·A·B + beta·C` (`A` m×k, `B` k×n, `C` m×n row-major; `beta = 0` ignores what `C`
/// held) with this level's microkernel; `false` (and `C` untouched) when the level has none.
/// The caller has checked that the operands cover their matrices (indexing checks again).
#[allow(clippy::too_many_arguments)]
pub(crate) fn sgemm(
    level: Level,
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: Operand<'_>,
    b: Operand<'_>,
    beta: f32,
    c: &mut [f32],
) -> bool {
    if !applies(level) {
        return false;
    }
    let c = &mut c[..m * n];
    if k == 0 {
        for v in c.iter_mut() {
            *v = if beta == 0.0 { 0.0 } else { beta * *v };
        }
        return true;
    }
    if fits_dots(m, k, n, a, b) {
        dot_tiles(level, m, k, n, alpha, a, b, beta, c);
        return true;
    }
    if is_small(m, k, n, b) {
        small(level, (m, k, n), alpha, a, b, beta, c);
        return true;
    }
    run_blocks(level, (m, k, n), alpha, a, Panels::Pack(b), beta, c);
    true
}

/// Products of at most this many multiply-adds run unpacked ([`small`]): packing would cost
/// more than it saves (a small layer's, one sample's convolution, the LSTM's gate products).
/// Raised from 2^18 to 2^20 the LSTM step took 3.37 instead of 3.79 ms; 2^22 changed nothing
/// measurable (`examples/workloads`, alternating runs).
const SMALL_WORK: usize = 1 << 20;

/// The most values of a `B` whose rows are strided that [`small`] copies row by row.
const SMALL_COPY: usize = 4096;

/// Whether [`sgemm`] multiplies `A` m×k by `B` k×n unpacked ([`small`]).
fn is_small(m: usize, k: usize, n: usize, b: Operand<'_>) -> bool {
    m.saturating_mul(k).saturating_mul(n) <= SMALL_WORK
        && (b.col_stride == 1 || k * n <= SMALL_COPY)
}

/// Whether [`vector_product`] takes a matrix–vector product of this shape: small
/// ([`is_small`]) and not one row through a strided `B` (copying `B` would cost as much as the
/// product). Checked first, before the level is asked: one sample's layers never get here.
#[inline]
pub(crate) fn fits_vector_product(m: usize, k: usize, n: usize, b: Operand<'_>) -> bool {
    (b.col_stride == 1 || m >= 4) && m > 0 && k > 0 && n > 0 && is_small(m, k, n, b)
}

/// `C = A·B + beta·C` for a matrix–vector product (`m`, `k` or `n` is 1) that
/// [`fits_vector_product`], by [`small`]; `false` (and `C` untouched) when `level` has no
/// kernel.
pub(crate) fn vector_product(
    level: Level,
    (m, k, n): (usize, usize, usize),
    a: Operand<'_>,
    b: Operand<'_>,
    beta: f32,
    c: &mut [f32],
) -> bool {
    if !applies(level) {
        return false;
    }
    small(level, (m, k, n), 1.0, a, b, beta, c);
    true
}

/// A small product (`1 ≤ k`, [`is_small`]) by [`x86_small::product`], [`x86_small::MAX_N`]
/// columns at a time: `A` read where it lies, `B` too when its rows are contiguous, else first
/// copied row by row into this thread's B buffer (a dense layer's forward pass reads its
/// `[out, in]` weights transposed; attention its keys), by 16×16 transposes when its columns
/// are contiguous.
#[allow(clippy::too_many_arguments)]
fn small(
    level: Level,
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: Operand<'_>,
    b: Operand<'_>,
    beta: f32,
    c: &mut [f32],
) {
    let columns = |b: &[f32], ldb: usize, c: &mut [f32]| {
        for j0 in (0..n).step_by(x86_small::MAX_N) {
            let width = x86_small::MAX_N.min(n - j0);
            let (b, c) = ((&b[j0..], ldb), (&mut c[j0..], n));
            x86_small::product(level, (m, k, width), alpha, a, b, beta, c);
        }
    };
    if b.col_stride == 1 {
        columns(b.data, b.row_stride, c);
        return;
    }
    PANELS.with(|panels| {
        let pb = &mut panels.borrow_mut().1;
        if pb.len() < k * n {
            pb.resize(k * n, 0.0);
        }
        let rows = &mut pb[..k * n];
        if b.row_stride == 1 {
            // columns contiguous along the sum: sixteen at a time by 16×16 transposes
            for j0 in (0..n).step_by(16) {
                let live = 16.min(n - j0);
                let (from, lanes) = (j0 * b.col_stride, (live, live));
                let out = &mut rows[j0..];
                x86_pack::transpose_steps(level, b.data, from, b.col_stride, lanes, k, out, n);
            }
            columns(rows, n, c);
            return;
        }
        for j in 0..n {
            let column = &b.data[j * b.col_stride..];
            for (p, row) in rows.chunks_exact_mut(n).enumerate() {
                row[j] = column[p * b.row_stride];
            }
        }
        columns(rows, n, c);
    });
}

/// Sums at least this long, with both operands contiguous along them, run as dot products
/// ([`x86_gemm::dots`]): no packing (which would transpose both)...
const DOT_FROM: usize = 128;

/// ... when the product has at most this many values: with more, the packed tiles' reuse of
/// each loaded value wins. Measured on an Intel Xeon with AVX-512 (µs a product, dots vs
/// tiles, `B` transposed): 8×12544×9 24 vs 102, 64×784×10 10.5 vs 27.5, 16×2048×64 43 vs 54,
/// 32×2048×32 44 vs 43, 16×12544×72 522 vs 495 (but the CNN step, where it is the second
/// convolution's weight gradient, 1.3% slower with tiles), 64×128×64 13.4 vs 8.0,
/// 64×784×128 115 vs 88.
const DOT_OUTPUTS: usize = 2048;

/// Whether the product runs as dot products ([`DOT_FROM`], [`DOT_OUTPUTS`]).
fn fits_dots(m: usize, k: usize, n: usize, a: Operand<'_>, b: Operand<'_>) -> bool {
    a.col_stride == 1 && b.row_stride == 1 && k >= DOT_FROM && m * n <= DOT_OUTPUTS
}

/// The product as tiles of [`DOT`]² dot products of `A`'s rows and `B`'s columns (each
/// contiguous); a tile past the last row or column repeats the first and is not written.
#[allow(clippy::too_many_arguments)]
fn dot_tiles(
    level: Level,
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: Operand<'_>,
    b: Operand<'_>,
    beta: f32,
    c: &mut [f32],
) {
    let mut tile = [0.0f32; DOT * DOT];
    let row = |i: usize| &a.data[i * a.row_stride..][..k];
    let col = |j: usize| &b.data[j * b.col_stride..][..k];
    for i0 in (0..m).step_by(DOT) {
        let rows: [&[f32]; DOT] =
            core::array::from_fn(|r| row(if i0 + r < m { i0 + r } else { i0 }));
        for j0 in (0..n).step_by(DOT) {
            let cols: [&[f32]; DOT] =
                core::array::from_fn(|t| col(if j0 + t < n { j0 + t } else { j0 }));
            x86_gemm::dots(level, k, rows, cols, &mut tile);
            let (height, width) = (DOT.min(m - i0), DOT.min(n - j0));
            write_back(
                &tile,
                DOT,
                height,
                width,
                &mut c[i0 * n + j0..],
                n,
                alpha,
                beta,
                true,
            );
        }
    }
}

/// The blocked loops: columns of B by `NC`, the sum by `KC` (B's block packed), rows of A by
/// `MC` (A's block packed), then tile by tile.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn blocks(
    level: Level,
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: Operand<'_>,
    b: Panels<'_>,
    beta: f32,
    c: &mut [f32],
    pa: &mut [f32],
    pb: &mut [f32],
) {
    let mut tile = [0.0f32; MR * NR];
    let mut packed_at = 0; // where this block's panels start in a `Panels::Packed`
                           // A contiguous along its rows or its columns is read where it lies: a step's MR values
                           // are then one row's next value each (or MR neighbours), as cheap to broadcast as a
                           // panel's, and packing them (a transposing gather for a row-major A) is saved.
    let in_place = a.col_stride == 1 || a.row_stride == 1;
    for j0 in (0..n).step_by(NC) {
        let nc = NC.min(n - j0);
        for p0 in (0..k).step_by(KC) {
            let kc = KC.min(k - p0);
            let pb: &[f32] = match b {
                Panels::Pack(b) => {
                    let b_first = p0 * b.row_stride + j0 * b.col_stride;
                    let strides = (b.col_stride, b.row_stride); // B's lanes are columns
                    pack_panels::<NR>(level, b.data, b_first, strides, nc, kc, pb);
                    pb
                }
                Panels::Packed(all) => &all[packed_at..],
            };
            packed_at += nc.div_ceil(NR) * NR * kc;
            // the first block of the sum applies beta, the others add
            let first = p0 == 0;
            for i0 in (0..m).step_by(MC) {
                let mc = MC.min(m - i0);
                let a_first = i0 * a.row_stride + p0 * a.col_stride;
                let strides = (a.row_stride, a.col_stride); // A's lanes are rows
                if !in_place {
                    pack_panels::<MR>(level, a.data, a_first, strides, mc, kc, pa);
                }
                for (jp, jr) in (0..nc).step_by(NR).enumerate() {
                    let b_panel = &pb[jp * kc * NR..][..kc * NR];
                    for (ip, ir) in (0..mc).step_by(MR).enumerate() {
                        let (rows, cols) = (MR.min(mc - ir), NR.min(nc - jr));
                        let a_panel = if in_place {
                            // rows past the last read the last again (and are not written)
                            let first_row = a_first + ir * a.row_stride;
                            let row = |r: usize| first_row + r.min(rows - 1) * a.row_stride;
                            ARows {
                                data: a.data,
                                rows: core::array::from_fn(row),
                                step: a.col_stride,
                            }
                        } else {
                            ARows::packed(&pa[ip * kc * MR..][..kc * MR])
                        };
                        let corner = (i0 + ir) * n + j0 + jr;
                        if (rows, cols) == (MR, NR) {
                            let combine = match (first, beta == 0.0) {
                                (false, _) => Combine::Add(alpha),
                                (true, true) => Combine::Set(alpha),
                                (true, false) => Combine::Scale(alpha, beta),
                            };
                            let block = &mut c[corner..];
                            x86_gemm::tile_into(level, kc, a_panel, b_panel, block, n, combine);
                            continue;
                        }
                        x86_gemm::tile(level, kc, a_panel, b_panel, &mut tile);
                        write_back(
                            &tile,
                            NR,
                            rows,
                            cols,
                            &mut c[corner..],
                            n,
                            alpha,
                            beta,
                            first,
                        );
                    }
                }
            }
        }
    }
}

/// Where [`blocks`] takes B's panels from.
#[derive(Clone, Copy)]
enum Panels<'a> {
    /// Packs each block of B into this thread's buffer as it comes.
    Pack(Operand<'a>),
    /// Every block already packed, in the order `blocks` visits them ([`pack_b`]).
    Packed(&'a [f32]),
}

/// [`blocks`] with this thread's packing buffers (grown once to their largest size; B's only
/// when it is packed here).
fn run_blocks(
    level: Level,
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: Operand<'_>,
    b: Panels<'_>,
    beta: f32,
    c: &mut [f32],
) {
    PANELS.with(|panels| {
        let (pa, pb) = &mut *panels.borrow_mut();
        let a_len = MC.div_ceil(MR) * MR * KC;
        if pa.len() < a_len {
            pa.resize(a_len, 0.0);
        }
        let b_len = NC.div_ceil(NR) * NR * KC;
        if matches!(b, Panels::Pack(_)) && pb.len() < b_len {
            pb.resize(b_len, 0.0);
        }
        vectorized(
            level,
            #[inline(always)]
            || blocks(level, m, k, n, alpha, a, b, beta, c, pa, pb),
        );
    });
}

/// Packs all of B (k×n) into `out` (grown when shorter, never shrunk): its blocks in the order
/// [`blocks`] visits them, for [`sgemm_packed_b`] to reuse across products with the same B
/// (the recurrent weights of every time step).
fn pack_b(level: Level, k: usize, n: usize, b: Operand<'_>, out: &mut Vec<f32>) {
    let blocks = |j0: usize, p0: usize| (NC.min(n - j0), KC.min(k - p0));
    let len: usize = (0..n)
        .step_by(NC)
        .flat_map(|j0| (0..k).step_by(KC).map(move |p0| blocks(j0, p0)))
        .map(|(nc, kc)| nc.div_ceil(NR) * NR * kc)
        .sum();
    if out.len() < len {
        out.resize(len, 0.0);
    }
    let mut at = 0;
    for j0 in (0..n).step_by(NC) {
        for p0 in (0..k).step_by(KC) {
            let (nc, kc) = blocks(j0, p0);
            let first = p0 * b.row_stride + j0 * b.col_stride;
            let strides = (b.col_stride, b.row_stride);
            let panels = &mut out[at..at + nc.div_ceil(NR) * NR * kc];
            vectorized(
                level,
                #[inline(always)]
                || pack_panels::<NR>(level, b.data, first, strides, nc, kc, panels),
            );
            at += panels.len();
        }
    }
}

/// [`sgemm`] with B's panels kept in `packed` for the next product with the same B: packed
/// from `b` first when `fresh`, else read as an earlier call with this `b` left them (`b` then
/// only decides the path). Products that pack no B (dot-product tiles, `k = 0`) run as
/// [`sgemm`]. `false` (nothing touched) when the level has no microkernel.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sgemm_packed_b(
    level: Level,
    (m, k, n): (usize, usize, usize),
    alpha: f32,
    a: Operand<'_>,
    b: Operand<'_>,
    beta: f32,
    c: &mut [f32],
    (packed, fresh): (&mut Vec<f32>, bool),
) -> bool {
    if !applies(level) {
        return false;
    }
    if k == 0 || fits_dots(m, k, n, a, b) || is_small(m, k, n, b) {
        return sgemm(level, m, k, n, alpha, a, b, beta, c);
    }
    if fresh {
        pack_b(level, k, n, b, packed);
    }
    run_blocks(
        level,
        (m, k, n),
        alpha,
        a,
        Panels::Packed(packed),
        beta,
        &mut c[..m * n],
    );
    true
}

/// The `rows × cols` corner of a tile (rows `stride` apart) into `c` (rows `ldc` apart): `alpha·t + beta·c` for the
/// first block of the sum (`beta = 0` ignores `c`), `c + alpha·t` for the others.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn write_back(
    tile: &[f32],
    stride: usize,
    rows: usize,
    cols: usize,
    c: &mut [f32],
    ldc: usize,
    alpha: f32,
    beta: f32,
    first: bool,
) {
    for (r, t) in tile.chunks_exact(stride).take(rows).enumerate() {
        let out = &mut c[r * ldc..][..cols];
        if !first {
            out.iter_mut().zip(t).for_each(|(o, &t)| *o += alpha * t);
        } else if beta == 0.0 {
            out.iter_mut().zip(t).for_each(|(o, &t)| *o = alpha * t);
        } else {
            out.iter_mut()
                .zip(t)
                .for_each(|(o, &t)| *o = alpha * t + beta * *o);
        }
    }
}

#[cfg(test)]
#[path = "sgemm_tests.rs"]
mod tests;
