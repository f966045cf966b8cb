//! Logistic sigmoid: `y = 1 / (1 + e^(−x))`, `y' = y·(1 − y)`.
//!
//! PyTorch: `nn.Sigmoid()`; Keras: `activations.sigmoid`.

use super::Activation;
use crate::kernels::elementwise::logistic;
use crate::Scalar;

/// `y = 1 / (1 + e^(−x))`, element-wise, computed without overflow for large `|x|`.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Sigmoid::apply(0.0f32), 0.5);
/// assert_eq!(Sigmoid::apply(-1e4f32), 0.0);
/// assert_eq!(Sigmoid::apply(1e4f32), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;

impl Activation for Sigmoid {
    fn apply<E: Scalar>(x: E) -> E {
        logistic(x)
    }
    fn derivative<E: Scalar>(_x: E, y: E) -> E {
        y * (E::one() - y)
    }
}

crate::activation_module!(Sigmoid);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Sigmoid>(3, 3) < 1e-7);
    }
}
