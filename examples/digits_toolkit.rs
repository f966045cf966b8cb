//! The training toolkit on the real 8×8 digits: a summary known at compile time, batch norm and
//! dropout, early stopping on the validation loss with the best weights restored, a cosine
//! learning-rate schedule, gradient clipping, a live progress bar (on a terminal), and
//! precision, recall and F1 per class on the held-out 20%; the training curves and the confusion
//! matrix are written as SVG (`target/digits_curves.svg`, `target/digits_confusion.svg`).
//!
//!     cargo run --release --example digits_toolkit

mod util;

use rand::SeedableRng;
use stratanet::prelude::*;
use stratanet::train::callbacks::{
    CosineDecay, EarlyStopping, LearningRateScheduler, Monitor, StopOnNan,
};
use stratanet::train::Clip;

type Net = (
    Dense<64, 128>,
    BatchNorm<128>,
    Relu,
    Dropout<30>,
    Dense<128, 64>,
    Relu,
    Dense<64, 10>,
);
const PARAMS: usize = Model::<Vector<64>, Net>::PARAMS;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;

    println!("(a compile-time constant: PARAMS = {PARAMS})");

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model = Model::<Vector<64>, Net>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.003))
        .with_clipping(Clip::GlobalNorm(5.0));
    print!("{}", model.summary());
    let mut stop = EarlyStopping::new(Monitor::ValLoss)
        .patience(8)
        .restore_best_weights();
    let mut schedule = LearningRateScheduler::new(CosineDecay {
        epochs: 60,
        min_rate: 1e-4,
    });
    let mut nan_guard = StopOnNan;
    let settings = Fit::epochs(60)
        .batch_size(32)
        .validation_split(0.15)
        .callback(&mut stop)
        .callback(&mut schedule)
        .callback(&mut nan_guard);
    let history = model.fit(&train.x, &train.labels, settings)?;
    match (stop.stopped_epoch(), stop.best()) {
        (Some(at), Some((best, loss))) => {
            println!(
                "early stopping at epoch {}; restored epoch {} (val_loss {loss:.4})",
                at + 1,
                best + 1
            )
        }
        _ => println!("trained all {} epochs", history.len()),
    }
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let classes = model.evaluate_classes(&test.x, &test.labels)?;
    print!("{classes}");
    let target = concat!(env!("CARGO_MANIFEST_DIR"), "/target");
    std::fs::create_dir_all(target)?;
    let curves = format!("{target}/digits_curves.svg");
    let confusion = format!("{target}/digits_confusion.svg");
    std::fs::write(&curves, stratanet::train::plot::training_curves(&history))?;
    std::fs::write(
        &confusion,
        stratanet::train::plot::confusion_matrix(&classes),
    )?;
    println!("plots: {curves}, {confusion}");
    let report = model.evaluate(&test.x, &test.labels)?;
    println!("test_accuracy: {:.4}", report.accuracy()?);
    Ok(())
}
