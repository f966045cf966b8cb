//! Models trained in PyTorch (tests/fixtures/make_pytorch_models.py) load from .safetensors into
//! the matching typed networks and reproduce PyTorch's outputs.
#![cfg(feature = "safetensors")]

use serde_json::Value;
use stratanet::persist::safetensors::{from_safetensors, to_safetensors};
use stratanet::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn outputs() -> Value {
    serde_json::from_slice(&fixture("pytorch_outputs.json")).unwrap()
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-5 * (1.0 + w.abs()),
            "{what}[{i}]: {g} vs PyTorch {w}"
        );
    }
}

type Cnn = (
    Conv2d<1, 8, 3, 1, 1>,
    Relu,
    MaxPool2d<2>,
    Flatten,
    Dense<128, 10>,
);
type Recurrent = (Lstm<8, 16>, Dense<16, 10>);

#[test]
fn pytorch_cnn_reproduces_its_outputs() {
    let expected = outputs();
    let net = from_safetensors::<f32, Cnn>(&fixture("pytorch_cnn.safetensors")).unwrap();
    let model = Model::<Image<1, 8, 8>, Cnn>::from_weights(net, 0);
    let got = model.predict(&floats(&expected["inputs"])).unwrap();
    assert_close("cnn", got.as_slice(), &floats(&expected["cnn"]));
}

#[test]
fn pytorch_lstm_reproduces_its_outputs() {
    let expected = outputs();
    let net = from_safetensors::<f32, Recurrent>(&fixture("pytorch_lstm.safetensors")).unwrap();
    let model = Model::<Seq<8, 8>, Recurrent>::from_weights(net, 0);
    let got = model.predict(&floats(&expected["inputs"])).unwrap();
    assert_close("lstm", got.as_slice(), &floats(&expected["lstm"]));
}

#[test]
fn export_round_trips_and_mismatches_are_named() {
    let net = from_safetensors::<f32, Recurrent>(&fixture("pytorch_lstm.safetensors")).unwrap();
    let again = from_safetensors::<f32, Recurrent>(&to_safetensors(&net).unwrap()).unwrap();
    let x = floats(&outputs()["inputs"]);
    let (a, b) = (
        Model::<Seq<8, 8>, Recurrent>::from_weights(net, 0),
        Model::<Seq<8, 8>, Recurrent>::from_weights(again, 0),
    );
    assert_eq!(a.predict(&x).unwrap(), b.predict(&x).unwrap());

    let err =
        from_safetensors::<f32, (Lstm<8, 32>, Dense<32, 10>)>(&fixture("pytorch_lstm.safetensors"))
            .err()
            .unwrap();
    assert_eq!(
        err.to_string(),
        "weights file: tensor `0.weight_ih_l0`: expected shape [128, 8], got [64, 8]"
    );
    let err = from_safetensors::<f32, Cnn>(&fixture("pytorch_lstm.safetensors"))
        .err()
        .unwrap();
    assert_eq!(
        err,
        Error::MissingTensor {
            name: "0.weight".into()
        }
    );
    assert!(from_safetensors::<f32, Cnn>(b"not a safetensors file").is_err());
}

#[test]
fn mutated_safetensors_never_panic() {
    use rand::{Rng, SeedableRng};
    let original = fixture("pytorch_lstm.safetensors");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for _ in 0..20_000 {
        let mut bytes = original.clone();
        for _ in 0..1 + rng.next_u32() % 4 {
            let at = rng.next_u32() as usize % bytes.len();
            match rng.next_u32() % 3 {
                0 => bytes[at] = rng.next_u32() as u8,
                1 => bytes.truncate(at.max(1)),
                _ => bytes.insert(at, rng.next_u32() as u8),
            }
        }
        let _ = from_safetensors::<f32, Recurrent>(&bytes);
    }
}

/// The residual CNN of `tests/fixtures/make_graph_fixtures.py`: a residual stage and a
/// downsampling stage with a projection shortcut, trained in PyTorch.
type ResNet = (
    Conv2d<1, 8, 3, 1, 1>,
    BatchNorm<8>,
    Relu,
    Residual<(
        Conv2d<8, 8, 3, 1, 1>,
        BatchNorm<8>,
        Relu,
        Conv2d<8, 8, 3, 1, 1>,
        BatchNorm<8>,
    )>,
    Relu,
    Add<(
        (
            Conv2d<8, 16, 3, 2, 1>,
            BatchNorm<16>,
            Relu,
            Conv2d<16, 16, 3, 1, 1>,
        ),
        Conv2d<8, 16, 1, 2>,
    )>,
    Relu,
    GlobalAvgPool2d,
    Dense<16, 10>,
);

#[test]
fn pytorch_residual_cnn_reproduces_its_outputs() {
    use stratanet::infer::Frozen;
    let expected: Value = serde_json::from_slice(&fixture("pytorch_resnet_outputs.json")).unwrap();
    let net = from_safetensors::<f32, ResNet>(&fixture("pytorch_resnet.safetensors")).unwrap();
    let inputs = floats(&expected["inputs"]);
    let model = Model::<Image<1, 8, 8>, ResNet>::from_weights(net.clone(), 0);
    let got = model.predict(&inputs).unwrap();
    assert_close("resnet", got.as_slice(), &floats(&expected["logits"]));
    // The same weights through the allocation-free path, one image at a time.
    let tensors: &[f32; <ResNet as TensorLayout>::STORED] = net.as_slice().try_into().unwrap();
    let frozen = Frozen::<Image<1, 8, 8>, ResNet>::new(tensors);
    let mut scratch = [0.0f32; Frozen::<Image<1, 8, 8>, ResNet>::SCRATCH];
    let mut one = Vec::new();
    for image in inputs.chunks_exact(64) {
        one.extend_from_slice(&frozen.forward_one(image.try_into().unwrap(), &mut scratch));
    }
    assert_close("resnet (Frozen)", &one, &floats(&expected["logits"]));
}

/// The transformer of `tests/fixtures/make_sequence_fixtures.py`: two pre-norm
/// `nn.TransformerEncoderLayer`s trained in PyTorch, in an `nn.Sequential` whose indices are the
/// tuple's.
type Transformer = (
    TimeDistributed<Dense<8, 16>>,
    PositionalEmbedding<8, 16>,
    TransformerEncoder<16, 2, 32>,
    TransformerEncoder<16, 2, 32>,
    GlobalAvgPool1d,
    Dense<16, 10>,
);

#[test]
fn pytorch_transformer_reproduces_its_outputs() {
    use stratanet::infer::Frozen;
    let expected: Value =
        serde_json::from_slice(&fixture("pytorch_transformer_outputs.json")).unwrap();
    let net =
        from_safetensors::<f32, Transformer>(&fixture("pytorch_transformer.safetensors")).unwrap();
    let inputs = floats(&expected["inputs"]);
    let model = Model::<Seq<8, 8>, Transformer>::from_weights(net.clone(), 0);
    let got = model.predict(&inputs).unwrap();
    assert_close("transformer", got.as_slice(), &floats(&expected["logits"]));
    let tensors: &[f32; <Transformer as TensorLayout>::STORED] = net.as_slice().try_into().unwrap();
    let frozen = Frozen::<Seq<8, 8>, Transformer>::new(tensors);
    let mut scratch = [0.0f32; Frozen::<Seq<8, 8>, Transformer>::SCRATCH];
    let mut one = Vec::new();
    for image in inputs.chunks_exact(64) {
        one.extend_from_slice(&frozen.forward_one(image.try_into().unwrap(), &mut scratch));
    }
    assert_close("transformer (Frozen)", &one, &floats(&expected["logits"]));
}

/// A PyTorch module with named attributes (`self.fc1`, `self.fc2`): its keys are mapped to the
/// tuple positions on load.
#[test]
fn pytorch_named_module_loads_with_renamed_keys() {
    use stratanet::persist::safetensors::from_safetensors_renamed;
    type Net = (Dense<64, 32>, Relu, Dense<32, 10>);
    let expected: Value = serde_json::from_slice(&fixture("pytorch_named_outputs.json")).unwrap();
    let bytes = fixture("pytorch_named.safetensors");
    // Without renaming the first missing key is named.
    let err = from_safetensors::<f32, Net>(&bytes)
        .unwrap_err()
        .to_string();
    assert!(err.contains("0.weight"), "{err}");
    let rename = |name: &str| match name.split_once('.') {
        Some(("0", rest)) => format!("fc1.{rest}"),
        Some(("2", rest)) => format!("fc2.{rest}"),
        _ => name.to_string(),
    };
    let net = from_safetensors_renamed::<f32, Net>(&bytes, &rename).unwrap();
    let got = Model::<Vector<64>, Net>::from_weights(net, 0)
        .predict(&floats(&expected["inputs"]))
        .unwrap();
    assert_close("named", got.as_slice(), &floats(&expected["logits"]));
}

/// A bidirectional LSTM's one bias per direction leaves as PyTorch's two (`bias_ih_l0`,
/// `bias_hh_l0`, and the `_reverse` pair) and comes back summed.
#[test]
fn bidirectional_lstm_round_trips_through_pytorch_names() {
    type Net = (Bidirectional<Lstm<3, 4>>, Dense<8, 2>);
    let model = Model::<Seq<5, 3>, Net>::seeded(4);
    let bytes = to_safetensors(model.weights()).unwrap();
    let back = from_safetensors::<f32, Net>(&bytes).unwrap();
    assert_eq!(back.as_slice(), model.weights().as_slice());
}
