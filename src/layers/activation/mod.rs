//! The activation family. Element-wise activations share one shell: implement [`Activation`]
//! (`f` and `f'`) and call [`activation_module!`](crate::activation_module), written here, which
//! adds `TensorLayout` (nothing stored), `Layer` (any shape to itself), `Infer` and `Module`.
//! `Softmax`, which mixes a row's values, has its own impls.
//!
//! An activation applies `y = f(x)` to every element; backward is `dx = dy ⊙ f'(x)`, where each
//! activation states `f'` in terms of whichever of `x` and `y` is cheaper.

mod elu;
mod gelu;
mod hard_swish;
mod leaky_relu;
mod relu;
mod relu6;
mod sigmoid;
mod silu;
mod softmax;
mod tanh;

pub use elu::Elu;
pub use gelu::Gelu;
pub use hard_swish::HardSwish;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use relu6::Relu6;
pub use sigmoid::Sigmoid;
pub use silu::Silu;
pub use softmax::Softmax;
pub use tanh::Tanh;

use crate::kernels::simd::{vectorized, Level};
use crate::Scalar;

/// An element-wise function with its derivative. Implement it and call
/// [`activation_module!`](crate::activation_module) to add an activation for every shape.
pub trait Activation: 'static {
    /// `f(x)`.
    fn apply<E: Scalar>(x: E) -> E;
    /// `f'(x)`, given the input `x` and the output `y = f(x)`.
    fn derivative<E: Scalar>(x: E, y: E) -> E;
}

/// Implements [`TensorLayout`](crate::module::TensorLayout), [`Layer`](crate::module::Layer),
/// [`Infer`](crate::module::Infer) and (with the `alloc` feature)
/// `Module` for every shape on an [`Activation`] type:
/// `activation_module!(Type)`, or `activation_module!(Type<A, B>; const A, const B)` for one
/// with const parameters. It is a macro, not a blanket impl, so that a mismatched network is
/// reported at the layer that does not fit rather than at the whole tuple.
///
/// ```
/// use stratanet::prelude::*;
/// struct Square;
/// impl Activation for Square {
///     fn apply<E: Scalar>(x: E) -> E { x * x }
///     fn derivative<E: Scalar>(x: E, _y: E) -> E { x + x }
/// }
/// stratanet::activation_module!(Square);
/// let err = stratanet::gradcheck::check_gradients::<Vector<3>, Square>(2, 1);
/// assert!(err < 1e-6);
/// ```
#[macro_export]
macro_rules! activation_module {
    ($t:ty $(; $(const $c:ident),*)?) => {
        impl$(<$(const $c: usize),*>)? $crate::module::TensorLayout for $t {
            const LAYOUT: $crate::module::Layout = $crate::module::Layout::Tensors(&[]);
        }

        impl<S: $crate::shape::Shape $($(, const $c: usize)*)?> $crate::module::Layer<S> for $t {
            type Output = S;
        }

        impl<S: $crate::shape::Shape, E: $crate::Scalar $($(, const $c: usize)*)?>
            $crate::module::Infer<S, E> for $t
        {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E], _scratch: &mut [E]) {
                $crate::layers::activation::apply_each::<$t, E>(x, y);
            }
        }

        $crate::activation_train!($t $(; $(const $c),*)?);
    };
}

/// The `Module` part of [`activation_module!`](crate::activation_module): defined by the crate's
/// own `alloc` feature (a `cfg` inside an exported macro would read the caller's features).
#[cfg(feature = "alloc")]
#[doc(hidden)]
#[macro_export]
macro_rules! activation_train {
    ($t:ty $(; $(const $c:ident),*)?) => {
        impl<S: $crate::shape::Shape, E: $crate::Scalar $($(, const $c: usize)*)?>
            $crate::module::Module<S, E> for $t
        {
            type Work = ();

            fn work(_capacity: usize) -> Self::Work {}

            fn forward(_tensors: &[E], x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                let len = n * S::NUMEL;
                $crate::layers::activation::apply_all::<$t, E>(&x[..len], &mut y[..len]);
            }

            fn backward(pass: $crate::module::Backward<'_, E>, _work: &mut ()) {
                if let Some(dx) = pass.dx {
                    let len = pass.n * S::NUMEL;
                    $crate::layers::activation::backward_all::<$t, E>(
                        &pass.x[..len],
                        &pass.y[..len],
                        &pass.dy[..len],
                        &mut dx[..len],
                    );
                }
            }
        }
    };
}

/// Without `alloc` an activation has no `Module`.
#[cfg(not(feature = "alloc"))]
#[doc(hidden)]
#[macro_export]
macro_rules! activation_train {
    ($($anything:tt)*) => {};
}

/// `y = f(x)` element-wise, as the build's target compiles it: one sample's inference (no
/// dispatch, so a no_std binary holds one copy of the loop).
#[inline(always)]
pub fn apply_each<A: Activation, E: Scalar>(x: &[E], y: &mut [E]) {
    for (out, &v) in y.iter_mut().zip(x) {
        *out = A::apply(v);
    }
}

/// [`apply_each`] compiled for the CPU's vector level: a batch in training (the values are the
/// same at every level: no operation is reordered or fused).
pub fn apply_all<A: Activation, E: Scalar>(x: &[E], y: &mut [E]) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || apply_each::<A, E>(x, y),
    );
}

/// `dx = dy ⊙ f'(x)` element-wise, compiled for the CPU's vector level as [`apply_all`].
pub fn backward_all<A: Activation, E: Scalar>(x: &[E], y: &[E], dy: &[E], dx: &mut [E]) {
    vectorized(
        Level::detected(),
        #[inline(always)]
        || {
            for (((d, &g), &xv), &yv) in dx.iter_mut().zip(dy).zip(x).zip(y) {
                *d = g * A::derivative(xv, yv);
            }
        },
    );
}
