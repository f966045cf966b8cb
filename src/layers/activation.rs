//! Element-wise activations: one trait, one `Module` implementation for any shape.
//!
//! An activation applies `y = f(x)` to every element; backward is `dx = dy ⊙ f'(x)`, where each
//! activation states `f'` in terms of whichever of `x` and `y` is cheaper.

use crate::module::{Module, Params};
use crate::shape::Shape;
use crate::Scalar;
use rand::Rng;

/// An element-wise function with its derivative. Implement it to add an activation: the crate
/// supplies the [`Module`] implementation for every shape.
///
/// ```
/// use stratanet::prelude::*;
/// #[derive(Default)]
/// struct Square;
/// impl Activation for Square {
///     fn apply<E: Scalar>(&self, x: E) -> E { x * x }
///     fn derivative<E: Scalar>(&self, x: E, _y: E) -> E { x + x }
/// }
/// let err = stratanet::gradcheck::check_gradients::<Vector<3>, Square>(2, 1);
/// assert!(err < 1e-6);
/// ```
pub trait Activation: Default + 'static {
    /// `f(x)`.
    fn apply<E: Scalar>(&self, x: E) -> E;
    /// `f'(x)`, given the input `x` and the output `y = f(x)`.
    fn derivative<E: Scalar>(&self, x: E, y: E) -> E;
}

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

impl<S: Shape, E: Scalar, A: Activation> Module<S, E> for A {
    type Output = S;
    type Work = ();

    fn work(_capacity: usize) -> Self::Work {}

    fn forward(&self, x: &[E], n: usize, y: &mut [E], _work: &mut ()) {
        let len = n * S::NUMEL;
        for (out, &v) in y[..len].iter_mut().zip(&x[..len]) {
            *out = self.apply(v);
        }
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
        let Some(dx) = dx else { return };
        let len = n * S::NUMEL;
        for (((d, &g), &xv), &yv) in dx[..len].iter_mut().zip(&dy[..len]).zip(&x[..len]).zip(&y[..len]) {
            *d = g * self.derivative(xv, yv);
        }
    }
}
