//! Written from the docs alone, as a new user would: an LSTM regression (the next value of a
//! sine wave from the 20 before it), reporting MAE and R², not accuracy. The Keras 3 +
//! scikit-learn program it matches (13 lines):
//!
//! ```python
//! import keras, numpy as np
//! from sklearn.model_selection import train_test_split
//! T = 20
//! wave = np.sin(0.1 * np.arange(1200)).astype("float32")
//! x = np.stack([wave[i:i + T] for i in range(len(wave) - T)])[..., None]
//! y = wave[T:]
//! x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0)
//! model = keras.Sequential([keras.Input((T, 1)), keras.layers.LSTM(32), keras.layers.Dense(1)])
//! model.compile(optimizer="adam", loss="mse", metrics=["mae", keras.metrics.R2Score()])
//! model.fit(x_train, y_train, epochs=20, batch_size=32, validation_split=0.1)
//! loss, mae, r2 = model.evaluate(x_test, y_test)
//! print("test_mae:", mae)
//! print("test_r2:", r2)
//! ```
//!
//!     cargo run --release --example lstm_regression

use stratanet::data::{train_test_split, windows};
use stratanet::metric::{Mae, R2};
use stratanet::prelude::*;

const T: usize = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let wave: Vec<f32> = (0..1200).map(|t| (0.1 * t as f32).sin()).collect();
    let (x, y) = windows(&wave, T);
    let split = train_test_split(y.len(), 0.2, None, 0)?;
    let (x_train, x_test, y_train, y_test) = split.apply(&x, &y)?;
    let mut model = Model::<Seq<T, 1>, (Lstm<1, 32>, Dense<32, 1>)>::seeded(0)
        .compile(Mse, Adam::default())
        .metrics((Mae, R2));
    model.fit(&x_train, &y_train, Fit::epochs(20).validation_split(0.1))?;
    let report = model.evaluate(&x_test, &y_test)?;
    println!("test_mae: {:.4}", report.metric("mae")?);
    println!("test_r2: {:.4}", report.metric("r2")?);
    Ok(())
}
