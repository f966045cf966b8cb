//! The seed's Keras model, as written there:
//!
//! ```python
//! model = Sequential([Dense(10, activation="relu", input_shape=(5,)),
//!                     Dense(10, activation="relu"), Dense(1, activation="sigmoid")])
//! model.compile(loss="mse", optimizer="adam", metrics=["accuracy"])
//! model.fit(x_train, y_train, epochs=100)
//! model.evaluate(x_test, y_test)
//! ```
//!
//! on a deterministic synthetic 5-feature binary task (1000 samples: 800 train, 200 test).
//!
//!     cargo run --release --example seed

use rand::SeedableRng;
use stratanet::init::unit_uniform;
use stratanet::prelude::*;

type Net = (
    Dense<5, 10>,
    Relu,
    Dense<10, 10>,
    Relu,
    Dense<10, 1>,
    Sigmoid,
);

/// Features uniform in [-1, 1]; the class is whether a fixed nonlinear score is positive.
fn synthetic(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(n * 5);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let f: Vec<f64> = (0..5).map(|_| 2.0 * unit_uniform(&mut rng) - 1.0).collect();
        let score = f[0] + 0.8 * f[1] * f[2] - 0.6 * f[3] + 0.3 * f[4] * f[4] - 0.1;
        x.extend(f.iter().map(|&v| v as f32));
        y.push(if score > 0.0 { 1.0 } else { 0.0 });
    }
    (x, y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x, y) = synthetic(1000, 2024);
    let (x_train, x_test) = x.split_at(800 * 5);
    let (y_train, y_test) = y.split_at(800);

    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    // Keras's "accuracy" with an MSE loss on one sigmoid output is the binary accuracy.
    let mut model = Model::<Vector<5>, Net>::new(&mut rng)
        .compile(Mse, Adam::default())
        .metrics(stratanet::metric::BinaryAccuracy);
    let history = model.fit(x_train, y_train, Fit::epochs(100))?;
    println!(
        "mean epoch time: {:.3} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let report = model.evaluate(x_test, y_test)?;
    println!("test_loss: {:.4}", report.loss);
    println!("test_accuracy: {:.4}", report.metric("binary_accuracy")?);
    Ok(())
}
