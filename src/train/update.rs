//! The optimizer's side of a training step: the trainable values in pieces, the optimizer's
//! state per piece, in parts of consecutive pieces, and the update over them.
//!
//! A piece is a run of adjacent trainable tensors, cut into [`PIECE`]-long stretches when the
//! optimizer is [element-wise](Optimizer::ELEMENTWISE) (the same bits as one call over the
//! run). The parts are what threads update side by side after a sharded step (feature
//! `threading`); on one thread every part is updated in turn.

use crate::optim::Optimizer;
use crate::Scalar;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

/// The longest piece of an element-wise optimizer's update: parts split the values this
/// finely, and a piece's summed gradient (16 KiB of `f32`) stays in the first-level cache.
pub(super) const PIECE: usize = 4096;

/// The optimizer's state: for each piece, in order, `STATE_PER_PARAM` consecutive slices as
/// long as the piece; split into parts of consecutive pieces.
#[derive(Debug)]
pub(super) struct UpdateState<E> {
    /// Every piece: a range of the flat weights, in order.
    pub(super) pieces: Arc<[Range<usize>]>,
    /// Part `i` holds pieces `bounds[i]..bounds[i + 1]`.
    bounds: Vec<usize>,
    /// Each part's state, piece after piece.
    pub(super) parts: Vec<Vec<E>>,
    slots: usize,
}

impl<E: Scalar> UpdateState<E> {
    /// Zero state for the trainable ranges `trainable` (in order), in one part.
    pub(super) fn new<O: Optimizer>(trainable: &[Range<usize>]) -> Self {
        let mut pieces = Vec::new();
        let mut runs = trainable.iter().peekable();
        while let Some(first) = runs.next() {
            let mut run = first.clone();
            while let Some(next) = runs.next_if(|next| next.start == run.end) {
                run.end = next.end;
            }
            let longest = if O::ELEMENTWISE { PIECE } else { run.len() };
            for start in run.clone().step_by(longest.max(1)) {
                pieces.push(start..run.end.min(start + longest));
            }
        }
        let values: usize = pieces.iter().map(Range::len).sum();
        Self {
            bounds: vec![0, pieces.len()],
            pieces: pieces.into(),
            parts: vec![vec![E::zero(); values * O::STATE_PER_PARAM]],
            slots: O::STATE_PER_PARAM,
        }
    }

    /// The pieces of part `part`, as indices into [`UpdateState::pieces`].
    #[cfg(feature = "threading")]
    pub(super) fn part(&self, part: usize) -> Range<usize> {
        self.bounds[part]..self.bounds[part + 1]
    }

    /// Splits the state into `count` parts of about as many values each (at piece boundaries;
    /// allocates, so a step does it only when the count changes).
    #[cfg(feature = "threading")]
    pub(super) fn split(&mut self, count: usize) {
        if self.parts.len() == count {
            return;
        }
        let all: Vec<E> = self.parts.concat();
        let total: usize = self.pieces.iter().map(Range::len).sum();
        self.bounds.clear();
        self.bounds.push(0);
        let mut before = 0; // values in the pieces before piece `j`
        for (j, piece) in self.pieces.iter().enumerate() {
            // a part ends before the first piece that starts at or past its share
            while self.bounds.len() < count && before >= total * self.bounds.len() / count {
                self.bounds.push(j);
            }
            before += piece.len();
        }
        while self.bounds.len() <= count {
            self.bounds.push(self.pieces.len());
        }
        self.parts.clear();
        let mut at = 0;
        for i in 0..count {
            let values: usize = self.pieces[self.part(i)].iter().map(Range::len).sum();
            let len = values * self.slots;
            self.parts.push(all[at..at + len].to_vec());
            at += len;
        }
    }

    /// The update on this thread: every piece of every part, in order.
    pub(super) fn update<O: Optimizer>(&mut self, o: &O, t: u64, weights: &mut [E], grads: &[E]) {
        let pieces = Arc::clone(&self.pieces);
        for (i, state) in self.parts.iter_mut().enumerate() {
            let mut at = 0;
            for piece in &pieces[self.bounds[i]..self.bounds[i + 1]] {
                let len = piece.len() * self.slots;
                let (p, g) = (&mut weights[piece.clone()], &grads[piece.clone()]);
                o.update(t, p, g, &mut state[at..at + len]);
                at += len;
            }
        }
    }
}

/// One part of a split update (threads run the parts side by side): for each of `pieces`,
/// `sum` receives the piece's gradient summed over the shards in shard order, and its values
/// are updated with the part's `state` — in `values` at the piece's own range (the weights
/// themselves), or when `packed` piece after piece (a copy of the part, which the caller
/// writes back with [`write_back`]).
#[cfg(feature = "threading")]
#[allow(clippy::too_many_arguments)]
pub(super) fn update_part<O: Optimizer, E: Scalar>(
    o: &O,
    t: u64,
    pieces: &[Range<usize>],
    (values, packed): (&mut [E], bool),
    sum: &mut [E],
    mut summed: impl FnMut(Range<usize>, &mut [E]),
    state: &mut [E],
) {
    let (mut at, mut state_at) = (0, 0);
    for piece in pieces {
        let len = piece.len();
        let sum = &mut sum[..len];
        summed(piece.clone(), sum);
        let first = if packed { at } else { piece.start };
        let state = &mut state[state_at..state_at + len * O::STATE_PER_PARAM];
        o.update(t, &mut values[first..first + len], sum, state);
        at += len;
        state_at += len * O::STATE_PER_PARAM;
    }
}

/// A part's values (its pieces of `weights`) copied piece after piece into `fresh`, for
/// [`update_part`] to update there.
#[cfg(feature = "threading")]
pub(super) fn copy_part<E: Scalar>(pieces: &[Range<usize>], weights: &[E], fresh: &mut [E]) {
    let mut at = 0;
    for piece in pieces {
        fresh[at..at + piece.len()].copy_from_slice(&weights[piece.clone()]);
        at += piece.len();
    }
}

/// Writes a part's updated values (`fresh`, piece after piece) back into `weights`.
#[cfg(feature = "threading")]
pub(super) fn write_back<E: Scalar>(pieces: &[Range<usize>], fresh: &[E], weights: &mut [E]) {
    let mut at = 0;
    for piece in pieces {
        weights[piece.clone()].copy_from_slice(&fresh[at..at + piece.len()]);
        at += piece.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::{Adam, Sgd};

    #[test]
    fn pieces_cut_runs_for_element_wise_optimizers_only() {
        let trainable = [0..5000, 5000..5010, 6000..6003];
        let adam = UpdateState::<f32>::new::<Adam>(&trainable);
        assert_eq!(&adam.pieces[..], &[0..4096, 4096..5010, 6000..6003]);
        assert_eq!(adam.parts[0].len(), 2 * 5013);
        let sgd = UpdateState::<f32>::new::<Sgd>(&trainable);
        assert_eq!(sgd.pieces.len(), 3);
    }

    #[test]
    #[cfg(feature = "threading")]
    fn a_split_keeps_the_state_and_balances_the_parts() {
        let trainable = core::iter::once(0..20_000).collect::<Vec<_>>();
        let mut state = UpdateState::<f64>::new::<Adam>(&trainable);
        for (i, v) in state.parts[0].iter_mut().enumerate() {
            *v = i as f64;
        }
        let before = state.parts.concat();
        state.split(2);
        assert_eq!(state.parts.len(), 2);
        assert_eq!(state.parts.concat(), before);
        // five pieces of 4,096 (the last 3,616): three and two
        assert_eq!((state.part(0), state.part(1)), (0..3, 3..5));
        state.split(3);
        assert_eq!(state.parts.concat(), before);
        assert_eq!(state.parts.len(), 3);
        state.split(1);
        assert_eq!(state.parts.concat(), before);
    }

    #[test]
    #[cfg(feature = "threading")]
    fn parts_updated_apart_give_the_bits_of_one_update() {
        let trainable = [0..9000, 9500..9600];
        let adam = Adam::new(0.01);
        let weights: Vec<f32> = (0..9600).map(|i| (i as f32 * 0.37).sin()).collect();
        let grads: [Vec<f32>; 2] =
            [0.11, 0.53].map(|s| (0..9600).map(|i| (i as f32 * s).cos()).collect());
        let total: Vec<f32> = grads[0].iter().zip(&grads[1]).map(|(a, b)| a + b).collect();

        let mut whole = UpdateState::<f32>::new::<Adam>(&trainable);
        let mut one = weights.clone();
        whole.update(&adam, 1, &mut one, &total);

        let mut split = UpdateState::<f32>::new::<Adam>(&trainable);
        split.split(2);
        let mut apart = weights.clone();
        let pieces = Arc::clone(&split.pieces);
        for part in 0..2 {
            let mine = &pieces[split.part(part)];
            let len: usize = mine.iter().map(Range::len).sum();
            let (mut sum, mut fresh) = (vec![0.0; PIECE], vec![0.0; len]);
            let summed = |r: Range<usize>, out: &mut [f32]| {
                out.copy_from_slice(&grads[0][r.clone()]);
                crate::kernels::merge::add_assign(out, &grads[1][r]);
            };
            let state = &mut split.parts[part];
            if part == 0 {
                // in place, as the training thread does
                update_part(&adam, 1, mine, (&mut apart, false), &mut sum, summed, state);
            } else {
                // in a copy, as a helper does
                copy_part(mine, &weights, &mut fresh);
                update_part(&adam, 1, mine, (&mut fresh, true), &mut sum, summed, state);
                write_back(mine, &fresh, &mut apart);
            }
        }
        assert_eq!(one, apart);
        assert_eq!(whole.parts.concat(), split.parts.concat());
    }
}
