//! Deployment memory is known, bounded and never the stack's problem: a 224×224 RGB CNN runs
//! through `Frozen` on a thread with a 2 MiB stack (debug and release alike), its working
//! memory in a `static` whose size is a compile-time constant of the network.

use rand::SeedableRng;
use std::sync::Mutex;
use stratanet::generic_array::GenericArray;
use stratanet::infer::Frozen;
use stratanet::prelude::*;

type Input = Image<3, 224, 224>;
type Net = (
    Conv2d<3, 16, 3, 1, 1>, // 16 × 224 × 224: 3.2 MB, the largest activation
    Relu,
    MaxPool2d<2>, // 16 × 112 × 112
    Conv2d<16, 32, 3, 1, 1>,
    Relu,
    MaxPool2d<2>, // 32 × 56 × 56
    Conv2d<32, 32, 3, 1, 1>,
    Relu,
    GlobalAvgPool2d,
    Dense<32, 10>,
);
type Deployed = Frozen<'static, Input, Net>;

/// One inference's working memory: the largest activation twice, ping-ponged.
static SCRATCH: Mutex<[f32; Deployed::SCRATCH]> = Mutex::new([0.0; Deployed::SCRATCH]);

#[test]
fn memory_figures_are_compile_time_constants() {
    const LARGEST: usize = 16 * 224 * 224;
    assert_eq!(Deployed::SCRATCH, 2 * LARGEST);
    assert_eq!(Deployed::RAM_BYTES, (2 * LARGEST + 3 * 224 * 224 + 10) * 4);
    let weights = 16 * 27 + 16 + 32 * 16 * 9 + 32 + 32 * 32 * 9 + 32 + 32 * 10 + 10;
    assert_eq!(Deployed::FLASH_BYTES, weights * 4);
}

#[test]
fn a_224_pixel_cnn_runs_on_a_2_mib_stack() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let model = Model::<Input, Net>::new(&mut rng);
    let x: Vec<f32> = (0..3 * 224 * 224)
        .map(|i| ((i % 251) as f32 / 251.0) - 0.5)
        .collect();
    let expected = model.predict(&x).unwrap();
    let weights: Box<[f32; <Net as TensorLayout>::STORED]> = model
        .weights()
        .as_slice()
        .to_vec()
        .into_boxed_slice()
        .try_into()
        .unwrap();
    let weights: &'static [f32; <Net as TensorLayout>::STORED] = Box::leak(weights);
    let y = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let net = Deployed::new(weights);
            let mut scratch = SCRATCH.lock().unwrap();
            net.forward_one(GenericArray::from_slice(&x), &mut scratch)
        })
        .unwrap()
        .join()
        .expect("inference on a 2 MiB stack");
    for (a, b) in y.iter().zip(expected.as_slice()) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
}
