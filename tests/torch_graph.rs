//! Graph blocks and the convolution family of small models against PyTorch (float64), from
//! `tests/fixtures/torch_graph.json`, made by `tests/fixtures/make_graph_fixtures.py 7` (needs
//! torch). Each case stores its tensors under PyTorch's `state_dict` names, so every check
//! first proves that the network's tensor names are PyTorch's.

use serde_json::Value;
use std::collections::BTreeSet;
use stratanet::module::{Backward, Mode};
use stratanet::prelude::*;

/// Relative tolerance: `|ours − PyTorch| ≤ TOL · (1 + |PyTorch|)`.
const TOL: f64 = 1e-10;

fn case(name: &str) -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/torch_graph.json"
    ))
    .expect("fixture file");
    let all: Value = serde_json::from_str(&text).expect("fixture JSON");
    all["cases"][name].clone()
}

fn data(v: &Value) -> Vec<f64> {
    let values = v["data"].as_array().expect("tensor data");
    values.iter().map(|x| x.as_f64().unwrap()).collect()
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= TOL * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, PyTorch {w}"
        );
    }
}

/// The network's tensor names, in layout order.
fn names<M: TensorLayout>() -> Vec<String> {
    let mut names = Vec::new();
    Weights::<M, f64>::zeros().for_each_tensor(&mut |name, _, _| names.push(name.to_string()));
    names
}

/// Weights of `M` from the case's PyTorch `state_dict`, after checking both name the same
/// tensors.
fn load<M: TensorLayout>(case: &Value) -> Weights<M, f64> {
    let theirs: BTreeSet<String> = case["tensors"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let ours = names::<M>();
    assert_eq!(
        ours.iter().cloned().collect::<BTreeSet<_>>(),
        theirs,
        "state_dict names"
    );
    let mut weights = Weights::<M, f64>::zeros();
    for name in &ours {
        let values = data(&case["tensors"][name.as_str()]);
        weights.tensor_mut(name).unwrap().copy_from_slice(&values);
    }
    weights
}

/// Forward (training mode) and backward of case `name` through `M`: `y`, `dx` and every
/// parameter gradient against PyTorch's; with `one_sample`, also the allocation-free path.
fn check<In: Shape, M: Module<In, f64> + Infer<In, f64>>(name: &str, one_sample: bool) {
    let case = case(name);
    let weights = load::<M>(&case);
    let (x, g) = (data(&case["x"]), data(&case["g"]));
    let n = x.len() / In::NUMEL;
    let mut work = M::work(n);
    M::set_mode(&mut work, Mode::Training { seed: 0 });
    let mut y = vec![0.0; n * M::Output::NUMEL];
    M::forward(weights.as_slice(), &x, n, &mut y, &mut work);
    assert_close(&format!("{name} y"), &y, &data(&case["y"]));
    let (mut dx, mut grads) = (vec![0.0; x.len()], Weights::<M, f64>::zeros());
    let pass = Backward {
        tensors: weights.as_slice(),
        x: &x,
        y: &y,
        dy: &g,
        dx: Some(&mut dx),
        n,
        grads: grads.as_mut_slice(),
    };
    M::backward(pass, &mut work);
    assert_close(&format!("{name} dx"), &dx, &data(&case["dx"]));
    for (tensor, want) in case["grads"].as_object().unwrap() {
        let got = grads.tensor(tensor).unwrap();
        assert_close(&format!("{name} d_{tensor}"), got, &data(want));
    }
    if one_sample {
        let mut scratch = vec![f64::NAN; M::SCRATCH];
        let mut one = vec![0.0; y.len()];
        let samples = x
            .chunks_exact(In::NUMEL)
            .zip(one.chunks_exact_mut(M::Output::NUMEL));
        for (sample, out) in samples {
            M::infer(weights.as_slice(), sample, out, &mut scratch);
        }
        assert_close(&format!("{name} one-sample y"), &one, &data(&case["y"]));
    }
}

#[test]
fn depthwise_convolutions() {
    check::<Image<3, 7, 6>, DepthwiseConv2d<3, 3, 2, 1, 2>>("depthwise_s2_p1_m2", true);
    check::<Image<4, 5, 5>, DepthwiseConv2d<4, 3, 1, 1>>("depthwise_same", true);
}

#[test]
fn separable_convolution() {
    check::<Image<3, 6, 6>, SeparableConv2d<3, 5, 3, 1, 1>>("separable", true);
}

#[test]
fn transposed_convolutions() {
    check::<Image<3, 4, 5>, ConvTranspose2d<3, 2, 3, 2, 1>>("conv_transpose_k3_s2_p1", true);
    check::<Image<2, 3, 3>, ConvTranspose2d<2, 3, 2, 2>>("conv_transpose_k2_s2", true);
}

#[test]
fn resampling_and_global_max_pooling() {
    check::<Image<2, 3, 4>, UpSampling2d<2>>("upsample_2", true);
    check::<Image<2, 3, 3>, ZeroPadding2d<2>>("zero_pad_2", true);
    check::<Image<3, 4, 5>, GlobalMaxPool2d>("global_max_pool", true);
}

#[test]
fn activations() {
    check::<Vector<7>, Relu6>("relu6", true);
    check::<Vector<7>, Silu>("silu", true);
    check::<Vector<7>, HardSwish>("hardswish", true);
    check::<Vector<7>, Elu>("elu", true);
    check::<Vector<7>, Elu<1, 2>>("elu_0.5", true);
}

/// Every block in one network: a residual (with batch norm), a projection shortcut, a
/// concatenation. Batch norm runs on batch statistics here, so the one-sample path (running
/// statistics) is checked by the trained model in `tests/pytorch_models.rs` instead.
type Graph = (
    Conv2d<2, 4, 3, 1, 1>,
    Relu,
    Residual<(
        Conv2d<4, 4, 3, 1, 1>,
        BatchNorm<4>,
        Relu,
        Conv2d<4, 4, 3, 1, 1>,
    )>,
    Relu,
    Add<(
        (Conv2d<4, 6, 3, 2, 1>, Relu, Conv2d<6, 6, 3, 1, 1>),
        (Conv2d<4, 6, 1, 2>, BatchNorm<6>),
    )>,
    Relu,
    Concat<(Conv2d<6, 2, 1>, (Conv2d<6, 3, 3, 1, 1>, Tanh))>,
    GlobalAvgPool2d,
    Dense<5, 3>,
);

#[test]
fn graph_blocks() {
    check::<Image<2, 6, 6>, Graph>("graph_blocks", false);
}
