//! Leaky rectified linear unit: `y = x` for `x > 0`, else `α·x`; `y' = 1` or `α`.
//!
//! PyTorch: `nn.LeakyRelu(negative_slope=N/D)`; Keras: `layers.LeakyRelu(negative_slope=N/D)`.

use super::Activation;
use crate::Scalar;

/// `y = x` for `x > 0`, else `(N / D) · x`: the slope is part of the type, so a trained network's
/// type says which function it computes (and a weights file cannot lose it). The default,
/// `LeakyRelu` = `LeakyRelu<1, 100>`, is PyTorch's slope 0.01; Keras's 0.3 is `LeakyRelu<3, 10>`.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(<LeakyRelu>::apply(-2.0f64), -0.02);
/// assert_eq!(LeakyRelu::<1, 5>::apply(-1.0f64), -0.2);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LeakyRelu<const N: usize = 1, const D: usize = 100>;

impl<const N: usize, const D: usize> LeakyRelu<N, D> {
    /// The factor applied to negative inputs, `N / D`.
    pub const SLOPE: f64 = N as f64 / D as f64;
}

impl<const N: usize, const D: usize> Activation for LeakyRelu<N, D> {
    fn apply<E: Scalar>(x: E) -> E {
        if x > E::zero() {
            x
        } else {
            x * E::from_f64(Self::SLOPE)
        }
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        if x > E::zero() {
            E::one()
        } else {
            E::from_f64(Self::SLOPE)
        }
    }
}

crate::activation_module!(LeakyRelu<N, D>; const N, const D);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Vector<7>, LeakyRelu>(3, 2) < 1e-7);
        assert!(check_gradients::<Vector<7>, LeakyRelu<1, 2>>(3, 2) < 1e-7);
    }
}
