//! Forecast the next value of a noisy sine wave from the last 24 values with a GRU, and compare
//! with the naive forecast (repeat the last value).
//!
//!     cargo run --release --example sine_forecast

use rand::SeedableRng;
use stratanet::init::unit_uniform;
use stratanet::metric::{Mae, R2};
use stratanet::prelude::*;

const WINDOW: usize = 24;
type Net = (Gru<1, 32>, Dense<32, 1>);
const _: () = check::<Seq<WINDOW, 1>, Net, Vector<1>>();

/// Windows of `WINDOW` consecutive values and the value after each, from a sine of period ~31
/// steps with uniform noise of ±0.1.
fn windows(len: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let series: Vec<f32> = (0..len)
        .map(|t| ((t as f64 * 0.2).sin() + 0.2 * (unit_uniform(&mut rng) - 0.5)) as f32)
        .collect();
    let mut x = Vec::new();
    let mut y = Vec::new();
    for start in 0..len - WINDOW {
        x.extend_from_slice(&series[start..start + WINDOW]);
        y.push(series[start + WINDOW]);
    }
    (x, y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x_train, y_train) = windows(2000, 1);
    let (x_test, y_test) = windows(500, 2);

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut model = Model::<Seq<WINDOW, 1>, Net>::new(&mut rng)
        .compile(Mse, Adam::new(0.005))
        .metrics((Mae, R2));
    let history = model.fit(&x_train, &y_train, Fit::epochs(15).batch_size(32))?;
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );

    let naive: f64 = x_test
        .chunks_exact(WINDOW)
        .zip(&y_test)
        .map(|(w, &next)| f64::from(w[WINDOW - 1] - next).powi(2))
        .sum::<f64>()
        / y_test.len() as f64;
    println!("naive_last_value_mse: {naive:.5}");
    let report = model.evaluate(&x_test, &y_test)?;
    println!("test_mae: {:.5}", report.metric("mae")?);
    println!("test_r2: {:.5}", report.metric("r2")?);
    println!("test_mse: {:.5}", report.loss);
    Ok(())
}
