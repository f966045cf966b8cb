//! Real handwritten digits (8×8, UCI via scikit-learn) as one-channel images through a small
//! convolutional network, 20% held out. Every intermediate shape is computed by the compiler.
//!
//!     cargo run --release --example digits_cnn

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    Conv2d<1, 16, 3, 1, 1>, // 16 × 8 × 8
    Relu,
    MaxPool2d<2>,            // 16 × 4 × 4
    Conv2d<16, 32, 3, 1, 1>, // 32 × 4 × 4
    Relu,
    MaxPool2d<2>, // 32 × 2 × 2
    Flatten,      // 128
    Dense<128, 10>,
);
const _: () = check::<Image<1, 8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    println!(
        "digits: {} train, {} test images of 1×8×8",
        train.rows(),
        test.rows()
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    println!("parameters: {}", Model::<Image<1, 8, 8>, Net>::PARAMS);
    let history = model.fit(
        &train.x,
        &train.labels,
        Fit::epochs(30).batch_size(32).validation_split(0.1),
    )?;
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let report = model.evaluate(&test.x, &test.labels)?;
    println!("test_loss: {:.4}", report.loss);
    println!("test_accuracy: {:.4}", report.accuracy()?);
    Ok(())
}
