//! Save → load → identical predictions, for dense, convolutional and recurrent models.

mod common;

use common::rng;
use stratanet::prelude::*;

fn round_trip<In: Shape, Net: Module<In, f32>>(x: &[f32]) {
    let trained = Model::<In, Net>::new(&mut rng(1));
    let bytes = trained.save_weights();
    let mut loaded = Model::<In, Net>::new(&mut rng(2)); // other weights until loaded
    assert_ne!(loaded.predict(x).unwrap(), trained.predict(x).unwrap());
    loaded.load_weights(&bytes).unwrap();
    assert_eq!(loaded.predict(x).unwrap(), trained.predict(x).unwrap());
}

#[test]
fn dense_conv_and_recurrent_models_round_trip() {
    let x: Vec<f32> = (0..4 * 64).map(|i| (i as f32 * 0.37).sin()).collect();
    round_trip::<Vector<64>, (Dense<64, 16>, BatchNorm<16>, Relu, Dense<16, 3>)>(&x);
    round_trip::<
        Image<1, 8, 8>,
        (
            Conv2d<1, 4, 3, 1, 1>,
            Relu,
            MaxPool2d<2>,
            Flatten,
            Dense<64, 10>,
        ),
    >(&x);
    round_trip::<Seq<8, 8>, (Lstm<8, 6, ReturnSequences>, Gru<6, 5>, Dense<5, 2>)>(&x);
}

#[test]
fn trained_batch_norm_statistics_are_saved() {
    let (x, y) = common::blobs(60, 0.5);
    type Net = (Dense<8, 8>, BatchNorm<8>, Relu, Dense<8, 3>);
    let mut model =
        Model::<Vector<8>, Net>::new(&mut rng(3)).compile(SoftmaxCrossEntropy, Adam::new(0.01));
    model.fit(&x, &y, Fit::epochs(3).silent()).unwrap();
    let bytes = model.model().save_weights();
    let mut copy = Model::<Vector<8>, Net>::new(&mut rng(4));
    copy.load_weights(&bytes).unwrap();
    assert_eq!(
        copy.weights().tensor("1.running_mean"),
        model.model().weights().tensor("1.running_mean")
    );
    assert_eq!(copy.predict(&x).unwrap(), model.predict(&x).unwrap());
}

#[test]
fn a_mismatched_file_leaves_the_model_unchanged() {
    let small = Model::<Vector<4>, (Dense<4, 3>, Dense<3, 2>)>::new(&mut rng(5)).save_weights();
    let mut other = Model::<Vector<4>, (Dense<4, 5>, Dense<5, 2>)>::new(&mut rng(6));
    let before = other.predict(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    let err = other.load_weights(&small).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `0.weight`: expected shape [5, 4], got [3, 4]"
    );
    assert_eq!(other.predict(&[1.0, 2.0, 3.0, 4.0]).unwrap(), before);
}
