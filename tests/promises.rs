//! The promises of the public API at run time: every setting is checked before training, a
//! diverged or non-finite model is never `Ok`, and mismatched weights are an `Err`, never a
//! panic.

use rand::SeedableRng;
use stratanet::error::WeightsError;
use stratanet::infer::Frozen;
use stratanet::persist::{decode_weights, load_weights, save_weights};
use stratanet::prelude::*;
use stratanet::train::callbacks::TrainContext;

fn rng(seed: u64) -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(seed)
}

type Net = (Dense<2, 4>, Tanh, Dense<4, 1>);
const X: [f32; 8] = [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
const Y: [f32; 4] = [0.0, 1.0, 1.0, 0.0];

fn fit_error<O: Optimizer>(optimizer: O) -> String {
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(1)).compile(Mse, optimizer);
    let err = model.fit(&X, &Y, Fit::epochs(2).silent()).unwrap_err();
    err.to_string()
}

#[test]
fn optimizer_settings_out_of_range_are_errors_before_training() {
    assert_eq!(
        fit_error(Adam::new(f64::NAN)),
        "Adam lr: expected a finite number >= 0, got NaN"
    );
    assert_eq!(
        fit_error(Sgd::new(-0.1)),
        "Sgd lr: expected a finite number >= 0, got -0.1"
    );
    let adam = Adam {
        beta1: 1.0,
        ..Adam::new(0.01)
    };
    assert_eq!(
        fit_error(adam),
        "Adam beta1: expected a number in [0, 1), got 1"
    );
    assert_eq!(
        fit_error(AdamW::new(0.01).eps(0.0)),
        "AdamW eps: expected a finite number > 0, got 0"
    );
    assert_eq!(
        fit_error(Sgd::new(0.1).momentum(-0.5)),
        "Sgd momentum: expected a finite number >= 0, got -0.5"
    );
    assert_eq!(
        fit_error(Sgd::new(0.1).nesterov()),
        "Sgd nesterov momentum: expected momentum > 0 with Nesterov, got 0"
    );
    let rms = RmsProp {
        alpha: f64::INFINITY,
        ..RmsProp::new(0.01)
    };
    assert_eq!(
        fit_error(rms),
        "RmsProp alpha: expected a number in [0, 1), got inf"
    );
    // train_on_batch checks them too
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(1)).compile(Mse, Adagrad::new(-1.0));
    assert!(model.train_on_batch(&X, &Y).is_err());
}

#[test]
fn loss_clipping_and_callback_settings_are_checked() {
    let mut huber =
        Model::<Vector<2>, Net>::new(&mut rng(2)).compile(Huber { delta: -1.0 }, Adam::new(0.01));
    assert_eq!(
        huber
            .fit(&X, &Y, Fit::epochs(1).silent())
            .unwrap_err()
            .to_string(),
        "Huber delta: expected a finite number > 0, got -1"
    );
    assert!(huber.evaluate(&X, &Y).is_err());
    let mut clipped = Model::<Vector<2>, Net>::new(&mut rng(2))
        .compile(Mse, Adam::new(0.01))
        .with_clipping(Clip::GlobalNorm(f64::NAN));
    assert_eq!(
        clipped
            .fit(&X, &Y, Fit::epochs(1).silent())
            .unwrap_err()
            .to_string(),
        "Clip::GlobalNorm threshold: expected a finite number > 0, got NaN"
    );
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(3)).compile(Mse, Adam::new(0.01));
    let mut plateau = ReduceLrOnPlateau::new(Monitor::Loss).factor(1.5);
    let err = model
        .fit(&X, &Y, Fit::epochs(3).callback(&mut plateau).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ReduceLrOnPlateau factor: expected a number in (0, 1), got 1.5"
    );
    let mut nan_schedule = LearningRateScheduler::new(|_: usize, _: f64| f64::NAN);
    let err = model
        .fit(&X, &Y, Fit::epochs(3).callback(&mut nan_schedule).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "learning rate set by a callback: expected a finite number >= 0, got NaN"
    );
}

#[test]
fn a_diverged_fit_is_an_error_naming_the_tensor() {
    // Without any callback: SGD with an absurd learning rate overflows the weights.
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(4)).compile(Mse, Sgd::new(1e30));
    let err = model.fit(&X, &Y, Fit::epochs(5).silent()).unwrap_err();
    let Error::NonFiniteWeights { epoch, tensor } = &err else {
        panic!("expected NonFiniteWeights, got {err}");
    };
    assert_eq!((*epoch, tensor.as_str()), (1, "0.weight"));
    assert!(err.to_string().contains("after epoch 1"), "{err}");
    // the diverged weights stay in the model, as the docs say
    assert!(model.model().weights().non_finite_tensor().is_some());
    // train_on_batch: Ok only while the weights are finite, then the error
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(4)).compile(Mse, Sgd::new(1e30));
    let first_err = (0..10).find_map(|_| match model.train_on_batch(&X, &Y) {
        Ok(_) => {
            assert!(model.model().weights().non_finite_tensor().is_none());
            None
        }
        Err(e) => Some(e),
    });
    assert!(matches!(first_err, Some(Error::NonFiniteWeights { .. })));
}

#[test]
fn non_finite_weights_files_are_refused() {
    let mut weights = Weights::<Net>::init(&mut rng(5));
    weights.tensor_mut("2.bias").unwrap()[0] = f32::NAN;
    let file = save_weights(&weights);
    let err = load_weights::<f32, Net>(&file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `2.bias`[0]: expected a finite value, got NaN or infinity"
    );
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(6));
    assert!(model.load_weights(&file).is_err());
    let mut array = [1.0f32; <Net as TensorLayout>::STORED];
    let err = decode_weights::<f32, Net, _>(&file, &mut array).unwrap_err();
    assert!(matches!(err, WeightsError::NonFinite { index: 0, .. }));
    assert!(
        array.iter().all(|&v| v == 1.0),
        "an Err leaves the array unchanged"
    );
    weights.tensor_mut("2.bias").unwrap()[0] = 0.0;
    weights.tensor_mut("0.weight").unwrap()[5] = f32::NEG_INFINITY;
    let err = load_weights::<f32, Net>(&save_weights(&weights)).unwrap_err();
    assert!(err.to_string().contains("tensor `0.weight`[5]"), "{err}");
}

#[cfg(feature = "safetensors")]
#[test]
fn safetensors_values_beyond_f32_are_refused() {
    use stratanet::persist::safetensors::{from_safetensors, to_safetensors};
    let mut wide = Weights::<Net, f64>::init(&mut rng(7));
    wide.tensor_mut("0.bias").unwrap()[1] = 1e300; // finite in f64, infinite in f32
    let file = to_safetensors(&wide).unwrap();
    assert!(from_safetensors::<f64, Net>(&file).is_ok());
    let err = from_safetensors::<f32, Net>(&file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `0.bias`: expected finite values (in the network's element type), got NaN or infinity"
    );
}

#[test]
fn a_nan_output_is_no_class() {
    let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
    let mut scratch = [0.0f32; Frozen::<Vector<2>, Net>::SCRATCH];
    let net = Frozen::<Vector<2>, Net>::new(&weights);
    assert_eq!(net.predict_class(&[1.0, 2.0].into(), &mut scratch), Some(0));
    weights[0] = f32::NAN; // a NaN that no file would load, in a hand-made array
    let net = Frozen::<Vector<2>, Net>::new(&weights);
    assert_eq!(net.predict_class(&[1.0, 2.0].into(), &mut scratch), None);
}

#[test]
fn validation_data_errors_say_validation() {
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(8)).compile(Mse, Adam::new(0.01));
    let settings = Fit::epochs(1).validation_data(&X[..4], &Y[..1]).silent();
    assert_eq!(
        model.fit(&X, &Y, settings).unwrap_err().to_string(),
        "validation labels: expected 2 values for 2 input samples, got 1"
    );
    type Classifier = (Dense<2, 3>,);
    let mut classifier = Model::<Vector<2>, Classifier>::new(&mut rng(8))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let settings = Fit::epochs(1).validation_data(&X[..4], &[0, 7]).silent();
    assert_eq!(
        classifier
            .fit(&X, &[0, 1, 2, 0], settings)
            .unwrap_err()
            .to_string(),
        "validation labels[1]: expected a class in 0..3, got 7"
    );
}

#[test]
fn identical_runs_have_equal_histories() {
    let run = || {
        let mut model = Model::<Vector<2>, Net>::new(&mut rng(9)).compile(Mse, Adam::new(0.05));
        model.fit(&X, &Y, Fit::epochs(20).silent()).unwrap()
    };
    assert_eq!(run(), run());
}

/// Loads an array of the wrong length into the model being trained.
struct LoadsTooFew;
impl Callback<f32> for LoadsTooFew {
    fn on_epoch_end(
        &mut self,
        _stats: &stratanet::train::EpochStats,
        ctx: &mut TrainContext<'_, f32>,
    ) -> stratanet::Result<()> {
        ctx.load_weights(&[0.0; 3])
    }
}

#[test]
fn weights_of_another_network_are_errors_not_panics() {
    let mut model = Model::<Vector<2>, Net>::new(&mut rng(10)).compile(Mse, Adam::new(0.01));
    let mut best = ModelCheckpoint::best(Monitor::Loss);
    model
        .fit(&X, &Y, Fit::epochs(2).callback(&mut best).silent())
        .unwrap();
    type Other = (Dense<2, 8>, Tanh, Dense<8, 1>);
    let mut other = Weights::<Other>::zeros();
    let err = best.restore(&mut other).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights: expected 33 values for this network, got 17"
    );
    assert!(other.as_slice().iter().all(|&v| v == 0.0));
    assert!(best.weights_file::<Other>().is_err());
    assert!(best.weights_file::<Net>().unwrap().is_some());
    let err = model
        .fit(&X, &Y, Fit::epochs(1).callback(&mut LoadsTooFew).silent())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights: expected 17 values for this network, got 3"
    );
}

/// A classifier that ends with `Softmax` (a Keras habit) trained with `SoftmaxCrossEntropy`
/// learns exactly as the same network on logits: the loss takes its probability form by type,
/// instead of a second softmax.
#[test]
fn softmax_then_cross_entropy_trains_as_logits_do() {
    type Logits = (Dense<4, 8>, Tanh, Dense<8, 3>);
    type Probabilities = (Dense<4, 8>, Tanh, Dense<8, 3>, Softmax);
    let x: Vec<f64> = (0..60 * 4)
        .map(|i| ((i * 37 % 101) as f64 / 50.0) - 1.0)
        .collect();
    let y: Vec<usize> = (0..60).map(|i| (i * 7 + i / 5) % 3).collect();
    let settings = || Fit::epochs(30).batch_size(10).silent();
    let mut logits = Model::<Vector<4>, Logits, f64>::new(&mut rng(11))
        .compile(SoftmaxCrossEntropy, Adam::new(0.05));
    let mut probabilities = Model::<Vector<4>, Probabilities, f64>::new(&mut rng(11))
        .compile(SoftmaxCrossEntropy, Adam::new(0.05));
    let a = logits.fit(&x, &y, settings()).unwrap();
    let b = probabilities.fit(&x, &y, settings()).unwrap();
    for (ea, eb) in a.iter().zip(b.iter()) {
        assert!(
            (ea.loss - eb.loss).abs() < 1e-9,
            "{} vs {}",
            ea.loss,
            eb.loss
        );
        assert_eq!(ea.metrics, eb.metrics);
    }
    assert!(a.last().unwrap().loss < a[0].loss, "it learns");
    let (ea, eb) = (
        logits.evaluate(&x, &y).unwrap(),
        probabilities.evaluate(&x, &y).unwrap(),
    );
    assert!((ea.loss - eb.loss).abs() < 1e-9);
}

/// Two layers that differ only below the eighth level of nesting.
type Deep = (((((((((((Dense<2, 3>, Dense<3, 2>),),),),),),),),),),);

#[test]
fn tensor_names_are_unique_at_any_depth() {
    let weights = Weights::<Deep>::init(&mut rng(12));
    let mut names = Vec::new();
    weights.for_each_tensor(&mut |name, _, _| names.push(name.to_string()));
    assert_eq!(names[0], "0.0.0.0.0.0.0.0.0.0.0.weight");
    assert_eq!(names[2], "0.0.0.0.0.0.0.0.0.0.1.weight");
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    // the own format round-trips them, and a file holding one name twice is refused
    let file = save_weights(&weights);
    assert_eq!(
        load_weights::<f32, Deep>(&file).unwrap().as_slice(),
        weights.as_slice()
    );
    let (second, first) = (names[2].as_bytes(), names[0].as_bytes());
    let at = file
        .windows(second.len())
        .position(|w| w == second)
        .unwrap();
    let mut duplicate = file.clone();
    duplicate[at..at + first.len()].copy_from_slice(first);
    let err = load_weights::<f32, Deep>(&duplicate).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected tensor `….0.0.0.0.0.0.0.1.weight`"),
        "{err}"
    );
}

#[cfg(feature = "safetensors")]
#[test]
fn deep_networks_export_to_safetensors_without_collisions() {
    use stratanet::persist::safetensors::{from_safetensors, to_safetensors};
    let weights = Weights::<Deep>::init(&mut rng(13));
    let file = to_safetensors(&weights).unwrap();
    let back = from_safetensors::<f32, Deep>(&file).unwrap();
    assert_eq!(back.as_slice(), weights.as_slice());
}
