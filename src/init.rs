//! Weight initialization as Keras does it, drawn from a user-seeded RNG.

use crate::Scalar;
use num_traits::Float;
use rand::Rng;

/// A uniform draw from `[0, 1)` with 53 random bits (independent of `rand`'s distributions,
/// so a seed gives the same weights across `rand` versions).
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let u = stratanet::init::unit_uniform(&mut rng);
/// assert!((0.0..1.0).contains(&u));
/// ```
pub fn unit_uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index in `0..bound` (`bound > 0`), by the multiply-shift method.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// assert!(stratanet::init::index_below(&mut rng, 10) < 10);
/// ```
pub fn index_below<R: Rng + ?Sized>(rng: &mut R, bound: usize) -> usize {
    ((u128::from(rng.next_u64()) * bound as u128) >> 64) as usize
}

/// Fills `out` with Glorot (Xavier) uniform values: `U(−l, l)` with `l = √(6 / (fan_in + fan_out))`,
/// Keras's default kernel initializer.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let mut w = [0.0f32; 50];
/// stratanet::init::glorot_uniform(&mut rng, 5, 10, &mut w);
/// let limit = (6.0f32 / 15.0).sqrt();
/// assert!(w.iter().all(|v| v.abs() <= limit));
/// ```
pub fn glorot_uniform<E: Scalar, R: Rng + ?Sized>(
    rng: &mut R,
    fan_in: usize,
    fan_out: usize,
    out: &mut [E],
) {
    let limit = Float::sqrt(6.0 / (fan_in + fan_out) as f64);
    for v in out {
        *v = E::from_f64((2.0 * unit_uniform(rng) - 1.0) * limit);
    }
}
