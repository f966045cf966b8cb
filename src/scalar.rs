//! The element type of a network: `f32` (the default) or `f64` (for gradient checks).

use crate::kernels::gemm::Gemm;
use core::fmt::Debug;
use num_traits::Float;

/// A floating-point element type with a matrix product.
///
/// ```
/// use stratanet::Scalar;
/// assert_eq!(f32::from_f64(0.5), 0.5f32);
/// assert_eq!(2.5f64.as_f64(), 2.5);
/// ```
pub trait Scalar: Float + Gemm + Default + Debug + Send + Sync + 'static {
    /// Converts from `f64`, rounding to the nearest value of this type.
    fn from_f64(value: f64) -> Self;
    /// Converts to `f64` exactly.
    fn as_f64(self) -> f64;
    /// `tanh(x)` as the layers compute it: for `f32` a fast evaluation within a few ulp of the
    /// exact value (the C library's `tanhf` dominated LSTM training); for `f64` the C library's.
    fn fast_tanh(self) -> Self {
        self.tanh()
    }
}

impl Scalar for f32 {
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    /// Odd Taylor polynomial to `x¹³` below 0.4 (truncation < 2e-9), else
    /// `(1 − e^(−2|x|)) / (1 + e^(−2|x|))` with the sign of `x` (no cancellation there).
    fn fast_tanh(self) -> Self {
        let a = self.abs();
        if a < 0.4 {
            let x2 = self * self;
            let p = 21844.0 / 6081075.0;
            let p = p * x2 - 1382.0 / 155925.0;
            let p = p * x2 + 62.0 / 2835.0;
            let p = p * x2 - 17.0 / 315.0;
            let p = p * x2 + 2.0 / 15.0;
            let p = p * x2 - 1.0 / 3.0;
            self + self * x2 * p
        } else {
            let e = Float::exp(-2.0 * a);
            ((1.0 - e) / (1.0 + e)).copysign(self)
        }
    }
}

impl Scalar for f64 {
    fn from_f64(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_is_within_a_few_ulp() {
        let mut worst: f64 = 0.0;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4; // −20 … 20, dense near the polynomial/exp boundary
            let exact = f64::from(x).tanh();
            let err = (f64::from(x.fast_tanh()) - exact).abs() / exact.abs().max(1e-30);
            worst = worst.max(if exact == 0.0 {
                f64::from(x.fast_tanh()).abs()
            } else {
                err
            });
        }
        assert!(
            worst < 4.0 * f64::from(f32::EPSILON),
            "worst relative error {worst}"
        );
    }
}
