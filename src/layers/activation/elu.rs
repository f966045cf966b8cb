//! Exponential linear unit: `y = x` for `x > 0`, else `α·(e^x − 1)`; `y' = 1`, or `y + α`.
//!
//! PyTorch: `nn.ELU(alpha=N/D)`; Keras: `layers.ELU(alpha=N/D)`.

use super::Activation;
use crate::Scalar;

/// `y = x` for `x > 0`, else `α·(e^x − 1)` with `α = N / D` in the type (default 1, as PyTorch
/// and Keras), element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(<Elu>::apply(2.0f64), 2.0);
/// assert!((<Elu>::apply(-1.0f64) - (-0.6321205588285577)).abs() < 1e-15);
/// assert!((Elu::<1, 2>::apply(-1.0f64) - (-0.31606027941427883)).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Elu<const N: usize = 1, const D: usize = 1>;

impl<const N: usize, const D: usize> Elu<N, D> {
    /// The scale of the negative part, `N / D`.
    pub const ALPHA: f64 = N as f64 / D as f64;
}

impl<const N: usize, const D: usize> Activation for Elu<N, D> {
    fn apply<E: Scalar>(x: E) -> E {
        if x > E::zero() {
            x
        } else {
            E::from_f64(Self::ALPHA) * (x.fast_exp() - E::one())
        }
    }
    fn derivative<E: Scalar>(x: E, y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            y + E::from_f64(Self::ALPHA)
        }
    }
}

crate::activation_module!(Elu<N, D>; const N, const D);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, Elu>(3, 1) < 1e-7);
        assert!(check_gradients::<Vector<7>, Elu<3, 2>>(3, 2) < 1e-7);
    }
}
