//! Allocation-free inference (`stratanet::infer`) on whole networks: the same outputs as the
//! training path's forward pass in inference mode, weights files decoded without allocating,
//! and the files the no_std proof embeds.

mod common;

use stratanet::error::WeightsError;
use stratanet::generic_array::GenericArray;
use stratanet::infer::Frozen;
use stratanet::kernels::rowwise::arg_max;
use stratanet::persist::decode_weights;
use stratanet::prelude::*;

/// Every stored tensor of `net`, flat, in the order a weights file holds them.
fn tensors<E: Scalar, Net: TensorLayout>(net: &Weights<Net, E>) -> Vec<E> {
    net.as_slice().to_vec()
}

/// A network with weights of both signs everywhere (`init` leaves biases and batch-norm
/// statistics at 0 and 1, which would hide mistakes), variances kept positive by `fix`.
fn scrambled<Net: TensorLayout>(
    seed: u64,
    fix: impl Fn(&mut Weights<Net, f64>),
) -> Weights<Net, f64> {
    let mut net = Weights::init(&mut common::rng(seed));
    for (i, v) in net.as_mut_slice().iter_mut().enumerate() {
        *v = 0.6 * ((i + 1) as f64 * 0.73 + seed as f64).sin();
    }
    fix(&mut net);
    net
}

/// The largest difference between `Module::forward` (inference mode, a batch of `n`) and
/// `Infer::infer` one sample at a time over the flat tensors.
fn largest_difference<In: Shape, Net: Module<In, f64> + Infer<In, f64>>(
    net: &Weights<Net, f64>,
    n: usize,
) -> f64 {
    let x: Vec<f64> = (0..n * In::NUMEL)
        .map(|i| (i as f64 * 0.377).sin() * 1.5)
        .collect();
    let out = <Net::Output as Shape>::NUMEL;
    let mut batch = vec![0.0; n * out];
    let mut work = Net::work(n);
    Net::forward(net.as_slice(), &x, n, &mut batch, &mut work);
    let flat = tensors(net);
    assert_eq!(flat.len(), Net::STORED);
    let mut one = vec![0.0; out];
    let mut scratch = vec![f64::NAN; Net::SCRATCH]; // scratch may hold anything
    let mut largest: f64 = 0.0;
    for (sample, expected) in x.chunks_exact(In::NUMEL).zip(batch.chunks_exact(out)) {
        Net::infer(&flat, sample, &mut one, &mut scratch);
        for (a, b) in one.iter().zip(expected) {
            largest = largest.max((a - b).abs());
        }
    }
    largest
}

#[test]
fn dense_networks_infer_as_they_predict() {
    type Mlp = (
        DenseT<Dim<6>, Dim<8>>,
        BatchNormT<Dim<8>>,
        LeakyRelu,
        Dropout<30>,
        DenseT<Dim<8>, Dim<4>>,
        Softmax,
    );
    let net = scrambled::<Mlp>(1, |net| {
        let running_var = net.tensor_mut("1.running_var").unwrap();
        running_var.iter_mut().for_each(|v| *v = v.abs() + 0.5)
    });
    assert!(largest_difference::<Vector<6>, _>(&net, 7) < 1e-13);
}

#[test]
fn convolutional_networks_infer_as_they_predict() {
    type Cnn = (
        Reshape<Image<1, 6, 6>>,
        Conv2dT<Dim<1>, Dim<3>, Dim<3>, Dim<1>, Dim<1>>, // 3 × 6 × 6
        BatchNormT<Dim<3>>,
        Gelu,
        MaxPool2d<2>,                                    // 3 × 3 × 3
        Conv2dT<Dim<3>, Dim<4>, Dim<2>, Dim<1>, Dim<0>>, // 4 × 2 × 2
        Tanh,
        AvgPool2d<2, 1>, // 4 × 1 × 1
        Flatten,
        DenseT<Dim<4>, Dim<2>>,
        Sigmoid,
    );
    let net = scrambled::<Cnn>(2, |net| {
        let running_var = net.tensor_mut("2.running_var").unwrap();
        running_var.iter_mut().for_each(|v| *v = v.abs() + 0.5)
    });
    assert!(largest_difference::<Vector<36>, _>(&net, 5) < 1e-13);

    // stride 2 with padding, and the global average
    type Strided = (
        Conv2dT<Dim<2>, Dim<3>, Dim<3>, Dim<2>, Dim<1>>, // 3 × 4 × 3
        Relu,
        GlobalAvgPool2d,
    );
    let net = scrambled::<Strided>(3, |_| {});
    assert!(largest_difference::<Image<2, 7, 6>, _>(&net, 4) < 1e-13);

    type OneDimensional = (
        Conv1dT<Dim<2>, Dim<3>, Dim<3>, Dim<2>, Dim<1>>, // 3 × 5
        Relu,
        Flatten,
        DenseT<Dim<15>, Dim<1>>,
    );
    let net = scrambled::<OneDimensional>(4, |_| {});
    assert!(largest_difference::<Signal<2, 9>, _>(&net, 3) < 1e-13);
}

#[test]
fn recurrent_networks_infer_as_they_predict() {
    type Recurrent = (
        RecurrentT<stratanet::layers::recurrent::LstmCell, Dim<3>, Dim<4>, ReturnSequences>,
        TimeDistributed<(DenseT<Dim<4>, Dim<2>>, Relu)>,
        RecurrentT<stratanet::layers::recurrent::GruCell, Dim<2>, Dim<3>, ReturnSequences>,
        RecurrentT<stratanet::layers::recurrent::TanhCell, Dim<3>, Dim<2>, ReturnLast>,
    );
    let net = scrambled::<Recurrent>(5, |_| {});
    assert!(largest_difference::<Seq<5, 3>, _>(&net, 3) < 1e-13);
}

/// Token ids go through the checked path: the same outputs as the training forward pass, and
/// an id outside the vocabulary is an `Err` before any lookup.
#[test]
fn token_networks_check_their_ids() {
    type TokenNet = (
        EmbeddingT<Dim<10>, Dim<4>>,
        RecurrentT<stratanet::layers::recurrent::LstmCell, Dim<4>, Dim<3>, ReturnLast>,
        DenseT<Dim<3>, Dim<2>>,
    );
    let net = scrambled::<TokenNet>(9, |_| {});
    let ids = [3.0, 0.0, 9.0, 9.0, 1.0, 5.0];
    let mut expected = [0.0; 2];
    let mut work = <TokenNet as Module<Tokens<6>, f64>>::work(1);
    <TokenNet as Module<Tokens<6>, f64>>::forward(
        net.as_slice(),
        &ids,
        1,
        &mut expected,
        &mut work,
    );
    let flat = tensors(&net);
    let weights: &[f64; <TokenNet as TensorLayout>::STORED] = flat.as_slice().try_into().unwrap();
    let frozen = Frozen::<Tokens<6>, TokenNet, f64>::new(weights);
    let mut scratch = [0.0; Frozen::<Tokens<6>, TokenNet, f64>::SCRATCH];
    let y = frozen.try_forward_one(&ids.into(), &mut scratch).unwrap();
    assert_eq!(y.as_slice(), &expected);
    let err = frozen
        .try_forward_one(&[3.0, 0.0, 10.0, 9.0, 1.0, 5.0].into(), &mut scratch)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "token ids[2]: expected a whole number in 0..10, got 10"
    );
    assert!(frozen
        .try_forward_one(&[0.5, 0.0, 1.0, 9.0, 1.0, 5.0].into(), &mut scratch)
        .is_err());
}

/// The deployment path end to end in `f32`: train, save, decode onto the stack, `Frozen`.
#[test]
fn a_decoded_weights_file_predicts_as_the_trained_model() {
    type Net = (Dense<8, 16>, Relu, Dense<16, 3>);
    let (x, labels) = common::blobs(60, 0.4);
    let mut model = Model::<Vector<8>, Net>::new(&mut common::rng(6))
        .compile(SoftmaxCrossEntropy, Adam::new(0.01));
    model
        .fit(&x, &labels, Fit::epochs(20).batch_size(10).silent())
        .unwrap();
    let predicted = model.predict(&x).unwrap();

    let file = model.model().save_weights();
    let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
    decode_weights::<f32, Net, _>(&file, &mut weights).unwrap();
    let net = Frozen::<Vector<8>, Net>::new(&weights);
    let mut scratch = [0.0f32; Frozen::<Vector<8>, Net>::SCRATCH];
    for (sample, expected) in x.chunks_exact(8).zip(predicted.samples()) {
        let y = net.forward_one(GenericArray::from_slice(sample), &mut scratch);
        for (a, b) in y.iter().zip(expected) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}

#[test]
fn a_file_for_another_network_is_refused_and_leaves_the_array_alone() {
    type Net = (Dense<3, 4>, Relu, Dense<4, 2>);
    let net = Weights::<Net, f32>::init(&mut common::rng(7));
    let file = stratanet::persist::save_weights(&net);

    type Wider = (Dense<3, 5>, Relu, Dense<5, 2>);
    let mut weights = [7.0f32; <Wider as TensorLayout>::STORED];
    let err = decode_weights::<f32, Wider, _>(&file, &mut weights).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `0.weight`: expected shape [5, 3], got [4, 3]"
    );
    assert!(weights.iter().all(|&v| v == 7.0));

    let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
    let err = decode_weights::<f32, Net, _>(&file[..file.len() - 1], &mut weights).unwrap_err();
    assert!(matches!(
        err,
        WeightsError::Truncated {
            what: "the tensor values",
            ..
        }
    ));

    let f64_net = Weights::<Net, f64>::zeros();
    let err =
        decode_weights::<f32, Net, _>(&stratanet::persist::save_weights(&f64_net), &mut weights)
            .unwrap_err();
    assert_eq!(
        err,
        WeightsError::ElementSize {
            expected: 4,
            found: 8
        }
    );
    assert_eq!(
        err.to_string(),
        "weights file at byte 12: expected 4-byte elements, got 8-byte elements"
    );
}

/// The network `tests/no_std_proof` embeds, as `examples/digits_deploy.rs` trains it.
type DigitsCnn = (
    Conv2d<1, 8, 3, 1, 1>,
    Relu,
    MaxPool2d<2>,
    Flatten,
    Dense<128, 10>,
);

/// Checked and decoded at compile time, as the no_std proof does.
static DIGITS_WEIGHTS: [f32; <DigitsCnn as TensorLayout>::STORED] =
    stratanet::include_weights!(DigitsCnn, "no_std_proof/digits_cnn.stnet");

/// The proof's committed files agree with each other: the model loaded from the weights file
/// gives every test image the class recorded beside it, and so does the compile-time embedded
/// copy through `Frozen` (what the no_std program checks without std).
#[test]
fn the_no_std_proof_files_are_consistent() {
    let file = include_bytes!("no_std_proof/digits_cnn.stnet");
    let samples = include_bytes!("no_std_proof/digits_test.bin");
    let mut model = Model::<Image<1, 8, 8>, DigitsCnn>::new(&mut common::rng(0));
    model.load_weights(file).unwrap();
    let frozen = Frozen::<Image<1, 8, 8>, DigitsCnn>::new(&DIGITS_WEIGHTS);
    let mut scratch = [0.0f32; Frozen::<Image<1, 8, 8>, DigitsCnn>::SCRATCH];
    let (mut images, mut recorded, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for record in samples.chunks_exact(66) {
        labels.push(usize::from(record[0]));
        recorded.push(usize::from(record[1]));
        images.extend(record[2..].iter().map(|&p| f32::from(p) / 16.0));
    }
    assert_eq!(labels.len(), 359);
    let predicted = model.predict(&images).unwrap();
    for ((image, y), &class) in images
        .chunks_exact(64)
        .zip(predicted.samples())
        .zip(&recorded)
    {
        assert_eq!(arg_max(y), Some(class));
        assert_eq!(
            frozen.predict_class(GenericArray::from_slice(image), &mut scratch),
            Some(class)
        );
    }
    let correct = recorded.iter().zip(&labels).filter(|(a, b)| a == b).count();
    assert!(
        correct * 100 >= 95 * labels.len(),
        "{correct} of {}",
        labels.len()
    );
}

/// Networks nested deeper than the names record (`module::MAX_DEPTH`) still save and load.
#[test]
fn deeply_nested_networks_round_trip() {
    type Deep = ((((((((((Dense<2, 3>, Relu),),),),),),),),), Dense<3, 1>);
    let net = Weights::<Deep, f32>::init(&mut common::rng(8));
    let file = stratanet::persist::save_weights(&net);
    let mut weights = [0.0f32; <Deep as TensorLayout>::STORED];
    decode_weights::<f32, Deep, _>(&file, &mut weights).unwrap();
    assert_eq!(weights.to_vec(), tensors(&net));
    let back = stratanet::persist::load_weights::<f32, Deep>(&file).unwrap();
    assert_eq!(tensors(&back), tensors(&net));
}
