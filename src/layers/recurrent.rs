//! The typed shell shared by the recurrent layers ([`super::simple_rnn`], [`super::lstm`],
//! [`super::gru`]): parameters, initialization, the return mode, and streaming state. The math
//! lives in [`crate::kernels::rnn`].
//!
//! A recurrent layer maps `Seq<T, F>` to every step's hidden state (`Seq<T, H>`, [`Sequence`]) or
//! to the last one (`Vector<H>`, [`Last`], Keras's default). `T` is part of the input type, so
//! backpropagation through time runs over a static length. Sequences start from the zero state.

use super::Buf;
use crate::infer::Infer;
use crate::kernels::rnn::{rnn_step, Cell, RnnGeom, RnnWeights};
use crate::module::{Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{DimT, Rank1, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
use core::ops::Mul;
use generic_array::{ArrayLength, GenericArray};
use typenum::{Prod, U11};
#[cfg(feature = "alloc")]
use {
    crate::init::{glorot_uniform, orthogonal},
    crate::kernels::rnn::{rnn_backward, rnn_forward, step_scratch_len, RnnBuffers, RnnGrads},
    crate::module::{Module, Params},
    alloc::boxed::Box,
    alloc::vec,
    rand::Rng,
};

/// A recurrent cell kind, at type level.
pub trait CellKind: 'static {
    /// The kernel's cell.
    const CELL: Cell;
    /// Sets the initial input-side bias (zero unless the cell says otherwise).
    fn init_bias<E: Scalar>(_bias: &mut [E], _hidden: usize) {}
}

/// What a recurrent layer returns: [`Last`] or [`Sequence`], whatever the lengths.
#[diagnostic::on_unimplemented(message = "`{Self}` is not a return mode: use `Last` or `Sequence`")]
pub trait ReturnKind: 'static {
    /// Whether every step is returned.
    const ALL_STEPS: bool;
}

/// The output shape a return mode gives for `T` steps of `H` hidden units.
#[diagnostic::on_unimplemented(message = "`{Self}` is not a return mode: use `Last` or `Sequence`")]
pub trait ReturnMode<T: DimT, H: DimT>: ReturnKind {
    /// The output shape.
    type Output: Shape;
}

/// Return only the last step's hidden state, `Vector<H>` (Keras's `return_sequences=False`).
pub struct Last;
/// Return every step's hidden state, `Seq<T, H>` (Keras's `return_sequences=True`).
pub struct Sequence;

impl ReturnKind for Last {
    const ALL_STEPS: bool = false;
}

impl ReturnKind for Sequence {
    const ALL_STEPS: bool = true;
}

impl<T: DimT, H: DimT> ReturnMode<T, H> for Last {
    type Output = Rank1<H>;
}

impl<T: DimT, H: DimT> ReturnMode<T, H> for Sequence
where
    Rank2<T, H>: Shape,
{
    type Output = Rank2<T, H>;
}

/// A recurrent layer with cell `C`, `F` input features, `H` hidden units and return mode `R`.
/// Weights use PyTorch's layouts: `W_ih` `[G·H, F]`, `W_hh` `[G·H, H]`.
pub struct RecurrentT<C, F, H, R, E = f32> {
    w_ih: Buf<E>,
    w_hh: Buf<E>,
    b_ih: Buf<E>,
    b_hh: Buf<E>,
    dims: PhantomData<(C, F, H, R)>,
}

impl<C: CellKind, F: DimT, H: DimT, R, E> RecurrentT<C, F, H, R, E> {
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
    /// (`bias_l0`) and the fourth tensor is absent.
    const TENSORS: &'static [TensorShape; 4] = &[
        TensorShape {
            name: "weight_ih_l0",
            dims: &[Self::WIDTH, F::USIZE],
        },
        TensorShape {
            name: "weight_hh_l0",
            dims: &[Self::WIDTH, H::USIZE],
        },
        TensorShape {
            name: if C::CELL.recurrent_bias() {
                "bias_ih_l0"
            } else {
                "bias_l0"
            },
            dims: &[Self::WIDTH],
        },
        TensorShape {
            name: "bias_hh_l0",
            dims: &[Self::WIDTH],
        },
    ];
}

impl<C: CellKind, F: DimT, H: DimT, R, E> TensorLayout for RecurrentT<C, F, H, R, E> {
    const LAYOUT: Layout = Layout::Tensors(
        Self::TENSORS
            .split_at(if C::CELL.recurrent_bias() { 4 } else { 3 })
            .0,
    );
}

#[cfg(feature = "alloc")]
impl<C: CellKind, F: DimT, H: DimT, R, E: Scalar> RecurrentT<C, F, H, R, E> {
    fn weights(&self) -> RnnWeights<'_, E> {
        RnnWeights {
            w_ih: &self.w_ih,
            w_hh: &self.w_hh,
            b_ih: &self.b_ih,
            b_hh: &self.b_hh,
        }
    }

    /// Input weights `W_ih`, `[G·H, F]` (PyTorch's `weight_ih_l0`).
    pub fn w_ih(&self) -> &[E] {
        &self.w_ih
    }
    /// Input weights, mutably.
    pub fn w_ih_mut(&mut self) -> &mut [E] {
        &mut self.w_ih
    }
    /// Recurrent weights `W_hh`, `[G·H, H]` (PyTorch's `weight_hh_l0`).
    pub fn w_hh(&self) -> &[E] {
        &self.w_hh
    }
    /// Recurrent weights, mutably.
    pub fn w_hh_mut(&mut self) -> &mut [E] {
        &mut self.w_hh
    }
    /// Input-side bias `[G·H]`. For the tanh RNN and the LSTM it is the only bias, PyTorch's
    /// `bias_ih_l0 + bias_hh_l0`; for the GRU it is `bias_ih_l0`.
    pub fn b_ih(&self) -> &[E] {
        &self.b_ih
    }
    /// Input-side bias, mutably.
    pub fn b_ih_mut(&mut self) -> &mut [E] {
        &mut self.b_ih
    }
    /// Recurrent-side bias `[G·H]` (GRU: `bias_hh_l0`; empty for the other cells).
    pub fn b_hh(&self) -> &[E] {
        &self.b_hh
    }
    /// Recurrent-side bias, mutably.
    pub fn b_hh_mut(&mut self) -> &mut [E] {
        &mut self.b_hh
    }

    /// The zero state of one sequence, for [`RecurrentT::step`].
    pub fn initial_state(&self) -> RecurrentState<H, E> {
        RecurrentState {
            h: GenericArray::default(),
            c: GenericArray::default(),
            scratch: vec![E::zero(); step_scratch_len(&Self::geometry(1))].into_boxed_slice(),
        }
    }

    /// Streaming inference: advances `state` by one time step with input `x` and returns the
    /// new hidden state. Running it over a sequence from [`RecurrentT::initial_state`] gives the
    /// same states as the whole-sequence forward pass. Allocates nothing.
    pub fn step<'s>(
        &self,
        x: &GenericArray<E, F::Tn>,
        state: &'s mut RecurrentState<H, E>,
    ) -> &'s GenericArray<E, H::Tn> {
        let g = Self::geometry(1);
        rnn_step(
            &g,
            x,
            self.weights(),
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

#[cfg(feature = "alloc")]
impl<C: CellKind, F: DimT, H: DimT, R: 'static, E: Scalar> Params<E> for RecurrentT<C, F, H, R, E> {
    const PARAMS: usize = Self::WIDTH * (F::USIZE + H::USIZE)
        + Self::WIDTH * (1 + if C::CELL.recurrent_bias() { 1 } else { 0 });

    // Keras: Glorot-uniform input kernel (fans F and G·H), orthogonal recurrent kernel, zero
    // biases (the cell may change its own, e.g. the LSTM forget gate).
    fn init<Rn: Rng + ?Sized>(rng: &mut Rn) -> Self {
        let mut layer = Self::zeros();
        glorot_uniform(rng, F::USIZE, Self::WIDTH, &mut layer.w_ih);
        orthogonal(rng, Self::WIDTH, H::USIZE, &mut layer.w_hh);
        C::init_bias(&mut layer.b_ih, H::USIZE);
        layer
    }

    fn zeros() -> Self {
        let zeros = |len: usize| vec![E::zero(); len].into_boxed_slice();
        Self {
            w_ih: zeros(Self::WIDTH * F::USIZE),
            w_hh: zeros(Self::WIDTH * H::USIZE),
            b_ih: zeros(Self::WIDTH),
            b_hh: zeros(if C::CELL.recurrent_bias() {
                Self::WIDTH
            } else {
                0
            }),
            dims: PhantomData,
        }
    }

    fn visit(&self, f: &mut dyn FnMut(&[E])) {
        for part in [&self.w_ih, &self.w_hh, &self.b_ih, &self.b_hh] {
            if !part.is_empty() {
                f(part);
            }
        }
    }

    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        for part in [
            &mut self.w_ih,
            &mut self.w_hh,
            &mut self.b_ih,
            &mut self.b_hh,
        ] {
            if !part.is_empty() {
                f(part);
            }
        }
    }

    fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
        let mine = [
            &mut self.w_ih,
            &mut self.w_hh,
            &mut self.b_ih,
            &mut self.b_hh,
        ];
        let theirs = [&other.w_ih, &other.w_hh, &other.b_ih, &other.b_hh];
        for (a, b) in mine.into_iter().zip(theirs) {
            if !a.is_empty() {
                f(a, b);
            }
        }
    }
}

impl<C, T, F, H, R, E> Layer<Rank2<T, F>> for RecurrentT<C, F, H, R, E>
where
    C: CellKind,
    T: DimT,
    F: DimT,
    H: DimT,
    R: ReturnMode<T, H>,
    Rank2<T, F>: Shape,
{
    type Output = R::Output;
}

/// Room for [`rnn_step`]'s scratch values, `2·G·H + 3·H ≤ 11·H`, on the stack.
type StepScratch<H> = Prod<<H as DimT>::Tn, U11>;

/// The sequence one step at a time from the zero state, with the state and the step's scratch
/// on the stack (the streaming kernel the layer's `step` uses).
impl<In, C, F, H, R, E> Infer<In, E> for RecurrentT<C, F, H, R, E>
where
    In: Shape,
    C: CellKind,
    F: DimT,
    H: DimT,
    H::Tn: Mul<U11>,
    StepScratch<H>: ArrayLength,
    R: ReturnKind,
    E: Scalar,
    Self: Layer<In>,
{
    fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
        let (w_ih, rest) = tensors.split_at(Self::WIDTH * F::USIZE);
        let (w_hh, rest) = rest.split_at(Self::WIDTH * H::USIZE);
        let (b_ih, b_hh) = rest.split_at(Self::WIDTH);
        let weights = RnnWeights {
            w_ih,
            w_hh,
            b_ih,
            b_hh,
        };
        let g = Self::geometry(1);
        let mut h = GenericArray::<E, H::Tn>::default();
        let mut c = GenericArray::<E, H::Tn>::default();
        let mut scratch = GenericArray::<E, StepScratch<H>>::default();
        for (t, x_t) in x.chunks_exact(F::USIZE).enumerate() {
            rnn_step(&g, x_t, weights, &mut h, &mut c, &mut scratch);
            if R::ALL_STEPS {
                y[t * H::USIZE..(t + 1) * H::USIZE].copy_from_slice(&h);
            }
        }
        if !R::ALL_STEPS {
            y.copy_from_slice(&h);
        }
    }
}

/// Time steps in one sample of `In` (`Seq<T, F>`: its first dimension).
#[cfg(feature = "alloc")]
fn steps<In: Shape>() -> usize {
    In::DIMS[0]
}

#[cfg(feature = "alloc")]
impl<In, C, F, H, R, E> Module<In, E> for RecurrentT<C, F, H, R, E>
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

    fn work(capacity: usize) -> Self::Work {
        RnnBuffers::new(&Self::geometry(steps::<In>()), capacity)
    }

    fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut RnnBuffers<E>) {
        rnn_forward(
            &Self::geometry(steps::<In>()),
            n,
            x,
            self.weights(),
            work,
            y,
            R::ALL_STEPS,
        );
    }

    // Backpropagation through time: see `kernels::rnn::rnn_backward` for each cell's derivation.
    fn backward(
        &self,
        _x: &[E],
        _y: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        work: &mut RnnBuffers<E>,
        grads: &mut Self,
    ) {
        let g = RnnGrads {
            w_ih: &mut grads.w_ih,
            w_hh: &mut grads.w_hh,
            b_ih: &mut grads.b_ih,
            b_hh: &mut grads.b_hh,
        };
        rnn_backward(
            &Self::geometry(steps::<In>()),
            n,
            self.weights(),
            work,
            dy,
            R::ALL_STEPS,
            g,
            dx,
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
        let all = check_gradients::<Input, RecurrentT<C, Dim<3>, Dim<4>, Sequence, f64>>(2, 1);
        assert!(all < 1e-6, "all steps: {all}");
        let last = check_gradients::<Input, RecurrentT<C, Dim<3>, Dim<4>, Last, f64>>(3, 2);
        assert!(last < 1e-6, "last step: {last}");
    }

    /// Streaming steps from the zero state reproduce the whole-sequence forward pass.
    pub(crate) fn check_streaming<C: CellKind>() {
        use rand::SeedableRng;
        type Layer<C> = RecurrentT<C, Dim<3>, Dim<4>, Sequence, f64>;
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let layer = <Layer<C> as Params<f64>>::init(&mut rng);
        let x: alloc::vec::Vec<f64> = (0..15).map(|i| (i as f64 * 0.61).sin()).collect();
        let mut y = vec![0.0; 20];
        let mut work = <Layer<C> as Module<Seq<5, 3>, f64>>::work(1);
        Module::<Seq<5, 3>, f64>::forward(&layer, &x, 1, &mut y, &mut work);
        let mut state = layer.initial_state();
        for t in 0..5 {
            let h = layer.step(GenericArray::from_slice(&x[t * 3..(t + 1) * 3]), &mut state);
            for (a, b) in h.iter().zip(&y[t * 4..(t + 1) * 4]) {
                assert!((a - b).abs() < 1e-14, "step {t}: {a} vs {b}");
            }
        }
    }
}
