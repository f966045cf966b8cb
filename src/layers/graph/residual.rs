//! Residual (skip) connection: `y = x + F(x)`, where the branch `F` maps the input shape to
//! itself — proven by the compiler, with an error naming both shapes when it does not.
//!
//! PyTorch: `class Residual(nn.Sequential)` with `forward = x + super().forward(x)` (the
//! branch's tensors are named as if it stood in the residual's place); Keras:
//! `layers.Add()([x, f(x)])`.
//!
//! Backward: `dx = dy + F'(x)ᵀ·dy`, the branch's input gradient plus the identity path's.

use crate::kernels::merge::add_assign;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::Shape;
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::merge::add,
    crate::module::{Backward, LayerSummary, Mode, Module},
    alloc::vec,
    alloc::vec::Vec,
};

/// `y = x + F(x)`, for any layer or network `F` whose output shape is its input shape.
///
/// ```
/// use stratanet::prelude::*;
/// type Block = Residual<(Conv2d<16, 16, 3, 1, 1>, BatchNorm<16>, Relu, Conv2d<16, 16, 3, 1, 1>)>;
/// const _: () = check::<Image<16, 8, 8>, (Block, Relu), Image<16, 8, 8>>();
/// ```
///
/// A branch that changes the shape does not compile:
/// ```compile_fail
/// use stratanet::prelude::*;
/// const _: () = check::<Image<16, 8, 8>, Residual<Conv2d<16, 16, 3>>, Image<16, 8, 8>>();
/// ```
#[derive(Debug)]
pub struct Residual<F>(PhantomData<F>);

/// Holds when a residual branch's output shape equals its input shape.
#[diagnostic::on_unimplemented(
    message = "a residual branch must keep its input's shape: it maps `{In}` to `{Self}`",
    label = "this `Residual` block's branch changes the shape",
    note = "`Residual<F>` computes `x + F(x)`; for a branch that changes the shape use `Add<(F, S)>` with a projection shortcut `S`"
)]
pub trait KeepsShape<In> {}

impl<S: Shape> KeepsShape<S> for S {}

impl<F: TensorLayout> TensorLayout for Residual<F> {
    const LAYOUT: Layout = F::LAYOUT;
}

impl<In: Shape, F: Layer<In>> Layer<In> for Residual<F>
where
    F::Output: KeepsShape<In>,
{
    type Output = In;
}

impl<In: Shape, E: Scalar, F: Infer<In, E>> Infer<In, E> for Residual<F>
where
    Self: Layer<In>,
{
    const SCRATCH: usize = F::SCRATCH;

    fn check_input(x: &[E]) -> core::result::Result<(), crate::error::InputError> {
        F::check_input(x)
    }

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        F::infer(tensors, x, y, scratch);
        add_assign(y, x);
    }
}

/// Buffers of a residual block: its branch's, and the branch output (kept for backward).
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct ResidualWork<W, E> {
    branch: W,
    out: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<In: Shape, E: Scalar, F: Module<In, E>> Module<In, E> for Residual<F>
where
    Self: Layer<In>,
{
    type Work = ResidualWork<F::Work, E>;

    const COST: usize = F::COST + In::NUMEL;
    const BATCH_COUPLED: bool = F::BATCH_COUPLED;

    fn work(capacity: usize) -> Self::Work {
        ResidualWork {
            branch: F::work(capacity),
            out: vec![E::zero(); In::NUMEL * capacity],
        }
    }

    fn check_input(x: &[E]) -> crate::Result<()> {
        F::check_input(x)
    }

    fn set_mode(work: &mut Self::Work, mode: Mode) {
        F::set_mode(&mut work.branch, mode);
    }

    fn update_state(tensors: &mut [E], work: &Self::Work) {
        F::update_state(tensors, &work.branch);
    }

    fn describe(rows: &mut Vec<LayerSummary>) {
        rows.push(LayerSummary::block::<Self>("Residual", In::DIMS));
        let start = rows.len();
        F::describe(rows);
        LayerSummary::indent(&mut rows[start..], "  ");
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let len = n * In::NUMEL;
        let out = &mut work.out[..len];
        F::forward(tensors, x, n, out, &mut work.branch);
        add(&x[..len], out, &mut y[..len]);
    }

    // The branch sees `dy` as its output gradient; the identity path adds `dy` to `dx`.
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        let Backward {
            tensors,
            x,
            dy,
            mut dx,
            n,
            grads,
            ..
        } = pass;
        let len = n * In::NUMEL;
        F::backward(
            Backward {
                tensors,
                x,
                y: &work.out[..len],
                dy,
                dx: dx.as_deref_mut(),
                n,
                grads,
            },
            &mut work.branch,
        );
        if let Some(dx) = dx {
            add_assign(&mut dx[..len], &dy[..len]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::{BatchNorm, Conv2d, Dense, Relu, Sigmoid, Tanh};
    use crate::shape::{Image, Vector};

    #[test]
    fn gradients_match_finite_differences() {
        assert!(
            check_gradients::<Vector<4>, Residual<(Dense<4, 3>, Tanh, Dense<3, 4>)>>(3, 1) < 1e-6
        );
        assert!(check_gradients::<Vector<4>, (Residual<Sigmoid>, Dense<4, 2>)>(2, 2) < 1e-6);
        type Block = Residual<(
            Conv2d<2, 3, 3, 1, 1>,
            BatchNorm<3>,
            Relu,
            Conv2d<3, 2, 3, 1, 1>,
        )>;
        assert!(check_gradients::<Image<2, 4, 4>, (Block, Tanh)>(3, 3) < 1e-6);
    }

    #[test]
    fn residuals_nest() {
        type Inner = Residual<(Dense<4, 4>, Tanh)>;
        type Outer = Residual<(Inner, Dense<4, 4>, Residual<Tanh>)>;
        assert!(check_gradients::<Vector<4>, Outer>(2, 4) < 1e-6);
    }
}
