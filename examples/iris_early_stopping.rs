//! Written from the docs alone, as a new user would: iris with early stopping and a CSV log.
//! The Keras 3 + scikit-learn program it matches (15 lines):
//!
//! ```python
//! import keras, numpy as np
//! from sklearn.model_selection import train_test_split
//! from sklearn.preprocessing import StandardScaler
//! data = np.loadtxt("examples/data/iris.csv", delimiter=",", skiprows=1)
//! x, y = data[:, :4], data[:, 4].astype(int)
//! x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
//! scaler = StandardScaler().fit(x_train)
//! x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
//! model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(3)])
//! model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
//! stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
//! log = keras.callbacks.CSVLogger("target/iris_log.csv")
//! model.fit(x_train, y_train, epochs=300, batch_size=16, validation_split=0.2, callbacks=[stop, log])
//! loss, accuracy = model.evaluate(x_test, y_test)
//! print("test_accuracy:", accuracy)
//! ```
//!
//!     cargo run --release --example iris_early_stopping

use stratanet::data::{read_csv, train_test_split, Standardizer};
use stratanet::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x, y) = read_csv("examples/data/iris.csv", 1)?.features_and_labels()?;
    let split = train_test_split(y.len(), 0.2, Some(&y), 0)?;
    let (x_train, x_test, y_train, y_test) = split.apply(&x, &y)?;
    let scaler = Standardizer::fit(&x_train, 4)?;
    let (x_train, x_test) = (scaler.apply(&x_train)?, scaler.apply(&x_test)?);
    let mut model = Model::<Vector<4>, (Dense<4, 16>, Relu, Dense<16, 3>)>::seeded(0)
        .compile(SoftmaxCrossEntropy, Adam::default());
    let stop = EarlyStopping::new(Monitor::ValLoss).patience(20);
    let mut stop = stop.restore_best_weights();
    let mut log = CsvLogger::new("target/iris_log.csv");
    let fit = Fit::epochs(300).batch_size(16).validation_split(0.2);
    let fit = fit.callback(&mut stop).callback(&mut log);
    model.fit(&x_train, &y_train, fit)?;
    let accuracy = model.evaluate(&x_test, &y_test)?.accuracy()?;
    println!("test_accuracy: {accuracy:.4}");
    Ok(())
}
