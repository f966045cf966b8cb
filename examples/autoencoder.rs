//! Anomaly detection with a convolutional autoencoder (MLPerf Tiny's fourth task, here on
//! images): trained to reconstruct only the digits 0–4 of the bundled data set, its
//! reconstruction error is low on held-out 0–4 and high on the digits 5–9 it never saw. The
//! score is the AUC of that error (normal: test images of 0–4; anomalies: test images of 5–9).
//! The trained network is deployed through `Frozen`, whose scores must equal the model's.
//!
//! Encoder: convolutions and max pooling, 8×8 → a 16-value code (4 × 2 × 2); decoder:
//! nearest upsampling, a convolution, and a transposed convolution back to 8×8. Every size is
//! computed by the compiler, so a decoder that does not return to 1×8×8 does not build.
//!
//!     cargo run --release --example autoencoder

#[macro_use]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    (Conv2d<1, 16, 3, 1, 1>, Relu, MaxPool2d<2>), // 16 × 4 × 4
    (Conv2d<16, 4, 3, 1, 1>, Relu, MaxPool2d<2>), // 4 × 2 × 2: the code
    (UpSampling2d<2>, Conv2d<4, 16, 3, 1, 1>, Relu), // 16 × 4 × 4
    (ConvTranspose2d<16, 1, 2, 2>, Sigmoid),      // 1 × 8 × 8
);
const _: () = check::<Image<1, 8, 8>, Net, Image<1, 8, 8>>();

/// The images of `table` whose class passes `keep`.
fn images(table: &util::Table, keep: impl Fn(usize) -> bool) -> Vec<f32> {
    let rows = table.x.chunks_exact(64).zip(&table.labels);
    rows.filter(|(_, &c)| keep(c))
        .flat_map(|(x, _)| x.to_vec())
        .collect()
}

/// Mean squared reconstruction error of each image.
fn errors(x: &[f32], reconstructed: &[f32]) -> Vec<f64> {
    let pairs = x.chunks_exact(64).zip(reconstructed.chunks_exact(64));
    let error = |(a, b): (&[f32], &[f32])| {
        a.iter()
            .zip(b)
            .map(|(&u, &v)| f64::from(u - v).powi(2))
            .sum::<f64>()
            / 64.0
    };
    pairs.map(error).collect()
}

/// The probability that an anomaly scores above a normal sample (ties count half): the area
/// under the ROC curve.
fn auc(normal: &[f64], anomalies: &[f64]) -> f64 {
    let mut wins = 0.0;
    for &a in anomalies {
        for &n in normal {
            wins += if a > n {
                1.0
            } else if a == n {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (normal.len() * anomalies.len()) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    let train_x = images(&train, |c| c < 5);
    let (normal, anomalies) = (images(&test, |c| c < 5), images(&test, |c| c >= 5));
    println!(
        "digits 0–4: {} train images; test: {} normal (0–4), {} anomalies (5–9)",
        train_x.len() / 64,
        normal.len() / 64,
        anomalies.len() / 64
    );
    println!("parameters: {}", Model::<Image<1, 8, 8>, Net>::PARAMS);

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model = Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(Mse, Adam::new(0.003));
    print!("{}", model.summary());
    let history = model.fit(&train_x, &train_x, Fit::epochs(150).batch_size(32).silent())?;
    println!(
        "mean epoch time: {:.0} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let normal_errors = errors(&normal, model.predict(&normal)?.as_slice());
    let anomaly_errors = errors(&anomalies, model.predict(&anomalies)?.as_slice());
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "mean reconstruction error: normal {:.5}, anomalies {:.5}",
        mean(&normal_errors),
        mean(&anomaly_errors)
    );
    let test_x = [normal.as_slice(), &anomalies].concat();
    let frozen = errors(
        &test_x,
        &frozen_outputs!(Image<1, 8, 8>, Net, model, test_x),
    );
    let model_errors = [normal_errors.as_slice(), &anomaly_errors].concat();
    let worst = frozen
        .iter()
        .zip(&model_errors)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("Frozen scores: largest difference from the model's {worst:.1e}");
    println!("auc: {:.4}", auc(&normal_errors, &anomaly_errors));
    Ok(())
}
