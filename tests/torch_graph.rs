//! Graph blocks and the convolution family of small models against PyTorch (float64), from
//! `tests/fixtures/torch_graph.json`, made by `tests/fixtures/make_graph_fixtures.py 7` (needs
//! torch); see `torch_cases` for what each check proves.

mod torch_cases;

use stratanet::prelude::*;

/// [`torch_cases::check`] on `torch_graph.json`.
fn graph<In: Shape, M: Module<In, f64> + Infer<In, f64>>(name: &str, one_sample: bool) {
    torch_cases::check::<In, M>("torch_graph.json", name, one_sample);
}

#[test]
fn depthwise_convolutions() {
    graph::<Image<3, 7, 6>, DepthwiseConv2d<3, 3, 2, 1, 2>>("depthwise_s2_p1_m2", true);
    graph::<Image<4, 5, 5>, DepthwiseConv2d<4, 3, 1, 1>>("depthwise_same", true);
}

#[test]
fn separable_convolution() {
    graph::<Image<3, 6, 6>, SeparableConv2d<3, 5, 3, 1, 1>>("separable", true);
}

#[test]
fn transposed_convolutions() {
    graph::<Image<3, 4, 5>, ConvTranspose2d<3, 2, 3, 2, 1>>("conv_transpose_k3_s2_p1", true);
    graph::<Image<2, 3, 3>, ConvTranspose2d<2, 3, 2, 2>>("conv_transpose_k2_s2", true);
}

#[test]
fn resampling_and_global_max_pooling() {
    graph::<Image<2, 3, 4>, UpSampling2d<2>>("upsample_2", true);
    graph::<Image<2, 3, 3>, ZeroPadding2d<2>>("zero_pad_2", true);
    graph::<Image<3, 4, 5>, GlobalMaxPool2d>("global_max_pool", true);
}

#[test]
fn activations() {
    graph::<Vector<7>, Relu6>("relu6", true);
    graph::<Vector<7>, Silu>("silu", true);
    graph::<Vector<7>, HardSwish>("hardswish", true);
    graph::<Vector<7>, Elu>("elu", true);
    graph::<Vector<7>, Elu<1, 2>>("elu_0.5", true);
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
    graph::<Image<2, 6, 6>, Graph>("graph_blocks", false);
}
