//! Matrix products for the layers: direct loops for matrix–vector and outer products,
//! `matrixmultiply` for everything else.
//!
//! `matrixmultiply` packs both operands into a freshly allocated buffer on every call. Where one
//! dimension is 1 (a single sample's forward pass, its input gradient, or the outer product of
//! its weight gradient) packing costs more than it saves, so those products run as plain loops
//! over contiguous rows that LLVM vectorizes, and allocate nothing. Measured on this project's
//! 2-core machine (release, f32, µs per product, direct vs matrixmultiply): 1×784×128 forward
//! 25.7 vs 63.3, its weight gradient 18.1 vs 30.8; but already at 32×5×10, 1.00 vs 0.55, and at
//! 64×784×128, 1684 vs 243 — matrixmultiply's runtime-detected AVX/FMA kernels win as soon as
//! both sides of the product are wider than a vector. The two direct layouts:
//! - "axpy" form, when `B`'s rows are contiguous: `C[i,:] += A[i,p] · B[p,:]`;
//! - "dot" form, when `A`'s rows and `B`'s columns are contiguous: `C[i,j] = ⟨A[i,:], B[:,j]⟩`.
//!
//! Where the type and CPU have the crate's own small-product kernel (`f32` at AVX-512, `std`),
//! a batch's matrix–vector products go to it instead
//! ([`Gemm::own_vector_product`](super::gemm::Gemm::own_vector_product)): the seed network's
//! one-output layer and every dense layer's bias gradient (`1ᵀ·dy`).

use super::gemm::MatRef;
use crate::Scalar;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// `C = A·B` (`accumulate = false`) or `C += A·B` (`accumulate = true`), with `A` m×k, `B` k×n
/// and `C` row-major m×n. Direct loops (or the own small-product kernel) when `m`, `k` or `n`
/// is 1, else [`Gemm::gemm`](super::gemm::Gemm::gemm) (the own kernels or `matrixmultiply`).
///
/// ```
/// use stratanet::kernels::{gemm::MatRef, matmul::matmul};
/// let a = [1.0f32, 2.0, 3.0, 4.0];
/// let mut c = [1.0f32; 4];
/// matmul(2, 2, 2, MatRef::row_major(&a, 2), MatRef::transposed(&a, 2), true, &mut c);
/// assert_eq!(c, [6.0, 12.0, 12.0, 26.0]); // 1 + A·Aᵀ
/// ```
pub fn matmul<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
) {
    if !vector_product(m, k, n, a, b, accumulate, c) {
        let beta = if accumulate { E::one() } else { E::zero() };
        E::gemm(m, k, n, E::one(), a, b, beta, c);
    }
}

/// A `B` that several products share, packed once ([`matmul_shared_b`]): the recurrent
/// weights of every time step of a pass. [`SharedB::forget`] before the weights change.
#[cfg(feature = "alloc")]
#[derive(Debug, Default)]
pub struct SharedB<E> {
    panels: Vec<E>,
    holds: bool,
}

#[cfg(feature = "alloc")]
impl<E> SharedB<E> {
    /// Empty: the first product packs.
    #[must_use]
    pub fn new() -> Self {
        Self {
            panels: Vec::new(),
            holds: false,
        }
    }

    /// The next product packs afresh (its buffer is kept).
    pub fn forget(&mut self) {
        self.holds = false;
    }
}

/// [`matmul`] for a `B` that `shared` keeps packed across calls: the first call after
/// [`SharedB::new`] or [`SharedB::forget`] packs it, the others reuse its panels (so every
/// call must pass the same `B` until it is forgotten).
///
/// ```
/// use stratanet::kernels::{gemm::MatRef, matmul::{matmul_shared_b, SharedB}};
/// let (w, mut shared) = ([0.5f32; 6], SharedB::new()); // 3×2
/// for x in [[1.0f32; 6], [2.0; 6]] { // 2×3 each
///     let mut c = [0.0f32; 4];
///     matmul_shared_b(2, 3, 2, MatRef::row_major(&x, 3), MatRef::row_major(&w, 2), false, &mut c, &mut shared);
///     assert_eq!(c, [1.5 * x[0]; 4]);
/// }
/// ```
#[cfg(feature = "alloc")]
#[allow(clippy::too_many_arguments)]
pub fn matmul_shared_b<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
    shared: &mut SharedB<E>,
) {
    if !vector_product(m, k, n, a, b, accumulate, c) {
        let beta = if accumulate { E::one() } else { E::zero() };
        let fresh = !shared.holds;
        E::gemm_shared_b(m, k, n, E::one(), a, b, beta, c, &mut shared.panels, fresh);
        shared.holds = true;
    }
}

/// [`matmul`]'s product when `m`, `k` or `n` is 1: by the own small-product kernel where the
/// build has one ([`Gemm::own_vector_product`](super::gemm::Gemm::own_vector_product)), else
/// by [`matmul_direct`]; `false` for any other shape, or a layout neither takes.
#[inline(always)]
fn vector_product<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
) -> bool {
    if !(m == 1 || k == 1 || n == 1) {
        return false;
    }
    // Only `std` builds have an own kernel for these: asked elsewhere, the always-false hook
    // cost inlining and grew the no_std proof's inference code 6,748 -> 8,791 B.
    #[cfg(feature = "std")]
    if E::own_vector_product(m, k, n, a, b, accumulate, c) {
        return true;
    }
    matmul_direct(m, k, n, a, b, accumulate, c)
}

/// The direct loops of [`matmul`] at any size; returns `false` (and does nothing) when neither
/// `B`'s rows nor `A`'s rows and `B`'s columns are contiguous. Public so that the crossover
/// with `matrixmultiply` can be measured at any size.
///
/// ```
/// use stratanet::kernels::{gemm::MatRef, matmul::matmul_direct};
/// let a = [1.0f64, 2.0];
/// let mut c = [0.0f64; 1];
/// assert!(matmul_direct(1, 2, 1, MatRef::row_major(&a, 2), MatRef::transposed(&a, 2), false, &mut c));
/// assert_eq!(c, [5.0]);
/// ```
pub fn matmul_direct<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
) -> bool {
    if b.col_stride == 1 {
        axpy_form(m, k, n, a, b, accumulate, c);
    } else if a.col_stride == 1 && b.row_stride == 1 {
        dot_form(m, k, n, a, b, accumulate, c);
    } else {
        return false;
    }
    true
}

fn axpy_form<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
) {
    for (i, c_row) in c[..m * n].chunks_exact_mut(n).enumerate() {
        if !accumulate {
            c_row.fill(E::zero());
        }
        for p in 0..k {
            let scale = a.data[i * a.row_stride + p * a.col_stride];
            let b_row = &b.data[p * b.row_stride..p * b.row_stride + n];
            for (cv, &bv) in c_row.iter_mut().zip(b_row) {
                *cv = *cv + scale * bv;
            }
        }
    }
}

fn dot_form<E: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    accumulate: bool,
    c: &mut [E],
) {
    for (i, c_row) in c[..m * n].chunks_exact_mut(n).enumerate() {
        let a_row = &a.data[i * a.row_stride..i * a.row_stride + k];
        if n > 0
            && E::row_times_columns(
                a_row,
                &b.data[..(n - 1) * b.col_stride + k],
                b.col_stride,
                accumulate,
                c_row,
            )
        {
            continue;
        }
        for (j, cv) in c_row.iter_mut().enumerate() {
            let value = dot(a_row, &b.data[j * b.col_stride..j * b.col_stride + k]);
            *cv = if accumulate { *cv + value } else { value };
        }
    }
}

/// `⟨x, y⟩` with eight independent partial sums, so the loop vectorizes without reassociation.
#[inline(always)]
pub fn dot<E: Scalar>(x: &[E], y: &[E]) -> E {
    const LANES: usize = 8;
    let mut acc = [E::zero(); LANES];
    let (xs, ys) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    let (x_tail, y_tail) = (xs.remainder(), ys.remainder());
    for (xc, yc) in xs.zip(ys) {
        for lane in 0..LANES {
            acc[lane] = acc[lane] + xc[lane] * yc[lane];
        }
    }
    let mut sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (&xv, &yv) in x_tail.iter().zip(y_tail) {
        sum = sum + xv * yv;
    }
    sum
}

/// `Σ x` with eight independent partial sums, as [`dot`] (a plain fold waits for each addition).
///
/// ```
/// let x: Vec<f64> = (1..=20).map(f64::from).collect();
/// assert_eq!(stratanet::kernels::matmul::sum(&x), 210.0);
/// ```
#[inline(always)]
pub fn sum<E: Scalar>(x: &[E]) -> E {
    sum_of(x, |v| v)
}

/// `Σ term(v)` over `x` in [`sum`]'s eight partial sums and order, so the loop vectorizes.
///
/// ```
/// use stratanet::kernels::matmul::sum_of;
/// assert_eq!(sum_of(&[1.0f64, 2.0, 3.0], |v| v * v), 14.0);
/// ```
#[inline(always)]
pub fn sum_of<E: Scalar>(x: &[E], term: impl Fn(E) -> E) -> E {
    const LANES: usize = 8;
    let mut acc = [E::zero(); LANES];
    let xs = x.chunks_exact(LANES);
    let tail = xs.remainder();
    for xc in xs {
        for lane in 0..LANES {
            acc[lane] = acc[lane] + term(xc[lane]);
        }
    }
    let mut total =
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for &v in tail {
        total = total + term(v);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::gemm::Gemm;
    use alloc::vec;
    use alloc::vec::Vec;

    fn values(len: usize, seed: f64) -> Vec<f64> {
        (0..len).map(|i| (i as f64 * seed).sin()).collect()
    }

    /// Every path (axpy, dot, matrixmultiply) agrees with the others on each layout the layers use.
    #[test]
    fn direct_paths_agree_with_matrixmultiply() {
        for (m, k, n) in [(3, 5, 7), (1, 17, 9), (32, 10, 10), (2, 64, 33)] {
            let a = values(m * k, 0.37);
            let at = values(k * m, 0.41); // stored k×m, used transposed
            let b = values(k * n, 0.11);
            let bt = values(n * k, 0.23); // stored n×k, used transposed
            let layouts = [
                (MatRef::row_major(&a, k), MatRef::row_major(&b, n)),
                (MatRef::transposed(&at, m), MatRef::row_major(&b, n)),
                (MatRef::row_major(&a, k), MatRef::transposed(&bt, k)),
            ];
            for (lhs, rhs) in layouts {
                for accumulate in [false, true] {
                    let mut direct = vec![0.5; m * n];
                    matmul(m, k, n, lhs, rhs, accumulate, &mut direct);
                    let mut packed = vec![0.5; m * n];
                    let beta = if accumulate { 1.0 } else { 0.0 };
                    f64::gemm(m, k, n, 1.0, lhs, rhs, beta, &mut packed);
                    for (x, y) in direct.iter().zip(&packed) {
                        assert!((x - y).abs() < 1e-12, "{m}x{k}x{n}: {x} vs {y}");
                    }
                }
            }
        }
    }
}
