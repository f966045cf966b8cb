//! int8 post-training quantization: accuracy against the float network on held-out digits, the
//! integer kernels against the float simulation (within one int8 step on every output), the
//! quantized file (round trip, another network's file, corrupted files) and the memory figures.

#[path = "../examples/util/mod.rs"]
mod util;

use stratanet::persist::load_weights;
use stratanet::prelude::*;
use stratanet::quant::{Calibration, QuantInfer, QuantLayout, Quantized};

use util::nets::DigitsCnn;

/// The trained digits CNN (the no_std proof's weights) and the digits split.
fn trained_cnn() -> (Weights<DigitsCnn>, util::Table, util::Table) {
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/no_std_proof/digits_cnn.stnet"
    ))
    .unwrap();
    let (train, test) = util::digits().unwrap();
    (load_weights::<f32, DigitsCnn>(&file).unwrap(), train, test)
}

fn classes(outputs: &[f32]) -> Vec<usize> {
    stratanet::data::arg_max_rows(outputs, 10)
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

fn accuracy(classes: &[usize], labels: &[usize]) -> f64 {
    let right = classes.iter().zip(labels).filter(|(a, b)| a == b).count();
    right as f64 / labels.len() as f64
}

/// Every output of the integer network against the float simulation, on `x`: the largest
/// difference in int8 steps.
fn max_step_difference<In: Shape, Net: QuantInfer<In>>(q: &Quantized<In, Net>, x: &[f32]) -> i32 {
    let out = q.output_params();
    let ints = q.forward(x).unwrap();
    let width = <Net::Output as Shape>::NUMEL;
    let mut worst = 0;
    for (sample, y) in x.chunks_exact(In::NUMEL).zip(ints.chunks_exact(width)) {
        let input: Vec<i8> = sample
            .iter()
            .map(|&v| q.input_params().quantize(v))
            .collect();
        for (&a, &b) in q.simulate(&input).iter().zip(y) {
            let step = (a / f64::from(out.scale)).round() as i32 + out.zero_point;
            worst = worst.max((step - i32::from(b)).abs());
        }
    }
    worst
}

#[test]
fn digits_cnn_int8_accuracy_is_within_one_point_of_f32() {
    let (weights, train, test) = trained_cnn();
    let model = Model::<Image<1, 8, 8>, DigitsCnn>::from_weights(weights, 0);
    let float_classes = classes(model.predict(&test.x).unwrap().as_slice());
    let calibration = &train.x[..300 * 64];
    for rule in [Calibration::MinMax, Calibration::Percentile(99.99)] {
        let q = model.quantize(calibration, rule).unwrap();
        let int8 = accuracy(&q.predict_classes(&test.x).unwrap(), &test.labels);
        let float = accuracy(&float_classes, &test.labels);
        assert!(float > 0.95, "{float}");
        assert!(int8 >= float - 0.01, "{rule:?}: int8 {int8} vs f32 {float}");
        assert!(max_step_difference(&q, &test.x) <= 1);
    }
}

/// The f32 and int8 weights of `Net`, in bytes.
fn weight_bytes<Net: QuantInfer<Image<1, 8, 8>>>() -> (usize, usize) {
    let int8 = stratanet::quant::QuantFrozen::<Image<1, 8, 8>, Net>::FLASH_BYTES;
    (<Net as TensorLayout>::STORED * 4, int8)
}

#[test]
fn weights_are_at_least_three_and_a_half_times_smaller() {
    assert_eq!(<DigitsCnn as QuantLayout>::BYTES, 8 * 9 + 1280);
    // the digits CNN, ResNet-8 and DS-CNN (their batch norms folded into the convolutions)
    let sizes = [
        weight_bytes::<DigitsCnn>(),
        weight_bytes::<util::nets::Resnet8>(),
        weight_bytes::<util::nets::DsCnn>(),
    ];
    assert_eq!(sizes, [(5480, 1548), (313_512, 80_136), (88_616, 24_832)]);
    for (f32_bytes, int8_bytes) in sizes {
        assert!(
            f32_bytes * 2 >= int8_bytes * 7,
            "{f32_bytes} / {int8_bytes}"
        );
    }
}

/// A network of every int8 layer: branches, residual, batch norm, depthwise, separable,
/// pooling of every kind, ReLU6.
type Everything = (
    (Conv2d<1, 6, 3, 1, 1>, BatchNorm<6>, Relu6), // 6 × 8 × 8
    Residual<(DepthwiseConv2d<6, 3, 1, 1>, BatchNorm<6>, Relu)>,
    Concat<(Conv2d<6, 4, 1>, (AvgPool2d<3, 1>, Widen, Conv2d<6, 4, 1>))>,
    Add<(
        (SeparableConv2d<8, 8, 3, 2, 1>, Relu),
        (MaxPool2d<2>, Conv2d<8, 8, 1>),
    )>, // 8 × 4 × 4
    Dropout<20>,
    (GlobalAvgPool2d, Dense<8, 10>),
);

/// A padded convolution that brings the average pool's 6 × 6 back to the other branch's 8 × 8.
type Widen = Conv2d<6, 6, 3, 1, 2>;

#[test]
fn every_int8_layer_agrees_with_the_float_simulation() {
    let (train, test) = util::digits().unwrap();
    let mut model = Model::<Image<1, 8, 8>, Everything>::seeded(4)
        .compile(SoftmaxCrossEntropy, Adam::new(0.003));
    model
        .fit(
            &train.x[..400 * 64],
            &train.labels[..400],
            Fit::epochs(2).batch_size(32).silent(),
        )
        .unwrap();
    let q = model
        .model()
        .quantize(&train.x[..200 * 64], Calibration::MinMax)
        .unwrap();
    assert!(max_step_difference(&q, &test.x[..100 * 64]) <= 1);
    let float = model.model().predict(&test.x).unwrap();
    let agree = accuracy(
        &q.predict_classes(&test.x).unwrap(),
        &classes(float.as_slice()),
    );
    assert!(agree > 0.9, "int8 and f32 classes agree on {agree}");
}

#[test]
fn the_file_round_trips_and_names_what_differs() {
    let (weights, train, _) = trained_cnn();
    let model = Model::<Image<1, 8, 8>, DigitsCnn>::from_weights(weights, 0);
    let q = model
        .quantize(&train.x[..100 * 64], Calibration::MinMax)
        .unwrap();
    let file = q.save();
    let back = Quantized::<Image<1, 8, 8>, DigitsCnn>::load(&file).unwrap();
    assert_eq!((back.bytes(), back.words()), (q.bytes(), q.words()));
    assert_eq!(back.input_params(), q.input_params());
    type Wider = (
        Conv2d<1, 8, 3, 1, 1>,
        Relu,
        MaxPool2d<2>,
        Flatten,
        Dense<128, 12>,
    );
    let err = Quantized::<Image<1, 8, 8>, Wider>::load(&file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `4.weight`: expected shape [12, 128], got [10, 128]"
    );
    let float = stratanet::persist::save_weights(model.weights());
    let err = Quantized::<Image<1, 8, 8>, DigitsCnn>::load(&float).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected 1-byte elements, got 4-byte"),
        "{err}"
    );
    let err = load_weights::<f32, DigitsCnn>(&file).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected 4-byte elements, got 1-byte"),
        "{err}"
    );
}

#[test]
fn corrupted_files_are_errors_and_never_panics() {
    // Deterministic mutations of a valid file (flipped bytes, truncations, random words); a
    // file the loader accepts must run without panicking.
    let (weights, train, test) = trained_cnn();
    let model = Model::<Image<1, 8, 8>, DigitsCnn>::from_weights(weights, 0);
    let file = model
        .quantize(&train.x[..50 * 64], Calibration::MinMax)
        .unwrap()
        .save();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..3000 {
        let mut bad = file.clone();
        match round % 3 {
            0 => bad.truncate(next() as usize % file.len()),
            _ => {
                for _ in 0..1 + next() % 8 {
                    let at = next() as usize % bad.len();
                    bad[at] = next() as u8;
                }
            }
        }
        match Quantized::<Image<1, 8, 8>, DigitsCnn>::load(&bad) {
            Ok(q) => {
                accepted += 1;
                let _ = q.predict_classes(&test.x[..4 * 64]).unwrap();
            }
            Err(_) => refused += 1,
        }
    }
    assert!(
        accepted > 100 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
}

/// Seeded weights of `Net`, calibrated on pseudo-random inputs: the largest difference between
/// the integer network and its float simulation, in output steps.
fn layer_agrees<In: Shape, Net: QuantInfer<In> + Module<In, f32>>(seed: u64) -> i32 {
    let model = Model::<In, Net>::seeded(seed);
    let x: Vec<f32> = (0..In::NUMEL * 64)
        .map(|i| (i as f32 * 0.618 + seed as f32).sin() * 3.0)
        .collect();
    let q = model.quantize(&x, Calibration::MinMax).unwrap();
    max_step_difference(&q, &x)
}

#[test]
fn each_block_agrees_with_its_simulation() {
    type I = Image<6, 8, 8>;
    let report = [
        ("conv", layer_agrees::<I, (Conv2d<6, 4, 3, 1, 1>,)>(1)),
        ("conv s2", layer_agrees::<I, (Conv2d<6, 4, 3, 2, 1>,)>(1)),
        ("bn", layer_agrees::<I, (BatchNorm<6>,)>(1)),
        ("relu6", layer_agrees::<I, (Conv2d<6, 4, 1>, Relu6)>(1)),
        ("dw", layer_agrees::<I, (DepthwiseConv2d<6, 3, 1, 1>,)>(1)),
        (
            "residual",
            layer_agrees::<I, (Residual<(DepthwiseConv2d<6, 3, 1, 1>, Relu)>,)>(1),
        ),
        ("avgpool", layer_agrees::<I, (AvgPool2d<3, 1>,)>(1)),
        ("gap", layer_agrees::<I, (GlobalAvgPool2d,)>(1)),
        (
            "concat",
            layer_agrees::<I, (Concat<(Conv2d<6, 4, 1>, Conv2d<6, 2, 1>)>,)>(1),
        ),
        (
            "add",
            layer_agrees::<I, (Add<(Conv2d<6, 4, 1>, Conv2d<6, 4, 1>)>,)>(1),
        ),
        (
            "sep",
            layer_agrees::<I, (SeparableConv2d<6, 8, 3, 2, 1>,)>(1),
        ),
        (
            "maxpool",
            layer_agrees::<I, (MaxPool2d<2>, Flatten, Dense<96, 3>)>(1),
        ),
        ("widen", layer_agrees::<Image<6, 6, 6>, (Widen,)>(1)),
        ("everything", layer_agrees::<Image<1, 8, 8>, Everything>(1)),
    ];
    // Measured: 0 on every case (the simulation runs in f64 over the same integer grid).
    assert!(report.iter().all(|(_, d)| *d <= 1), "{report:?}");
}

#[test]
fn calibration_data_is_checked_at_the_boundary() {
    let model = Model::<Vector<2>, (Dense<2, 3>, Relu, Dense<3, 2>)>::seeded(1);
    let err = model.quantize(&[], Calibration::MinMax).unwrap_err();
    assert_eq!(
        err.to_string(),
        "calibration inputs: expected at least one sample, got none"
    );
    let err = model
        .quantize(&[1.0, 2.0, 3.0], Calibration::MinMax)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("multiple of the sample size 2, got 3 values"),
        "{err}"
    );
    let err = model
        .quantize(&[1.0, f32::NAN], Calibration::MinMax)
        .unwrap_err();
    assert!(err.to_string().contains("calibration inputs"), "{err}");
    let err = model
        .quantize(&[1.0, 2.0], Calibration::Percentile(101.0))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a percentile in (50, 100], got 101"),
        "{err}"
    );
    // A network whose weights went non-finite is refused, naming the tensor.
    let mut broken = Model::<Vector<2>, (Dense<2, 3>, Relu, Dense<3, 2>)>::seeded(1);
    broken.weights_mut().as_mut_slice()[0] = f32::INFINITY;
    let err = broken
        .quantize(&[1.0, 2.0], Calibration::MinMax)
        .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("tensor `0.weight`: expected finite weights, got NaN or infinity"),
        "{err}"
    );
}

#[test]
fn batch_norms_fold_into_the_layer_before_them() {
    type Conv = Conv2d<6, 4, 3, 1, 1>;
    type Folded = (Conv, BatchNorm<4>, Relu);
    // the folded norm stores nothing; one after a pooling layer keeps its affine block
    assert_eq!(<Folded as QuantLayout>::BYTES, <Conv as QuantLayout>::BYTES);
    assert_eq!(
        <Folded as QuantLayout>::WORDS,
        <(Conv, Relu) as QuantLayout>::WORDS
    );
    assert_eq!(<(MaxPool2d<2>, BatchNorm<6>) as QuantLayout>::BYTES, 6);
    // a norm with statistics of its own: γ, β, μ, σ² of 4 channels after the convolution
    let mut model = Model::<Image<6, 8, 8>, Folded>::seeded(5);
    let conv = <Conv as TensorLayout>::STORED;
    for (k, v) in model.weights_mut().as_mut_slice()[conv..]
        .iter_mut()
        .enumerate()
    {
        let ch = (k % 4) as f32;
        *v = match k / 4 {
            0 => 0.4 + 0.5 * ch,
            1 => 0.3 - 0.2 * ch,
            2 => 0.1 * ch - 0.15,
            _ => 0.5 + 0.4 * ch,
        };
    }
    let x: Vec<f32> = (0..6 * 64 * 64)
        .map(|i| (i as f32 * 0.618).sin() * 2.0)
        .collect();
    let q = model.quantize(&x, Calibration::MinMax).unwrap();
    assert!(max_step_difference(&q, &x) <= 1);
    // against the float network (convolution, then the norm), in output steps: measured a
    // mean of 0.29 and at most 4 (the input's and weights' rounding)
    let (float, ints, out) = (
        model.predict(&x).unwrap(),
        q.forward(&x).unwrap(),
        q.output_params(),
    );
    let steps: Vec<i32> = float
        .as_slice()
        .iter()
        .zip(&ints)
        .map(|(&f, &i)| ((f / out.scale).round() as i32 + out.zero_point - i32::from(i)).abs())
        .collect();
    let mean = f64::from(steps.iter().sum::<i32>()) / steps.len() as f64;
    let worst = steps.iter().max().unwrap();
    assert!(
        mean < 0.5 && *worst <= 6,
        "{mean} steps on average, {worst} at most"
    );
}
