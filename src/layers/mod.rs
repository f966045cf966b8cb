//! Layers, one file each: the formula, the struct, forward, backward, tests.

pub mod activation;
pub mod avg_pool2d;
pub mod batch_norm;
pub mod conv1d;
pub mod conv2d;
pub mod dense;
pub mod dropout;
pub mod embedding;
pub mod flatten;
pub mod gelu;
pub mod global_avg_pool2d;
pub mod gru;
pub mod leaky_relu;
pub mod lstm;
pub mod max_pool2d;
pub mod recurrent;
pub mod relu;
pub mod reshape;
pub mod sigmoid;
pub mod simple_rnn;
pub mod softmax;
pub mod tanh;
pub mod time_distributed;
mod weights;

/// A layer's stored tensor: owned with the `alloc` feature. Without it a layer type is a
/// description of its shapes only (its weights live in a [`Frozen`](crate::infer::Frozen)
/// network's array) and this holds nothing.
#[cfg(feature = "alloc")]
pub(crate) type Buf<E> = alloc::boxed::Box<[E]>;
#[cfg(not(feature = "alloc"))]
pub(crate) type Buf<E> = core::marker::PhantomData<E>;

/// `TensorLayout` and `Params` for a layer without stored tensors that is not an
/// [`activation::Activation`] (it must implement `Default`): `no_params!(Type)` or
/// `no_params!(Type<A, B>; A, B)`.
macro_rules! no_params {
    (@impl [$($generics:tt)*] $t:ty) => {
        impl<$($generics)*> $crate::module::TensorLayout for $t {
            const LAYOUT: $crate::module::Layout = $crate::module::Layout::Tensors(&[]);
        }

        #[cfg(feature = "alloc")]
        impl<E: $crate::Scalar, $($generics)*> $crate::module::Params<E> for $t {
            const PARAMS: usize = 0;
            fn init<R: rand::Rng + ?Sized>(_rng: &mut R) -> Self {
                Self::default()
            }
            fn zeros() -> Self {
                Self::default()
            }
            fn visit(&self, _: &mut dyn FnMut(&[E])) {}
            fn visit_mut(&mut self, _: &mut dyn FnMut(&mut [E])) {}
            fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [E], &[E])) {}
        }
    };
    ($t:ty; const $c:ident: usize) => {
        $crate::layers::no_params!(@impl [const $c: usize] $t);
    };
    ($t:ty $(; $($g:ident),*)?) => {
        $crate::layers::no_params!(@impl [$($($g: 'static),*)?] $t);
    };
}
pub(crate) use no_params;

pub use activation::Activation;
pub use avg_pool2d::{AvgPool2d, AvgPool2dT};
pub use batch_norm::{BatchNorm, BatchNormT};
pub use conv1d::{Conv1d, Conv1dT};
pub use conv2d::{Conv2d, Conv2dT};
pub use dense::{Dense, DenseT};
pub use dropout::Dropout;
pub use embedding::{Embedding, EmbeddingT};
pub use flatten::Flatten;
pub use gelu::GELU;
pub use global_avg_pool2d::GlobalAvgPool2d;
pub use gru::Gru;
pub use leaky_relu::LeakyReLU;
pub use lstm::Lstm;
pub use max_pool2d::{MaxPool2d, MaxPool2dT};
pub use recurrent::{Last, RecurrentT, Sequence};
pub use relu::ReLU;
pub use reshape::Reshape;
pub use sigmoid::Sigmoid;
pub use simple_rnn::SimpleRnn;
pub use softmax::Softmax;
pub use tanh::Tanh;
pub use time_distributed::TimeDistributed;
