//! Element-wise activations: one trait, one `Module` implementation for any shape.
//!
//! An activation applies `y = f(x)` to every element; backward is `dx = dy ⊙ f'(x)`, where each
//! activation states `f'` in terms of whichever of `x` and `y` is cheaper.

#[cfg(all(doc, feature = "alloc"))]
use crate::module::Module;
#[cfg(feature = "alloc")]
use crate::module::Params;
use crate::module::{Layout, TensorLayout};
use crate::Scalar;
#[cfg(feature = "alloc")]
use rand::Rng;

/// An element-wise function with its derivative. Implement it and call
/// [`activation_module!`](crate::activation_module) to add an activation for every shape.
pub trait Activation: Default + 'static {
    /// `f(x)`.
    fn apply<E: Scalar>(&self, x: E) -> E;
    /// `f'(x)`, given the input `x` and the output `y = f(x)`.
    fn derivative<E: Scalar>(&self, x: E, y: E) -> E;
}

impl<A: Activation> TensorLayout for A {
    const LAYOUT: Layout = Layout::Tensors(&[]);
}

#[cfg(feature = "alloc")]
impl<E: Scalar, A: Activation> Params<E> for A {
    const PARAMS: usize = 0;
    fn init<R: Rng + ?Sized>(_rng: &mut R) -> Self {
        A::default()
    }
    fn zeros() -> Self {
        A::default()
    }
    fn visit(&self, _: &mut dyn FnMut(&[E])) {}
    fn visit_mut(&mut self, _: &mut dyn FnMut(&mut [E])) {}
    fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [E], &[E])) {}
}

/// Implements [`Layer`](crate::module::Layer), [`Infer`](crate::infer::Infer) and (with the
/// `alloc` feature) [`Module`] for every shape on an [`Activation`] type (the crate does this
/// for its own activations). It is a macro, not a blanket impl, so that a mismatched network is reported
/// at the layer that does not fit rather than at the whole tuple.
///
/// ```
/// use stratanet::prelude::*;
/// #[derive(Default)]
/// struct Square;
/// impl Activation for Square {
///     fn apply<E: Scalar>(&self, x: E) -> E { x * x }
///     fn derivative<E: Scalar>(&self, x: E, _y: E) -> E { x + x }
/// }
/// stratanet::activation_module!(Square);
/// let err = stratanet::gradcheck::check_gradients::<Vector<3>, Square>(2, 1);
/// assert!(err < 1e-6);
/// ```
#[cfg(feature = "alloc")]
#[macro_export]
macro_rules! activation_module {
    ($t:ty) => {
        $crate::activation_layer!($t);

        impl<S: $crate::shape::Shape, E: $crate::Scalar> $crate::module::Module<S, E> for $t {
            type Work = ();

            fn work(_capacity: usize) -> Self::Work {}

            fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
                $crate::layers::activation::apply_all(
                    self,
                    &x[..n * S::NUMEL],
                    &mut y[..n * S::NUMEL],
                );
            }

            fn backward(
                &self,
                x: &[E],
                y: &[E],
                dy: &[E],
                dx: Option<&mut [E]>,
                n: usize,
                _work: &mut (),
                _grads: &mut Self,
            ) {
                if let Some(dx) = dx {
                    let len = n * S::NUMEL;
                    $crate::layers::activation::backward_all(
                        self,
                        &x[..len],
                        &y[..len],
                        &dy[..len],
                        &mut dx[..len],
                    );
                }
            }
        }
    };
}

/// [`activation_module!`] without `alloc`: the shape and inference implementations only.
#[cfg(not(feature = "alloc"))]
#[macro_export]
macro_rules! activation_module {
    ($t:ty) => {
        $crate::activation_layer!($t);
    };
}

/// The part of [`activation_module!`] that needs no allocator: [`Layer`](crate::module::Layer)
/// (the output has the input's shape) and [`Infer`](crate::infer::Infer).
#[doc(hidden)]
#[macro_export]
macro_rules! activation_layer {
    ($t:ty) => {
        impl<S: $crate::shape::Shape> $crate::module::Layer<S> for $t {
            type Output = S;
        }

        impl<S: $crate::shape::Shape, E: $crate::Scalar> $crate::infer::Infer<S, E> for $t {
            fn infer(_tensors: &[E], x: &[E], y: &mut [E]) {
                $crate::layers::activation::apply_all(&<$t>::default(), x, y);
            }
        }
    };
}

/// `y = f(x)` element-wise.
pub fn apply_all<A: Activation, E: Scalar>(activation: &A, x: &[E], y: &mut [E]) {
    for (out, &v) in y.iter_mut().zip(x) {
        *out = activation.apply(v);
    }
}

/// `dx = dy ⊙ f'(x)` element-wise.
pub fn backward_all<A: Activation, E: Scalar>(
    activation: &A,
    x: &[E],
    y: &[E],
    dy: &[E],
    dx: &mut [E],
) {
    for (((d, &g), &xv), &yv) in dx.iter_mut().zip(dy).zip(x).zip(y) {
        *d = g * activation.derivative(xv, yv);
    }
}
