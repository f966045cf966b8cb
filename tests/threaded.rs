//! Data-parallel training steps (feature `threading`): how many threads a step takes, that a
//! given thread count repeats to the bit, that two threads agree with one up to the rounding of
//! the summed gradients, and that networks which must not split never do.
#![cfg(feature = "threading")]

use stratanet::prelude::*;

/// The MNIST MLP: about 100,000 multiply-adds a sample, so a batch of 64 is split in two.
type Wide = (Dense<784, 128>, Relu, Dense<128, 10>);
/// The same with dropout: each helper thread draws its own masks.
type WideDropout = (Dense<784, 128>, Relu, Dropout<30>, Dense<128, 10>);
/// Batch normalization couples the samples of a batch: such a net never splits.
type WideNorm = (Dense<784, 128>, BatchNorm<128>, Relu, Dense<128, 10>);

/// `n` samples of 784 features and their classes, deterministic.
fn data<E: Scalar>(n: usize) -> (Vec<E>, Vec<usize>) {
    let x = (0..n * 784)
        .map(|i| E::from_f64((i as f64 * 0.37).sin() + 0.1 * ((i / 784) % 10) as f64))
        .collect();
    let y = (0..n).map(|i| i % 10).collect();
    (x, y)
}

#[test]
fn threads_follow_the_work_and_the_setting() {
    let wide = |threads| {
        Model::<Vector<784>, Wide>::seeded(1)
            .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
            .threads(threads)
    };
    assert_eq!(wide(2).threads_for(64), 2);
    assert_eq!(wide(1).threads_for(64), 1);
    // A thread needs a shard of more than 400,000 + 20 per weight (2.4 million here)
    // multiply-adds: 32 samples stay on one thread, 96 are worth 4 of the 8 allowed, 2,048 all
    // 8; a lone sample stays on the training thread.
    assert_eq!(wide(8).threads_for(32), 1);
    assert_eq!(wide(8).threads_for(96), 4);
    assert_eq!(wide(8).threads_for(2048), 8);
    assert_eq!(wide(8).threads_for(1), 1);
    // A smaller network's batch of 64 is not worth a second thread; of 128 it is.
    let small = Model::<Vector<64>, (Dense<64, 256>, Relu, Dense<256, 10>)>::seeded(1)
        .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
        .threads(2);
    assert_eq!((small.threads_for(64), small.threads_for(128)), (1, 2));
    let norm = Model::<Vector<784>, WideNorm>::seeded(1)
        .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
        .threads(2);
    assert_eq!(norm.threads_for(64), 1);
}

#[test]
fn zero_threads_is_refused_when_training_starts() {
    let (x, y) = data::<f32>(8);
    let mut model = Model::<Vector<784>, Wide>::seeded(1)
        .compile(SoftmaxCrossEntropy, Sgd::new(0.1))
        .threads(0);
    let err = model.train_on_batch(&x, &y).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidSetting {
                what: "threads",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().starts_with("threads: "), "{err}");
}

#[test]
fn two_threads_agree_with_one_up_to_the_rounding_of_the_gradient_sum() {
    // In f64 one step's weights differ only by the order the shards' gradients were summed in.
    let (x, y) = data::<f64>(64);
    let step = |threads| {
        let mut model = Model::<Vector<784>, Wide, f64>::seeded(3)
            .compile(SoftmaxCrossEntropy, Sgd::new(0.5))
            .threads(threads);
        assert_eq!(model.threads_for(64), threads);
        let result = model.train_on_batch(&x, &y).unwrap();
        (result, model.model().weights().as_slice().to_vec())
    };
    let ((one, w1), (two, w2)) = (step(1), step(2));
    assert_ne!(
        w1, w2,
        "the shards' sums round differently, so the step did split"
    );
    let largest = w1
        .iter()
        .zip(&w2)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(largest < 1e-14, "largest weight difference {largest:e}");
    assert!((one.loss - two.loss).abs() < 1e-14 * one.loss.abs());
    assert_eq!(one.metrics, two.metrics);

    // In f32 over a whole fit, epoch by epoch, with a last batch of 40 of 200 samples.
    let (x, y) = data::<f32>(200);
    let fit = |threads| {
        let mut model = Model::<Vector<784>, Wide>::seeded(4)
            .compile(SoftmaxCrossEntropy, Sgd::new(0.05).momentum(0.9))
            .threads(threads);
        let history = model
            .fit(
                &x,
                &y,
                Fit::epochs(4).batch_size(64).shuffle(false).silent(),
            )
            .unwrap();
        history.epochs.iter().map(|e| e.loss).collect::<Vec<_>>()
    };
    let (one, two) = (fit(1), fit(2));
    for (epoch, (a, b)) in one.iter().zip(&two).enumerate() {
        assert!(
            (a - b).abs() <= 1e-4 * a.abs(),
            "epoch {epoch}: loss {a} on one thread, {b} on two"
        );
    }
}

#[test]
fn a_split_update_and_a_clipped_one_agree_with_one_thread() {
    // Adam's update on two threads (the state in two parts of 4,096-value pieces, each thread
    // summing and updating its own) and, with clipping, on the training thread after the sum:
    // over five steps in f64 both stay within the rounding of the gradient sum of one thread.
    let (x, y) = data::<f64>(64);
    let train = |threads, clip: Option<Clip>| {
        let mut model = Model::<Vector<784>, Wide, f64>::seeded(6)
            .compile(SoftmaxCrossEntropy, Adam::new(0.01))
            .threads(threads);
        if let Some(clip) = clip {
            model = model.with_clipping(clip);
        }
        for _ in 0..5 {
            model.train_on_batch(&x, &y).unwrap();
        }
        model.model().weights().as_slice().to_vec()
    };
    for clip in [None, Some(Clip::GlobalNorm(0.5))] {
        let (one, two) = (train(1, clip), train(2, clip));
        assert_ne!(one, two, "{clip:?}: the step did split");
        let largest = one
            .iter()
            .zip(&two)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            largest < 1e-12,
            "{clip:?}: largest weight difference {largest:e}"
        );
        assert_eq!(
            two,
            train(2, clip),
            "{clip:?}: two threads repeat to the bit"
        );
    }
}

#[test]
fn a_thread_count_repeats_to_the_bit_with_dropout() {
    let (x, y) = data::<f32>(130);
    let fit = |threads| {
        let mut model = Model::<Vector<784>, WideDropout>::seeded(5)
            .compile(SoftmaxCrossEntropy, Adam::new(0.01))
            .threads(threads);
        let history = model
            .fit(&x, &y, Fit::epochs(3).batch_size(64).silent())
            .unwrap();
        (history, model.model().weights().as_slice().to_vec())
    };
    let (first, second) = (fit(2), fit(2));
    assert_eq!(
        first.0, second.0,
        "same seed, same thread count: same history"
    );
    assert_eq!(first.1, second.1, "and the same weights");
    // The helper's shard draws masks of its own: two threads train a different (valid) net.
    let one = fit(1);
    assert_ne!(first.1, one.1);
    assert!(first.0.last().unwrap().loss.is_finite());
}

#[test]
fn batch_normalization_trains_on_one_thread_whatever_the_setting() {
    let (x, y) = data::<f32>(128);
    let fit = |threads| {
        let mut model = Model::<Vector<784>, WideNorm>::seeded(6)
            .compile(SoftmaxCrossEntropy, Adam::new(0.01))
            .threads(threads);
        let history = model
            .fit(&x, &y, Fit::epochs(2).batch_size(64).silent())
            .unwrap();
        (history, model.model().weights().as_slice().to_vec())
    };
    let (one, two) = (fit(1), fit(2));
    assert_eq!(one.0, two.0);
    assert_eq!(one.1, two.1);
}
