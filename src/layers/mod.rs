//! Layers, one file each: the formula, the struct, forward, backward, tests.

pub mod activation;
pub mod dense;
pub mod gelu;
pub mod leaky_relu;
pub mod relu;
pub mod sigmoid;
pub mod softmax;
pub mod tanh;

/// `Params` for a layer without trainable parameters that is not an [`activation::Activation`].
macro_rules! no_params {
    ($t:ty) => {
        impl<E: $crate::Scalar> $crate::module::Params<E> for $t {
            const PARAMS: usize = 0;
            fn init<R: rand::Rng + ?Sized>(_rng: &mut R) -> Self {
                Self
            }
            fn zeros() -> Self {
                Self
            }
            fn visit(&self, _: &mut dyn FnMut(&[E])) {}
            fn visit_mut(&mut self, _: &mut dyn FnMut(&mut [E])) {}
            fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [E], &[E])) {}
        }
    };
}
pub(crate) use no_params;

pub use activation::Activation;
pub use dense::{Dense, DenseT};
pub use gelu::GELU;
pub use leaky_relu::LeakyReLU;
pub use relu::ReLU;
pub use sigmoid::Sigmoid;
pub use softmax::Softmax;
pub use tanh::Tanh;
