//! Median time of one training step and of single-sample inference for the dense reference
//! workloads (`seed_mlp_*`, `mnist_mlp_*` as in the PyTorch reference script), on random fixed
//! inputs. Run: `cargo bench --bench train_step`. Nothing here asserts a time.

use rand::SeedableRng;
use std::hint::black_box;
use std::time::Instant;
use stratanet::init::unit_uniform;
use stratanet::prelude::*;

/// Median microseconds per call of `f`, over `rounds` rounds of `reps` calls after a warm-up.
fn median_micros(rounds: usize, reps: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..reps {
        f();
    }
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..reps {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / reps as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[rounds / 2]
}

fn random(n: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n).map(|_| unit_uniform(&mut rng) as f32).collect()
}

fn main() {
    type Seed = (
        Dense<5, 10>,
        ReLU,
        Dense<10, 10>,
        ReLU,
        Dense<10, 1>,
        Sigmoid,
    );
    type Mnist = (Dense<784, 128>, ReLU, Dense<128, 64>, ReLU, Dense<64, 10>);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);

    let mut seed = Model::<Vector<5>, Seed>::new(&mut rng).compile(Mse, Adam::default());
    let (x, y) = (
        random(32 * 5, 1),
        random(32, 2).iter().map(|v| v.round()).collect::<Vec<_>>(),
    );
    let t = median_micros(21, 200, || drop(black_box(seed.train_on_batch(&x, &y))));
    println!("seed_mlp_train_b32 {t:.2}");

    let mut mnist =
        Model::<Vector<784>, Mnist>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    let x = random(64 * 784, 3);
    let labels: Vec<usize> = (0..64).map(|i| i % 10).collect();
    let t = median_micros(21, 20, || {
        drop(black_box(mnist.train_on_batch(&x, &labels)))
    });
    println!("mnist_mlp_train_b64 {t:.2}");

    let seed_model = seed.into_model();
    let one = random(5, 4);
    let t = median_micros(21, 200, || drop(black_box(seed_model.predict(&one))));
    println!("seed_mlp_infer_b1 {t:.2}");

    let mnist_model = mnist.into_model();
    let one = random(784, 5);
    let t = median_micros(21, 100, || drop(black_box(mnist_model.predict(&one))));
    println!("mnist_mlp_infer_b1 {t:.2}");
}
