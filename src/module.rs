//! Layers and networks: the [`Module`] trait, tuple networks, and item-level shape pinning.
//!
//! A network is a tuple of layers. `(M0, M1, …)` is a `Module<In>` when `M0` accepts `In`, `M1`
//! accepts `M0`'s output, and so on: the compiler computes every intermediate shape, and a layer
//! that does not fit its input is a type-check error naming the layer and the shape.
//!
//! ```
//! use stratanet::prelude::*;
//! type Net = (Dense<5, 10>, ReLU, Dense<10, 1>, Sigmoid);
//! const _: () = check::<Vector<5>, Net, Vector<1>>();
//! ```

use crate::error::Result;
use crate::shape::Shape;
use crate::Scalar;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use rand::Rng;

/// The trainable parameters of a layer or network, visited as flat slices in a fixed order.
///
/// Gradients and optimizer state have the model's own structure: a gradient is a value of the
/// same type made by [`Params::zeros`], so an optimizer walks `(param, grad)` slice pairs.
///
/// ```
/// use stratanet::prelude::*;
/// type Net = (Dense<5, 10>, ReLU, Dense<10, 1>);
/// assert_eq!(<Net as Params<f32>>::PARAMS, 60 + 11);
/// ```
pub trait Params<E: Scalar>: Sized {
    /// The number of trainable parameters.
    const PARAMS: usize;
    /// A freshly initialized value (Keras's initializers, drawn from `rng`).
    fn init<R: Rng + ?Sized>(rng: &mut R) -> Self;
    /// A value of the same structure with every parameter zero (a gradient accumulator).
    fn zeros() -> Self;
    /// Visits every parameter slice in order.
    fn visit(&self, f: &mut dyn FnMut(&[E]));
    /// Visits every parameter slice in order, mutably.
    fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E]));
    /// Visits this value's slices paired with the matching slices of `other`.
    fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E]));
    /// Appends the name and shape of every tensor [`Params::visit_tensors`] visits, in that
    /// order, each name prefixed with `prefix` (a network's layers are `0.`, `1.`, …).
    fn tensor_specs(prefix: &str, out: &mut Vec<TensorSpec>);
    /// Visits every stored tensor: the parameters, then non-trainable state (batch-norm running
    /// statistics). This is what a saved model holds.
    fn visit_tensors(&self, f: &mut dyn FnMut(&[E])) {
        self.visit(f)
    }
    /// Visits every stored tensor mutably, in the order of [`Params::visit_tensors`].
    fn visit_tensors_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
        self.visit_mut(f)
    }
}

/// The name and shape of one stored tensor (PyTorch's layouts, row-major).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// The tensor's name, e.g. `0.weight`.
    pub name: String,
    /// Its dimensions, outermost first.
    pub shape: Vec<usize>,
}

impl TensorSpec {
    /// A spec named `prefix` + `name`.
    pub fn new(prefix: &str, name: &str, shape: &[usize]) -> Self {
        Self {
            name: alloc::format!("{prefix}{name}"),
            shape: shape.to_vec(),
        }
    }
}

/// A layer or network that maps a batch of `In`-shaped samples to `Self::Output`-shaped ones.
///
/// Batches are flat row-major slices of `n` samples; `n` is a run-time number, shapes are not.
/// Buffers are owned by the caller (the training workspace), so a step allocates nothing.
#[diagnostic::on_unimplemented(
    message = "shape mismatch: `{Self}` cannot take input of shape `{In}`",
    label = "this layer/network does not accept that input shape",
    note = "each layer's input must be the previous layer's output: `Dense<I, O>` takes `Vector<I>`, `Conv2d<CI, ..>` takes `Image<CI, H, W>`"
)]
pub trait Module<In: Shape, E: Scalar>: Params<E> {
    /// The per-sample output shape, computed by the compiler.
    type Output: Shape;
    /// Buffers this module keeps between forward and backward (intermediate activations).
    type Work;

    /// Buffers for batches of up to `capacity` samples.
    fn work(capacity: usize) -> Self::Work;

    /// Checks input values this module cannot take (token ids out of range, …). Called once
    /// when run-time data enters a model, after the finite-value check; the default accepts all.
    fn check_input(_x: &[E]) -> Result<()> {
        Ok(())
    }

    /// Switches between training and inference behaviour (dropout masks, batch statistics).
    /// Models set training mode (with a seed for any randomness) before training steps and
    /// inference mode before evaluating or predicting; a fresh `work` is in inference mode.
    fn set_mode(_work: &mut Self::Work, _mode: Mode) {}

    /// Folds what the last training forward pass measured into the layer's non-trainable state
    /// (batch-norm running statistics). Called once per training step.
    fn update_state(&mut self, _work: &Self::Work) {}

    /// Appends one row per layer to a model summary: name, output shape, parameter count.
    fn describe(rows: &mut Vec<LayerSummary>) {
        rows.push(LayerSummary::of::<Self, E>(Self::Output::DIMS));
    }

    /// Forward pass: `x` holds `n` input samples, `y` receives `n` output samples.
    fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut Self::Work);

    /// Backward pass after [`Module::forward`] on the same `x` (which produced `y`).
    ///
    /// Given `dy = ∂L/∂y`, writes `∂L/∂x` into `dx` when asked and ADDS the parameter gradients
    /// into `grads`.
    #[allow(clippy::too_many_arguments)]
    fn backward(
        &self,
        x: &[E],
        y: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        work: &mut Self::Work,
        grads: &mut Self,
    );
}

/// Training or inference behaviour; see [`Module::set_mode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Deterministic inference: no dropout, running statistics.
    Inference,
    /// Training, with a seed for the layer's randomness (dropout masks).
    Training {
        /// Seeds the layer's random stream.
        seed: u64,
    },
}

impl Mode {
    /// The mode for the `index`-th layer of a network: the same kind, a seed of its own.
    pub fn for_layer(self, index: u64) -> Self {
        match self {
            Mode::Inference => Mode::Inference,
            Mode::Training { seed } => Mode::Training {
                seed: (seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
                    .rotate_left(17)
                    .wrapping_add(index),
            },
        }
    }
}

/// One row of a model summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerSummary {
    /// The layer's type, without module paths, `Dim<N>` written `N` (`Dense<5, 10>`).
    pub name: String,
    /// The per-sample output shape.
    pub output: &'static [usize],
    /// Trainable parameters.
    pub params: usize,
}

impl LayerSummary {
    /// The row of layer `M` with output shape `output`.
    pub fn of<M: Params<E>, E: Scalar>(output: &'static [usize]) -> Self {
        Self {
            name: short_type_name(core::any::type_name::<M>()),
            output,
            params: M::PARAMS,
        }
    }
}

/// `stratanet::layers::dense::DenseT<stratanet::shape::Dim<5>, stratanet::shape::Dim<10>, f32>`
/// → `Dense<5, 10>`: drops module paths, writes `Dim<N>` as `N`, drops a default `f32` and the
/// `T` that marks a layer's generic struct.
fn short_type_name(full: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, next: Option<char>| {
        let is_struct_t = word.len() > 1
            && word.ends_with('T')
            && word.starts_with(char::is_uppercase)
            && next == Some('<');
        out.push_str(if is_struct_t {
            &word[..word.len() - 1]
        } else {
            word
        });
        word.clear();
    };
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear(); // a module path segment
        } else {
            flush(&mut word, &mut out, Some(c));
            out.push(c);
        }
    }
    flush(&mut word, &mut out, None);
    // `Dim<N>` → `N`, then a trailing default element type.
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("Dim<") {
        result.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let end = after.find('>').unwrap_or(after.len());
        result.push_str(&after[..end]);
        rest = after.get(end + 1..).unwrap_or("");
    }
    result.push_str(rest);
    result.replace(", f32>", ">")
}

/// Pins a network's input and output shapes at item level (for `f32` networks):
/// `const _: () = check::<Vector<64>, Net, Vector<10>>();` fails to compile on a mismatch.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 32>, ReLU, Dense<32, 10>), Vector<10>>();
/// ```
pub const fn check<In: Shape, M: Module<In, f32, Output = Out>, Out: Shape>() {}

/// [`check`] for a network of element type `E`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check_as::<Vector<3>, DenseT<Dim<3>, Dim<2>, f64>, Vector<2>, f64>();
/// ```
pub const fn check_as<In: Shape, M: Module<In, E, Output = Out>, Out: Shape, E: Scalar>() {}

/// Intermediate buffers of a tuple network: each boundary's activations and their gradients.
pub struct ChainWork<W, E> {
    layers: W,
    acts: Vec<Vec<E>>,
    grads: Vec<Vec<E>>,
}

/// `(&v[i], &mut v[i + 1])`, each cut to `len_a` / `len_b`.
fn read_write<E>(v: &mut [Vec<E>], i: usize, len_a: usize, len_b: usize) -> (&[E], &mut [E]) {
    let (lo, hi) = v.split_at_mut(i + 1);
    (&lo[i][..len_a], &mut hi[0][..len_b])
}

/// `(&v[i + 1], &mut v[i])`, each cut to `len_a` / `len_b`.
fn read_next_write<E>(v: &mut [Vec<E>], i: usize, len_a: usize, len_b: usize) -> (&[E], &mut [E]) {
    let (lo, hi) = v.split_at_mut(i + 1);
    (&hi[0][..len_a], &mut lo[i][..len_b])
}

impl<E: Scalar> Params<E> for () {
    const PARAMS: usize = 0;
    fn init<R: Rng + ?Sized>(_: &mut R) -> Self {}
    fn zeros() -> Self {}
    fn visit(&self, _: &mut dyn FnMut(&[E])) {}
    fn visit_mut(&mut self, _: &mut dyn FnMut(&mut [E])) {}
    fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [E], &[E])) {}
    fn tensor_specs(_: &str, _: &mut Vec<TensorSpec>) {}
}

macro_rules! tuple_params {
    ($($M:ident $i:tt),+) => {
        impl<E: Scalar, $($M: Params<E>),+> Params<E> for ($($M,)+) {
            const PARAMS: usize = 0 $(+ $M::PARAMS)+;
            fn init<R: Rng + ?Sized>(rng: &mut R) -> Self {
                ($($M::init(rng),)+)
            }
            fn zeros() -> Self {
                ($($M::zeros(),)+)
            }
            fn visit(&self, f: &mut dyn FnMut(&[E])) {
                $(self.$i.visit(f);)+
            }
            fn visit_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
                $(self.$i.visit_mut(f);)+
            }
            fn visit_with(&mut self, other: &Self, f: &mut dyn FnMut(&mut [E], &[E])) {
                $(self.$i.visit_with(&other.$i, f);)+
            }
            fn tensor_specs(prefix: &str, out: &mut Vec<TensorSpec>) {
                $($M::tensor_specs(&alloc::format!("{prefix}{}.", $i), out);)+
            }
            fn visit_tensors(&self, f: &mut dyn FnMut(&[E])) {
                $(self.$i.visit_tensors(f);)+
            }
            fn visit_tensors_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
                $(self.$i.visit_tensors_mut(f);)+
            }
        }
    };
}

impl<In: Shape, E: Scalar, M0: Module<In, E>> Module<In, E> for (M0,) {
    type Output = M0::Output;
    type Work = M0::Work;
    fn work(capacity: usize) -> Self::Work {
        M0::work(capacity)
    }
    fn check_input(x: &[E]) -> Result<()> {
        M0::check_input(x)
    }
    fn set_mode(work: &mut Self::Work, mode: Mode) {
        M0::set_mode(work, mode)
    }
    fn update_state(&mut self, work: &Self::Work) {
        self.0.update_state(work)
    }
    fn describe(rows: &mut Vec<LayerSummary>) {
        M0::describe(rows)
    }
    fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        self.0.forward(x, n, y, work)
    }
    fn backward(
        &self,
        x: &[E],
        y: &[E],
        dy: &[E],
        dx: Option<&mut [E]>,
        n: usize,
        work: &mut Self::Work,
        grads: &mut Self,
    ) {
        self.0.backward(x, y, dy, dx, n, work, &mut grads.0)
    }
}

/// The output shape of module `M` on input `In`.
pub type Output<M, In, E> = <M as Module<In, E>>::Output;

/// A tuple network of two or more layers: the first layer `F` produces `S1`; a middle layer
/// `M i S Sprev` (tuple index `i`) reads boundary `i - 1` (shape `Sprev`) and writes boundary `i`
/// (shape `S`); the last layer `L` (index `j`) reads boundary `j - 1` (shape `Sl`).
/// Boundary `k` holds the output of layer `k`. The shapes are written as nested [`Output`]
/// projections (not as extra type parameters) so that a layer that does not fit is reported by
/// name, with the shape it was given.
macro_rules! tuple_module {
    (
        first: $F:ident $S1:ty;
        middle: [$($M:ident $i:tt $S:ty, $Sprev:ty);*];
        last: $L:ident $j:tt $Sl:ty
    ) => {
        impl<In: Shape, E: Scalar, $F, $($M,)* $L> Module<In, E> for ($F, $($M,)* $L,)
        where
            $F: Module<In, E>,
            $($M: Module<$Sprev, E>,)*
            $L: Module<$Sl, E>,
        {
            type Output = Output<$L, $Sl, E>;
            type Work = ChainWork<($F::Work, $($M::Work,)* $L::Work), E>;

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

            fn update_state(&mut self, work: &Self::Work) {
                self.0.update_state(&work.layers.0);
                $(self.$i.update_state(&work.layers.$i);)*
                self.$j.update_state(&work.layers.$j);
            }

            fn describe(rows: &mut Vec<LayerSummary>) {
                $F::describe(rows);
                $($M::describe(rows);)*
                $L::describe(rows);
            }

            fn forward(&self, x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
                let first_out = n * <$S1 as Shape>::NUMEL;
                self.0.forward(x, n, &mut work.acts[0][..first_out], &mut work.layers.0);
                $(
                    let (input, output) = read_write(
                        &mut work.acts,
                        $i - 1,
                        n * <$Sprev as Shape>::NUMEL,
                        n * <$S as Shape>::NUMEL,
                    );
                    self.$i.forward(input, n, output, &mut work.layers.$i);
                )*
                let last_in = n * <$Sl as Shape>::NUMEL;
                self.$j.forward(&work.acts[$j - 1][..last_in], n, y, &mut work.layers.$j);
            }

            fn backward(
                &self,
                x: &[E],
                y: &[E],
                dy: &[E],
                dx: Option<&mut [E]>,
                n: usize,
                work: &mut Self::Work,
                grads: &mut Self,
            ) {
                let ChainWork { layers, acts, grads: d_acts } = work;
                let last_in = n * <$Sl as Shape>::NUMEL;
                self.$j.backward(
                    &acts[$j - 1][..last_in],
                    y,
                    dy,
                    Some(&mut d_acts[$j - 1][..last_in]),
                    n,
                    &mut layers.$j,
                    &mut grads.$j,
                );
                tuple_module!(@back self layers acts d_acts grads n; $($M $i $S, $Sprev);*);
                let first_out = n * <$S1 as Shape>::NUMEL;
                self.0.backward(
                    x,
                    &acts[0][..first_out],
                    &d_acts[0][..first_out],
                    dx,
                    n,
                    &mut layers.0,
                    &mut grads.0,
                );
            }
        }
    };
    // Middle layers, last first.
    (@back $self:ident $layers:ident $acts:ident $d_acts:ident $grads:ident $n:ident; ) => {};
    (@back $self:ident $layers:ident $acts:ident $d_acts:ident $grads:ident $n:ident;
        $M:ident $i:tt $S:ty, $Sprev:ty $(; $rest:ident $ri:tt $rS:ty, $rSp:ty)*) => {
        tuple_module!(@back $self $layers $acts $d_acts $grads $n; $($rest $ri $rS, $rSp);*);
        {
            let (out_len, in_len) = ($n * <$S as Shape>::NUMEL, $n * <$Sprev as Shape>::NUMEL);
            let (d_out, d_in) = read_next_write($d_acts, $i - 1, out_len, in_len);
            $self.$i.backward(
                &$acts[$i - 1][..in_len],
                &$acts[$i][..out_len],
                d_out,
                Some(d_in),
                $n,
                &mut $layers.$i,
                &mut $grads.$i,
            );
        }
    };
}

tuple_params!(M0 0);
tuple_params!(M0 0, M1 1);
tuple_params!(M0 0, M1 1, M2 2);
tuple_params!(M0 0, M1 1, M2 2, M3 3);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10, M11 11);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10, M11 11, M12 12);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10, M11 11, M12 12, M13 13);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10, M11 11, M12 12, M13 13, M14 14);
tuple_params!(M0 0, M1 1, M2 2, M3 3, M4 4, M5 5, M6 6, M7 7, M8 8, M9 9, M10 10, M11 11, M12 12, M13 13, M14 14, M15 15);

// S1 = Output<M0, In, E>, S2 = Output<M1, S1, E>, …, written out.
tuple_module!(first: M0 Output<M0, In, E>; middle: []; last: M1 1 Output<M0, In, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>]; last: M2 2 Output<M1, Output<M0, In, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>]; last: M3 3 Output<M2, Output<M1, Output<M0, In, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>]; last: M4 4 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>]; last: M5 5 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>]; last: M6 6 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>]; last: M7 7 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>]; last: M8 8 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>]; last: M9 9 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M10 10 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M11 11 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M12 12 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M13 13 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M13 13 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M14 14 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
tuple_module!(first: M0 Output<M0, In, E>; middle: [M1 1 Output<M1, Output<M0, In, E>, E>, Output<M0, In, E>; M2 2 Output<M2, Output<M1, Output<M0, In, E>, E>, E>, Output<M1, Output<M0, In, E>, E>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, Output<M2, Output<M1, Output<M0, In, E>, E>, E>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M13 13 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>; M14 14 Output<M14, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>]; last: M15 15 Output<M14, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>, E>);
