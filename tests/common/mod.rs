//! Data shared by the integration tests.

use rand::SeedableRng;

/// A seeded standard RNG.
pub fn rng(seed: u64) -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(seed)
}

/// A deterministic 3-class problem on 8 features: class `c` raises features `j ≡ c (mod 3)`;
/// `spread` scales a fixed pseudo-random offset of every value.
pub fn blobs(n: usize, spread: f32) -> (Vec<f32>, Vec<usize>) {
    let mut x = Vec::with_capacity(n * 8);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 3;
        for j in 0..8 {
            let center = if j % 3 == class { 1.0 } else { -0.5 };
            x.push(center + spread * ((i * 31 + j * 17) as f32 * 0.37).sin());
        }
        y.push(class);
    }
    (x, y)
}
