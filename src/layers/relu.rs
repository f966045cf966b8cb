//! Rectified linear unit: `y = max(x, 0)`, `y' = 1` for `x > 0`, else 0 (PyTorch's choice at 0).

use super::activation::Activation;
use crate::Scalar;

/// `y = max(x, 0)`, element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(ReLU.apply(-2.0f32), 0.0);
/// assert_eq!(ReLU.apply(3.0f32), 3.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ReLU;

impl Activation for ReLU {
    fn apply<E: Scalar>(&self, x: E) -> E {
        x.max(E::zero())
    }
    fn derivative<E: Scalar>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::zero()
        }
    }
}

crate::activation_module!(ReLU);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, ReLU>(3, 1) < 1e-7);
    }
}
