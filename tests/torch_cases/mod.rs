//! Checks a layer or network against a PyTorch (float64) case from a fixture file: every case
//! stores its tensors under PyTorch's `state_dict` names, so each check first proves that the
//! network's tensor names are PyTorch's, then compares the forward pass, `dx` and every
//! parameter gradient, and (when asked) the allocation-free one-sample path.
#![allow(dead_code)] // each test file uses part of it

use serde_json::Value;
use std::collections::BTreeSet;
use stratanet::module::{Backward, Mode};
use stratanet::prelude::*;

/// Relative tolerance: `|ours − PyTorch| ≤ TOL · (1 + |PyTorch|)`.
const TOL: f64 = 1e-10;

/// Case `name` of fixture file `file` (in `tests/fixtures/`).
pub fn case(file: &str, name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("fixture file");
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

/// Forward (training mode) and backward of case `name` of `file` through `M`: `y`, `dx` and every
/// parameter gradient against PyTorch's; with `one_sample`, also the allocation-free path.
pub fn check<In: Shape, M: Module<In, f64> + Infer<In, f64>>(
    file: &str,
    name: &str,
    one_sample: bool,
) {
    let case = case(file, name);
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
