//! Data handed in at run time is checked once at the boundary: each bad input returns an `Err`
//! whose message names what was expected and what came; nothing panics.

use rand::SeedableRng;
use stratanet::error::InputError;
use stratanet::prelude::*;

type Net = (Dense<3, 4>, Relu, Dense<4, 2>);

fn classifier() -> CompiledModel<Vector<3>, Net, SoftmaxCrossEntropy, Adam> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    Model::<Vector<3>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default())
}

const X: [f32; 6] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];

#[test]
fn rows_and_labels_must_agree() {
    let err = classifier()
        .fit(&X, &[0, 1, 1], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::CountMismatch {
            what: "labels",
            inputs: 2,
            expected_labels: 2,
            labels: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "labels: expected 2 values for 2 input samples, got 3"
    );
}

#[test]
fn length_must_be_whole_samples() {
    let err = classifier()
        .fit(&X[..5], &[0, 1], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::LengthNotMultiple {
            what: "inputs",
            len: 5,
            sample_size: 3
        }
    );
    assert!(err
        .to_string()
        .contains("multiple of the sample size 3, got 5 values"));
    assert!(classifier().predict(&X[..4]).is_err());
    assert!(classifier().evaluate(&X[..4], &[0]).is_err());
}

#[test]
fn labels_must_be_classes_of_the_output() {
    let err = classifier()
        .fit(&X, &[0, 2], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::LabelOutOfRange {
            what: "labels",
            index: 1,
            label: 2,
            classes: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "labels[1]: expected a class in 0..2, got 2"
    );
}

#[test]
fn inputs_must_be_finite() {
    let mut x = X;
    x[4] = f32::NAN;
    let err = classifier()
        .fit(&x, &[0, 1], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::NonFinite {
            what: "inputs",
            index: 4
        }
    );
    x[4] = f32::INFINITY;
    let err = classifier().train_on_batch(&x, &[0, 1]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "inputs[4]: expected a finite number, got NaN or infinity"
    );
}

#[test]
fn data_must_not_be_empty() {
    let err = classifier()
        .fit(&[], &[], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(err, Error::Empty { what: "inputs" });
    assert_eq!(
        err.to_string(),
        "inputs: expected at least one sample, got none"
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    assert!(Model::<Vector<3>, Net>::new(&mut rng).predict(&[]).is_err());
}

#[test]
fn settings_are_checked() {
    let err = classifier()
        .fit(&X, &[0, 1], Fit::epochs(1).batch_size(0).silent())
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("batch_size: expected at least 1, got 0"));
    let err = classifier()
        .fit(&X, &[0, 1], Fit::epochs(1).validation_split(1.5).silent())
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("expected a fraction in [0, 1), got 1.5"));
    // A split that leaves no training sample.
    let err = classifier()
        .fit(&X, &[0, 1], Fit::epochs(1).validation_split(0.9).silent())
        .unwrap_err();
    assert!(matches!(err, Error::Empty { .. }));
    // Validation data is checked like training data.
    let err = classifier()
        .fit(
            &X,
            &[0, 1],
            Fit::epochs(1).validation_data(&X[..3], &[5]).silent(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        Error::LabelOutOfRange {
            what: "validation labels",
            index: 0,
            label: 5,
            classes: 2
        }
    );
}

#[test]
fn targets_must_suit_the_loss() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    type Binary = (Dense<3, 1>, Sigmoid);
    let mut model =
        Model::<Vector<3>, Binary>::new(&mut rng).compile(BinaryCrossEntropy, Adam::default());
    let err = model
        .fit(&X, &[0.0, 2.0], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "labels[1]: expected a target in [0, 1], got 2"
    );
    let err = model
        .fit(&X, &[0.0, f32::NAN], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::NonFinite {
            what: "labels",
            index: 1
        }
    );
}

#[test]
fn token_ids_must_be_in_the_vocabulary() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    type TokenNet = (Embedding<5, 3>, Lstm<3, 4>, Dense<4, 2>);
    let mut model =
        Model::<Tokens<3>, TokenNet>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    assert!(model
        .fit(&[0.0, 4.0, 2.0], &[1], Fit::epochs(1).silent())
        .is_ok());
    let err = model
        .fit(&[0.0, 5.0, 2.0], &[1], Fit::epochs(1).silent())
        .unwrap_err();
    assert_eq!(
        err,
        Error::Input(InputError::TokenOutOfRange {
            index: 1,
            value: 5.0,
            vocabulary: 5
        })
    );
    assert_eq!(
        err.to_string(),
        "token ids[1]: expected a whole number in 0..5, got 5"
    );
    assert!(model.predict(&[0.0, 1.5, 2.0]).is_err());
    assert!(model.evaluate(&[0.0, 1.0, -1.0], &[0]).is_err());
}

#[test]
fn saving_to_or_loading_from_a_bad_path_names_the_file() {
    let mut model = Model::<Vector<2>, Dense<2, 1>>::seeded(0);
    let missing = std::env::temp_dir().join("stratanet-no-such-dir/model.weights");
    let err = model.save(&missing).unwrap_err().to_string();
    assert!(err.contains("stratanet-no-such-dir"), "{err}");
    let err = model.load(&missing).unwrap_err().to_string();
    assert!(err.contains("model.weights"), "{err}");
    // a file of another network is the format's Err, and the model is unchanged
    let path = std::env::temp_dir().join("stratanet_other_network.weights");
    Model::<Vector<2>, Dense<2, 3>>::seeded(0)
        .save(&path)
        .unwrap();
    let before = model.weights().as_slice().to_vec();
    assert!(model.load(&path).is_err());
    assert_eq!(model.weights().as_slice(), before.as_slice());
    std::fs::remove_file(&path).ok();
}
