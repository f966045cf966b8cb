//! A deeper network (14 layers) on the real 8×8 digits: two convolution blocks of two
//! convolutions each, then a two-layer classifier. It exercises compile time as much as training.
//!
//!     cargo run --release --example digits_deep_cnn

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    Conv2d<1, 16, 3, 1, 1>,
    Relu,
    Conv2d<16, 16, 3, 1, 1>,
    Relu,
    MaxPool2d<2>, // 16 × 4 × 4
    Conv2d<16, 32, 3, 1, 1>,
    Relu,
    Conv2d<32, 32, 3, 1, 1>,
    Relu,
    MaxPool2d<2>, // 32 × 2 × 2
    Flatten,
    Dense<128, 64>,
    Relu,
    Dense<64, 10>,
);
const _: () = check::<Image<1, 8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;

    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut model =
        Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.002));
    println!("parameters: {}", Model::<Image<1, 8, 8>, Net>::PARAMS);
    let history = model.fit(&train.x, &train.labels, Fit::epochs(20).batch_size(32))?;
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let report = model.evaluate(&test.x, &test.labels)?;
    println!("test_loss: {:.4}", report.loss);
    println!("test_accuracy: {:.4}", report.accuracy()?);
    Ok(())
}
