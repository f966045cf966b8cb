//! Rectified linear unit: `y = max(x, 0)`, `y' = 1` for `x > 0`, else 0 (PyTorch's choice at 0).
//!
//! PyTorch: `nn.Relu()`; Keras: `layers.Relu()`.

use super::Activation;
use crate::Scalar;

/// `y = max(x, 0)`, element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Relu::apply(-2.0f32), 0.0);
/// assert_eq!(Relu::apply(3.0f32), 3.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu;

impl Activation for Relu {
    fn apply<E: Scalar>(x: E) -> E {
        x.max(E::zero())
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::zero()
        }
    }
}

crate::activation_module!(Relu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Relu>(3, 1) < 1e-7);
    }
}
