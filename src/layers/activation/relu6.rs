//! ReLU capped at 6: `y = min(max(x, 0), 6)`; `y' = 1` for `0 < x < 6`, else 0 (PyTorch's
//! choice at the kinks). MobileNet's activation, kept in a range int8 represents well.
//!
//! PyTorch: `nn.ReLU6()`; Keras: `layers.ReLU(max_value=6)`.

use super::Activation;
use crate::Scalar;

/// `y = min(max(x, 0), 6)`, element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(Relu6::apply(-1.0f32), 0.0);
/// assert_eq!(Relu6::apply(2.5f32), 2.5);
/// assert_eq!(Relu6::apply(9.0f32), 6.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Relu6;

impl Activation for Relu6 {
    fn apply<E: Scalar>(x: E) -> E {
        x.max(E::zero()).min(E::from_f64(6.0))
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        if x > E::zero() && x < E::from_f64(6.0) {
            E::one()
        } else {
            E::zero()
        }
    }
}

crate::activation_module!(Relu6);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients_at;
    use crate::module::Weights;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        // Away from the kinks at 0 and 6.
        let x = [-2.0, -0.5, 0.3, 1.7, 4.0, 5.5, 6.5, 9.0];
        assert!(check_gradients_at::<Vector<8>, Relu6>(Weights::zeros(), &x, 1, 1) < 1e-7);
    }
}
