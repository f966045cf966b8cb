//! Gated recurrent unit (PyTorch's gate order `r, z, n`; the reset gate applied after the
//! recurrent product, Keras's `reset_after=True`):
//!
//! ```text
//! r = σ(W_ir x + b_ir + W_hr h + b_hr)
//! z = σ(W_iz x + b_iz + W_hz h + b_hz)
//! n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//! h' = (1 − z) ⊙ n + z ⊙ h
//! ```
//!
//! with `h_0 = 0`. Both biases are kept (`b_hn` cannot be folded into `b_in`). Backward through
//! time, with `m = W_hn h + b_hn`: `∂n = ∂h ⊙ (1 − z)`, `∂z = ∂h ⊙ (h − n)`, `∂a_n = ∂n ⊙ (1 − n²)`,
//! `∂r = ∂a_n ⊙ m`, `∂m = ∂a_n ⊙ r`, `∂h_prev = ∂h ⊙ z + W_hhᵀ [∂a_r, ∂a_z, ∂m]`.
//!
//! PyTorch: `nn.GRU(F, H, batch_first=True)`; Keras: `layers.GRU(H, reset_after=True)`.

use super::{CellKind, RecurrentT, ReturnLast};
use crate::kernels::rnn::Cell;
use crate::shape::Dim;

/// The GRU cell.
#[derive(Debug)]
pub struct GruCell;

impl CellKind for GruCell {
    const CELL: Cell = Cell::Gru;
}

/// A GRU over `Seq<T, F>` with `H` units; `R` is [`ReturnLast`] (default, `Vector<H>`) or
/// [`ReturnSequences`](super::ReturnSequences) (`Seq<T, H>`).
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<24, 1>, (Gru<1, 16>, Dense<16, 1>), Vector<1>>();
/// ```
pub type Gru<const F: usize, const H: usize, R = ReturnLast> =
    RecurrentT<GruCell, Dim<F>, Dim<H>, R>;

#[cfg(test)]
mod tests {
    use super::super::tests::{check_cell, check_streaming};
    use super::*;

    #[test]
    fn gradients_match_finite_differences() {
        check_cell::<GruCell>();
    }

    #[test]
    fn streaming_matches_the_sequence() {
        check_streaming::<GruCell>();
    }
}
