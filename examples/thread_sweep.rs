//! When does a second thread pay off? Times training steps of small networks over a range of
//! batch sizes on one thread and on two, alternating the two models round by round (so a slow
//! phase of the machine hits both), and prints what each step costs, the ratio, and how many
//! threads the crate chooses for that batch (`CompiledModel::threads_for`). The thresholds in
//! `src/train/parallel/mod.rs` were calibrated with it.
//!
//!     cargo run --release --features threading --example thread_sweep

use std::time::Instant;
use stratanet::prelude::*;

/// Median microseconds per step of `one` and of `two` over 9 alternating rounds of `k` steps.
fn alternating_medians(k: usize, mut one: impl FnMut(), mut two: impl FnMut()) -> (f64, f64) {
    for _ in 0..(k / 5).max(3) {
        one();
        two();
    }
    let round = |step: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..k {
            step();
        }
        start.elapsed().as_secs_f64() * 1e6 / k as f64
    };
    let (mut a, mut b): (Vec<f64>, Vec<f64>) =
        (0..9).map(|_| (round(&mut one), round(&mut two))).unzip();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    (a[4], b[4])
}

/// One network's sweep over batch sizes, 10 classes, on fixed inputs.
macro_rules! sweep {
    ($name:expr, $in:ty, $net:ty) => {{
        let cost = <$net as Module<$in, f32>>::COST;
        let stored = <$net as TensorLayout>::STORED;
        for n in [2usize, 4, 8, 16, 32, 64, 128] {
            let features = <$in as Shape>::NUMEL;
            let x: Vec<f32> = (0..n * features).map(|i| (i as f32 * 0.37).sin()).collect();
            let y: Vec<usize> = (0..n).map(|i| i % 10).collect();
            let model = |threads| {
                Model::<$in, $net>::seeded(1)
                    .compile(SoftmaxCrossEntropy, Adam::default())
                    .threads(threads)
            };
            let (mut one, mut two) = (model(1), model(2));
            let k = (4_000_000 / (n * cost).max(1)).clamp(20, 5000);
            let (t1, t2) = alternating_medians(
                k,
                || {
                    one.train_on_batch(&x, &y).unwrap();
                },
                || {
                    two.train_on_batch(&x, &y).unwrap();
                },
            );
            println!(
                "{:6} {:>7} {:>7} {:>4} {:>10} {:>9.1} {:>9.1} {:>5.2} {:>4}",
                $name,
                cost,
                stored,
                n,
                n * cost,
                t1,
                t2,
                t2 / t1,
                two.threads_for(n)
            );
        }
    }};
}

fn main() {
    println!(
        "{:6} {:>7} {:>7} {:>4} {:>10} {:>9} {:>9} {:>5} {:>4}",
        "net", "cost", "stored", "n", "n*cost", "1t us", "2t us", "2t/1t", "uses"
    );
    sweep!("d16", Vector<64>, (Dense<64, 16>, Relu, Dense<16, 10>));
    sweep!("d64", Vector<64>, (Dense<64, 64>, Relu, Dense<64, 10>));
    sweep!("d256", Vector<64>, (Dense<64, 256>, Relu, Dense<256, 10>));
    sweep!(
        "mnist",
        Vector<784>,
        (Dense<784, 128>, Relu, Dense<128, 10>)
    );
    sweep!(
        "cnn",
        Image<1, 8, 8>,
        (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<128, 10>)
    );
    sweep!("lstm", Seq<8, 8>, (Lstm<8, 32>, Dense<32, 10>));
}
