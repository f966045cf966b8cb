//! Real handwritten digits (8×8, UCI via scikit-learn): a multilayer perceptron with softmax
//! cross-entropy, 20% held out.
//!
//!     cargo run --release --example digits_mlp

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Dense<64, 64>, Relu, Dense<64, 32>, Relu, Dense<32, 10>);
const _: () = check::<Vector<64>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    println!(
        "digits: {} train, {} test samples",
        train.rows(),
        test.rows()
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Vector<64>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    let history = model.fit(
        &train.x,
        &train.labels,
        Fit::epochs(40).batch_size(32).validation_split(0.1),
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
