//! The reference workloads of the PyTorch benchmark (`benches/torch_bench.py`): the same
//! architectures, batch sizes, losses and Adam, on random fixed inputs. Prints one line per
//! workload, `<name> <median microseconds per step>`; a step is forward, loss, backward and the
//! optimizer update (training) or one forward pass (inference). The `_frozen` lines run the same
//! single-sample inference through `infer::Frozen` (weights decoded from the model's weights
//! file, activations on the stack) instead of `predict_into`; the `_int8` lines through
//! `quant::QuantFrozen` (the model quantized to int8, calibrated on the workload's inputs,
//! integers only; the input already quantized).
//!
//!     cargo run --release --example workloads                  # one thread
//!     cargo run --release --features threading --example workloads -- --threads 2
//!     cargo run --release --example workloads -- --only lstm_train_b64

use rand::SeedableRng;
use std::hint::black_box;
use std::time::Instant;
use stratanet::generic_array::GenericArray;
use stratanet::infer::Frozen;
use stratanet::init::unit_uniform;
use stratanet::persist::decode_weights;
use stratanet::prelude::*;
use stratanet::quant::{Calibration, QuantFrozen};

#[path = "util/workload_nets.rs"]
mod workload_nets;
use workload_nets::{Cnn, LstmNet, MnistMlp, SeedMlp, TransformerNet};

/// Median seconds per call of `step` over 7 rounds of `k` calls, after a warm-up of
/// `max(3, k/5)` calls (as the PyTorch script times).
fn median_seconds(k: usize, mut step: impl FnMut()) -> f64 {
    for _ in 0..(k / 5).max(3) {
        step();
    }
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..k {
                step();
            }
            start.elapsed().as_secs_f64() / k as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[3]
}

fn normal(len: usize, rng: &mut rand::rngs::StdRng) -> Vec<f32> {
    (0..len)
        .map(|_| {
            let (u1, u2) = (1.0 - unit_uniform(rng), unit_uniform(rng));
            ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
        })
        .collect()
}

/// The weights of `model` as the array `Frozen` reads, through the weights file.
fn frozen_weights<In: Shape, Net, const N: usize>(model: &Model<In, Net>) -> Box<[f32; N]>
where
    Net: Module<In, f32>,
{
    let mut weights: Box<[f32; N]> = vec![0.0; N].into_boxed_slice().try_into().unwrap();
    decode_weights::<f32, Net, N>(&model.save_weights(), &mut weights).unwrap();
    weights
}

/// `model` with its training steps on up to `threads` threads (the `threading` feature).
#[cfg(feature = "threading")]
macro_rules! on_threads {
    ($model:expr, $threads:expr) => {
        $model.threads($threads)
    };
}
#[cfg(not(feature = "threading"))]
macro_rules! on_threads {
    ($model:expr, $threads:expr) => {{
        let _one: usize = $threads;
        $model
    }};
}

/// Runs and prints a workload unless `--only` names another.
fn run(only: Option<&str>, name: &str, k: usize, step: impl FnMut()) {
    if only.is_none_or(|o| o == name) {
        println!("{name} {:.2}", median_seconds(k, step) * 1e6);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mut threads = 1;
    if let Some(at) = args.iter().position(|a| a == "--threads") {
        let arg = args.get(at + 1).ok_or("--threads needs a number")?;
        if !cfg!(feature = "threading") {
            return Err(
                "--threads needs the `threading` feature (cargo run --features threading ...)"
                    .into(),
            );
        }
        threads = arg.parse()?;
    }
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|at| args.get(at + 1))
        .map(String::as_str);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let labels: Vec<usize> = (0..64).map(|i| i % 10).collect();

    let x = normal(32 * 5, &mut rng);
    let y: Vec<f32> = (0..32)
        .map(|_| f32::from(u8::from(unit_uniform(&mut rng) > 0.5)))
        .collect();
    let mut seed = on_threads!(
        Model::<Vector<5>, SeedMlp>::new(&mut rng).compile(Mse, Adam::default()),
        threads
    );
    run(only, "seed_mlp_train_b32", 2000, || {
        drop(black_box(seed.train_on_batch(&x, &y)))
    });

    let x = normal(64 * 784, &mut rng);
    let mut mnist = on_threads!(
        Model::<Vector<784>, MnistMlp>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default()),
        threads
    );
    run(only, "mnist_mlp_train_b64", 200, || {
        drop(black_box(mnist.train_on_batch(&x, &labels)))
    });

    let mut cnn = on_threads!(
        Model::<Image<1, 28, 28>, Cnn>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default()),
        threads
    );
    run(only, "cnn_train_b64", 50, || {
        drop(black_box(cnn.train_on_batch(&x, &labels)))
    });

    let mut lstm = on_threads!(
        Model::<Seq<28, 28>, LstmNet>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default()),
        threads
    );
    run(only, "lstm_train_b64", 30, || {
        drop(black_box(lstm.train_on_batch(&x, &labels)))
    });

    let sequences = normal(64 * 32 * 64, &mut rng);
    let mut transformer = on_threads!(
        Model::<Seq<32, 64>, TransformerNet>::new(&mut rng)
            .compile(SoftmaxCrossEntropy, Adam::default()),
        threads
    );
    run(only, "transformer_train_b64", 10, || {
        drop(black_box(transformer.train_on_batch(&sequences, &labels)))
    });

    let one = normal(784, &mut rng);
    let mut out = vec![0.0f32; 10];
    run(only, "seed_mlp_infer_b1", 5000, || {
        seed.predict_into(&one[..5], &mut out[..1]).unwrap()
    });
    run(only, "mnist_mlp_infer_b1", 3000, || {
        mnist.predict_into(&one, &mut out).unwrap()
    });
    run(only, "cnn_infer_b1", 1000, || {
        cnn.predict_into(&one, &mut out).unwrap()
    });
    let sequence = &sequences[..32 * 64];
    run(only, "transformer_infer_b1", 200, || {
        transformer.predict_into(sequence, &mut out).unwrap()
    });

    let weights = frozen_weights::<_, SeedMlp, { <SeedMlp as TensorLayout>::STORED }>(seed.model());
    let net = Frozen::<Vector<5>, SeedMlp>::new(&weights);
    let x = GenericArray::from_slice(&one[..5]);
    let mut scratch = [0.0f32; Frozen::<Vector<5>, SeedMlp>::SCRATCH];
    run(only, "seed_mlp_infer_b1_frozen", 5000, || {
        black_box(net.forward_one(black_box(x), &mut scratch));
    });
    let weights =
        frozen_weights::<_, MnistMlp, { <MnistMlp as TensorLayout>::STORED }>(mnist.model());
    let net = Frozen::<Vector<784>, MnistMlp>::new(&weights);
    let x = GenericArray::from_slice(&one);
    let mut scratch = [0.0f32; Frozen::<Vector<784>, MnistMlp>::SCRATCH];
    run(only, "mnist_mlp_infer_b1_frozen", 3000, || {
        black_box(net.forward_one(black_box(x), &mut scratch));
    });
    let weights = frozen_weights::<_, Cnn, { <Cnn as TensorLayout>::STORED }>(cnn.model());
    let net = Frozen::<Image<1, 28, 28>, Cnn>::new(&weights);
    let mut scratch = vec![0.0f32; Frozen::<Image<1, 28, 28>, Cnn>::SCRATCH];
    let scratch: &mut [f32; Frozen::<Image<1, 28, 28>, Cnn>::SCRATCH] =
        scratch.as_mut_slice().try_into()?;
    run(only, "cnn_infer_b1_frozen", 1000, || {
        black_box(net.forward_one(black_box(x), scratch));
    });
    let quantized = mnist.model().quantize(&one, Calibration::MinMax)?;
    let net = quantized.frozen();
    let x = net.quantize_input(GenericArray::from_slice(&one));
    let mut scratch = [0i8; QuantFrozen::<Vector<784>, MnistMlp>::SCRATCH];
    run(only, "mnist_mlp_infer_b1_int8", 3000, || {
        black_box(net.forward_one(black_box(&x), &mut scratch));
    });
    let quantized = cnn.model().quantize(&one, Calibration::MinMax)?;
    let net = quantized.frozen();
    let x = net.quantize_input(GenericArray::from_slice(&one));
    let mut scratch = [0i8; QuantFrozen::<Image<1, 28, 28>, Cnn>::SCRATCH];
    run(only, "cnn_infer_b1_int8", 1000, || {
        black_box(net.forward_one(black_box(&x), &mut scratch));
    });
    const STORED: usize = <TransformerNet as TensorLayout>::STORED;
    let weights = frozen_weights::<_, TransformerNet, STORED>(transformer.model());
    let net = Frozen::<Seq<32, 64>, TransformerNet>::new(&weights);
    let x = GenericArray::from_slice(sequence);
    let mut scratch = vec![0.0f32; Frozen::<Seq<32, 64>, TransformerNet>::SCRATCH];
    let scratch: &mut [f32; Frozen::<Seq<32, 64>, TransformerNet>::SCRATCH] =
        scratch.as_mut_slice().try_into()?;
    run(only, "transformer_infer_b1_frozen", 200, || {
        black_box(net.forward_one(black_box(x), scratch));
    });
    Ok(())
}
