//! Hyperbolic tangent: `y = tanh(x)`, `y' = 1 − y²`.
//!
//! PyTorch: `nn.Tanh()`; Keras: `activations.tanh`.

use super::Activation;
use crate::Scalar;

/// `y = tanh(x)`, element-wise.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Tanh::apply(0.0f64), 0.0);
/// assert_eq!(Tanh::apply(1e4f64), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Tanh;

impl Activation for Tanh {
    fn apply<E: Scalar>(x: E) -> E {
        x.fast_tanh()
    }
    fn derivative<E: Scalar>(_x: E, y: E) -> E {
        E::one() - y * y
    }
}

crate::activation_module!(Tanh);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Tanh>(3, 4) < 1e-7);
    }
}
