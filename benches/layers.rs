//! Criterion benchmarks: forward and backward of each layer kind at two sizes, the training
//! steps of the reference workloads, and the single-sample convolution kernels (int8 against
//! f32) on the workload CNN's two geometries. Run: `cargo bench --bench layers` (add `-- <filter>` to pick).
//! The side-by-side comparison with PyTorch is `benches/compare_pytorch.sh`.

#[path = "../examples/util/workload_nets.rs"]
mod workload_nets;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::SeedableRng;
use std::hint::black_box;
use stratanet::init::unit_uniform;
use stratanet::module::Backward;
use stratanet::prelude::*;
use workload_nets::{Cnn, LstmNet, MnistMlp, SeedMlp};

const BATCH: usize = 64;

fn random(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..len)
        .map(|_| 2.0 * unit_uniform(&mut rng) as f32 - 1.0)
        .collect()
}

/// Benchmarks `M`'s forward pass and its backward pass (input and parameter gradients) on a
/// batch of 64 random samples.
fn layer<In: Shape, M: Module<In, f32>>(c: &mut Criterion, kind: &str, size: &str) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let weights = Weights::<M>::init(&mut rng);
    let tensors = weights.as_slice();
    let x = random(BATCH * In::NUMEL, 2);
    let dy = random(BATCH * M::Output::NUMEL, 3);
    let (mut y, mut dx) = (vec![0.0; dy.len()], vec![0.0; x.len()]);
    let mut work = M::work(BATCH);
    M::set_mode(&mut work, stratanet::module::Mode::Training { seed: 4 });
    let mut grads = Weights::<M>::zeros();
    let mut group = c.benchmark_group(kind);
    group.bench_function(BenchmarkId::new("forward", size), |b| {
        b.iter(|| M::forward(tensors, black_box(&x), BATCH, &mut y, &mut work))
    });
    M::forward(tensors, &x, BATCH, &mut y, &mut work);
    group.bench_function(BenchmarkId::new("backward", size), |b| {
        b.iter(|| {
            let pass = Backward {
                tensors,
                x: black_box(&x),
                y: &y,
                dy: &dy,
                dx: Some(&mut dx),
                n: BATCH,
                grads: grads.as_mut_slice(),
            };
            M::backward(pass, &mut work)
        })
    });
    group.finish();
}

fn layers(c: &mut Criterion) {
    layer::<Vector<64>, Dense<64, 32>>(c, "dense", "64x32");
    layer::<Vector<784>, Dense<784, 128>>(c, "dense", "784x128");
    layer::<Image<1, 28, 28>, Conv2d<1, 8, 3, 1, 1>>(c, "conv2d", "1-8_k3_28x28");
    layer::<Image<8, 14, 14>, Conv2d<8, 16, 3, 1, 1>>(c, "conv2d", "8-16_k3_14x14");
    layer::<Image<8, 28, 28>, MaxPool2d<2>>(c, "max_pool2d", "8x28x28");
    layer::<Image<16, 14, 14>, MaxPool2d<2>>(c, "max_pool2d", "16x14x14");
    layer::<Seq<8, 8>, Lstm<8, 32>>(c, "lstm", "8x8-32");
    layer::<Seq<28, 28>, Lstm<28, 64>>(c, "lstm", "28x28-64");
    layer::<Seq<8, 8>, Gru<8, 32>>(c, "gru", "8x8-32");
    layer::<Seq<28, 28>, Gru<28, 64>>(c, "gru", "28x28-64");
    layer::<Vector<128>, Tanh>(c, "tanh", "128");
    layer::<Vector<4000>, Tanh>(c, "tanh", "4000");
    layer::<Vector<128>, BatchNorm<128>>(c, "batch_norm", "128");
    layer::<Image<16, 14, 14>, BatchNorm<16>>(c, "batch_norm", "16x14x14");
}

/// One training step (forward, loss, backward, Adam) of a workload of the PyTorch reference.
fn steps(c: &mut Criterion) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let labels: Vec<usize> = (0..64).map(|i| i % 10).collect();
    let x = random(64 * 784, 5);
    let mut group = c.benchmark_group("train_step");

    let targets: Vec<f32> = (0..32).map(|i| (i % 2) as f32).collect();
    let mut seed = Model::<Vector<5>, SeedMlp>::new(&mut rng).compile(Mse, Adam::default());
    group.bench_function("seed_mlp_b32", |b| {
        b.iter(|| seed.train_on_batch(black_box(&x[..32 * 5]), &targets))
    });
    let mut mnist =
        Model::<Vector<784>, MnistMlp>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    group.bench_function("mnist_mlp_b64", |b| {
        b.iter(|| mnist.train_on_batch(black_box(&x), &labels))
    });
    let mut cnn =
        Model::<Image<1, 28, 28>, Cnn>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    group.bench_function("cnn_b64", |b| {
        b.iter(|| cnn.train_on_batch(black_box(&x), &labels))
    });
    let mut lstm =
        Model::<Seq<28, 28>, LstmNet>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    group.bench_function("lstm_b64", |b| {
        b.iter(|| lstm.train_on_batch(black_box(&x), &labels))
    });
    group.finish();
}

/// One sample through `kernels::int8::conv_i8` and `kernels::conv::conv_direct` (f32 `Frozen`'s
/// convolution) on the same geometry: the workload CNN's two 3×3 convolutions.
fn conv_kernels(c: &mut Criterion) {
    use stratanet::kernels::conv::{conv_direct, ConvGeom};
    use stratanet::kernels::int8::{conv_i8, Channels};
    use stratanet::kernels::requant::Requant;
    let mut group = c.benchmark_group("conv_kernel");
    for (c_in, c_out, h) in [(1, 8, 28), (8, 16, 14)] {
        let (w, ph, pw) = (h, 1, 1);
        let (kh, kw, sh, sw, oh, ow) = (3, 3, 1, 1, h, w);
        let g = ConvGeom {
            c_in,
            c_out,
            h,
            w,
            kh,
            kw,
            sh,
            sw,
            ph,
            pw,
            oh,
            ow,
        };
        let size = format!("{c_in}x{h}x{w}_to_{c_out}");
        let x = random(g.in_len(), 3);
        let weights = random(c_out * g.patch(), 4);
        let (mut y, bias) = (vec![0.0f32; g.out_len()], vec![0.1f32; c_out]);
        group.bench_function(BenchmarkId::new("f32", &size), |b| {
            b.iter(|| conv_direct(&g, black_box(&x), &weights, &bias, &mut y))
        });
        let xq: Vec<i8> = x.iter().map(|&v| (v * 127.0) as i8).collect();
        let wq: Vec<i8> = weights.iter().map(|&v| (v * 127.0) as i8).collect();
        let requant = vec![Requant::from_real(0.002).unwrap().to_word(); c_out];
        let bias = vec![100; c_out];
        let q = Channels {
            bias: &bias,
            requant: &requant,
            input_zero_point: -3,
            output_zero_point: 5,
        };
        let mut yq = vec![0i8; g.out_len()];
        group.bench_function(BenchmarkId::new("int8", &size), |b| {
            b.iter(|| conv_i8(&g, black_box(&xq), &wq, &q, &mut yq))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = layers, steps, conv_kernels
}
criterion_main!(benches);
