//! The matrix product: safe, length-checked wrappers over `matrixmultiply` (this module's
//! `unsafe`), and over the crate's own `f32` kernel where the CPU has it
//! (`simd::sgemm`: AVX-512, per-thread packing buffers made once; products of at most 2^20
//! multiply-adds unpacked).
//!
//! A matrix operand is a slice plus its row and column strides, so a transpose is a stride swap
//! and no copy is made. Without the `alloc` feature there is no matrixmultiply (it allocates a
//! packing buffer per product) and [`Gemm::gemm`] is a plain safe loop; allocation-free
//! inference only multiplies matrices by vectors, which [`matmul`](super::matmul) does directly.
//! The two engines round differently (another order of the sums, fused multiply-adds): results
//! agree within `(k + 2)·ε·Σ|a||b|` per element, the bound `simd::sgemm`'s test checks.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;
#[cfg(feature = "alloc")]
use matrixmultiply::{dgemm, sgemm};

/// A matrix view over a slice: `rows`×`cols`, element `(i, j)` at `i * row_stride + j * col_stride`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, E> {
    /// The backing slice.
    pub data: &'a [E],
    /// Distance between consecutive rows.
    pub row_stride: usize,
    /// Distance between consecutive columns.
    pub col_stride: usize,
}

impl<'a, E> MatRef<'a, E> {
    /// A row-major matrix with `cols` columns.
    pub fn row_major(data: &'a [E], cols: usize) -> Self {
        Self {
            data,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose of a row-major matrix with `cols` columns (no copy).
    pub fn transposed(data: &'a [E], cols: usize) -> Self {
        Self {
            data,
            row_stride: 1,
            col_stride: cols,
        }
    }

    /// Whether every element of a `rows × cols` matrix lies inside `data`: the largest index,
    /// `(rows − 1)·row_stride + (cols − 1)·col_stride`, computed with checked arithmetic (an
    /// overflow does not cover).
    fn covers(&self, rows: usize, cols: usize) -> bool {
        if rows == 0 || cols == 0 {
            return true;
        }
        let last = (rows - 1)
            .checked_mul(self.row_stride)
            .zip((cols - 1).checked_mul(self.col_stride))
            .and_then(|(r, c)| r.checked_add(c));
        matches!(last, Some(last) if last < self.data.len())
    }
}

/// Element types with a matrix product: `f32` and `f64`.
pub trait Gemm: Sized + Copy {
    /// `C = alpha·A·B + beta·C` for `A` m×k, `B` k×n and row-major `C` m×n (`c.len() >= m·n`).
    ///
    /// Panics if a view does not cover its matrix: callers size buffers from shape constants,
    /// so a failure here is a bug in the crate, never a consequence of user data.
    ///
    /// ```
    /// use stratanet::kernels::gemm::{Gemm, MatRef};
    /// let a = [1.0f32, 2.0, 3.0, 4.0]; // [[1, 2], [3, 4]]
    /// let id = [1.0f32, 0.0, 0.0, 1.0];
    /// let mut c = [0.0f32; 4];
    /// f32::gemm(2, 2, 2, 1.0, MatRef::transposed(&a, 2), MatRef::row_major(&id, 2), 0.0, &mut c);
    /// assert_eq!(c, [1.0, 3.0, 2.0, 4.0]);
    /// ```
    #[allow(clippy::too_many_arguments)]
    fn gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: MatRef<'_, Self>,
        b: MatRef<'_, Self>,
        beta: Self,
        c: &mut [Self],
    );

    /// `c = a·B` (`accumulate`: `c += a·B`) for a row `a` and a `B` whose columns are contiguous
    /// (column `j` at `b[j·ldb..][..a.len()]`, `c.len()` columns) by the crate's own SIMD
    /// kernel, where this type and the CPU have one (`f32` at AVX-512); `false` leaves the
    /// product to the portable loops. Panics if `b` is too short.
    ///
    /// ```
    /// use stratanet::kernels::gemm::Gemm;
    /// let (a, b) = ([1.0f32, 2.0], [3.0f32, 4.0, 5.0, 6.0]); // columns (3, 4) and (5, 6)
    /// let mut c = [0.0f32; 2];
    /// if f32::row_times_columns(&a, &b, 2, false, &mut c) {
    ///     assert_eq!(c, [11.0, 17.0]);
    /// }
    /// ```
    fn row_times_columns(
        _a: &[Self],
        _b: &[Self],
        _ldb: usize,
        _accumulate: bool,
        _c: &mut [Self],
    ) -> bool {
        false
    }

    /// `c = A·B` (`accumulate`: `c += A·B`) for a matrix–vector product of a batch (`m`, `k`
    /// or `n` is 1, so [`matmul`](super::matmul::matmul) would run it as plain loops) by the
    /// crate's own small-product kernel, where this type and the CPU have one (`f32` at
    /// AVX-512) and the product is small and not one sample's pass through transposed weights;
    /// `false` (and `c` untouched) leaves it to the loops. Panics if a view is too short.
    ///
    /// ```
    /// use stratanet::kernels::gemm::{Gemm, MatRef};
    /// let (x, w) = ([1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [0.5f32, 1.0]); // 4×2, 2×1
    /// let mut c = [0.0f32; 4];
    /// if f32::own_vector_product(4, 2, 1, MatRef::row_major(&x, 2), MatRef::row_major(&w, 1), false, &mut c) {
    ///     assert_eq!(c, [2.5, 5.5, 8.5, 11.5]);
    /// }
    /// ```
    #[allow(clippy::too_many_arguments)]
    fn own_vector_product(
        _m: usize,
        _k: usize,
        _n: usize,
        _a: MatRef<'_, Self>,
        _b: MatRef<'_, Self>,
        _accumulate: bool,
        _c: &mut [Self],
    ) -> bool {
        false
    }

    /// [`Gemm::gemm`] by the crate's own kernel, where this type and the CPU have one (`f32`
    /// at AVX-512: `simd::sgemm`, per-thread packing buffers made once); `false` (and `C`
    /// untouched) leaves the product to matrixmultiply. Called by `gemm` after its checks.
    #[allow(clippy::too_many_arguments)]
    fn own_gemm(
        _m: usize,
        _k: usize,
        _n: usize,
        _alpha: Self,
        _a: MatRef<'_, Self>,
        _b: MatRef<'_, Self>,
        _beta: Self,
        _c: &mut [Self],
    ) -> bool {
        false
    }

    /// [`Gemm::gemm`] for a `B` several products share (the same weights at every time step):
    /// where this type has its own kernel, B's packed panels are kept in `packed` — packed
    /// from `b` first when `fresh`, else reused as an earlier call with the same `b` left
    /// them; elsewhere it is [`Gemm::gemm`]. Panics as `gemm` does.
    ///
    /// ```
    /// use stratanet::kernels::gemm::{Gemm, MatRef};
    /// let (a, b) = ([1.0f32; 6], [2.0f32; 6]); // 2×3 and 3×2
    /// let (mut c, mut packed) = ([0.0f32; 4], Vec::new());
    /// for fresh in [true, false] {
    ///     let (a, b) = (MatRef::row_major(&a, 3), MatRef::row_major(&b, 2));
    ///     f32::gemm_shared_b(2, 3, 2, 1.0, a, b, 0.0, &mut c, &mut packed, fresh);
    ///     assert_eq!(c, [6.0; 4]);
    /// }
    /// ```
    #[cfg(feature = "alloc")]
    #[allow(clippy::too_many_arguments)]
    fn gemm_shared_b(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: MatRef<'_, Self>,
        b: MatRef<'_, Self>,
        beta: Self,
        c: &mut [Self],
        packed: &mut Vec<Self>,
        fresh: bool,
    ) {
        check_shapes(m, k, n, &a, &b, c);
        let shared = (packed, fresh);
        if m == 0 || n == 0 || Self::own_gemm_shared_b(m, k, n, alpha, a, b, beta, c, shared) {
            return;
        }
        Self::gemm(m, k, n, alpha, a, b, beta, c);
    }

    /// [`Gemm::gemm_shared_b`] by the crate's own kernel, where this type and the CPU have
    /// one (`f32` at AVX-512); `false` (nothing touched) leaves it to [`Gemm::gemm`]. Called
    /// after the shapes were checked.
    #[cfg(feature = "alloc")]
    #[allow(clippy::too_many_arguments)]
    fn own_gemm_shared_b(
        _m: usize,
        _k: usize,
        _n: usize,
        _alpha: Self,
        _a: MatRef<'_, Self>,
        _b: MatRef<'_, Self>,
        _beta: Self,
        _c: &mut [Self],
        _shared: (&mut Vec<Self>, bool),
    ) -> bool {
        false
    }
}

fn check_shapes<E>(m: usize, k: usize, n: usize, a: &MatRef<'_, E>, b: &MatRef<'_, E>, c: &[E]) {
    assert!(a.covers(m, k), "gemm: A view does not cover {m}x{k}");
    assert!(b.covers(k, n), "gemm: B view does not cover {k}x{n}");
    let c_len = m.checked_mul(n);
    assert!(
        matches!(c_len, Some(len) if c.len() >= len),
        "gemm: C has {} elements, needs {m}x{n}",
        c.len(),
    );
    let fits_isize = |v: usize| isize::try_from(v).is_ok();
    assert!(
        [a.row_stride, a.col_stride, b.row_stride, b.col_stride, n]
            .into_iter()
            .all(fits_isize),
        "gemm: stride too large"
    );
}

/// `C = alpha·A·B + beta·C` as plain loops: the product without `alloc` (and so without
/// matrixmultiply). Allocation-free inference never reaches it (one sample's products are
/// matrix–vector products, which [`matmul`](super::matmul::matmul) runs directly).
#[cfg(any(test, not(feature = "alloc")))]
#[allow(clippy::too_many_arguments)]
fn gemm_loops<E: num_traits::Float>(
    m: usize,
    k: usize,
    n: usize,
    alpha: E,
    a: MatRef<'_, E>,
    b: MatRef<'_, E>,
    beta: E,
    c: &mut [E],
) {
    for (i, c_row) in c[..m * n].chunks_exact_mut(n.max(1)).enumerate() {
        for (j, cv) in c_row.iter_mut().enumerate() {
            let mut sum = E::zero();
            for p in 0..k {
                sum = sum
                    + a.data[i * a.row_stride + p * a.col_stride]
                        * b.data[p * b.row_stride + j * b.col_stride];
            }
            let old = if beta == E::zero() {
                E::zero()
            } else {
                beta * *cv
            };
            *cv = alpha * sum + old;
        }
    }
}

macro_rules! impl_gemm {
    ($t:ty, $f:path $(, $own:item)*) => {
        impl Gemm for $t {
            $($own)*

            fn gemm(
                m: usize,
                k: usize,
                n: usize,
                alpha: Self,
                a: MatRef<'_, Self>,
                b: MatRef<'_, Self>,
                beta: Self,
                c: &mut [Self],
            ) {
                check_shapes(m, k, n, &a, &b, c);
                if m == 0 || n == 0 || Self::own_gemm(m, k, n, alpha, a, b, beta, c) {
                    return;
                }
                #[cfg(not(feature = "alloc"))]
                gemm_loops(m, k, n, alpha, a, b, beta, c);
                // SAFETY: `check_shapes` proved (with checked arithmetic) that every index the product reads in A (m×k),
                // B (k×n) and writes in C (m×n, row-major) lies inside its slice; C is a unique
                // borrow, so it cannot alias A or B. With k == 0 only C is touched (scaled by beta).
                #[cfg(feature = "alloc")]
                unsafe {
                    $f(
                        m,
                        k,
                        n,
                        alpha,
                        a.data.as_ptr(),
                        a.row_stride as isize,
                        a.col_stride as isize,
                        b.data.as_ptr(),
                        b.row_stride as isize,
                        b.col_stride as isize,
                        beta,
                        c.as_mut_ptr(),
                        n as isize,
                        1,
                    )
                }
            }
        }
    };
}

/// A view as the own kernel's operand.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
fn operand(v: MatRef<'_, f32>) -> super::simd::sgemm::Operand<'_> {
    super::simd::sgemm::Operand {
        data: v.data,
        row_stride: v.row_stride,
        col_stride: v.col_stride,
    }
}

// f32 has the own kernels where they are built (std, x86-64; the CPU is asked at run time).
impl_gemm!(
    f32,
    sgemm,
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    #[inline]
    fn row_times_columns(
        a: &[f32],
        b: &[f32],
        ldb: usize,
        accumulate: bool,
        c: &mut [f32],
    ) -> bool {
        use super::simd::{sgemm, Level};
        // the length first: one sample's small layers return here without asking the level
        a.len() >= sgemm::ROW_FROM
            && sgemm::row_times_columns(Level::detected(), a, b, ldb, accumulate, c)
    },
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    #[inline]
    fn own_vector_product(
        m: usize,
        k: usize,
        n: usize,
        a: MatRef<'_, f32>,
        b: MatRef<'_, f32>,
        accumulate: bool,
        c: &mut [f32],
    ) -> bool {
        use super::simd::{sgemm, Level};
        let (a, b, beta) = (operand(a), operand(b), if accumulate { 1.0 } else { 0.0 });
        sgemm::fits_vector_product(m, k, n, b)
            && sgemm::vector_product(Level::detected(), (m, k, n), a, b, beta, c)
    },
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    fn own_gemm(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: MatRef<'_, f32>,
        b: MatRef<'_, f32>,
        beta: f32,
        c: &mut [f32],
    ) -> bool {
        use super::simd::{sgemm, Level};
        let (a, b) = (operand(a), operand(b));
        sgemm::sgemm(Level::detected(), m, k, n, alpha, a, b, beta, c)
    },
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    fn own_gemm_shared_b(
        m: usize,
        k: usize,
        n: usize,
        alpha: f32,
        a: MatRef<'_, f32>,
        b: MatRef<'_, f32>,
        beta: f32,
        c: &mut [f32],
        shared: (&mut Vec<f32>, bool),
    ) -> bool {
        use super::simd::{sgemm, Level};
        let (a, b) = (operand(a), operand(b));
        sgemm::sgemm_packed_b(Level::detected(), (m, k, n), alpha, a, b, beta, c, shared)
    }
);
impl_gemm!(f64, dgemm);

/// Whether an `f32` product allocates: matrixmultiply allocates a packing buffer on every call;
/// the crate's own kernel (where the CPU has it: AVX-512) packs into buffers each thread makes
/// once; without `alloc` the plain loops allocate nothing.
///
/// ```
/// use stratanet::kernels::gemm::f32_products_allocate;
/// let _each_product_allocates: bool = f32_products_allocate();
/// ```
pub fn f32_products_allocate() -> bool {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    let own = super::simd::sgemm::applies(super::simd::Level::detected());
    #[cfg(not(all(feature = "std", target_arch = "x86_64")))]
    let own = false;
    cfg!(feature = "alloc") && !own
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{vec, vec::Vec};

    fn naive(m: usize, k: usize, n: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn matches_naive_product_with_transposes() {
        let (m, k, n) = (3, 4, 5);
        let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
        let b: Vec<f64> = (0..k * n).map(|i| (i as f64 * 0.11).cos()).collect();
        let want = naive(m, k, n, &a, &b);
        let mut c = vec![1.0; m * n];
        f64::gemm(
            m,
            k,
            n,
            1.0,
            MatRef::row_major(&a, k),
            MatRef::row_major(&b, n),
            0.0,
            &mut c,
        );
        for (x, y) in c.iter().zip(&want) {
            assert!((x - y).abs() < 1e-12);
        }
        // Bᵀ stored row-major as n×k, read through a transposed view.
        let bt: Vec<f64> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
        let mut c2 = vec![0.0; m * n];
        f64::gemm(
            m,
            k,
            n,
            1.0,
            MatRef::row_major(&a, k),
            MatRef::transposed(&bt, k),
            0.0,
            &mut c2,
        );
        assert_eq!(c, c2);
    }

    #[test]
    fn the_loops_without_alloc_match_matrixmultiply() {
        let (m, k, n) = (4, 3, 5);
        let a: Vec<f64> = (0..m * k).map(|i| (i as f64 * 0.37).sin()).collect();
        let bt: Vec<f64> = (0..n * k).map(|i| (i as f64 * 0.11).cos()).collect();
        let (a_view, b_view) = (MatRef::transposed(&a, m), MatRef::transposed(&bt, k));
        let start: Vec<f64> = (0..m * n).map(|i| i as f64 * 0.1).collect();
        let (mut engine, mut loops) = (start.clone(), start);
        f64::gemm(m, k, n, 0.5, a_view, b_view, 2.0, &mut engine);
        gemm_loops(m, k, n, 0.5, a_view, b_view, 2.0, &mut loops);
        for (x, y) in engine.iter().zip(&loops) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
    }

    #[test]
    #[should_panic(expected = "does not cover")]
    fn rejects_short_operand() {
        let a = [0.0f32; 5];
        let mut c = [0.0f32; 4];
        f32::gemm(
            2,
            3,
            2,
            1.0,
            MatRef::row_major(&a, 3),
            MatRef::row_major(&a, 2),
            0.0,
            &mut c,
        );
    }

    #[test]
    #[should_panic(expected = "A view does not cover")]
    fn rejects_strides_whose_last_index_overflows() {
        let a = [0.0f32; 4];
        let mut c = [0.0f32; 6];
        // the last row starts at (3 − 1)·2⁶³, which wraps to 0 without checked arithmetic
        let huge = MatRef {
            data: &a,
            row_stride: 1 << 63,
            col_stride: 1,
        };
        f32::gemm(3, 1, 2, 1.0, huge, MatRef::row_major(&a, 2), 0.0, &mut c);
    }
}
