//! Gaussian error linear unit, exact form (PyTorch's default, Keras's `approximate=False`):
//! `y = x·Φ(x)` with `Φ` the standard normal CDF; `y' = Φ(x) + x·φ(x)`, `φ(x) = e^(−x²/2)/√(2π)`.
//!
//! PyTorch: `nn.Gelu()`; Keras: `activations.gelu` (`approximate=False`).

use super::Activation;
use crate::kernels::elementwise::{normal_cdf, normal_density};
use crate::Scalar;

/// `y = x·Φ(x)`, element-wise, with `Φ` computed to double precision.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Gelu::apply(0.0f64), 0.0);
/// assert!((Gelu::apply(1.0f64) - 0.8413447460685429).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Gelu;

impl Activation for Gelu {
    fn apply<E: Scalar>(x: E) -> E {
        let v = x.as_f64();
        E::from_f64(v * normal_cdf(v))
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        let v = x.as_f64();
        E::from_f64(normal_cdf(v) + v * normal_density(v))
    }
}

crate::activation_module!(Gelu);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Gelu>(3, 5) < 1e-7);
    }
}
