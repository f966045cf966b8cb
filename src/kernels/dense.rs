//! Fully connected layer kernels over a batch: `Y = X·Wᵀ + b` with `W` stored `[out, in]`.

use super::gemm::MatRef;
use super::matmul::matmul;
use crate::Scalar;

/// `y[n×o] = x[n×i] · wᵀ + b`, with `w` row-major `[o, i]`.
///
/// ```
/// use stratanet::kernels::dense::dense_forward;
/// let w = [1.0f32, 2.0, 0.0, 1.0]; // [[1, 2], [0, 1]]
/// let mut y = [0.0f32; 2];
/// dense_forward(1, 2, 2, &[3.0, 4.0], &w, &[0.5, -0.5], &mut y);
/// assert_eq!(y, [11.5, 3.5]);
/// ```
pub fn dense_forward<E: Scalar>(
    n: usize,
    i: usize,
    o: usize,
    x: &[E],
    w: &[E],
    b: &[E],
    y: &mut [E],
) {
    let y = &mut y[..n * o];
    for row in y.chunks_exact_mut(o) {
        row.copy_from_slice(b);
    }
    matmul(
        n,
        i,
        o,
        MatRef::row_major(x, i),
        MatRef::transposed(w, i),
        true,
        y,
    );
}

/// Backward of [`dense_forward`]: `dw += dyᵀ·x`, `db += Σ_rows dy`, and `dx = dy·w` when asked.
///
/// ```
/// use stratanet::kernels::dense::dense_backward;
/// let (mut dw, mut db, mut dx) = ([0.0f32; 2], [0.0f32; 1], [0.0f32; 2]);
/// // one sample, 2 inputs, 1 output: y = w·x + b
/// dense_backward(1, 2, 1, &[3.0, 4.0], &[0.5, -1.0], &[2.0], Some(&mut dx), &mut dw, &mut db);
/// assert_eq!((dw, db, dx), ([6.0, 8.0], [2.0], [1.0, -2.0]));
/// ```
#[allow(clippy::too_many_arguments)]
pub fn dense_backward<E: Scalar>(
    n: usize,
    i: usize,
    o: usize,
    x: &[E],
    w: &[E],
    dy: &[E],
    dx: Option<&mut [E]>,
    dw: &mut [E],
    db: &mut [E],
) {
    let dy = &dy[..n * o];
    matmul(
        o,
        n,
        i,
        MatRef::transposed(dy, o),
        MatRef::row_major(x, i),
        true,
        dw,
    );
    // db += 1ᵀ·dy: a row of ones (one value, strides 0) times the batch's output gradients
    let ones = [E::one()];
    let ones = MatRef {
        data: &ones[..],
        row_stride: 0,
        col_stride: 0,
    };
    matmul(1, n, o, ones, MatRef::row_major(dy, o), true, db);
    if let Some(dx) = dx {
        matmul(
            n,
            o,
            i,
            MatRef::row_major(dy, o),
            MatRef::row_major(w, i),
            false,
            dx,
        );
    }
}
