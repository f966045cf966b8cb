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

/// `Infer` and `Module` for a layer that only relabels the shape (`Flatten`, `Reshape`): values
/// keep their row-major order, so forward copies them and backward passes the gradient through
/// unchanged. `copy_through_module!(Type)` or `copy_through_module!(Type<A>; A)`.
macro_rules! copy_through_module {
    ($t:ty $(; $($g:ident),*)?) => {
        impl<In, E $($(, $g: 'static)*)?> $crate::infer::Infer<In, E> for $t
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E]) {
                y.copy_from_slice(x);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In, E $($(, $g: 'static)*)?> $crate::module::Module<In, E> for $t
        where
            In: $crate::shape::Shape,
            E: $crate::Scalar,
            Self: $crate::module::Layer<In>,
        {
            type Work = ();

            fn work(_capacity: usize) -> Self::Work {}

            fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                y[..n * In::NUMEL].copy_from_slice(&x[..n * In::NUMEL]);
            }

            // The identity on values: the gradient passes through unchanged.
            fn backward(
                &self,
                _x: &[E],
                _y: &[E],
                dy: &[E],
                dx: Option<&mut [E]>,
                n: usize,
                _work: &mut (),
                _grads: &mut Self,
            ) {
                if let Some(dx) = dx {
                    dx[..n * In::NUMEL].copy_from_slice(&dy[..n * In::NUMEL]);
                }
            }
        }
    };
}
pub(crate) use copy_through_module;

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
