//! Forward values and gradients against PyTorch (float64), from `tests/fixtures/torch_reference.json`
//! (see its `conventions` field for layouts).
//!
//! The file is made by `tests/fixtures/make_fixtures.py 7 tests/fixtures/torch_reference.json`
//! (needs torch); add a case there and a check here for every new layer.

use serde_json::Value;
use stratanet::loss::Loss;
use stratanet::module::Mode;
use stratanet::optim::{Adagrad, Adam, AdamW, Optimizer, RmsProp, Sgd};
use stratanet::prelude::*;

fn fixtures() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/torch_reference.json"
    ))
    .expect("fixture file");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn data(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .expect("tensor data")
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{what}[{i}]: got {g}, PyTorch {w}"
        );
    }
}

/// The allocation-free path ([`Infer`], one sample at a time, weights read from the flat
/// array a weights file holds) against PyTorch's outputs.
fn check_infer<In: Shape, M: Infer<In, f64>>(
    name: &str,
    layer: &Weights<M, f64>,
    x: &[f64],
    want: &[f64],
) {
    let tensors = layer.as_slice();
    assert_eq!(tensors.len(), M::STORED);
    let mut y = vec![0.0; want.len()];
    let out = <M::Output as Shape>::NUMEL;
    let mut scratch = vec![f64::NAN; M::SCRATCH];
    for (sample, result) in x.chunks_exact(In::NUMEL).zip(y.chunks_exact_mut(out)) {
        M::infer(tensors, sample, result, &mut scratch);
    }
    assert_close(&format!("{name} inference y"), &y, want, 1e-12);
}

#[test]
fn dense_forward_and_gradients() {
    let all = fixtures();
    let case = &all["cases"]["dense"];
    type Layer = DenseT<Dim<5>, Dim<3>>;
    let flat = [data(&case["weight"]), data(&case["bias"])].concat();
    let layer = Weights::<Layer, f64>::from_vec(flat).unwrap();
    let x = data(&case["x"]);
    let (y, dx, grads) = forward_backward::<Vector<5>, Layer>(&layer, &x, &data(&case["g"]));
    assert_close("dense y", &y, &data(&case["y"]), 1e-12);
    check_infer::<Vector<5>, _>("dense", &layer, &x, &data(&case["y"]));
    assert_close("dense dx", &dx, &data(&case["dx"]), 1e-12);
    assert_close(
        "dense d_weight",
        grads.tensor("weight").unwrap(),
        &data(&case["d_weight"]),
        1e-12,
    );
    assert_close(
        "dense d_bias",
        grads.tensor("bias").unwrap(),
        &data(&case["d_bias"]),
        1e-12,
    );
}

/// Forward (training mode) and backward of layer `M` over the flat `tensors`: returns `y`, `dx`
/// and the gradients of every stored tensor, flat in the same order.
fn forward_backward<In: Shape, M: Module<In, f64>>(
    tensors: &Weights<M, f64>,
    x: &[f64],
    g: &[f64],
) -> (Vec<f64>, Vec<f64>, Weights<M, f64>) {
    let (y, dx, grads, _) = forward_backward_in::<In, M>(tensors, x, g, Mode::Training { seed: 0 });
    (y, dx, grads)
}

/// [`forward_backward`] in the given mode; also returns the work (for `update_state`).
fn forward_backward_in<In: Shape, M: Module<In, f64>>(
    tensors: &Weights<M, f64>,
    x: &[f64],
    g: &[f64],
    mode: Mode,
) -> (Vec<f64>, Vec<f64>, Weights<M, f64>, M::Work) {
    let n = x.len() / In::NUMEL;
    let mut work = M::work(n);
    M::set_mode(&mut work, mode);
    let mut y = vec![0.0; n * M::Output::NUMEL];
    M::forward(tensors.as_slice(), x, n, &mut y, &mut work);
    let mut dx = vec![0.0; x.len()];
    let mut grads = Weights::<M, f64>::zeros();
    let pass = stratanet::module::Backward {
        tensors: tensors.as_slice(),
        x,
        y: &y,
        dy: g,
        dx: Some(&mut dx),
        n,
        grads: grads.as_mut_slice(),
    };
    M::backward(pass, &mut work);
    (y, dx, grads, work)
}

/// Mean loss over the batch and its gradient, as the training step computes them.
fn batch_loss<S: Shape, L: Loss<S, f64>>(
    loss: &L,
    pred: &[f64],
    labels: &[L::Label],
) -> (f64, Vec<f64>) {
    let n = pred.len() / S::NUMEL;
    let mut grad = vec![0.0; pred.len()];
    let mut total = 0.0;
    for i in 0..n {
        let rows = i * S::NUMEL..(i + 1) * S::NUMEL;
        let label = &labels[i * L::LABELS_PER_SAMPLE..(i + 1) * L::LABELS_PER_SAMPLE];
        total += loss.per_sample(
            &pred[rows.clone()],
            label,
            Some((&mut grad[rows], 1.0 / n as f64)),
        );
    }
    (total / n as f64, grad)
}

#[test]
fn losses_match_pytorch() {
    let all = fixtures();
    let cases = &all["cases"];

    let ce = &cases["softmax_cross_entropy"];
    let labels: Vec<usize> = ce["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let (loss, grad) =
        batch_loss::<Vector<5>, _>(&SoftmaxCrossEntropy, &data(&ce["logits"]), &labels);
    assert_close(
        "cross-entropy loss",
        &[loss],
        &[ce["loss"].as_f64().unwrap()],
        1e-12,
    );
    assert_close("cross-entropy dlogits", &grad, &data(&ce["dlogits"]), 1e-12);

    let bce = &cases["bce_with_logits"];
    let (loss, grad) = batch_loss::<Vector<1>, _>(
        &BinaryCrossEntropyWithLogits,
        &data(&bce["logits"]),
        &data(&bce["targets"]),
    );
    assert_close(
        "bce-with-logits loss",
        &[loss],
        &[bce["loss"].as_f64().unwrap()],
        1e-12,
    );
    assert_close(
        "bce-with-logits dlogits",
        &grad,
        &data(&bce["dlogits"]),
        1e-12,
    );

    let mse = &cases["mse"];
    let (loss, grad) = batch_loss::<Vector<3>, _>(&Mse, &data(&mse["pred"]), &data(&mse["target"]));
    assert_close("mse loss", &[loss], &[mse["loss"].as_f64().unwrap()], 1e-12);
    assert_close("mse dpred", &grad, &data(&mse["dpred"]), 1e-12);
}

#[test]
fn remaining_losses_match_pytorch() {
    // Made by tests/fixtures/make_extra_losses.py with PyTorch (float64).
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/extra_losses.json"
    ))
    .unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    let list = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let check = |name: &str, (loss, grad): (f64, Vec<f64>)| {
        let case = &cases[name];
        assert_close(
            &format!("{name} loss"),
            &[loss],
            &[case["loss"].as_f64().unwrap()],
            1e-12,
        );
        assert_close(
            &format!("{name} dpred"),
            &grad,
            &list(&case["dpred"]),
            1e-12,
        );
    };
    let inputs = |name: &str| (list(&cases[name]["pred"]), list(&cases[name]["target"]));
    let (p, t) = inputs("mae");
    check("mae", batch_loss::<Vector<3>, _>(&Mae, &p, &t));
    let (p, t) = inputs("huber_delta1");
    check(
        "huber_delta1",
        batch_loss::<Vector<3>, _>(&Huber::default(), &p, &t),
    );
    let (p, t) = inputs("huber_delta0.5");
    check(
        "huber_delta0.5",
        batch_loss::<Vector<3>, _>(&Huber { delta: 0.5 }, &p, &t),
    );
    let (p, t) = inputs("bce");
    check(
        "bce",
        batch_loss::<Vector<1>, _>(&BinaryCrossEntropy, &p, &t),
    );
}

/// Three steps of `optimizer` from the fixture's start, compared after each step.
fn check_optimizer<O: Optimizer>(name: &str, optimizer: O) {
    let all = fixtures();
    let case = &all["cases"]["optimizers"];
    let mut p = data(&case["p0"]);
    let mut state = vec![0.0; p.len() * O::STATE_PER_PARAM];
    let grads = case["grads"].as_array().unwrap();
    let expected = case[name]["after_each_step"].as_array().unwrap();
    for (t, (g, want)) in grads.iter().zip(expected).enumerate() {
        optimizer.update(t as u64 + 1, &mut p, &data(g), &mut state);
        assert_close(&format!("{name} step {}", t + 1), &p, &data(want), 1e-12);
    }
}

#[test]
fn optimizers_match_pytorch() {
    let all = fixtures();
    let hyper = |name: &str, key: &str| all["cases"]["optimizers"][name]["hyper"][key].as_f64();
    assert_eq!(hyper("sgd", "lr"), Some(0.1));
    check_optimizer("sgd", Sgd::new(0.1));
    assert_eq!(hyper("sgd_momentum", "momentum"), Some(0.9));
    check_optimizer("sgd_momentum", Sgd::new(0.1).momentum(0.9));
    check_optimizer("sgd_nesterov", Sgd::new(0.1).momentum(0.9).nesterov());
    assert_eq!(hyper("sgd_weight_decay", "weight_decay"), Some(0.01));
    check_optimizer(
        "sgd_weight_decay",
        Sgd::new(0.1).momentum(0.9).weight_decay(0.01),
    );
    check_optimizer("adagrad", Adagrad::new(0.1));
    assert_eq!(
        (hyper("rmsprop", "alpha"), hyper("rmsprop", "eps")),
        (Some(0.99), Some(1e-8))
    );
    check_optimizer("rmsprop", RmsProp::new(0.01));
    assert_eq!(hyper("adam", "eps"), Some(1e-8));
    check_optimizer("adam", Adam::new(0.01).eps(1e-8));
    assert_eq!(hyper("adamw", "weight_decay"), Some(0.01));
    check_optimizer("adamw", AdamW::new(0.01).eps(1e-8));
}

/// Runs `M` forward and backward on a fixture case (`x`, `g` and, when `M` has parameters,
/// `weight`/`bias`), and compares `y`, `dx` and the parameter gradients with PyTorch's.
/// A layer whose stored tensors are PyTorch's `weight` and `bias` (or none): forward, inference,
/// `dx` and both parameter gradients against the fixture `name`.
fn check_layer<In: Shape, M: Module<In, f64> + Infer<In, f64>>(name: &str) {
    let all = fixtures();
    let case = &all["cases"][name];
    let x = data(&case["x"]);
    let n = x.len() / In::NUMEL;
    assert_eq!(n * In::NUMEL, x.len(), "{name}: input shape");
    let flat = if M::PARAMS > 0 {
        [data(&case["weight"]), data(&case["bias"])].concat()
    } else {
        Vec::new()
    };
    let layer = Weights::<M, f64>::from_vec(flat).unwrap();
    let (y, dx, g) = forward_backward::<In, M>(&layer, &x, &data(&case["g"]));
    assert_close(&format!("{name} y"), &y, &data(&case["y"]), 1e-12);
    check_infer::<In, M>(name, &layer, &x, &data(&case["y"]));
    assert_close(&format!("{name} dx"), &dx, &data(&case["dx"]), 1e-12);
    if M::PARAMS > 0 {
        let want: Vec<f64> = [data(&case["d_weight"]), data(&case["d_bias"])].concat();
        assert_close(
            &format!("{name} d_weight, d_bias"),
            g.as_slice(),
            &want,
            1e-12,
        );
    }
}

macro_rules! conv_case {
    ($name:literal, $input:ty, $layer:ty) => {{
        let all = fixtures();
        let case = &all["cases"][$name];
        let geometry: Vec<u64> = ["cin", "cout", "k", "stride", "pad", "h", "w"]
            .iter()
            .map(|k| case[*k].as_u64().unwrap())
            .collect();
        let shape = <$input as Shape>::DIMS;
        assert_eq!(
            (
                geometry[0] as usize,
                geometry[5] as usize,
                geometry[6] as usize
            ),
            (shape[0], shape[1], shape[2])
        );
        check_layer::<$input, $layer>($name);
        geometry
    }};
}

#[test]
fn conv2d_matches_pytorch() {
    // [cin, cout, k, stride, pad, h, w] as stored in each case.
    assert_eq!(
        conv_case!("conv2d_0", Image<3, 7, 7>, Conv2d<3, 4, 3, 1, 0>),
        [3, 4, 3, 1, 0, 7, 7]
    );
    assert_eq!(
        conv_case!("conv2d_1", Image<3, 7, 7>, Conv2d<3, 4, 3, 2, 1>),
        [3, 4, 3, 2, 1, 7, 7]
    );
    assert_eq!(
        conv_case!("conv2d_2", Image<1, 8, 8>, Conv2d<1, 2, 5, 1, 2>),
        [1, 2, 5, 1, 2, 8, 8]
    );
}

#[test]
fn pooling_matches_pytorch() {
    check_layer::<Image<2, 6, 6>, MaxPool2d<2, 2>>("maxpool2d_k2s2");
    check_layer::<Image<2, 6, 6>, AvgPool2d<2, 2>>("avgpool2d_k2s2");
}

/// A recurrent case: PyTorch's two biases are summed into ours for the tanh RNN and the LSTM
/// (their gradients are equal, each the gradient of the sum); the GRU keeps both.
fn check_recurrent<C: stratanet::layers::recurrent::CellKind>(name: &str) {
    type Layer<C> = RecurrentT<C, Dim<3>, Dim<4>, ReturnSequences>;
    let all = fixtures();
    let case = &all["cases"][name];
    assert_eq!(
        [
            case["in"].as_u64(),
            case["hidden"].as_u64(),
            case["steps"].as_u64()
        ],
        [Some(3), Some(4), Some(5)]
    );
    let (b_ih, b_hh) = (data(&case["bias_ih_l0"]), data(&case["bias_hh_l0"]));
    let separate = <Layer<C> as TensorLayout>::LAYOUT.tensor_count() == 4;
    let weights = [data(&case["weight_ih_l0"]), data(&case["weight_hh_l0"])].concat();
    let flat = if separate {
        [weights, b_ih, b_hh].concat()
    } else {
        let sum: Vec<f64> = b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect();
        [weights, sum].concat()
    };
    let layer = Weights::<Layer<C>, f64>::from_vec(flat).unwrap();
    let x = data(&case["x"]);
    let (y, dx, g) = forward_backward::<Seq<5, 3>, Layer<C>>(&layer, &x, &data(&case["g"]));
    assert_close(&format!("{name} y"), &y, &data(&case["y"]), 1e-12);
    check_infer::<Seq<5, 3>, _>(name, &layer, &x, &data(&case["y"]));
    assert_close(&format!("{name} dx"), &dx, &data(&case["dx"]), 1e-12);
    let first_bias = if separate { "bias_ih_l0" } else { "bias_l0" };
    for (ours, theirs) in [
        ("weight_ih_l0", "d_weight_ih_l0"),
        ("weight_hh_l0", "d_weight_hh_l0"),
        (first_bias, "d_bias_ih_l0"),
        (
            if separate { "bias_hh_l0" } else { first_bias },
            "d_bias_hh_l0",
        ),
    ] {
        let got = g.tensor(ours).unwrap();
        assert_close(
            &format!("{name} {theirs}"),
            got,
            &data(&case[theirs]),
            1e-12,
        );
    }
}

#[test]
fn recurrent_layers_match_pytorch() {
    check_recurrent::<stratanet::layers::recurrent::TanhCell>("rnn_tanh");
    check_recurrent::<stratanet::layers::recurrent::LstmCell>("lstm");
    check_recurrent::<stratanet::layers::recurrent::GruCell>("gru");
}

#[test]
fn conv1d_matches_pytorch() {
    type Input = Signal<2, 9>;
    check_layer::<Input, Conv1d<2, 3, 3, 1, 0>>("conv1d_0");
    check_layer::<Input, Conv1d<2, 3, 4, 2, 1>>("conv1d_1");
}

#[test]
fn activations_and_softmax_match_pytorch() {
    check_layer::<Vector<7>, Gelu>("gelu");
    check_layer::<Vector<7>, LeakyRelu>("leaky_relu");
    check_layer::<Vector<7>, LeakyRelu<1, 2>>("leaky_relu_0.5");
    check_layer::<Vector<6>, Softmax>("softmax_vector");
    check_layer::<Seq<3, 4>, Softmax>("softmax_seq");
}

#[test]
fn global_average_pooling_and_time_distributed_match_pytorch() {
    check_layer::<Image<3, 4, 5>, GlobalAvgPool2d>("global_avg_pool2d");
    check_layer::<Seq<5, 4>, TimeDistributed<Dense<4, 3>>>("time_distributed_dense");
}

/// Batch normalization in training mode (batch statistics; then the running statistics'
/// update, which for the variance follows Keras's rule with the biased batch variance, where
/// PyTorch uses the unbiased one) and in inference mode (the stored running statistics).
fn check_batch_norm<In: Shape, M: Module<In, f64> + Infer<In, f64>>(name: &str) {
    let all = fixtures();
    for mode in ["train", "eval"] {
        let case = &all["cases"][format!("{name}_{mode}")];
        let (mean, var) = if mode == "train" {
            ("running_mean_before", "running_var_before")
        } else {
            ("running_mean", "running_var")
        };
        let flat = [
            data(&case["weight"]),
            data(&case["bias"]),
            data(&case[mean]),
            data(&case[var]),
        ]
        .concat();
        let mut layer = Weights::<M, f64>::from_vec(flat).unwrap();
        let x = data(&case["x"]);
        let training = if mode == "train" {
            Mode::Training { seed: 0 }
        } else {
            Mode::Inference
        };
        let (y, dx, g, work) =
            forward_backward_in::<In, M>(&layer, &x, &data(&case["g"]), training);
        let what = format!("{name} ({mode})");
        assert_close(&format!("{what} y"), &y, &data(&case["y"]), 1e-12);
        assert_close(&format!("{what} dx"), &dx, &data(&case["dx"]), 1e-12);
        let d_weight = g.tensor("weight").unwrap();
        assert_close(
            &format!("{what} d_weight"),
            d_weight,
            &data(&case["d_weight"]),
            1e-12,
        );
        let d_bias = g.tensor("bias").unwrap();
        assert_close(
            &format!("{what} d_bias"),
            d_bias,
            &data(&case["d_bias"]),
            1e-12,
        );
        if mode == "eval" {
            check_infer::<In, M>(&what, &layer, &x, &data(&case["y"]));
            continue;
        }
        M::update_state(layer.as_mut_slice(), &work);
        let (mean, var) = (layer.tensor("running_mean"), layer.tensor("running_var"));
        assert_close(
            &format!("{what} running_mean"),
            mean.unwrap(),
            &data(&case["running_mean"]),
            1e-12,
        );
        let keras = data(&case["running_var_biased"]);
        assert_close(&format!("{what} running_var"), var.unwrap(), &keras, 1e-12);
    }
}

#[test]
fn batch_norm_matches_pytorch_in_training_and_inference() {
    check_batch_norm::<Vector<3>, BatchNorm<3>>("batch_norm_vector");
    check_batch_norm::<Image<2, 3, 3>, BatchNorm<2>>("batch_norm_image");
}

#[test]
fn embedding_matches_pytorch() {
    let all = fixtures();
    let case = &all["cases"]["embedding"];
    type Layer = Embedding<6, 3>;
    let layer = Weights::<Layer, f64>::from_vec(data(&case["weight"])).unwrap();
    let ids = data(&case["ids"]);
    let (y, dx, g) = forward_backward::<Tokens<4>, Layer>(&layer, &ids, &data(&case["g"]));
    assert_close("embedding y", &y, &data(&case["y"]), 1e-12);
    check_infer::<Tokens<4>, Layer>("embedding", &layer, &ids, &data(&case["y"]));
    assert!(dx.iter().all(|&d| d == 0.0), "ids have no gradient");
    assert_close(
        "embedding d_weight",
        g.as_slice(),
        &data(&case["d_weight"]),
        1e-12,
    );
}
