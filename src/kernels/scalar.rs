//! The element type of a network: `f32` (the default) or `f64` (for gradient checks).

use super::gemm::Gemm;
use super::simd::Level;
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
    /// A slice of this type as [`Values`], read as `f64` whatever the element type.
    fn values(slice: &[Self]) -> Values<'_>;
    /// `tanh(x)` as the layers compute it: for `f32` a fast evaluation within a few ulp of the
    /// exact value (the C library's `tanhf` dominated LSTM training); for `f64` the C library's.
    #[inline]
    #[must_use]
    fn fast_tanh(self) -> Self {
        self.tanh()
    }
    /// `eˣ` as the layers compute it: for `f32` a branch-free evaluation (loops over it
    /// vectorize) within a few ulp, 0 below −87 and infinity above 88; for `f64` the C
    /// library's.
    #[inline]
    #[must_use]
    fn fast_exp(self) -> Self {
        self.exp()
    }
    /// The 2×2 max-pooling forward pass over a band of input row pairs by a SIMD kernel, where
    /// this type and `level` have one ([`simd::max_pool_pairs_forward`](super::simd::max_pool_pairs_forward):
    /// `f32` at AVX-512); `false` leaves it to the portable loop.
    #[inline]
    fn max_pool_pairs_forward(
        _level: Level,
        _x: &[Self],
        _w: usize,
        _ow: usize,
        _m: &mut [Self],
    ) -> bool {
        false
    }
    /// The 2×2 max-pooling backward pass over a band of input row pairs by a SIMD kernel, where
    /// this type and `level` have one ([`simd::max_pool_pairs_backward`](super::simd::max_pool_pairs_backward):
    /// `f32` at AVX-512); `false` leaves it to the portable loop.
    #[inline]
    fn max_pool_pairs_backward(
        _level: Level,
        _band: (&[Self], usize, usize),
        _m: &[Self],
        _d: &[Self],
        _dx: &mut [Self],
    ) -> bool {
        false
    }
}

impl Scalar for f32 {
    #[inline]
    fn max_pool_pairs_forward(level: Level, x: &[f32], w: usize, ow: usize, m: &mut [f32]) -> bool {
        super::simd::max_pool_pairs_forward(level, x, w, ow, m)
    }
    #[inline]
    fn max_pool_pairs_backward(
        level: Level,
        band: (&[f32], usize, usize),
        m: &[f32],
        d: &[f32],
        dx: &mut [f32],
    ) -> bool {
        super::simd::max_pool_pairs_backward(level, band, m, d, dx)
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    #[inline]
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    fn values(slice: &[f32]) -> Values<'_> {
        Values(Slice::F32(slice))
    }
    /// Odd Taylor polynomial to `x¹³` below 0.4 (truncation < 2e-9), else
    /// `(1 − e^(−2|x|)) / (1 + e^(−2|x|))` with the sign of `x` (no cancellation there).
    #[inline(always)]
    fn fast_tanh(self) -> Self {
        // Both branches are computed and one is selected, so loops over it vectorize.
        let a = self.abs();
        let x2 = self * self;
        let p = 21844.0 / 6081075.0;
        let p = p * x2 - 1382.0 / 155925.0;
        let p = p * x2 + 62.0 / 2835.0;
        let p = p * x2 - 17.0 / 315.0;
        let p = p * x2 + 2.0 / 15.0;
        let p = p * x2 - 1.0 / 3.0;
        let small = self + self * x2 * p;
        let e = (-2.0 * a).fast_exp();
        let large = ((1.0 - e) / (1.0 + e)).copysign(self);
        if a < 0.4 {
            small
        } else {
            large
        }
    }

    /// `x = n·ln 2 + r`, `|r| ≤ ln 2 / 2` (Cody–Waite with Cephes's split of ln 2), `eʳ` by its
    /// Taylor polynomial to `r⁷`, and `2ⁿ` assembled in the exponent bits.
    #[inline(always)]
    fn fast_exp(self) -> Self {
        const LN2_HI: f32 = 0.693_359_4;
        const LN2_LO: f32 = -2.121_944_4e-4;
        // Adding and subtracting 1.5·2²³ rounds to the nearest integer without a library call.
        const ROUND: f32 = 12_582_912.0;
        let x = self.clamp(-87.0, 88.0);
        let shifted = x * core::f32::consts::LOG2_E + ROUND;
        let n = shifted - ROUND;
        // `shifted` is ROUND + n exactly (|n| ≤ 127 keeps its exponent): n is the difference of
        // the bits, an integer subtraction that vectorizes (`n as i32` saturates, per value)
        let whole = shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i32;
        let r = (x - n * LN2_HI) - n * LN2_LO;
        let mut p = 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        let value = p * f32::from_bits((whole.wrapping_add(127) as u32) << 23);
        if self < -87.0 {
            0.0
        } else if self > 88.0 {
            f32::INFINITY
        } else {
            value
        }
    }
}

impl Scalar for f64 {
    #[inline]
    fn from_f64(value: f64) -> Self {
        value
    }
    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
    fn values(slice: &[f64]) -> Values<'_> {
        Values(Slice::F64(slice))
    }
}

/// A borrowed row of `f32` or `f64` values, read as `f64` (how metrics see outputs and
/// targets, whatever the network's element type).
///
/// ```
/// use stratanet::Scalar;
/// let v = f32::values(&[0.5, 2.0]);
/// assert_eq!((v.len(), v.get(1)), (2, 2.0));
/// assert_eq!(v.iter().sum::<f64>(), 2.5);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Values<'a>(Slice<'a>);

#[derive(Clone, Copy, Debug)]
enum Slice<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

impl<'a> Values<'a> {
    /// The number of values.
    #[must_use]
    pub fn len(&self) -> usize {
        match self.0 {
            Slice::F32(s) => s.len(),
            Slice::F64(s) => s.len(),
        }
    }
    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Value `i` (panics past the end, as slice indexing does).
    #[must_use]
    pub fn get(&self, i: usize) -> f64 {
        match self.0 {
            Slice::F32(s) => f64::from(s[i]),
            Slice::F64(s) => s[i],
        }
    }
    /// Every value, in order.
    pub fn iter(&self) -> impl Iterator<Item = f64> + 'a {
        let (f32s, f64s): (&[f32], &[f64]) = match self.0 {
            Slice::F32(s) => (s, &[]),
            Slice::F64(s) => (&[], s),
        };
        f32s.iter()
            .map(|&v| f64::from(v))
            .chain(f64s.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_is_within_a_few_ulp() {
        let mut worst: f64 = 0.0;
        let mut at = 0.0;
        for i in -86_999..=87_999 {
            let x = i as f32 * 1e-3;
            let exact = f64::from(x).exp();
            let err = (f64::from(x.fast_exp()) - exact).abs() / exact;
            if err > worst {
                (worst, at) = (err, x);
            }
        }
        assert!(
            worst < 4.0 * f64::from(f32::EPSILON),
            "worst relative error {worst} at {at}"
        );
    }

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
