//! TimeDistributed: applies a layer `M` over vectors to every step of a sequence,
//! `Seq<T, F>` → `Seq<T, O>` where `M: Vector<F> → Vector<O>`, with the same weights at every
//! step. The `n` sequences of `T` steps are `n·T` samples of `M` (the layout is the same), so
//! forward and backward are `M`'s over a batch `T` times larger; `M`'s parameter gradients sum
//! over steps as they sum over samples.
//!
//! PyTorch: applying the layer to `x.reshape(n·T, F)`; Keras: `layers.TimeDistributed(layer)`.

use crate::error::InputError;
use crate::module::{Infer, Layer, Layout, TensorLayout};
use crate::shape::{DimT, Rank1, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::error::Result,
    crate::module::{Backward, Mode, Module},
};

/// Applies `M` to every time step.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<10, 4>, (Gru<4, 16, ReturnSequences>, TimeDistributed<Dense<16, 3>>), Seq<10, 3>>();
/// ```
#[derive(Debug)]
pub struct TimeDistributed<M>(PhantomData<M>);

/// The wrapped layer's tensors, under the wrapper's own name (as Keras's `TimeDistributed`).
impl<M: TensorLayout> TensorLayout for TimeDistributed<M> {
    const LAYOUT: Layout = M::LAYOUT;
}

/// The width `O` of a layer's `Vector<O>` output (what a step of a time-distributed layer
/// gives).
pub trait StepWidth {
    /// `O`.
    type Width: DimT;
}

impl<O: DimT> StepWidth for Rank1<O> {
    type Width = O;
}

/// The width of `M`'s output on `Vector<F>`.
type Width<M, F> = <<M as Layer<Rank1<F>>>::Output as StepWidth>::Width;

// The output width is read from `M`'s output (not unified with what the next layer wants), so
// a mismatch is reported at the layer that does not fit.
impl<T, F, M> Layer<Rank2<T, F>> for TimeDistributed<M>
where
    T: DimT,
    F: DimT,
    M: Layer<Rank1<F>>,
    M::Output: StepWidth,
    Rank2<T, F>: Shape,
    Rank2<T, Width<M, F>>: Shape,
{
    type Output = Rank2<T, Width<M, F>>;
}

impl<T, F, M, E> Infer<Rank2<T, F>, E> for TimeDistributed<M>
where
    T: DimT,
    F: DimT,
    M: Infer<Rank1<F>, E>,
    E: Scalar,
    Self: Layer<Rank2<T, F>>,
    Rank2<T, F>: Shape,
{
    fn check_input(x: &[E]) -> core::result::Result<(), InputError> {
        M::check_input(x)
    }

    const SCRATCH: usize = M::SCRATCH;

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        for (step_in, step_out) in x
            .chunks_exact(F::USIZE)
            .zip(y.chunks_exact_mut(M::Output::NUMEL))
        {
            M::infer(tensors, step_in, step_out, scratch);
        }
    }
}

#[cfg(feature = "alloc")]
impl<T, F, M, E> Module<Rank2<T, F>, E> for TimeDistributed<M>
where
    T: DimT,
    F: DimT,
    M: Module<Rank1<F>, E>,
    E: Scalar,
    Self: Layer<Rank2<T, F>>,
    Rank2<T, F>: Shape,
{
    type Work = M::Work;

    const COST: usize = T::USIZE * M::COST;

    fn work(capacity: usize) -> Self::Work {
        M::work(capacity * T::USIZE)
    }

    fn check_input(x: &[E]) -> Result<()> {
        M::check_input(x)
    }

    fn set_mode(work: &mut M::Work, mode: Mode) {
        M::set_mode(work, mode);
    }

    fn update_state(tensors: &mut [E], work: &M::Work) {
        M::update_state(tensors, work);
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut M::Work) {
        M::forward(tensors, x, n * T::USIZE, y, work);
    }

    // `n` sequences of `T` steps are `n·T` samples of `M`.
    fn backward(pass: Backward<'_, E>, work: &mut M::Work) {
        let n = pass.n * T::USIZE;
        M::backward(Backward { n, ..pass }, work);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::{DenseT, Tanh};
    use crate::shape::{Dim, Seq};

    #[test]
    fn gradients_match_finite_differences() {
        type Step = (DenseT<Dim<4>, Dim<3>>, Tanh);
        assert!(check_gradients::<Seq<5, 4>, TimeDistributed<Step>>(2, 1) < 1e-7);
    }
}
