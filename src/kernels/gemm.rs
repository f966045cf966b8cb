//! The crate's only `unsafe`: safe, length-checked wrappers over `matrixmultiply`.
//!
//! A matrix operand is a slice plus its row and column strides, so a transpose is a stride swap
//! and no copy is made. Without the `alloc` feature there is no matrixmultiply (it allocates a
//! packing buffer per product) and [`Gemm::gemm`] is a plain safe loop; allocation-free
//! inference only multiplies matrices by vectors, which [`matmul`](super::matmul) does directly.

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

    fn covers(&self, rows: usize, cols: usize) -> bool {
        rows == 0
            || cols == 0
            || (rows - 1) * self.row_stride + (cols - 1) * self.col_stride < self.data.len()
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
}

fn check_shapes<E>(m: usize, k: usize, n: usize, a: &MatRef<'_, E>, b: &MatRef<'_, E>, c: &[E]) {
    assert!(a.covers(m, k), "gemm: A view does not cover {m}x{k}");
    assert!(b.covers(k, n), "gemm: B view does not cover {k}x{n}");
    assert!(
        c.len() >= m * n,
        "gemm: C has {} elements, needs {}",
        c.len(),
        m * n
    );
    let fits_isize = |v: usize| isize::try_from(v).is_ok();
    assert!(
        [a.row_stride, a.col_stride, b.row_stride, b.col_stride, n]
            .into_iter()
            .all(fits_isize),
        "gemm: stride too large"
    );
}

#[cfg(feature = "alloc")]
macro_rules! impl_gemm {
    ($t:ty, $f:path) => {
        impl Gemm for $t {
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
                if m == 0 || n == 0 {
                    return;
                }
                // SAFETY: `check_shapes` proved that every index the product reads in A (m×k),
                // B (k×n) and writes in C (m×n, row-major) lies inside its slice; C is a unique
                // borrow, so it cannot alias A or B. With k == 0 only C is touched (scaled by beta).
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

#[cfg(feature = "alloc")]
impl_gemm!(f32, matrixmultiply::sgemm);
#[cfg(feature = "alloc")]
impl_gemm!(f64, matrixmultiply::dgemm);

/// The product as plain loops, for builds without an allocator.
#[cfg(not(feature = "alloc"))]
macro_rules! impl_gemm_loops {
    ($t:ty) => {
        impl Gemm for $t {
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
                for i in 0..m {
                    for j in 0..n {
                        let mut sum = 0.0;
                        for p in 0..k {
                            sum += a.data[i * a.row_stride + p * a.col_stride]
                                * b.data[p * b.row_stride + j * b.col_stride];
                        }
                        let old = if beta == 0.0 {
                            0.0
                        } else {
                            beta * c[i * n + j]
                        };
                        c[i * n + j] = alpha * sum + old;
                    }
                }
            }
        }
    };
}
#[cfg(not(feature = "alloc"))]
impl_gemm_loops!(f32);
#[cfg(not(feature = "alloc"))]
impl_gemm_loops!(f64);

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
}
