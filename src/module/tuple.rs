//! Tuple networks: `(M0, M1, …, Mk)` is a layer whose input is `M0`'s and whose output is `Mk`'s,
//! when each layer accepts the previous one's output.
//!
//! This is the crate's central idea. Written out by hand for two layers it reads:
//!
//! ```text
//! impl<In: Shape, M0: Layer<In>, M1: Layer<M0::Output>> Layer<In> for (M0, M1) {
//!     type Output = M1::Output;       // the compiler computes every boundary's shape
//! }
//!
//! impl<In, E, M0, M1> Module<In, E> for (M0, M1)
//! where
//!     M0: Module<In, E>,
//!     M1: Module<Output<M0, In>, E>,  // a layer that does not fit is named here
//! {
//!     type Work = ChainWork<(M0::Work, M1::Work), E>;  // boundary buffers, sized once
//!
//!     fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
//!         let (t0, t1) = tensors.split_at(M0::STORED); // each layer's slice of the weights
//!         M0::forward(t0, x, n, &mut work.acts[0], &mut work.layers.0);
//!         M1::forward(t1, &work.acts[0], n, y, &mut work.layers.1);
//!     }
//!
//!     fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
//!         let (t0, t1) = pass.tensors.split_at(M0::STORED);
//!         let (g0, g1) = pass.grads.split_at_mut(M0::STORED);
//!         // the last layer first: its input gradient is the boundary's gradient
//!         M1::backward(Backward { tensors: t1, x: &work.acts[0], y: pass.y, dy: pass.dy,
//!                                 dx: Some(&mut work.grads[0]), n: pass.n, grads: g1 }, ..);
//!         M0::backward(Backward { tensors: t0, x: pass.x, y: &work.acts[0],
//!                                 dy: &work.grads[0], dx: pass.dx, n: pass.n, grads: g0 }, ..);
//!     }
//! }
//! ```
//!
//! `Infer` is the same chain for one sample: the boundaries ping-pong between two halves of the
//! caller's scratch memory, each as long as the largest boundary, so a network's working memory
//! is a compile-time constant ([`Infer::SCRATCH`]) and nothing sits on the stack. The impls below
//! generalize this to 16 layers; `build.rs` writes their invocations (the nested [`Output`]
//! projections that name each boundary's shape), since they are too long to write by hand.
//! Tuples nest, so a network of more than 16 layers is a tuple of tuples.

use super::{Infer, Layer, Layout, Output, TensorLayout};
use crate::error::InputError;
use crate::shape::Shape;
use crate::Scalar;
#[cfg(feature = "alloc")]
use {
    super::{Backward, LayerSummary, Mode, Module},
    crate::error::Result,
    alloc::vec,
    alloc::vec::Vec,
};

#[cfg(feature = "alloc")]
/// Intermediate buffers of a tuple network: each boundary's activations and their gradients.
#[derive(Debug)]
pub struct ChainWork<W, E> {
    layers: W,
    acts: Vec<Vec<E>>,
    grads: Vec<Vec<E>>,
}

#[cfg(feature = "alloc")]
/// `(&v[i], &mut v[i + 1])`, each cut to `len_a` / `len_b`.
fn read_write<E>(v: &mut [Vec<E>], i: usize, len_a: usize, len_b: usize) -> (&[E], &mut [E]) {
    let (lo, hi) = v.split_at_mut(i + 1);
    (&lo[i][..len_a], &mut hi[0][..len_b])
}

#[cfg(feature = "alloc")]
/// `(&v[i + 1], &mut v[i])`, each cut to `len_a` / `len_b`.
fn read_next_write<E>(v: &mut [Vec<E>], i: usize, len_a: usize, len_b: usize) -> (&[E], &mut [E]) {
    let (lo, hi) = v.split_at_mut(i + 1);
    (&hi[0][..len_a], &mut lo[i][..len_b])
}

impl TensorLayout for () {
    const LAYOUT: Layout = Layout::Layers(&[]);
}

impl<M0: TensorLayout> TensorLayout for (M0,) {
    const LAYOUT: Layout = Layout::Layers(&[M0::LAYOUT]);
}

impl<In: Shape, M0: Layer<In>> Layer<In> for (M0,) {
    type Output = M0::Output;
}

impl<In: Shape, E: Scalar, M0: Infer<In, E>> Infer<In, E> for (M0,) {
    const SCRATCH: usize = M0::SCRATCH;
    fn check_input(x: &[E]) -> core::result::Result<(), InputError> {
        M0::check_input(x)
    }
    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        M0::infer(tensors, x, y, scratch);
    }
}

/// The largest of `values`.
pub(crate) const fn max_of(values: &[usize]) -> usize {
    let mut max = 0;
    let mut i = 0;
    while i < values.len() {
        if values[i] > max {
            max = values[i];
        }
        i += 1;
    }
    max
}

#[cfg(feature = "alloc")]
impl<In: Shape, E: Scalar, M0: Module<In, E>> Module<In, E> for (M0,) {
    type Work = M0::Work;
    const SOFTMAX_OUTPUT: bool = M0::SOFTMAX_OUTPUT;
    const COST: usize = M0::COST;
    const BATCH_COUPLED: bool = M0::BATCH_COUPLED;
    fn work(capacity: usize) -> Self::Work {
        M0::work(capacity)
    }
    fn check_input(x: &[E]) -> Result<()> {
        M0::check_input(x)
    }
    fn set_mode(work: &mut Self::Work, mode: Mode) {
        M0::set_mode(work, mode);
    }
    fn update_state(tensors: &mut [E], work: &Self::Work) {
        M0::update_state(tensors, work);
    }
    fn describe(rows: &mut Vec<LayerSummary>) {
        M0::describe(rows);
    }
    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        M0::forward(tensors, x, n, y, work);
    }
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        M0::backward(pass, work);
    }
}

/// A tuple network of two or more layers: the first layer `F` produces `S1`; a middle layer
/// `M i [P…] S Sprev` (tuple index `i`, earlier layers `P…`) reads boundary `i - 1` (shape
/// `Sprev`) and writes boundary `i` (shape `S`); the last layer `L` (index `j`) reads boundary
/// `j - 1` (shape `Sl`). Boundary `k` holds the output of layer `k`; layer `i`'s tensors start
/// after the earlier layers' `STORED` values. The shapes are nested [`Output`] projections (not
/// extra type parameters) so that a layer that does not fit is reported by name, with the shape
/// it was given.
macro_rules! tuple_module {
    (
        first: $F:ident $S1:ty;
        middle: [$($M:ident $i:tt [$($P:ident)*] $S:ty, $Sprev:ty);*];
        last: $L:ident $j:tt [$($LP:ident)*] $Sl:ty
    ) => {
        impl<$F: TensorLayout, $($M: TensorLayout,)* $L: TensorLayout> TensorLayout
            for ($F, $($M,)* $L,)
        {
            const LAYOUT: Layout = Layout::Layers(&[$F::LAYOUT, $($M::LAYOUT,)* $L::LAYOUT]);
        }

        impl<In: Shape, $F, $($M,)* $L> Layer<In> for ($F, $($M,)* $L,)
        where
            $F: Layer<In>,
            $($M: Layer<$Sprev>,)*
            $L: Layer<$Sl>,
        {
            type Output = Output<$L, $Sl>;
        }

        impl<In: Shape, E: Scalar, $F, $($M,)* $L> Infer<In, E> for ($F, $($M,)* $L,)
        where
            $F: Infer<In, E>,
            $($M: Infer<$Sprev, E>,)*
            $L: Infer<$Sl, E>,
        {

            // Two buffers of the largest boundary, then the largest layer's own scratch.
            const SCRATCH: usize = 2 * max_of(&[<$S1 as Shape>::NUMEL $(, <$S as Shape>::NUMEL)*])
                + max_of(&[$F::SCRATCH $(, $M::SCRATCH)*, $L::SCRATCH]);

            fn check_input(x: &[E]) -> core::result::Result<(), InputError> {
                $F::check_input(x)
            }

            fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
                let boundary = max_of(&[<$S1 as Shape>::NUMEL $(, <$S as Shape>::NUMEL)*]);
                let (prev, rest) = scratch.split_at_mut(boundary);
                let (next, layer_scratch) = rest.split_at_mut(boundary);
                let (own, tensors) = tensors.split_at($F::STORED);
                $F::infer(own, x, &mut prev[..<$S1 as Shape>::NUMEL], layer_scratch);
                #[allow(unused_mut, unused_variables)]
                let (mut prev, mut next) = (prev, next);
                $(
                    let (own, tensors) = tensors.split_at($M::STORED);
                    let (input, output) = (
                        &prev[..<$Sprev as Shape>::NUMEL],
                        &mut next[..<$S as Shape>::NUMEL],
                    );
                    $M::infer(own, input, output, layer_scratch);
                    core::mem::swap(&mut prev, &mut next);
                )*
                $L::infer(tensors, &prev[..<$Sl as Shape>::NUMEL], y, layer_scratch);
            }
        }

        #[cfg(feature = "alloc")]
        impl<In: Shape, E: Scalar, $F, $($M,)* $L> Module<In, E> for ($F, $($M,)* $L,)
        where
            $F: Module<In, E>,
            $($M: Module<$Sprev, E>,)*
            $L: Module<$Sl, E>,
        {
            type Work = ChainWork<($F::Work, $($M::Work,)* $L::Work), E>;

            const SOFTMAX_OUTPUT: bool = $L::SOFTMAX_OUTPUT;
            const COST: usize = $F::COST $(+ $M::COST)* + $L::COST;
            const BATCH_COUPLED: bool = $F::BATCH_COUPLED $(|| $M::BATCH_COUPLED)* || $L::BATCH_COUPLED;

            fn work(capacity: usize) -> Self::Work {
                let sizes = [<$S1 as Shape>::NUMEL $(, <$S as Shape>::NUMEL)*];
                ChainWork {
                    layers: ($F::work(capacity), $($M::work(capacity),)* $L::work(capacity)),
                    acts: sizes.iter().map(|s| vec![E::zero(); s * capacity]).collect(),
                    grads: sizes.iter().map(|s| vec![E::zero(); s * capacity]).collect(),
                }
            }

            fn check_input(x: &[E]) -> Result<()> {
                $F::check_input(x)
            }

            fn set_mode(work: &mut Self::Work, mode: Mode) {
                $F::set_mode(&mut work.layers.0, mode.for_layer(0));
                $($M::set_mode(&mut work.layers.$i, mode.for_layer($i));)*
                $L::set_mode(&mut work.layers.$j, mode.for_layer($j));
            }

            fn update_state(tensors: &mut [E], work: &Self::Work) {
                $F::update_state(&mut tensors[..$F::STORED], &work.layers.0);
                $(
                    let at = 0 $(+ $P::STORED)*;
                    $M::update_state(&mut tensors[at..at + $M::STORED], &work.layers.$i);
                )*
                let at = 0 $(+ $LP::STORED)*;
                $L::update_state(&mut tensors[at..], &work.layers.$j);
            }

            fn describe(rows: &mut Vec<LayerSummary>) {
                $F::describe(rows);
                $($M::describe(rows);)*
                $L::describe(rows);
            }

            fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
                let first_out = n * <$S1 as Shape>::NUMEL;
                $F::forward(
                    &tensors[..$F::STORED],
                    x,
                    n,
                    &mut work.acts[0][..first_out],
                    &mut work.layers.0,
                );
                $(
                    let (input, output) = read_write(
                        &mut work.acts,
                        $i - 1,
                        n * <$Sprev as Shape>::NUMEL,
                        n * <$S as Shape>::NUMEL,
                    );
                    let at = 0 $(+ $P::STORED)*;
                    $M::forward(
                        &tensors[at..at + $M::STORED],
                        input,
                        n,
                        output,
                        &mut work.layers.$i,
                    );
                )*
                let last_in = n * <$Sl as Shape>::NUMEL;
                let at = 0 $(+ $LP::STORED)*;
                $L::forward(
                    &tensors[at..],
                    &work.acts[$j - 1][..last_in],
                    n,
                    y,
                    &mut work.layers.$j,
                );
            }

            fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
                let Backward { tensors, x, y, dy, dx, n, grads } = pass;
                let ChainWork { layers, acts, grads: d_acts } = work;
                let last_in = n * <$Sl as Shape>::NUMEL;
                let at = 0 $(+ $LP::STORED)*;
                $L::backward(
                    Backward {
                        tensors: &tensors[at..],
                        x: &acts[$j - 1][..last_in],
                        y,
                        dy,
                        dx: Some(&mut d_acts[$j - 1][..last_in]),
                        n,
                        grads: &mut grads[at..],
                    },
                    &mut layers.$j,
                );
                tuple_module!(@back tensors grads layers acts d_acts n; $($M $i [$($P)*] $S, $Sprev);*);
                let first_out = n * <$S1 as Shape>::NUMEL;
                $F::backward(
                    Backward {
                        tensors: &tensors[..$F::STORED],
                        x,
                        y: &acts[0][..first_out],
                        dy: &d_acts[0][..first_out],
                        dx,
                        n,
                        grads: &mut grads[..$F::STORED],
                    },
                    &mut layers.0,
                );
            }
        }
    };
    // Middle layers, last first.
    (@back $tensors:ident $grads:ident $layers:ident $acts:ident $d_acts:ident $n:ident; ) => {};
    (@back $tensors:ident $grads:ident $layers:ident $acts:ident $d_acts:ident $n:ident;
        $M:ident $i:tt [$($P:ident)*] $S:ty, $Sprev:ty
        $(; $rest:ident $ri:tt [$($rP:ident)*] $rS:ty, $rSp:ty)*) => {
        tuple_module!(@back $tensors $grads $layers $acts $d_acts $n;
            $($rest $ri [$($rP)*] $rS, $rSp);*);
        {
            let (out_len, in_len) = ($n * <$S as Shape>::NUMEL, $n * <$Sprev as Shape>::NUMEL);
            let (d_out, d_in) = read_next_write($d_acts, $i - 1, out_len, in_len);
            let at = 0 $(+ $P::STORED)*;
            $M::backward(
                Backward {
                    tensors: &$tensors[at..at + $M::STORED],
                    x: &$acts[$i - 1][..in_len],
                    y: &$acts[$i][..out_len],
                    dy: d_out,
                    dx: Some(d_in),
                    n: $n,
                    grads: &mut $grads[at..at + $M::STORED],
                },
                &mut $layers.$i,
            );
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/tuples.rs"));
