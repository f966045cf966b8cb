//! The training API end to end: deep and nested networks, determinism, Keras's `fit` semantics.

mod common;

use common::{blobs as blobs_with, rng};

use stratanet::gradcheck::check_gradients;
use stratanet::prelude::*;

/// The 3-class blobs of `common`, with this file's spread.
fn blobs(n: usize) -> (Vec<f32>, Vec<usize>) {
    blobs_with(n, 0.4)
}

type Sixteen = (
    Dense<8, 16>,
    Relu,
    Dense<16, 16>,
    Tanh,
    Dense<16, 16>,
    Gelu,
    Dense<16, 16>,
    LeakyRelu,
    Dense<16, 16>,
    Sigmoid,
    Dense<16, 16>,
    Relu,
    Dense<16, 8>,
    Tanh,
    Dense<8, 3>,
    Softmax,
);
const _: () = check::<Vector<8>, Sixteen, Vector<3>>();

#[test]
fn sixteen_layer_network_trains_a_step() {
    let (x, y) = blobs(30);
    let onehot: Vec<f32> = y
        .iter()
        .flat_map(|&c| (0..3).map(move |k| f32::from(u8::from(k == c))))
        .collect();
    let mut model = Model::<Vector<8>, Sixteen>::new(&mut rng(3)).compile(Mse, Adam::new(0.01));
    assert_eq!(
        Model::<Vector<8>, Sixteen>::PARAMS,
        144 + 5 * 272 + 136 + 27
    );
    let before = model.evaluate(&x, &onehot).unwrap().loss;
    for _ in 0..20 {
        model.train_on_batch(&x, &onehot).unwrap();
    }
    let after = model.evaluate(&x, &onehot).unwrap().loss;
    assert!(after < before, "loss went from {before} to {after}");
}

#[test]
fn nested_networks_are_networks() {
    type Block = (DenseT<Dim<4>, Dim<5>>, Tanh);
    type Net = (
        Block,
        (DenseT<Dim<5>, Dim<3>>, Gelu),
        DenseT<Dim<3>, Dim<2>>,
        Softmax,
    );
    const _: () = stratanet::module::check_as::<Vector<4>, Net, Vector<2>, f64>();
    let err = check_gradients::<Vector<4>, Net>(3, 9);
    assert!(err < 1e-6, "whole-network gradient error {err}");
}

#[test]
fn same_seed_gives_identical_history() {
    let (x, y) = blobs(90);
    let run = |seed| {
        let mut model = Model::<Vector<8>, (Dense<8, 12>, Relu, Dense<12, 3>)>::new(&mut rng(seed))
            .compile(SoftmaxCrossEntropy, Adam::new(0.01));
        model
            .fit(
                &x,
                &y,
                Fit::epochs(5).batch_size(16).validation_split(0.2).silent(),
            )
            .unwrap()
    };
    let (first, second, other) = (run(1), run(1), run(2));
    assert_eq!(
        first.epochs, second.epochs,
        "same seed, same history to the bit"
    );
    assert_ne!(first.epochs, other.epochs);
}

#[test]
fn validation_split_holds_out_the_tail() {
    let (x, y) = blobs(100);
    let mut model = Model::<Vector<8>, (Dense<8, 6>, Tanh, Dense<6, 3>)>::new(&mut rng(4))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let history = model
        .fit(&x, &y, Fit::epochs(3).validation_split(0.25).silent())
        .unwrap();
    let last = history.last().unwrap();
    // Keras: split_at = int(100 * 0.75) = 75; the last 25 samples are the validation set.
    let tail = model.evaluate(&x[75 * 8..], &y[75..]).unwrap();
    assert_eq!(last.val_loss, Some(tail.loss));
    assert_eq!(last.val_accuracy().unwrap(), tail.accuracy().unwrap());
    assert_eq!(last.val_metrics, Some(tail.metrics));
}

#[test]
fn full_batch_gradient_descent_is_one_step_per_epoch() {
    let (x, y) = blobs(60);
    let net = |seed| Model::<Vector<8>, (Dense<8, 4>, Relu, Dense<4, 3>)>::new(&mut rng(seed));
    let mut by_fit = net(5).compile(SoftmaxCrossEntropy, Sgd::new(0.5));
    let mut by_step = net(5).compile(SoftmaxCrossEntropy, Sgd::new(0.5));
    by_fit
        .fit(
            &x,
            &y,
            Fit::epochs(4).batch_size(60).shuffle(false).silent(),
        )
        .unwrap();
    for _ in 0..4 {
        by_step.train_on_batch(&x, &y).unwrap();
    }
    assert_eq!(by_fit.steps(), 4);
    assert_eq!(by_fit.predict(&x).unwrap(), by_step.predict(&x).unwrap());
}

#[test]
fn training_learns_and_predict_agrees_with_the_plain_model() {
    let (x, y) = blobs(150);
    let mut model = Model::<Vector<8>, (Dense<8, 16>, Relu, Dense<16, 3>)>::new(&mut rng(6))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let history = model.fit(&x, &y, Fit::epochs(30).silent()).unwrap();
    assert!(
        history.last().unwrap().accuracy().unwrap() > 0.95,
        "{:?}",
        history.last()
    );
    let compiled = model.predict(&x).unwrap();
    let plain = model.into_model().predict(&x).unwrap();
    assert_eq!(compiled, plain);
    assert_eq!(plain.len(), 150);
}
