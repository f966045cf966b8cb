//! A steady-state training step allocates nothing: proven with a counting global allocator.
//! Where the CPU has the crate's own `f32` matrix-product kernel (AVX-512), that holds for
//! batched steps too; elsewhere products go to `matrixmultiply`, which allocates a packing
//! buffer on every call, and this test counts those exactly.
//! Inference through the training workspace (`predict_into`) is counted the same way, and
//! allocation-free inference (`Frozen`) is checked to allocate nothing at all.
//! The binary has no test harness (`harness = false`): `main` runs the checks on the only
//! thread, so no other thread allocates while it counts.

use rand::SeedableRng;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use stratanet::prelude::*;

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    f();
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

/// Matrix products in one training step of a network of `layers` dense layers: a forward product
/// per layer, a weight-gradient product per layer, an input-gradient product per layer but the
/// first.
fn products_per_step(layers: usize) -> usize {
    3 * layers - 1
}

fn main() {
    training_steps_allocate_nothing_but_matrixmultiply_packing_where_it_multiplies();
    println!("zero_alloc: every counted step and inference allocated what it should");
}

fn training_steps_allocate_nothing_but_matrixmultiply_packing_where_it_multiplies() {
    // The SIMD level is detected once per process; when `STRATANET_SIMD` is set (as `.ci/run`
    // does to run the suite on each level), reading it allocates its value that once.
    stratanet::kernels::simd::Level::detected();
    // Allocations per product of a batch: 1 through matrixmultiply, 0 through the own kernel.
    let per_product = usize::from(stratanet::kernels::gemm::f32_products_allocate());
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    type Classifier = (
        Dense<64, 32>,
        Relu,
        Dense<32, 16>,
        Gelu,
        Dense<16, 10>,
        Softmax,
    );
    let mut model = Model::<Vector<64>, Classifier>::new(&mut rng).compile(Mse, Adam::default());
    let x: Vec<f32> = (0..32 * 64).map(|i| (i as f32 * 0.01).sin()).collect();
    let y: Vec<f32> = (0..32 * 10)
        .map(|i| if i % 10 == (i / 10) % 10 { 1.0 } else { 0.0 })
        .collect();
    model.train_on_batch(&x, &y).unwrap(); // sizes the workspace

    // One sample per step: every product is a matrix-vector or outer product, run by the
    // crate's own loops, so nothing at all is allocated.
    let single = allocations_during(|| {
        for _ in 0..10 {
            model.train_on_batch(&x[..64], &y[..10]).unwrap();
        }
    });
    assert_eq!(single, 0, "allocations in 10 single-sample steps");

    // Batches of 32 and a smaller last batch of 7: each product is a matrix product (`per_product`
    // allocations each); the crate itself allocates nothing more.
    let batched = allocations_during(|| {
        for _ in 0..10 {
            model.train_on_batch(&x, &y).unwrap();
            model.train_on_batch(&x[..7 * 64], &y[..7 * 10]).unwrap();
        }
    });
    assert_eq!(
        batched,
        20 * products_per_step(3) * per_product,
        "allocations in 20 batched steps"
    );

    type Logits = (Dense<64, 20>, Tanh, Dense<20, 10>);
    let mut model = Model::<Vector<64>, Logits>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Sgd::new(0.1).momentum(0.9));
    let labels: Vec<usize> = (0..32).map(|i| i % 10).collect();
    model.train_on_batch(&x, &labels).unwrap();
    let single = allocations_during(|| {
        for i in 0..10 {
            model
                .train_on_batch(&x[i * 64..(i + 1) * 64], &labels[i..i + 1])
                .unwrap();
        }
    });
    assert_eq!(
        single, 0,
        "allocations in 10 single-sample steps (cross-entropy, SGD)"
    );

    // A CNN: a convolution runs one product per sample and pass (the forward pass, the weight
    // gradient and, except in the first layer, the input gradient), `per_product` allocations
    // each; everything else in the step is allocation-free.
    type Cnn = (
        Conv2d<1, 4, 3, 1, 1>,
        Relu,
        MaxPool2d<2>,
        Conv2d<4, 8, 3, 1, 1>,
        Relu,
        Flatten,
        Dense<128, 10>,
    );
    let mut cnn =
        Model::<Image<1, 8, 8>, Cnn>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    cnn.train_on_batch(&x[..4 * 64], &labels[..4]).unwrap();
    let steps = allocations_during(|| {
        for _ in 0..5 {
            cnn.train_on_batch(&x[..4 * 64], &labels[..4]).unwrap();
        }
    });
    // A convolution runs its products per sample: conv 1 (the first layer: no input gradient)
    // two for each of the 4 samples, conv 2 three, and the dense layer (batched) three.
    let per_step = 4 * 2 + 4 * 3 + 3;
    assert_eq!(
        steps,
        5 * per_step * per_product,
        "allocations in 5 CNN steps of 4 samples"
    );

    // An LSTM, one sequence per step: the recurrent products of every time step are
    // matrix-vector and outer products (direct, allocation-free); the two products over all
    // steps at once (input projection and its weight gradient) go to matrixmultiply.
    type Recurrent = (Lstm<8, 16>, Dense<16, 10>);
    let mut lstm =
        Model::<Seq<8, 8>, Recurrent>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    lstm.train_on_batch(&x[..64], &labels[..1]).unwrap();
    let steps = allocations_during(|| {
        for _ in 0..5 {
            lstm.train_on_batch(&x[..64], &labels[..1]).unwrap();
        }
    });
    assert_eq!(
        steps,
        5 * 2 * per_product,
        "allocations in 5 single-sequence LSTM steps"
    );

    // Allocation-free inference: the CNN's weights decoded from its weights file onto the
    // stack, then every sample through `Frozen` — nothing touches the heap, not even
    // matrixmultiply (single-sample products are direct loops).
    let file = cnn.model().save_weights();
    let allocations = allocations_during(|| {
        let mut weights = [0.0f32; <Cnn as TensorLayout>::STORED];
        stratanet::persist::decode_weights::<f32, Cnn, _>(&file, &mut weights).unwrap();
        let net = stratanet::infer::Frozen::<Image<1, 8, 8>, Cnn>::new(&weights);
        let mut scratch = [0.0f32; stratanet::infer::Frozen::<Image<1, 8, 8>, Cnn>::SCRATCH];
        for image in x.chunks_exact(64) {
            let image = stratanet::generic_array::GenericArray::from_slice(image);
            std::hint::black_box(net.forward_one(image, &mut scratch));
        }
    });
    assert_eq!(
        allocations, 0,
        "allocations in Frozen inference of 32 images"
    );

    // The same CNN in int8: the quantized file decoded onto the stack, every sample quantized
    // and run with integers only through `QuantFrozen`.
    use stratanet::quant::{Calibration, QuantArrays, QuantFrozen, QuantLayout};
    let file = cnn
        .model()
        .quantize(&x, Calibration::MinMax)
        .unwrap()
        .save();
    let allocations = allocations_during(|| {
        let mut arrays =
            QuantArrays::<{ <Cnn as QuantLayout>::BYTES }, { <Cnn as QuantLayout>::WORDS }>::zeros(
            );
        stratanet::quant::decode_quantized::<Cnn, _, _>(&file, &mut arrays).unwrap();
        let net = QuantFrozen::<Image<1, 8, 8>, Cnn>::new(&arrays);
        let mut scratch = [0i8; QuantFrozen::<Image<1, 8, 8>, Cnn>::SCRATCH];
        for image in x.chunks_exact(64) {
            let image =
                net.quantize_input(stratanet::generic_array::GenericArray::from_slice(image));
            std::hint::black_box(net.predict_class(&image, &mut scratch));
        }
    });
    assert_eq!(allocations, 0, "allocations in int8 inference of 32 images");

    // Graph blocks and the direct convolution kernels: depthwise, transposed, resampling and
    // every block allocate nothing; the separable convolution's 1×1 step (forward, weight and
    // input gradient, per sample) and the dense layer (the same three) are matrix products.
    type Graph = (
        ZeroPadding2d<1>,
        DepthwiseConv2d<1, 3, 1, 0, 4>, // 4 × 8 × 8
        Residual<(
            DepthwiseConv2d<4, 3, 1, 1>,
            Relu6,
            SeparableConv2d<4, 4, 3, 1, 1>,
        )>,
        Add<((MaxPool2d<2>, UpSampling2d<2>), Silu)>,
        Concat<(
            DepthwiseConv2d<4, 3, 1, 1>,
            (ConvTranspose2d<4, 2, 2, 2>, MaxPool2d<2>),
        )>,
        GlobalMaxPool2d, // 6
        Dense<6, 10>,
    );
    let mut graph =
        Model::<Image<1, 8, 8>, Graph>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    graph.train_on_batch(&x[..4 * 64], &labels[..4]).unwrap();
    let steps = allocations_during(|| {
        for _ in 0..5 {
            graph.train_on_batch(&x[..4 * 64], &labels[..4]).unwrap();
        }
    });
    assert_eq!(
        steps,
        5 * (4 * 3 + 3) * per_product,
        "allocations in 5 graph-block steps of 4 samples"
    );

    // A transformer: every projection over all `n·T` steps is one matrixmultiply product per
    // pass (the step-wise input projection: forward and weight gradient; per encoder block the
    // attention's in- and out-projection and the two feed-forward layers: forward, weight and
    // input gradient; the head: the same three) and so is each head's attention of each
    // sequence (two products forward, four backward); layer norm, the residual paths and the
    // mean over time allocate nothing. Its `Frozen` inference allocates nothing at all.
    type Transformer = (
        TimeDistributed<Dense<8, 16>>,
        TransformerEncoder<16, 2, 32>,
        GlobalAvgPool1d,
        Dense<16, 10>,
    );
    let mut transformer = Model::<Seq<8, 8>, Transformer>::new(&mut rng)
        .compile(SoftmaxCrossEntropy, Adam::default());
    transformer
        .train_on_batch(&x[..4 * 64], &labels[..4])
        .unwrap();
    let steps = allocations_during(|| {
        for _ in 0..5 {
            transformer
                .train_on_batch(&x[..4 * 64], &labels[..4])
                .unwrap();
        }
    });
    assert_eq!(
        steps,
        5 * (2 + 4 * 3 + 3 + 4 * 2 * 6) * per_product,
        "allocations in 5 transformer steps of 4 sequences"
    );
    let file = transformer.model().save_weights();
    let allocations = allocations_during(|| {
        let mut weights = [0.0f32; <Transformer as TensorLayout>::STORED];
        stratanet::persist::decode_weights::<f32, Transformer, _>(&file, &mut weights).unwrap();
        let net = stratanet::infer::Frozen::<Seq<8, 8>, Transformer>::new(&weights);
        let mut scratch = [0.0f32; stratanet::infer::Frozen::<Seq<8, 8>, Transformer>::SCRATCH];
        for sequence in x.chunks_exact(64) {
            let sequence = stratanet::generic_array::GenericArray::from_slice(sequence);
            std::hint::black_box(net.forward_one(sequence, &mut scratch));
        }
    });
    assert_eq!(
        allocations, 0,
        "allocations in Frozen inference of 32 sequences"
    );

    // Data-parallel steps (feature `threading`): after the first sharded step has started the
    // helper thread and sized its buffers, a step on two threads allocates nothing of its own;
    // each shard runs its own products (`per_product` allocations each, on either thread).
    #[cfg(feature = "threading")]
    {
        type Wide = (Dense<784, 128>, Relu, Dense<128, 10>);
        let mut wide = Model::<Vector<784>, Wide>::new(&mut rng)
            .compile(SoftmaxCrossEntropy, Adam::default())
            .threads(2);
        let x: Vec<f32> = (0..64 * 784).map(|i| (i as f32 * 0.01).sin()).collect();
        let labels: Vec<usize> = (0..64).map(|i| i % 10).collect();
        assert_eq!((wide.threads_for(64), wide.threads_for(50)), (2, 2));
        wide.train_on_batch(&x, &labels).unwrap();
        let steps = allocations_during(|| {
            for _ in 0..10 {
                wide.train_on_batch(&x, &labels).unwrap();
                wide.train_on_batch(&x[..50 * 784], &labels[..50]).unwrap();
            }
        });
        assert_eq!(
            steps,
            20 * 2 * products_per_step(2) * per_product,
            "allocations in 20 steps on two threads"
        );
    }

    // Inference through the training workspace (`predict_into`): after a first call, only the
    // forward pass's matrix products allocate (`per_product` each): a batch's dense layers, a
    // convolution's product per sample, the LSTM's input projection over all steps, the
    // transformer's projections over all steps and its attention's two products per sequence
    // and head; one sample's dense layers and recurrent steps are vector products (none).
    let mut out = vec![0.0f32; 32 * 10];
    let mut predict = |run: &mut dyn FnMut(&mut [f32])| {
        run(&mut out);
        allocations_during(|| run(&mut out))
    };
    let counts = [
        predict(&mut |out| model.predict_into(&x, out).unwrap()),
        predict(&mut |out| model.predict_into(&x[..64], &mut out[..10]).unwrap()),
        predict(&mut |out| cnn.predict_into(&x[..4 * 64], &mut out[..40]).unwrap()),
        predict(&mut |out| cnn.predict_into(&x[..64], &mut out[..10]).unwrap()),
        predict(&mut |out| lstm.predict_into(&x[..64], &mut out[..10]).unwrap()),
        predict(&mut |out| {
            transformer
                .predict_into(&x[..4 * 64], &mut out[..40])
                .unwrap()
        }),
        predict(&mut |out| transformer.predict_into(&x[..64], &mut out[..10]).unwrap()),
    ];
    let products = [
        2,
        0,
        4 + 4 + 1,
        1 + 1,
        1,
        1 + 4 + 4 * 2 * 2 + 1,
        1 + 4 + 2 * 2,
    ];
    assert_eq!(
        counts,
        products.map(|p| p * per_product),
        "allocations in predict_into: MLP 32 and 1, CNN 4 and 1, LSTM 1, transformer 4 and 1"
    );

    // The counter does count: a fresh model's first step builds its workspace.
    let mut fresh =
        Model::<Vector<64>, Logits>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::default());
    assert!(allocations_during(|| drop(fresh.train_on_batch(&x[..64], &labels[..1]))) > 0);
}
