//! Fully connected recurrent layer with tanh (Keras's `SimpleRNN`, PyTorch's `RNN`):
//! `h_t = tanh(W_ih x_t + b + W_hh h_{t−1})`, `h_0 = 0`. One bias (PyTorch's `b_ih + b_hh`).
//! Backward through time: `∂a_t = ∂h_t ⊙ (1 − h_t²)`, `∂h_{t−1} = W_hhᵀ ∂a_t`.
//!
//! PyTorch: `nn.RNN(F, H, batch_first=True)`; Keras: `layers.SimpleRNN(H)`.

use super::{CellKind, RecurrentT, ReturnLast};
use crate::kernels::rnn::Cell;
use crate::shape::Dim;

/// The tanh cell.
#[derive(Debug)]
pub struct TanhCell;

impl CellKind for TanhCell {
    const CELL: Cell = Cell::Tanh;
}

/// A tanh recurrent layer over `Seq<T, F>` with `H` units; `R` is [`ReturnLast`] (default, `Vector<H>`)
/// or [`ReturnSequences`](super::ReturnSequences) (`Seq<T, H>`).
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<20, 3>, (SimpleRnn<3, 16>, Dense<16, 1>), Vector<1>>();
/// const _: () = check::<Seq<20, 3>, SimpleRnn<3, 16, ReturnSequences>, Seq<20, 16>>();
/// ```
pub type SimpleRnn<const F: usize, const H: usize, R = ReturnLast> =
    RecurrentT<TanhCell, Dim<F>, Dim<H>, R>;

#[cfg(test)]
mod tests {
    use super::super::tests::{check_cell, check_streaming};
    use super::*;

    #[test]
    fn gradients_match_finite_differences() {
        check_cell::<TanhCell>();
    }

    #[test]
    fn streaming_matches_the_sequence() {
        check_streaming::<TanhCell>();
    }
}
