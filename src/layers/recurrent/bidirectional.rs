//! A bidirectional recurrent layer: the layer runs over the sequence and, with weights of its
//! own, over the reversed sequence; their states are concatenated — per step
//! (`ReturnSequences`: `y_t = [→h_t; ←h_t]`, `Seq<T, 2H>`, `←h_t` the reverse pass's state after
//! it has read steps `T−1 … t`) or at the end (`ReturnLast`: `[→h_T; ←h_1]`, `Vector<2H>`, each
//! direction's final state, as Keras and PyTorch's `h_n`). The width `2H` is computed by the
//! type system. Tensors: the layer's, then the same under PyTorch's `_reverse` names
//! (`weight_ih_l0_reverse`, …).
//!
//! PyTorch: `nn.LSTM(F, H, batch_first=True, bidirectional=True)` (and `GRU`, `RNN`: `output`
//! for `ReturnSequences`, `h_n` for `ReturnLast`); Keras: `layers.Bidirectional(layer)`.
//!
//! Backward: each direction receives its half of `dy` (the reverse half back in its own step
//! order); `dx` is the forward direction's input gradient plus the reverse direction's,
//! reversed.

use super::{CellKind, RecurrentT, ReturnKind, ReturnLast, ReturnSequences};
use crate::kernels::merge::{place_rows, reverse_steps};
use crate::module::{Infer, Layer, Layout, Output, TensorLayout, TensorShape};
use crate::shape::{DimT, Rank1, Rank2, Shape, ToDim};
use crate::Scalar;
use core::marker::PhantomData;
use typenum::Sum;
#[cfg(feature = "alloc")]
use {
    crate::kernels::merge::{add_assign, take_rows},
    crate::module::{Backward, Module},
    alloc::vec,
    alloc::vec::Vec,
};

/// Recurrent layer `L` in both directions; see the module docs.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<20, 8>, Bidirectional<Lstm<8, 16, ReturnSequences>>, Seq<20, 32>>();
/// const _: () = check::<Seq<20, 8>, (Bidirectional<Gru<8, 16>>, Dense<32, 2>), Vector<2>>();
/// ```
#[derive(Debug)]
pub struct Bidirectional<L>(PhantomData<L>);

/// `H + H` as a dimension.
type Twice<H> = <Sum<<H as DimT>::Tn, <H as DimT>::Tn> as ToDim>::Dim;

/// The output of a bidirectional layer with `T` steps of `H` units in each direction.
pub trait BidirectionalMode<T: DimT, H: DimT>: ReturnKind {
    /// `Vector<2H>` or `Seq<T, 2H>`.
    type Output: Shape;
}

impl<T: DimT, H: DimT> BidirectionalMode<T, H> for ReturnLast
where
    H::Tn: core::ops::Add<H::Tn>,
    Sum<H::Tn, H::Tn>: ToDim,
{
    type Output = Rank1<Twice<H>>;
}

impl<T: DimT, H: DimT> BidirectionalMode<T, H> for ReturnSequences
where
    H::Tn: core::ops::Add<H::Tn>,
    Sum<H::Tn, H::Tn>: ToDim,
    Rank2<T, Twice<H>>: Shape,
{
    type Output = Rank2<T, Twice<H>>;
}

/// The reverse direction's name of stored tensor `i` of a layer of cell `C`.
const fn reverse_name<C: CellKind>(i: usize) -> &'static str {
    match i {
        0 => "weight_ih_l0_reverse",
        1 => "weight_hh_l0_reverse",
        2 if C::CELL.recurrent_bias() => "bias_ih_l0_reverse",
        2 => "bias_l0_reverse",
        _ => "bias_hh_l0_reverse",
    }
}

/// The layer's tensors, then their reverse-direction copies; the first `2·count` entries are
/// used.
const fn both_directions<C: CellKind>(layout: Layout) -> ([TensorShape; 8], usize) {
    let Layout::Tensors(tensors) = layout else {
        panic!("a recurrent layer lists its tensors")
    };
    let mut all = [tensors[0]; 8];
    let mut i = 0;
    while i < tensors.len() {
        all[i] = tensors[i];
        all[tensors.len() + i] = TensorShape {
            name: reverse_name::<C>(i),
            ..tensors[i]
        };
        i += 1;
    }
    (all, tensors.len())
}

impl<C: CellKind, F: DimT, H: DimT, R> Bidirectional<RecurrentT<C, F, H, R>> {
    const BOTH: ([TensorShape; 8], usize) =
        both_directions::<C>(<RecurrentT<C, F, H, R> as TensorLayout>::LAYOUT);
}

impl<C: CellKind, F: DimT, H: DimT, R> TensorLayout for Bidirectional<RecurrentT<C, F, H, R>> {
    const LAYOUT: Layout = Layout::Tensors(Self::BOTH.0.split_at(2 * Self::BOTH.1).0);
}

impl<C, T, F, H, R> Layer<Rank2<T, F>> for Bidirectional<RecurrentT<C, F, H, R>>
where
    C: CellKind,
    T: DimT,
    F: DimT,
    H: DimT,
    R: BidirectionalMode<T, H>,
    RecurrentT<C, F, H, R>: Layer<Rank2<T, F>>,
    Rank2<T, F>: Shape,
{
    type Output = <R as BidirectionalMode<T, H>>::Output;
}

/// Joins the two directions' outputs of `n` samples into `y`: per step (the reverse output,
/// in its own step order, turned back) or at the end. `reversed` receives the reverse output
/// in the input's step order.
#[allow(clippy::too_many_arguments)]
fn join<E: Scalar>(
    all_steps: bool,
    steps: usize,
    h: usize,
    n: usize,
    forward: &[E],
    backward: &[E],
    reversed: &mut [E],
    y: &mut [E],
) {
    let rows = if all_steps { n * steps } else { n };
    let backward = if all_steps {
        reverse_steps(steps, h, n, backward, reversed);
        &reversed[..rows * h]
    } else {
        backward
    };
    place_rows(forward, h, y, 2 * h, 0, rows);
    place_rows(backward, h, y, 2 * h, h, rows);
}

impl<In, C, F, H, R, E> Infer<In, E> for Bidirectional<RecurrentT<C, F, H, R>>
where
    In: Shape,
    C: CellKind,
    F: DimT,
    H: DimT,
    R: ReturnKind,
    E: Scalar,
    RecurrentT<C, F, H, R>: Infer<In, E>,
    Self: Layer<In>,
{
    /// The reversed input, each direction's output, the reverse output turned back, and the
    /// layer's own scratch.
    const SCRATCH: usize = In::NUMEL
        + 3 * <Output<RecurrentT<C, F, H, R>, In> as Shape>::NUMEL
        + <RecurrentT<C, F, H, R> as Infer<In, E>>::SCRATCH;

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        let out = <Output<RecurrentT<C, F, H, R>, In> as Shape>::NUMEL;
        let (forward_tensors, reverse_tensors) = tensors.split_at(tensors.len() / 2);
        let (x_rev, rest) = scratch.split_at_mut(In::NUMEL);
        let (y_fwd, rest) = rest.split_at_mut(out);
        let (y_rev, rest) = rest.split_at_mut(out);
        let (turned, layer) = rest.split_at_mut(out);
        let steps = In::DIMS[0];
        reverse_steps(steps, F::USIZE, 1, x, x_rev);
        <RecurrentT<C, F, H, R>>::infer(forward_tensors, x, y_fwd, layer);
        <RecurrentT<C, F, H, R>>::infer(reverse_tensors, x_rev, y_rev, layer);
        join(R::ALL_STEPS, steps, H::USIZE, 1, y_fwd, y_rev, turned, y);
    }
}

/// Buffers of a bidirectional layer: each direction's, the reversed input, each direction's
/// output and output gradient, one reordering buffer and the reverse input gradient.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct BidirectionalWork<W, E> {
    forward: W,
    reverse: W,
    x_rev: Vec<E>,
    y_fwd: Vec<E>,
    y_rev: Vec<E>,
    dy_fwd: Vec<E>,
    dy_rev: Vec<E>,
    turned: Vec<E>,
    dx_rev: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<In, C, F, H, R, E> Module<In, E> for Bidirectional<RecurrentT<C, F, H, R>>
where
    In: Shape,
    C: CellKind,
    F: DimT,
    H: DimT,
    R: ReturnKind,
    E: Scalar,
    RecurrentT<C, F, H, R>: Module<In, E>,
    Self: Layer<In>,
{
    type Work = BidirectionalWork<<RecurrentT<C, F, H, R> as Module<In, E>>::Work, E>;

    // Every weight of both directions once per step.
    const COST: usize = In::NUMEL / F::USIZE * <Self as TensorLayout>::PARAMS;

    fn work(capacity: usize) -> Self::Work {
        let out = <Output<RecurrentT<C, F, H, R>, In> as Shape>::NUMEL * capacity;
        let input = In::NUMEL * capacity;
        BidirectionalWork {
            forward: <RecurrentT<C, F, H, R>>::work(capacity),
            reverse: <RecurrentT<C, F, H, R>>::work(capacity),
            x_rev: vec![E::zero(); input],
            y_fwd: vec![E::zero(); out],
            y_rev: vec![E::zero(); out],
            dy_fwd: vec![E::zero(); out],
            dy_rev: vec![E::zero(); out],
            turned: vec![E::zero(); out],
            dx_rev: vec![E::zero(); input],
        }
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let out = <Output<RecurrentT<C, F, H, R>, In> as Shape>::NUMEL * n;
        let (forward_tensors, reverse_tensors) = tensors.split_at(tensors.len() / 2);
        let steps = In::DIMS[0];
        let x_rev = &mut work.x_rev[..n * In::NUMEL];
        reverse_steps(steps, F::USIZE, n, x, x_rev);
        let (y_fwd, y_rev) = (&mut work.y_fwd[..out], &mut work.y_rev[..out]);
        <RecurrentT<C, F, H, R>>::forward(forward_tensors, x, n, y_fwd, &mut work.forward);
        <RecurrentT<C, F, H, R>>::forward(reverse_tensors, x_rev, n, y_rev, &mut work.reverse);
        join(
            R::ALL_STEPS,
            steps,
            H::USIZE,
            n,
            y_fwd,
            y_rev,
            &mut work.turned,
            y,
        );
    }

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
        let out = <Output<RecurrentT<C, F, H, R>, In> as Shape>::NUMEL * n;
        let (steps, h) = (In::DIMS[0], H::USIZE);
        let rows = if R::ALL_STEPS { n * steps } else { n };
        let half = tensors.len() / 2;
        let (dy_fwd, dy_rev) = (&mut work.dy_fwd[..out], &mut work.dy_rev[..out]);
        take_rows(dy, 2 * h, 0, dy_fwd, h, rows);
        if R::ALL_STEPS {
            take_rows(dy, 2 * h, h, &mut work.turned[..out], h, rows);
            reverse_steps(steps, h, n, &work.turned, dy_rev);
        } else {
            take_rows(dy, 2 * h, h, dy_rev, h, rows);
        }
        let (forward_grads, reverse_grads) = grads.split_at_mut(half);
        let forward = Backward {
            tensors: &tensors[..half],
            x,
            y: &work.y_fwd[..out],
            dy: &work.dy_fwd[..out],
            dx: dx.as_deref_mut(),
            n,
            grads: forward_grads,
        };
        <RecurrentT<C, F, H, R>>::backward(forward, &mut work.forward);
        let input = n * In::NUMEL;
        let reverse = Backward {
            tensors: &tensors[half..],
            x: &work.x_rev[..input],
            y: &work.y_rev[..out],
            dy: &work.dy_rev[..out],
            dx: dx.as_ref().map(|_| &mut work.dx_rev[..input]),
            n,
            grads: reverse_grads,
        };
        <RecurrentT<C, F, H, R>>::backward(reverse, &mut work.reverse);
        if let Some(dx) = dx {
            reverse_steps(steps, F::USIZE, n, &work.dx_rev, &mut work.x_rev);
            add_assign(&mut dx[..input], &work.x_rev[..input]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::{Gru, Lstm, SimpleRnn};
    use crate::shape::Seq;

    #[test]
    fn gradients_match_finite_differences() {
        type Input = Seq<4, 3>;
        assert!(check_gradients::<Input, Bidirectional<Lstm<3, 2, ReturnSequences>>>(2, 1) < 1e-6);
        assert!(check_gradients::<Input, Bidirectional<Lstm<3, 2>>>(2, 2) < 1e-6);
        assert!(check_gradients::<Input, Bidirectional<Gru<3, 2, ReturnSequences>>>(2, 3) < 1e-6);
        assert!(check_gradients::<Input, Bidirectional<SimpleRnn<3, 2>>>(2, 4) < 1e-6);
    }

    #[test]
    fn reverse_tensors_carry_pytorchs_names() {
        let mut names = alloc::vec::Vec::new();
        <Bidirectional<Gru<3, 2>> as TensorLayout>::LAYOUT
            .for_each(&mut |_, t, _| names.push(t.name));
        assert_eq!(
            names[4..],
            [
                "weight_ih_l0_reverse",
                "weight_hh_l0_reverse",
                "bias_ih_l0_reverse",
                "bias_hh_l0_reverse"
            ]
        );
        assert_eq!(
            <Bidirectional<Lstm<3, 2>> as TensorLayout>::LAYOUT.tensor_count(),
            6
        );
    }
}
