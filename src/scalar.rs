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
}

impl Scalar for f32 {
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
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
