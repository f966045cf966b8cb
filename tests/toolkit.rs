//! The training toolkit through `fit`: callbacks, clipping, dropout and batch norm in a model,
//! the summary, and classification metrics.

mod common;

use common::{blobs as blobs_with, rng};

use stratanet::prelude::*;
use stratanet::train::callbacks::{
    CsvLogger, EarlyStopping, ExponentialDecay, LearningRateScheduler, ModelCheckpoint, Monitor,
    StopOnNan,
};
use stratanet::train::Clip;

/// The 3-class blobs of `common`, with this file's spread.
fn blobs(n: usize) -> (Vec<f32>, Vec<usize>) {
    blobs_with(n, 0.8)
}

type Net = (Dense<8, 32>, BatchNorm<32>, Relu, Dropout<20>, Dense<32, 3>);

#[test]
fn seed_model_summary_matches_keras() {
    type Seed = (
        Dense<5, 10>,
        Relu,
        Dense<10, 10>,
        Relu,
        Dense<10, 1>,
        Sigmoid,
    );
    let rows = Model::<Vector<5>, Seed>::summary_rows();
    let params: Vec<usize> = rows.iter().map(|r| r.params).collect();
    assert_eq!(params, [60, 0, 110, 0, 11, 0]);
    assert_eq!(rows[0].name, "Dense<5, 10>");
    assert_eq!(rows[4].output, &[1]);
    const TOTAL: usize = Model::<Vector<5>, Seed>::PARAMS;
    assert_eq!(TOTAL, 181);
    // the compile-time count agrees with the parameters actually stored
    let net = Weights::<Seed>::init(&mut rng(0));
    let stored: usize = net.trainable_ranges().iter().map(|r| r.len()).sum();
    assert_eq!(stored, TOTAL);
    let table = Model::<Vector<5>, Seed>::seeded(0).summary();
    assert!(table.contains("Total params: 181"), "{table}");

    let cnn = Model::<Image<1, 8, 8>, (Conv2d<1, 4, 3, 1, 1>, MaxPool2d<2>, Flatten, Dense<64, 10>)>::summary_rows();
    assert_eq!(cnn[0].name, "Conv2d<1, 4, 3, 1, 1>");
    assert_eq!((cnn[1].output, cnn[2].output), (&[4, 4, 4][..], &[64][..]));
}

#[test]
fn early_stopping_ends_fit_and_restores_the_best_weights() {
    let (x, y) = blobs(120);
    let mut model =
        Model::<Vector<8>, Net>::new(&mut rng(1)).compile(SoftmaxCrossEntropy, Adam::new(0.05));
    let mut stop = EarlyStopping::new(Monitor::ValLoss)
        .patience(2)
        .restore_best_weights();
    let mut best = ModelCheckpoint::best(Monitor::ValLoss);
    let history = model
        .fit(
            &x,
            &y,
            Fit::epochs(200)
                .validation_split(0.25)
                .callback(&mut stop)
                .callback(&mut best)
                .silent(),
        )
        .unwrap();
    let stopped = stop
        .stopped_epoch()
        .expect("val_loss stops improving well before 200 epochs");
    assert_eq!(history.len(), stopped + 1);
    let (best_epoch, best_loss) = stop.best().unwrap();
    assert_eq!(best.epoch(), Some(best_epoch));
    assert_eq!(history[best_epoch].val_loss, Some(best_loss));
    // the restored weights are the best epoch's: the checkpoint holds the same values
    let now = model.model().weights().as_slice();
    assert_eq!(Some(now), best.weights());
}

#[test]
fn schedule_sets_the_learning_rate_of_each_epoch() {
    let (x, y) = blobs(30);
    let mut model =
        Model::<Vector<8>, Net>::new(&mut rng(2)).compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let mut schedule = LearningRateScheduler::new(ExponentialDecay { rate: 0.5 });
    let history = model
        .fit(&x, &y, Fit::epochs(4).callback(&mut schedule).silent())
        .unwrap();
    let rates: Vec<f64> = history.iter().map(|e| e.learning_rate).collect();
    assert_eq!(rates, [0.01, 0.005, 0.0025, 0.00125]);
}

#[test]
fn stop_on_nan_names_the_epoch_and_batch() {
    let (x, _) = blobs(64);
    let y: Vec<f32> = (0..64).map(|i| (i % 2) as f32 * 1e3).collect();
    type Regressor = (Dense<8, 16>, Relu, Dense<16, 1>);
    let mut model = Model::<Vector<8>, Regressor>::new(&mut rng(3)).compile(Mse, Sgd::new(1e3));
    let err = model
        .fit(
            &x,
            &y,
            Fit::epochs(50)
                .batch_size(8)
                .callback(&mut StopOnNan)
                .silent(),
        )
        .unwrap_err();
    let Error::NonFiniteLoss { epoch, batch } = err else {
        panic!("{err}")
    };
    assert!(epoch < 50 && batch < 8);
    assert!(err
        .to_string()
        .contains(&format!("at epoch {epoch}, batch {batch}")));
}

#[test]
fn csv_logger_writes_one_line_per_epoch() {
    let path = std::env::temp_dir().join(format!("stratanet-log-{}.csv", std::process::id()));
    let (x, y) = blobs(30);
    let mut model =
        Model::<Vector<8>, Net>::new(&mut rng(4)).compile(SoftmaxCrossEntropy, Adam::default());
    let mut log = CsvLogger::new(&path);
    model
        .fit(
            &x,
            &y,
            Fit::epochs(3)
                .validation_split(0.2)
                .callback(&mut log)
                .silent(),
        )
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,loss,accuracy,val_loss,val_accuracy,learning_rate"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[3].starts_with("2,") && lines[3].split(',').count() == 6);
}

#[test]
fn clipping_bounds_the_gradient_norms() {
    type Pair = (Dense<4, 3>, Dense<3, 2>);
    let mut grads = Weights::<Pair, f64>::zeros();
    for range in grads.trainable_ranges().to_vec() {
        grads.as_mut_slice()[range]
            .iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = 10.0 * (i as f64 + 1.0));
    }
    let tensors = |g: &Weights<Pair, f64>| -> Vec<Vec<f64>> {
        let ranges = g.trainable_ranges();
        ranges
            .iter()
            .map(|r| g.as_slice()[r.clone()].to_vec())
            .collect()
    };
    let norms = |g: &Weights<Pair, f64>| {
        let each = tensors(g).into_iter();
        each.map(|s| s.iter().map(|v| v * v).sum::<f64>().sqrt())
            .collect::<Vec<_>>()
    };
    let mut by_value = grads.clone();
    Clip::Value(15.0).apply(&mut by_value);
    assert!(tensors(&by_value).iter().flatten().all(|v| v.abs() <= 15.0));

    let mut per_tensor = grads.clone();
    Clip::Norm(1.0).apply(&mut per_tensor);
    assert!(norms(&per_tensor).iter().all(|n| (n - 1.0).abs() < 1e-12));

    let mut global = grads.clone();
    Clip::GlobalNorm(2.0).apply(&mut global);
    let total = norms(&global).iter().map(|n| n * n).sum::<f64>().sqrt();
    assert!((total - 2.0).abs() < 1e-12);
    // directions are kept: the ratio between two tensors' norms is unchanged
    let (before, after) = (norms(&grads), norms(&global));
    assert!((before[0] / before[1] - after[0] / after[1]).abs() < 1e-9);
}

#[test]
fn clipped_training_still_learns() {
    let (x, y) = blobs(90);
    let mut model = Model::<Vector<8>, Net>::new(&mut rng(6))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01))
        .with_clipping(Clip::GlobalNorm(1.0));
    let history = model.fit(&x, &y, Fit::epochs(30).silent()).unwrap();
    assert!(history.last().unwrap().accuracy().unwrap() > 0.9);
}

#[test]
fn dropout_and_batch_norm_train_reproducibly_and_infer_deterministically() {
    let (x, y) = blobs(90);
    let run = || {
        let mut model =
            Model::<Vector<8>, Net>::new(&mut rng(7)).compile(SoftmaxCrossEntropy, Adam::new(0.01));
        let history = model
            .fit(&x, &y, Fit::epochs(5).batch_size(16).silent())
            .unwrap();
        (history.epochs, model)
    };
    let ((first, mut model), (second, _)) = (run(), run());
    assert_eq!(first, second, "same seed, same dropout masks, same history");
    // inference ignores dropout and uses running statistics: repeated predictions agree, and
    // they match evaluate's accuracy
    let (p1, p2) = (model.predict(&x).unwrap(), model.predict(&x).unwrap());
    assert_eq!(p1, p2);
    let correct = p1
        .samples()
        .zip(&y)
        .filter(|(p, &c)| p.iter().enumerate().all(|(k, v)| k == c || *v <= p[c]))
        .count();
    let report = model.evaluate(&x, &y).unwrap();
    assert!((report.accuracy().unwrap() - correct as f64 / 90.0).abs() < 1e-12);
}

#[test]
fn classification_report_counts_every_sample() {
    let (x, y) = blobs(90);
    let mut model =
        Model::<Vector<8>, Net>::new(&mut rng(8)).compile(SoftmaxCrossEntropy, Adam::new(0.01));
    model.fit(&x, &y, Fit::epochs(20).silent()).unwrap();
    let report = model.evaluate_classes(&x, &y).unwrap();
    let total: usize = (0..3)
        .flat_map(|a| (0..3).map(move |p| (a, p)))
        .map(|(a, p)| report.count(a, p))
        .sum();
    assert_eq!((report.classes(), total), (3, 90));
    assert!(
        (report.accuracy() - model.evaluate(&x, &y).unwrap().accuracy().unwrap()).abs() < 1e-12
    );
    for c in 0..3 {
        let f1 = report.f1(c);
        assert!(f1 > 0.0 && f1 <= 1.0);
    }
    // a binary (1-wide) output has two classes
    type Binary = (Dense<8, 4>, Relu, Dense<4, 1>, Sigmoid);
    let targets: Vec<f32> = y.iter().map(|&c| f32::from(u8::from(c == 0))).collect();
    let mut binary =
        Model::<Vector<8>, Binary>::new(&mut rng(9)).compile(BinaryCrossEntropy, Adam::new(0.01));
    binary.fit(&x, &targets, Fit::epochs(10).silent()).unwrap();
    assert_eq!(binary.evaluate_classes(&x, &targets).unwrap().classes(), 2);
}

#[test]
fn debug_output_names_the_network_not_its_values() {
    type Net = (Dense<3, 2>, Relu);
    let model = Model::<Vector<3>, Net>::seeded(1);
    let text = format!("{model:?}");
    assert!(
        text.contains("DenseT") && text.contains("stored_values: 8"),
        "{text}"
    );
    let frozen = stratanet::infer::Frozen::<Vector<3>, Net>::new(&[0.0f32; 8]);
    assert!(format!("{frozen:?}").contains("values: 8"));
    assert_eq!(format!("{:?}", Relu), "Relu");
    let compiled = model.compile(Mse, Adam::default());
    assert!(format!("{compiled:?}").contains("Adam"));
    assert!(format!("{:?}", Fit::<f32, f32>::epochs(3)).contains("epochs: 3"));
}

#[test]
fn predicted_classes_and_probabilities_follow_the_loss() {
    let x = [2.0f32, -1.0, -3.0, 0.5];
    // logits: softmax probabilities; classes agree with their arg-max
    let mut logits =
        Model::<Vector<2>, Dense<2, 3>>::seeded(1).compile(SoftmaxCrossEntropy, Adam::default());
    let p = logits.predict_proba(&x).unwrap();
    let classes = logits.predict_class(&x).unwrap();
    for (row, &class) in p.as_slice().chunks_exact(3).zip(&classes) {
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_eq!(stratanet::kernels::rowwise::arg_max(row), Some(class));
    }
    // a Softmax layer's output is kept as it is
    let mut soft = Model::<Vector<2>, (Dense<2, 3>, Softmax)>::seeded(1)
        .compile(SoftmaxCrossEntropy, Adam::default());
    assert_eq!(soft.predict_proba(&x).unwrap().as_slice(), p.as_slice());
    // one logit: the logistic function, class 1 above 0
    let mut binary = Model::<Vector<2>, Dense<2, 1>>::seeded(2)
        .compile(BinaryCrossEntropyWithLogits, Adam::default());
    let z = binary.predict(&x).unwrap().into_vec();
    let q = binary.predict_proba(&x).unwrap().into_vec();
    let c = binary.predict_class(&x).unwrap();
    for ((&z, &q), &c) in z.iter().zip(&q).zip(&c) {
        assert!((q - 1.0 / (1.0 + (-z).exp())).abs() < 1e-6);
        assert_eq!(c, usize::from(z > 0.0));
    }
    // no probabilities for a regression loss
    let mut regression = Model::<Vector<2>, Dense<2, 1>>::seeded(2).compile(Mse, Adam::default());
    let err = regression.predict_proba(&x).unwrap_err().to_string();
    assert!(err.contains("classifier"), "{err}");
}
