//! Logistic sigmoid: `y = 1 / (1 + e^(−x))`, `y' = y·(1 − y)`.

use super::activation::Activation;
use crate::Scalar;

/// `y = 1 / (1 + e^(−x))`, element-wise, computed without overflow for large `|x|`.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Sigmoid.apply(0.0f32), 0.5);
/// assert_eq!(Sigmoid.apply(-1e4f32), 0.0);
/// assert_eq!(Sigmoid.apply(1e4f32), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Sigmoid;

/// The logistic function `1/(1 + e^(−x))`, branch-free so that loops over it vectorize; finite at
/// both ends (`e^(−x)` overflows to infinity or saturates, giving 0, and underflows toward 0,
/// giving 1).
pub(crate) fn logistic<E: Scalar>(x: E) -> E {
    E::one() / (E::one() + (-x).fast_exp())
}

impl Activation for Sigmoid {
    fn apply<E: Scalar>(&self, x: E) -> E {
        logistic(x)
    }
    fn derivative<E: Scalar>(&self, _x: E, y: E) -> E {
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
