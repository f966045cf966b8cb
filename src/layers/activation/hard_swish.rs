//! Hard swish: `y = x·min(max(x + 3, 0), 6)/6`; `y' = 0` for `x ≤ −3`, `1` for `x ≥ 3`, else
//! `(2x + 3)/6` (PyTorch's choices at the kinks). MobileNetV3's cheap swish.
//!
//! PyTorch: `nn.Hardswish()`; Keras: `activations.hard_swish`.

use super::Activation;
use crate::Scalar;

/// `y = x·ReLU6(x + 3)/6`, element-wise, for any shape.
///
/// ```
/// use stratanet::prelude::*;
/// assert_eq!(HardSwish::apply(-4.0f64), 0.0);
/// assert_eq!(HardSwish::apply(1.5f64), 1.125);
/// assert_eq!(HardSwish::apply(4.0f64), 4.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HardSwish;

impl Activation for HardSwish {
    fn apply<E: Scalar>(x: E) -> E {
        let six = E::from_f64(6.0);
        x * (x + E::from_f64(3.0)).max(E::zero()).min(six) / six
    }
    fn derivative<E: Scalar>(x: E, _y: E) -> E {
        let three = E::from_f64(3.0);
        if x <= -three {
            E::zero()
        } else if x >= three {
            E::one()
        } else {
            (x + x + three) / E::from_f64(6.0)
        }
    }
}

crate::activation_module!(HardSwish);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients_at;
    use crate::module::Weights;
    use crate::shape::Vector;

    #[test]
    fn gradients_match_finite_differences() {
        // Away from the kinks at ±3.
        let x = [-5.0, -2.9, -1.0, 0.0, 0.4, 2.5, 3.2, 7.0];
        assert!(check_gradients_at::<Vector<8>, HardSwish>(Weights::zeros(), &x, 1, 1) < 1e-7);
    }
}
