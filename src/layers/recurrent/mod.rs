//! The recurrent family: one typed shell, [`RecurrentT`] over a cell type ([`CellKind`]), shared
//! by `SimpleRnn`, `Lstm` and `Gru`: stored tensors, the return mode, and streaming state. The math
//! lives in [`crate::kernels::rnn`].
//!
//! A recurrent layer maps `Seq<T, F>` to every step's hidden state (`Seq<T, H>`, [`ReturnSequences`]) or
//! to the last one (`Vector<H>`, [`ReturnLast`], Keras's default). `T` is part of the input type, so
//! backpropagation through time runs over a static length. Sequences start from the zero state.
//! [`Bidirectional`] runs any of them over the sequence and its reverse.

mod bidirectional;
mod gru;
mod lstm;
mod simple_rnn;

#[cfg(feature = "alloc")]
pub use bidirectional::BidirectionalWork;
pub use bidirectional::{Bidirectional, BidirectionalMode};
pub use gru::{Gru, GruCell};
pub use lstm::{Lstm, LstmCell};
pub use simple_rnn::{SimpleRnn, TanhCell};

use crate::kernels::rnn::{rnn_step, Cell, RnnGeom, RnnWeights};
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{DimT, NonZeroDim, Rank1, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
#[cfg(feature = "alloc")]
use {
    crate::kernels::rnn::{rnn_backward, rnn_forward, step_scratch_len, RnnBuffers, RnnGrads},
    crate::module::{Backward, Module},
    alloc::boxed::Box,
    alloc::vec,
    generic_array::GenericArray,
};

/// A recurrent cell kind, at type level: the family's one sharing mechanism (each cell's file
/// names its kernel cell and its alias; this file holds every impl).
pub trait CellKind: 'static {
    /// The kernel's cell.
    const CELL: Cell;
}

/// What a recurrent layer returns: [`ReturnLast`] or [`ReturnSequences`], whatever the lengths.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a return mode: use `ReturnLast` or `ReturnSequences`"
)]
pub trait ReturnKind: 'static {
    /// Whether every step is returned.
    const ALL_STEPS: bool;
}

/// The output shape a return mode gives for `T` steps of `H` hidden units.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a return mode: use `ReturnLast` or `ReturnSequences`"
)]
pub trait ReturnMode<T: DimT, H: DimT>: ReturnKind {
    /// The output shape.
    type Output: Shape;
}

/// Return only the last step's hidden state, `Vector<H>` (Keras's `return_sequences=False`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ReturnLast;
/// Return every step's hidden state, `Seq<T, H>` (Keras's `return_sequences=True`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ReturnSequences;

impl ReturnKind for ReturnLast {
    const ALL_STEPS: bool = false;
}

impl ReturnKind for ReturnSequences {
    const ALL_STEPS: bool = true;
}

impl<T: DimT, H: DimT> ReturnMode<T, H> for ReturnLast {
    type Output = Rank1<H>;
}

impl<T: DimT, H: DimT> ReturnMode<T, H> for ReturnSequences
where
    Rank2<T, H>: Shape,
{
    type Output = Rank2<T, H>;
}

/// A recurrent layer with cell `C`, `F` input features, `H` hidden units and return mode `R`.
/// Weights use PyTorch's layouts: `W_ih` `[G·H, F]`, `W_hh` `[G·H, H]`.
#[derive(Debug)]
pub struct RecurrentT<C, F, H, R>(PhantomData<(C, F, H, R)>);

impl<C: CellKind, F: DimT, H: DimT, R> RecurrentT<C, F, H, R> {
    const WIDTH: usize = C::CELL.gates() * H::USIZE;

    fn geometry(steps: usize) -> RnnGeom {
        RnnGeom {
            cell: C::CELL,
            steps,
            features: F::USIZE,
            hidden: H::USIZE,
        }
    }

    /// PyTorch's names; for the tanh RNN and the LSTM the one bias is PyTorch's b_ih + b_hh
    /// (`bias_l0`) and the fourth tensor is absent. Keras's initializers: Glorot-uniform input
    /// kernel (fans F and G·H), orthogonal recurrent kernel, zero biases but the LSTM's forget
    /// gate (ones).
    const TENSORS: &'static [TensorShape; 4] = &[
        TensorShape::param(
            "weight_ih_l0",
            &[Self::WIDTH, F::USIZE],
            Init::GlorotUniform {
                fan_in: F::USIZE,
                fan_out: Self::WIDTH,
            },
        ),
        TensorShape::param(
            "weight_hh_l0",
            &[Self::WIDTH, H::USIZE],
            Init::Orthogonal {
                rows: Self::WIDTH,
                cols: H::USIZE,
            },
        ),
        TensorShape::param(
            if C::CELL.recurrent_bias() {
                "bias_ih_l0"
            } else {
                "bias_l0"
            },
            &[Self::WIDTH],
            if matches!(C::CELL, Cell::Lstm) {
                Init::ForgetGateBias { hidden: H::USIZE }
            } else {
                Init::Zeros
            },
        ),
        TensorShape::param("bias_hh_l0", &[Self::WIDTH], Init::Zeros),
    ];

    /// The four weight tensors within the layer's stored values (`b_hh` empty but for the GRU).
    fn weights<E>(tensors: &[E]) -> RnnWeights<'_, E> {
        let (w_ih, rest) = tensors.split_at(Self::WIDTH * F::USIZE);
        let (w_hh, rest) = rest.split_at(Self::WIDTH * H::USIZE);
        let (b_ih, b_hh) = rest.split_at(Self::WIDTH);
        RnnWeights {
            w_ih,
            w_hh,
            b_ih,
            b_hh,
        }
    }
}

impl<C: CellKind, F: DimT, H: DimT, R> TensorLayout for RecurrentT<C, F, H, R> {
    const LAYOUT: Layout = Layout::Tensors(
        Self::TENSORS
            .split_at(if C::CELL.recurrent_bias() { 4 } else { 3 })
            .0,
    );
}

#[cfg(feature = "alloc")]
impl<C: CellKind, F: DimT, H: DimT, R> RecurrentT<C, F, H, R> {
    /// The zero state of one sequence, for [`RecurrentT::step`].
    #[must_use]
    pub fn initial_state<E: Scalar>() -> RecurrentState<H, E> {
        RecurrentState {
            h: GenericArray::default(),
            c: GenericArray::default(),
            scratch: vec![E::zero(); step_scratch_len(&Self::geometry(1))].into_boxed_slice(),
        }
    }

    /// Streaming inference: advances `state` by one time step with input `x` and returns the
    /// new hidden state, with the layer's stored values `tensors`. Running it over a sequence
    /// from [`RecurrentT::initial_state`] gives the same states as the whole-sequence forward
    /// pass. Allocates nothing.
    pub fn step<'s, E: Scalar>(
        tensors: &[E],
        x: &GenericArray<E, F::Tn>,
        state: &'s mut RecurrentState<H, E>,
    ) -> &'s GenericArray<E, H::Tn> {
        let g = Self::geometry(1);
        rnn_step(
            &g,
            x,
            Self::weights(tensors),
            &mut state.h,
            &mut state.c,
            &mut state.scratch,
        );
        &state.h
    }
}

/// The state a recurrent layer carries between steps of one sequence (hidden state, and the
/// LSTM's cell state).
#[cfg(feature = "alloc")]
#[derive(Clone, Debug)]
pub struct RecurrentState<H: DimT, E> {
    h: GenericArray<E, H::Tn>,
    c: GenericArray<E, H::Tn>,
    scratch: Box<[E]>,
}

#[cfg(feature = "alloc")]
impl<H: DimT, E: Scalar> RecurrentState<H, E> {
    /// The hidden state.
    pub fn hidden(&self) -> &GenericArray<E, H::Tn> {
        &self.h
    }
    /// The LSTM cell state (zeros for the other cells).
    pub fn cell(&self) -> &GenericArray<E, H::Tn> {
        &self.c
    }
}

impl<C, T, F, H, R> Layer<Rank2<T, F>> for RecurrentT<C, F, H, R>
where
    C: CellKind,
    T: DimT,
    F: NonZeroDim,
    H: NonZeroDim,
    R: ReturnMode<T, H>,
    Rank2<T, F>: Shape,
{
    type Output = R::Output;
}

/// The sequence one step at a time from the zero state, with the state and the step's scratch
/// in the caller's scratch memory (the streaming kernel the layer's `step` uses).
impl<In, C, F, H, R, E> Infer<In, E> for RecurrentT<C, F, H, R>
where
    In: Shape,
    C: CellKind,
    F: DimT,
    H: DimT,
    R: ReturnKind,
    E: Scalar,
    Self: Layer<In>,
{
    // The hidden and cell states, then the step's scratch (`2·G·H + 3·H ≤ 11·H`).
    const SCRATCH: usize = 13 * H::USIZE;

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        let weights = Self::weights(tensors);
        let g = Self::geometry(1);
        let (h, rest) = scratch.split_at_mut(H::USIZE);
        let (c, step) = rest.split_at_mut(H::USIZE);
        h.fill(E::zero());
        c.fill(E::zero());
        for (t, x_t) in x.chunks_exact(F::USIZE).enumerate() {
            rnn_step(&g, x_t, weights, h, c, step);
            if R::ALL_STEPS {
                y[t * H::USIZE..(t + 1) * H::USIZE].copy_from_slice(h);
            }
        }
        if !R::ALL_STEPS {
            y.copy_from_slice(h);
        }
    }
}

/// Time steps in one sample of `In` (`Seq<T, F>`: its first dimension).
#[cfg(feature = "alloc")]
fn steps<In: Shape>() -> usize {
    In::DIMS[0]
}

#[cfg(feature = "alloc")]
impl<In, C, F, H, R, E> Module<In, E> for RecurrentT<C, F, H, R>
where
    In: Shape,
    C: CellKind,
    F: DimT,
    H: DimT,
    R: ReturnKind,
    E: Scalar,
    Self: Layer<In>,
{
    type Work = RnnBuffers<E>;

    // Every weight once per step.
    const COST: usize = In::NUMEL / F::USIZE * <Self as TensorLayout>::PARAMS;

    fn work(capacity: usize) -> Self::Work {
        RnnBuffers::new(&Self::geometry(steps::<In>()), capacity)
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut RnnBuffers<E>) {
        rnn_forward(
            &Self::geometry(steps::<In>()),
            n,
            x,
            Self::weights(tensors),
            work,
            y,
            R::ALL_STEPS,
        );
    }

    // Backpropagation through time: see `kernels::rnn::rnn_backward` for each cell's derivation.
    fn backward(pass: Backward<'_, E>, work: &mut RnnBuffers<E>) {
        let (w_ih, rest) = pass.grads.split_at_mut(Self::WIDTH * F::USIZE);
        let (w_hh, rest) = rest.split_at_mut(Self::WIDTH * H::USIZE);
        let (b_ih, b_hh) = rest.split_at_mut(Self::WIDTH);
        let g = RnnGrads {
            w_ih,
            w_hh,
            b_ih,
            b_hh,
        };
        rnn_backward(
            &Self::geometry(steps::<In>()),
            pass.n,
            Self::weights(pass.tensors),
            work,
            pass.dy,
            R::ALL_STEPS,
            g,
            pass.dx,
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::{Dim, Seq};

    /// Finite-difference checks of a cell in both return modes.
    pub(crate) fn check_cell<C: CellKind>() {
        type Input = Seq<5, 3>;
        let all = check_gradients::<Input, RecurrentT<C, Dim<3>, Dim<4>, ReturnSequences>>(2, 1);
        assert!(all < 1e-6, "all steps: {all}");
        let last = check_gradients::<Input, RecurrentT<C, Dim<3>, Dim<4>, ReturnLast>>(3, 2);
        assert!(last < 1e-6, "last step: {last}");
    }

    /// Streaming steps from the zero state reproduce the whole-sequence forward pass.
    pub(crate) fn check_streaming<C: CellKind>() {
        use rand::SeedableRng;
        type Layer<C> = RecurrentT<C, Dim<3>, Dim<4>, ReturnSequences>;
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let weights = crate::module::Weights::<Layer<C>, f64>::init(&mut rng);
        let layer = weights.as_slice();
        let x: alloc::vec::Vec<f64> = (0..15).map(|i| (i as f64 * 0.61).sin()).collect();
        let mut y = vec![0.0; 20];
        let mut work = <Layer<C> as Module<Seq<5, 3>, f64>>::work(1);
        <Layer<C> as Module<Seq<5, 3>, f64>>::forward(layer, &x, 1, &mut y, &mut work);
        let mut state = Layer::<C>::initial_state();
        for t in 0..5 {
            let x_t = GenericArray::from_slice(&x[t * 3..(t + 1) * 3]);
            let h = Layer::<C>::step(layer, x_t, &mut state);
            for (a, b) in h.iter().zip(&y[t * 4..(t + 1) * 4]) {
                assert!((a - b).abs() < 1e-14, "step {t}: {a} vs {b}");
            }
        }
    }
}
