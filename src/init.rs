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

/// A standard normal draw (Box–Muller).
fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - unit_uniform(rng); // in (0, 1]
    let u2 = unit_uniform(rng);
    Float::sqrt(-2.0 * Float::ln(u1)) * Float::cos(2.0 * core::f64::consts::PI * u2)
}

/// Fills the row-major `rows × cols` matrix `out` with a random orthogonal matrix (Keras's
/// `Orthogonal` initializer, gain 1): a standard normal matrix whose columns (when
/// `rows >= cols`, else rows) are orthonormalized by Gram–Schmidt.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let mut q = [0.0f64; 12]; // 4×3: orthonormal columns
/// stratanet::init::orthogonal(&mut rng, 4, 3, &mut q);
/// let dot = |a: usize, b: usize| (0..4).map(|r| q[r * 3 + a] * q[r * 3 + b]).sum::<f64>();
/// assert!((dot(0, 0) - 1.0).abs() < 1e-12 && dot(0, 2).abs() < 1e-12);
/// ```
pub fn orthogonal<E: Scalar, R: Rng + ?Sized>(
    rng: &mut R,
    rows: usize,
    cols: usize,
    out: &mut [E],
) {
    // Vectors to orthonormalize: columns if tall, rows if wide; each of length `len`.
    let (count, len) = if rows >= cols {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let at = |v: usize, k: usize| {
        if rows >= cols {
            k * cols + v
        } else {
            v * cols + k
        }
    };
    let mut m: alloc::vec::Vec<f64> = (0..rows * cols).map(|_| standard_normal(rng)).collect();
    for v in 0..count {
        for u in 0..v {
            let proj: f64 = (0..len).map(|k| m[at(v, k)] * m[at(u, k)]).sum();
            for k in 0..len {
                m[at(v, k)] -= proj * m[at(u, k)];
            }
        }
        let norm = Float::sqrt((0..len).map(|k| m[at(v, k)] * m[at(v, k)]).sum::<f64>());
        for k in 0..len {
            m[at(v, k)] /= norm;
        }
    }
    for (o, &v) in out.iter_mut().zip(&m) {
        *o = E::from_f64(v);
    }
}
