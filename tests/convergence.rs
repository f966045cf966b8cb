//! Convergence on the bundled real data sets with fixed seeds (the examples' settings, shortened).

#[path = "../examples/util/mod.rs"]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

#[test]
fn digits_mlp_reaches_95_percent() {
    let mut digits = util::read_csv("digits.csv", 0).unwrap();
    digits.x.iter_mut().for_each(|v| *v /= 16.0);
    let (train_idx, test_idx) = util::split(digits.rows(), 0.2, 7);
    let (train, test) = (digits.select(&train_idx), digits.select(&test_idx));
    type Net = (Dense<64, 64>, ReLU, Dense<64, 10>);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Vector<64>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    model
        .fit(&train.x, &train.labels, Fit::epochs(20).silent())
        .unwrap();
    let report = model.evaluate(&test.x, &test.labels).unwrap();
    assert!(report.accuracy >= 0.95, "test accuracy {}", report.accuracy);
}

#[test]
fn breast_cancer_reaches_94_percent() {
    let table = util::read_csv("breast_cancer.csv", 1).unwrap();
    let (train_idx, test_idx) = util::split(table.rows(), 0.2, 11);
    let (mut train, mut test) = (table.select(&train_idx), table.select(&test_idx));
    util::standardize(&mut train, &mut test);
    type Net = (Dense<30, 16>, ReLU, Dense<16, 1>);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut model = Model::<Vector<30>, Net>::new(&mut rng)
        .compile(BinaryCrossEntropyWithLogits, Adam::default());
    model
        .fit(
            &train.x,
            &train.float_labels(),
            Fit::epochs(30).batch_size(16).silent(),
        )
        .unwrap();
    let report = model.evaluate(&test.x, &test.float_labels()).unwrap();
    assert!(report.accuracy >= 0.94, "test accuracy {}", report.accuracy);
}

#[test]
fn digits_cnn_reaches_97_percent() {
    let mut digits = util::read_csv("digits.csv", 0).unwrap();
    digits.x.iter_mut().for_each(|v| *v /= 16.0);
    let (train_idx, test_idx) = util::split(digits.rows(), 0.2, 7);
    let (train, test) = (digits.select(&train_idx), digits.select(&test_idx));
    type Net = (
        Conv2d<1, 16, 3, 1, 1>,
        ReLU,
        MaxPool2d<2>,
        Conv2d<16, 32, 3, 1, 1>,
        ReLU,
        MaxPool2d<2>,
        Flatten,
        Dense<128, 10>,
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Image<1, 8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    model
        .fit(&train.x, &train.labels, Fit::epochs(12).silent())
        .unwrap();
    let report = model.evaluate(&test.x, &test.labels).unwrap();
    assert!(report.accuracy >= 0.97, "test accuracy {}", report.accuracy);
}

#[test]
fn digits_lstm_reaches_95_percent() {
    let mut digits = util::read_csv("digits.csv", 0).unwrap();
    digits.x.iter_mut().for_each(|v| *v /= 16.0);
    let (train_idx, test_idx) = util::split(digits.rows(), 0.2, 7);
    let (train, test) = (digits.select(&train_idx), digits.select(&test_idx));
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model = Model::<Seq<8, 8>, (Lstm<8, 64>, Dense<64, 10>)>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.005));
    model
        .fit(&train.x, &train.labels, Fit::epochs(12).silent())
        .unwrap();
    let report = model.evaluate(&test.x, &test.labels).unwrap();
    assert!(report.accuracy >= 0.95, "test accuracy {}", report.accuracy);
}
