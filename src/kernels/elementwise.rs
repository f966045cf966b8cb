//! Element-wise math shared by layers, losses and the recurrent kernels: the logistic function,
//! the normal distribution's CDF and density (for Gelu), and the search for a non-finite value.

use super::simd::{vectorized, Level};
use crate::Scalar;
use num_traits::Float;

/// The index of the first NaN or infinity in `x`: blocks of 64 values checked without a branch
/// per value (so the check vectorizes), then the first block with one searched. The training
/// loop checks its inputs and, after every step, its weights with it.
///
/// ```
/// use stratanet::kernels::elementwise::first_non_finite;
/// let mut x = [0.5f32; 200];
/// assert_eq!(first_non_finite(&x), None);
/// x[130] = f32::NAN;
/// x[170] = f32::INFINITY;
/// assert_eq!(first_non_finite(&x), Some(130));
/// ```
pub fn first_non_finite<E: Scalar>(x: &[E]) -> Option<usize> {
    const BLOCK: usize = 64;
    let level = Level::detected();
    vectorized(
        level,
        #[inline(always)]
        || {
            let bad = |block: &[E]| block.iter().fold(false, |bad, v| bad | !v.is_finite());
            let at = x.chunks(BLOCK).position(bad)? * BLOCK;
            x[at..].iter().position(|v| !v.is_finite()).map(|i| at + i)
        },
    )
}

/// The logistic function `1/(1 + e^(−x))`, branch-free so that loops over it vectorize; finite at
/// both ends (`e^(−x)` overflows to infinity or saturates, giving 0, and underflows toward 0,
/// giving 1).
#[inline(always)]
pub fn logistic<E: Scalar>(x: E) -> E {
    E::one() / (E::one() + (-x).fast_exp())
}

/// `erfc(x) = 1 − erf(x)`, accurate to about 1e-15 relative: a Taylor series of `erf` below 2.5,
/// the continued fraction `e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …))))` above.
fn erfc(x: f64) -> f64 {
    const FRAC_2_SQRT_PI: f64 = core::f64::consts::FRAC_2_SQRT_PI;
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.5 {
        let x2 = x * x;
        let (mut term, mut sum) = (x, x);
        let mut k = 1.0;
        while (term / (2.0 * k - 1.0)).abs() > 1e-17 * sum.abs() {
            term *= -x2 / k;
            sum += term / (2.0 * k + 1.0);
            k += 1.0;
        }
        return 1.0 - FRAC_2_SQRT_PI * sum;
    }
    let mut fraction = x;
    for k in (1..=60).rev() {
        fraction = x + (f64::from(k) / 2.0) / fraction;
    }
    Float::exp(-x * x) * FRAC_2_SQRT_PI / (2.0 * fraction)
}

/// The standard normal CDF `Φ(x) = ½·erfc(−x/√2)` (precise in both tails).
#[must_use]
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * core::f64::consts::FRAC_1_SQRT_2)
}

/// The standard normal density `φ(x) = e^(−x²/2)/√(2π)`.
#[must_use]
pub fn normal_density(x: f64) -> f64 {
    Float::exp(-0.5 * x * x) / Float::sqrt(2.0 * core::f64::consts::PI)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_finite_value_is_found_at_every_place() {
        assert_eq!(first_non_finite::<f32>(&[]), None);
        for len in [1, 63, 64, 65, 200] {
            for at in [0, len / 2, len - 1] {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut x = [1e300f64; 200];
                    x[at] = bad;
                    x[len - 1..].fill(f64::NAN); // the last value, and those past `len`
                    assert_eq!(first_non_finite(&x[..len]), Some(at), "{len} {at}");
                    x[at] = 1.0;
                    x[len - 1] = f64::MAX;
                    assert_eq!(first_non_finite(&x[..len]), None, "{len}");
                }
            }
        }
    }

    #[test]
    fn erfc_matches_reference_values() {
        // erf values from the C library (through Python's math.erf).
        for (x, erf) in [
            (0.5, 0.5204998778130465),
            (1.0, 0.8427007929497149),
            (2.0, 0.9953222650189527),
            (2.5, 0.999593047982555),
            (3.0, 0.9999779095030014),
        ] {
            assert!((1.0 - erfc(x) - erf).abs() < 1e-15, "x={x}");
            assert!((erfc(-x) - (1.0 + erf)).abs() < 1e-15, "x=-{x}");
        }
        // deep tail, relative: erfc(5) = 1.5374597944280351e-12
        assert!((erfc(5.0) / 1.5374597944280351e-12 - 1.0).abs() < 1e-13);
    }
}
