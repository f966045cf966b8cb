//! SiLU (swish): `y = x·σ(x)`; `y' = σ(x)·(1 + x·(1 − σ(x)))`.
//!
//! PyTorch: `nn.SiLU()`; Keras: `activations.silu` (`swish`).

use super::Activation;
use crate::kernels::elementwise::logistic;
use crate::Scalar;

/// `y = x / (1 + e^(−x))`, element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Silu::apply(0.0f64), 0.0);
/// assert!((Silu::apply(1.0f64) - 0.7310585786300049).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Silu;

impl Activation for Silu {
    fn apply<E: Scalar>(x: E) -> E {
        x * logistic(x)
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        let s = logistic(x);
        s * (E::one() + x * (E::one() - s))
    }
}

crate::activation_module!(Silu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Silu>(3, 1) < 1e-7);
    }
}
