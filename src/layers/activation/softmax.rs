//! Softmax over the last dimension: `y_i = e^(x_i) / Σ_j e^(x_j)`.
//!
//! Backward: `∂y_i/∂x_k = y_i(δ_ik − y_k)`, so `dx = y ⊙ (dy − ⟨dy, y⟩)` per row.
//! For training a classifier prefer logits with [`crate::loss::SoftmaxCrossEntropy`], which fuses
//! the two stably; this layer is for networks that must output probabilities.
//!
//! PyTorch: `nn.Softmax(dim=-1)`; Keras: `layers.Softmax()`.

use crate::kernels::rowwise::softmax_rows;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::Shape;
use crate::Scalar;
#[cfg(feature = "alloc")]
use crate::{
    kernels::rowwise::softmax_rows_backward,
    module::{Backward, Module},
};

/// Softmax over the last dimension of any shape (over the whole vector for `Vector<N>`).
///
/// ```
/// use stratanet::prelude::*;
/// let mut y = [0.0f32; 3];
/// <Softmax as Infer<Vector<3>, f32>>::infer(&[], &[1.0, 1.0, 1.0], &mut y, &mut []);
/// assert!(y.iter().all(|p| (p - 1.0 / 3.0).abs() < 1e-7));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Softmax;

impl TensorLayout for Softmax {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

fn last_dim<S: Shape>() -> usize {
    S::DIMS[S::DIMS.len() - 1]
}

impl<S: Shape> Layer<S> for Softmax {
    type Output = S;
}

impl<S: Shape, E: Scalar> Infer<S, E> for Softmax {
    fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
        softmax_rows(x, last_dim::<S>(), y);
    }
}

#[cfg(feature = "alloc")]
impl<S: Shape, E: Scalar> Module<S, E> for Softmax {
    type Work = ();

    const SOFTMAX_OUTPUT: bool = true;

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let len = n * S::NUMEL;
        softmax_rows(&x[..len], last_dim::<S>(), &mut y[..len]);
    }

    fn backward(pass: Backward<'_, E>, _work: &mut ()) {
        if let Some(dx) = pass.dx {
            let len = pass.n * S::NUMEL;
            let (y, dy) = (&pass.y[..len], &pass.dy[..len]);
            softmax_rows_backward(y, dy, last_dim::<S>(), &mut dx[..len]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::{Seq, Vector};

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<6>, Softmax>(3, 6) < 1e-7);
        assert!(check_gradients::<Seq<3, 4>, Softmax>(2, 7) < 1e-7);
    }

    #[test]
    fn rows_sum_to_one_at_extreme_logits() {
        let mut y = [0.0f32; 4];
        <Softmax as Module<Seq<2, 2>, f32>>::forward(
            &[],
            &[1e4, -1e4, 0.0, 0.0],
            1,
            &mut y,
            &mut (),
        );
        assert_eq!(y, [1.0, 0.0, 0.5, 0.5]);
    }
}
