//! Metrics chosen when compiling, through `fit` and `evaluate`: every value recomputed here from
//! the model's own predictions, the history, the monitors and the CSV log following the chosen
//! metrics, and the run-time checks a metric makes of its loss.

mod common;

use common::{blobs, rng};
use stratanet::metric::{Accuracy, Auc, BinaryAccuracy, Mae, Precision, Recall, Rmse, TopK, R2};
use stratanet::prelude::*;
use stratanet::train::callbacks::{EarlyStopping, Monitor};

/// A noisy linear regression, 3 features → 2 outputs.
fn regression(n: usize) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..n * 3)
        .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
        .collect();
    let y = x
        .chunks(3)
        .enumerate()
        .flat_map(|(i, r)| {
            let noise = ((i * 13 % 7) as f32 - 3.0) * 0.05;
            [r[0] - 2.0 * r[1] + noise, 0.5 * r[2] + 1.0 - noise]
        })
        .collect();
    (x, y)
}

#[test]
fn regression_metrics_match_the_predictions() {
    let (x, y) = regression(120);
    let mut model = Model::<Vector<3>, (Dense<3, 16>, Tanh, Dense<16, 2>)>::seeded(4)
        .compile(Mse, Adam::new(0.02))
        .metrics((Mae, Rmse, R2));
    let history = model.fit(&x, &y, Fit::epochs(40).silent()).unwrap();
    let names: Vec<&str> = history[0].metrics.iter().map(|s| s.name).collect();
    assert_eq!(names, ["mae", "rmse", "r2"]);
    assert!(
        history[0].accuracy().is_err(),
        "a regression has no accuracy"
    );

    let e = model.evaluate(&x, &y).unwrap();
    let p = model.predict(&x).unwrap().into_vec();
    let n = p.len() as f64;
    let err: Vec<f64> = p.iter().zip(&y).map(|(a, b)| f64::from(a - b)).collect();
    let mae = err.iter().map(|e| e.abs()).sum::<f64>() / n;
    let mse = err.iter().map(|e| e * e).sum::<f64>() / n;
    let mean = y.iter().map(|&t| f64::from(t)).sum::<f64>() / n;
    let spread: f64 = y.iter().map(|&t| (f64::from(t) - mean).powi(2)).sum();
    let r2 = 1.0 - mse * n / spread;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    assert!(close(e.metric("mae").unwrap(), mae));
    assert!(close(e.metric("rmse").unwrap(), mse.sqrt()));
    assert!(close(e.metric("r2").unwrap(), r2));
    assert!(
        close(e.loss, mse),
        "Mse's loss is the mean over all outputs"
    );
    assert!(r2 > 0.9, "it learned: r2 {r2}");
}

/// Two overlapping classes in 2-d: the label is the side of a line, flipped by noise near it.
fn two_classes(n: usize) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..n * 2).map(|i| (i as f32 * 0.731).sin()).collect();
    let y = x
        .chunks(2)
        .enumerate()
        .map(|(i, r)| f32::from(u8::from(r[0] + r[1] + 0.6 * (i as f32 * 1.37).sin() > 0.0)))
        .collect();
    (x, y)
}

#[test]
fn classification_metrics_match_the_predictions() {
    let (x, y) = two_classes(300);
    let mut model = Model::<Vector<2>, (Dense<2, 8>, Relu, Dense<8, 1>)>::seeded(1)
        .compile(BinaryCrossEntropyWithLogits, Adam::new(0.02))
        .metrics((Accuracy, Precision(1), Recall(1), Auc));
    model.fit(&x, &y, Fit::epochs(15).silent()).unwrap();
    let e = model.evaluate(&x, &y).unwrap();

    let proba = model.predict_proba(&x).unwrap().into_vec();
    let predicted: Vec<bool> = proba.iter().map(|&p| p > 0.5).collect();
    let actual: Vec<bool> = y.iter().map(|&t| t > 0.5).collect();
    let count = |f: &dyn Fn(bool, bool) -> bool| {
        predicted
            .iter()
            .zip(&actual)
            .filter(|(&p, &a)| f(p, a))
            .count() as f64
    };
    let tp = count(&|p, a| p && a);
    assert_eq!(e.metric("accuracy").unwrap(), count(&|p, a| p == a) / 300.0);
    assert_eq!(e.metric("precision").unwrap(), tp / count(&|p, _| p));
    assert_eq!(e.metric("recall").unwrap(), tp / count(&|_, a| a));
    // The exact AUC over all (positive, negative) pairs; 200 thresholds put it within 0.01.
    let (mut good, mut pairs) = (0.0, 0.0);
    for (_, &pi) in proba.iter().enumerate().filter(|(i, _)| actual[*i]) {
        for (_, &pj) in proba.iter().enumerate().filter(|(j, _)| !actual[*j]) {
            pairs += 1.0;
            good += if pi > pj {
                1.0
            } else if pi == pj {
                0.5
            } else {
                0.0
            };
        }
    }
    let exact = good / pairs;
    let auc = e.metric("auc").unwrap();
    assert!((auc - exact).abs() < 0.01, "auc {auc} vs exact {exact}");
    assert!(auc > 0.7 && auc < 1.0, "overlapping classes: {auc}");
}

#[test]
fn top_k_is_one_when_k_covers_every_class() {
    let (x, y) = blobs(90, 3.0);
    let mut model = Model::<Vector<8>, Dense<8, 3>>::new(&mut rng(2))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01))
        .metrics((Accuracy, TopK::<2>, TopK::<3>));
    model.fit(&x, &y, Fit::epochs(2).silent()).unwrap();
    let e = model.evaluate(&x, &y).unwrap();
    let values: Vec<f64> = e.metrics.iter().map(|s| s.value).collect();
    assert!(values[0] <= values[1] && values[1] <= values[2]);
    assert_eq!(values[2], 1.0);
}

#[test]
fn metrics_that_do_not_fit_the_loss_are_errors_before_training() {
    let (x, y) = blobs(30, 1.0);
    let mut model = Model::<Vector<8>, Dense<8, 3>>::seeded(0)
        .compile(SoftmaxCrossEntropy, Adam::default())
        .metrics((Accuracy, Auc));
    let err = model.fit(&x, &y, Fit::epochs(1).silent()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Auc: expected a binary classifier (2 classes), got 3"
    );
    assert_eq!(model.steps(), 0, "nothing trained");
    let mut model = Model::<Vector<8>, Dense<8, 3>>::seeded(0)
        .compile(SoftmaxCrossEntropy, Adam::default())
        .metrics(Precision(3));
    let err = model.evaluate(&x, &y).unwrap_err().to_string();
    assert_eq!(err, "precision: expected a class below 3, got 3");
}

#[test]
fn monitors_read_any_metric_in_its_own_direction() {
    let (x, y) = regression(80);
    let mut model = Model::<Vector<3>, Dense<3, 2>>::seeded(3)
        .compile(Mse, Adam::new(0.05))
        .metrics((Mae, R2));
    // mae improves downwards, r2 upwards: neither stops a run that keeps improving.
    let mut by_mae = EarlyStopping::new(Monitor::ValMetric("mae")).patience(2);
    let mut by_r2 = EarlyStopping::new(Monitor::ValMetric("r2")).patience(2);
    let settings = Fit::epochs(10)
        .validation_split(0.25)
        .silent()
        .callback(&mut by_mae)
        .callback(&mut by_r2);
    let history = model.fit(&x, &y, settings).unwrap();
    assert_eq!(history.len(), 10);
    let last = history.last().unwrap();
    assert_eq!(by_mae.best(), Some((9, last.val_metric("mae").unwrap())));
    assert_eq!(by_r2.best(), Some((9, last.val_metric("r2").unwrap())));

    let mut missing = EarlyStopping::new(Monitor::Accuracy);
    let err = model
        .fit(&x, &y, Fit::epochs(1).silent().callback(&mut missing))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "metric: expected one of the compiled metrics [mae, r2], got `accuracy`"
    );
}

#[test]
fn binary_accuracy_is_keras_accuracy_under_mse() {
    let (x, y) = two_classes(200);
    let mut model = Model::<Vector<2>, (Dense<2, 8>, Relu, Dense<8, 1>, Sigmoid)>::seeded(5)
        .compile(Mse, Adam::new(0.02))
        .metrics(BinaryAccuracy);
    model.fit(&x, &y, Fit::epochs(10).silent()).unwrap();
    let e = model.evaluate(&x, &y).unwrap();
    let p = model.predict(&x).unwrap().into_vec();
    let right = p
        .iter()
        .zip(&y)
        .filter(|(p, t)| (**p > 0.5) == (**t > 0.5))
        .count();
    assert_eq!(e.metric("binary_accuracy").unwrap(), right as f64 / 200.0);
}

#[test]
fn the_csv_log_follows_the_metrics() {
    let (x, y) = regression(40);
    let path = std::env::temp_dir().join("stratanet_metrics_log.csv");
    let mut log = CsvLogger::new(&path);
    let mut model = Model::<Vector<3>, Dense<3, 2>>::seeded(0)
        .compile(Huber::default(), Adam::default())
        .metrics((Rmse, Mae));
    let settings = Fit::epochs(2)
        .validation_split(0.25)
        .silent()
        .callback(&mut log);
    let history = model.fit(&x, &y, settings).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,loss,rmse,mae,val_loss,val_rmse,val_mae,learning_rate"
    );
    let last: Vec<f64> = lines[2].split(',').map(|v| v.parse().unwrap()).collect();
    let stats = history.last().unwrap();
    assert_eq!(last[2], stats.metric("rmse").unwrap());
    assert_eq!(last[6], stats.val_metric("mae").unwrap());
}

/// More metrics than a model reports (a user's `IntoMetrics` may return any number) are an
/// `Err` before training, not silently cut.
#[test]
fn more_than_six_metrics_are_refused() {
    use stratanet::metric::{IntoMetric, IntoMetrics, Metric, Regression};
    struct Seven;
    impl IntoMetrics<Regression> for Seven {
        fn into_metrics(self) -> Vec<Box<dyn Metric<Task = Regression>>> {
            (0..7).map(|_| Mae.into_metric()).collect()
        }
    }
    let (x, y) = regression(10);
    let mut model = Model::<Vector<3>, Dense<3, 2>>::seeded(0)
        .compile(Mse, Adam::default())
        .metrics(Seven);
    let err = model.fit(&x, &y, Fit::epochs(1).silent()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "metrics: expected at most 6 metrics, got 7"
    );
}
