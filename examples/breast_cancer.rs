//! Breast Cancer Wisconsin (Diagnostic): 30 real features, standardized with the training
//! statistics, a small binary classifier with a sigmoid output and binary cross-entropy.
//!
//!     cargo run --release --example breast_cancer

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Dense<30, 16>, Relu, Dense<16, 1>, Sigmoid);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::breast_cancer()?;
    println!(
        "breast cancer: {} train, {} test samples",
        train.rows(),
        test.rows()
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut model =
        Model::<Vector<30>, Net>::new(&mut rng).compile(BinaryCrossEntropy, Adam::default());
    let history = model.fit(
        &train.x,
        &train.float_labels(),
        Fit::epochs(50).batch_size(16),
    )?;
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let report = model.evaluate(&test.x, &test.float_labels())?;
    println!("test_loss: {:.4}", report.loss);
    println!("test_accuracy: {:.4}", report.accuracy()?);
    Ok(())
}
