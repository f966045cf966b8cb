//! Real handwritten digits read as sequences: each 8×8 image is 8 rows of 8 pixels, fed to an
//! LSTM one row per step; its last state goes to a dense classifier. 20% held out.
//!
//!     cargo run --release --example digits_rnn

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (Lstm<8, 64>, Dense<64, 10>);
const _: () = check::<Seq<8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    println!(
        "digits: {} train, {} test sequences of 8 steps × 8 pixels",
        train.rows(),
        test.rows()
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Seq<8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.005));
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
