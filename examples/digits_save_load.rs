//! Written from the docs alone, as a new user would: a digits CNN trained, saved, loaded into a
//! fresh model and used to predict. The Keras 3 + scikit-learn program it matches (14 lines):
//!
//! ```python
//! import keras, numpy as np
//! from sklearn.model_selection import train_test_split
//! data = np.loadtxt("examples/data/digits.csv", delimiter=",")
//! x, y = data[:, :64].reshape(-1, 8, 8, 1) / 16.0, data[:, 64].astype(int)
//! x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)
//! model = keras.Sequential([keras.Input((8, 8, 1)),
//!     keras.layers.Conv2D(16, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(),
//!     keras.layers.Flatten(), keras.layers.Dense(10)])
//! model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
//! model.fit(x_train, y_train, epochs=20, batch_size=32, validation_split=0.1)
//! model.save("target/digits_cnn.keras")
//! loaded = keras.models.load_model("target/digits_cnn.keras")
//! classes = loaded.predict(x_test).argmax(axis=1)
//! print("test_accuracy:", (classes == y_test).mean())
//! ```
//!
//!     cargo run --release --example digits_save_load

use stratanet::data::{read_csv, train_test_split};
use stratanet::metric::accuracy_score;
use stratanet::prelude::*;

type Block = (Conv2d<1, 16, 3, 1, 1>, Relu, MaxPool2d<2>);
type Net = (Block, Flatten, Dense<256, 10>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut x, y) = read_csv("examples/data/digits.csv", 0)?.features_and_labels()?;
    x.iter_mut().for_each(|v| *v /= 16.0);
    let split = train_test_split(y.len(), 0.2, Some(&y), 0)?;
    let (x_train, x_test, y_train, y_test) = split.apply(&x, &y)?;
    let model = Model::<Image<1, 8, 8>, Net>::seeded(0);
    let mut model = model.compile(SoftmaxCrossEntropy, Adam::default());
    model.fit(&x_train, &y_train, Fit::epochs(20).validation_split(0.1))?;
    model.save("target/digits_cnn.weights")?;
    let loaded = Model::<Image<1, 8, 8>, Net>::from_file("target/digits_cnn.weights")?;
    let classes = loaded.predict_class(&x_test, &SoftmaxCrossEntropy)?;
    println!("test_accuracy: {:.4}", accuracy_score(&classes, &y_test)?);
    Ok(())
}
