//! Leaky rectified linear unit: `y = x` for `x > 0`, else `α·x`; `y' = 1` or `α`.

use super::activation::Activation;
use crate::Scalar;

/// `y = x` for `x > 0`, else `slope · x`. The default slope is 0.01 (PyTorch's default);
/// set [`LeakyReLU::slope`] for another.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(LeakyReLU::default().apply(-2.0f64), -0.02);
/// assert_eq!(LeakyReLU { slope: 0.2 }.apply(-1.0f64), -0.2);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LeakyReLU {
    /// The factor applied to negative inputs.
    pub slope: f64,
}

impl Default for LeakyReLU {
    fn default() -> Self {
        Self { slope: 0.01 }
    }
}

impl Activation for LeakyReLU {
    fn apply<E: Scalar>(&self, x: E) -> E {
        if x > E::zero() {
            x
        } else {
            x * E::from_f64(self.slope)
        }
    }
    fn derivative<E: Scalar>(&self, x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::from_f64(self.slope)
        }
    }
}

crate::activation_module!(LeakyReLU);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, LeakyReLU>(3, 2) < 1e-7);
    }
}
