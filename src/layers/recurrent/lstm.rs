//! Long short-term memory (PyTorch's gate order `i, f, g, o`):
//!
//! ```text
//! i = σ(W_ii x + W_hi h + b_i)    f = σ(W_if x + W_hf h + b_f)
//! g = tanh(W_ig x + W_hg h + b_g) o = σ(W_io x + W_ho h + b_o)
//! c' = f ⊙ c + i ⊙ g              h' = o ⊙ tanh(c')
//! ```
//!
//! with `h_0 = c_0 = 0`. One bias per gate (PyTorch's `b_ih + b_hh`); Keras's initialization sets
//! the forget gate's to 1. Backward through time: `∂o = ∂h ⊙ tanh c'`,
//! `∂c = ∂c_next + ∂h ⊙ o ⊙ (1 − tanh² c')`, `∂i = ∂c ⊙ g`, `∂f = ∂c ⊙ c`, `∂g = ∂c ⊙ i`,
//! `∂c_prev = ∂c ⊙ f`, then through `σ' = σ(1 − σ)` and `tanh' = 1 − tanh²`.
//!
//! PyTorch: `nn.LSTM(F, H, batch_first=True)`; Keras: `layers.LSTM(H)`.

use super::{CellKind, RecurrentT, ReturnLast};
use crate::kernels::rnn::Cell;
use crate::shape::Dim;

/// The LSTM cell.
#[derive(Debug)]
pub struct LstmCell;

impl CellKind for LstmCell {
    const CELL: Cell = Cell::Lstm;
}

/// An LSTM over `Seq<T, F>` with `H` units; `R` is [`ReturnLast`] (default, `Vector<H>`) or
/// [`ReturnSequences`](super::ReturnSequences) (`Seq<T, H>`).
///
/// ```
/// use stratanet::prelude::*;
/// // each 8×8 digit read as 8 rows of 8 pixels
/// const _: () = check::<Seq<8, 8>, (Lstm<8, 32>, Dense<32, 10>), Vector<10>>();
/// ```
pub type Lstm<const F: usize, const H: usize, R = ReturnLast> =
    RecurrentT<LstmCell, Dim<F>, Dim<H>, R>;

#[cfg(test)]
mod tests {
    use super::super::tests::{check_cell, check_streaming};
    use super::*;

    #[test]
    fn gradients_match_finite_differences() {
        check_cell::<LstmCell>();
    }

    #[test]
    fn streaming_matches_the_sequence() {
        check_streaming::<LstmCell>();
    }

    #[test]
    fn forget_gate_bias_starts_at_one() {
        use crate::module::Weights;
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let layer = Weights::<Lstm<3, 4>>::init(&mut rng);
        assert_eq!(
            layer.tensor("bias_l0").unwrap(),
            &[0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 0., 0., 0., 0.]
        );
        // orthogonal recurrent kernel: the columns of W_hh [16, 4] are orthonormal
        let w = layer.tensor("weight_hh_l0").unwrap();
        for a in 0..4 {
            for b in 0..4 {
                let dot: f32 = (0..16).map(|r| w[r * 4 + a] * w[r * 4 + b]).sum();
                assert!((dot - if a == b { 1.0 } else { 0.0 }).abs() < 1e-5);
            }
        }
    }
}
