//! Layers and networks: the [`Layer`] and [`Module`] traits, tuple networks, and item-level
//! shape pinning.
//!
//! A network is a tuple of layers. `(M0, M1, …)` is a `Layer<In>` when `M0` accepts `In`, `M1`
//! accepts `M0`'s output, and so on: the compiler computes every intermediate shape, and a layer
//! that does not fit its input is a type-check error naming the layer and the shape.
//!
//! Three traits describe a network without owning any memory, so they exist without the
//! `alloc` feature: [`Layer`] (its output shape), [`TensorLayout`] (the names and shapes of its
//! stored tensors) and [`Infer`] (allocation-free single-sample inference).
//! [`Params`] and [`Module`] (with `alloc`) own the weights and train them.
//!
//! ```
//! use stratanet::prelude::*;
//! type Net = (Dense<5, 10>, ReLU, Dense<10, 1>, Sigmoid);
//! const _: () = check::<Vector<5>, Net, Vector<1>>();
//! ```

use crate::infer::{Infer, InputError};
use crate::shape::Shape;
use crate::Scalar;
use generic_array::GenericArray;
#[cfg(feature = "alloc")]
use {crate::error::Result, alloc::string::String, alloc::vec, alloc::vec::Vec, rand::Rng};

/// A layer or network that maps `In`-shaped samples to `Self::Output`-shaped ones; the
/// compiler computes the output shape.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::module::Output;
/// fn same<A, B>() where A: Layer<Image<1, 8, 8>, Output = B> {}
/// same::<(Conv2d<1, 4, 3>, MaxPool2d<2>, Flatten), Vector<36>>();
/// let _ = core::marker::PhantomData::<Output<Flatten, Image<4, 3, 3>>>;
/// ```
#[diagnostic::on_unimplemented(
    message = "shape mismatch: `{Self}` cannot take input of shape `{In}`",
    label = "this layer/network does not accept that input shape",
    note = "each layer's input must be the previous layer's output: `Dense<I, O>` takes `Vector<I>`, `Conv2d<CI, ..>` takes `Image<CI, H, W>`"
)]
pub trait Layer<In: Shape> {
    /// The per-sample output shape.
    type Output: Shape;
}

/// The output shape of layer or network `M` on input `In`.
pub type Output<M, In> = <M as Layer<In>>::Output;

/// One stored tensor of a layer: its name (PyTorch's, e.g. `weight`) and dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TensorShape {
    /// The name within the layer.
    pub name: &'static str,
    /// The dimensions, outermost first (PyTorch's layouts, row-major).
    pub dims: &'static [usize],
}

impl TensorShape {
    /// The number of values.
    pub const fn numel(&self) -> usize {
        let mut n = 1;
        let mut i = 0;
        while i < self.dims.len() {
            n *= self.dims[i];
            i += 1;
        }
        n
    }
}

/// The stored tensors of a layer or network as a compile-time tree: a layer lists its tensors,
/// a tuple network lists its layers (which name them `0.`, `1.`, … as `nn.Sequential` does).
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::module::{Layout, TensorShape};
/// let layout = <(Dense<3, 2>, ReLU) as TensorLayout>::LAYOUT;
/// let Layout::Layers(layers) = layout else { panic!() };
/// assert_eq!(layers[0], Layout::Tensors(&[
///     TensorShape { name: "weight", dims: &[2, 3] },
///     TensorShape { name: "bias", dims: &[2] },
/// ]));
/// assert_eq!((layout.numel(), layout.tensor_count()), (8, 2));
/// assert_eq!(TensorShape { name: "weight", dims: &[2, 3] }.numel(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A layer's own tensors, in storage order.
    Tensors(&'static [TensorShape]),
    /// A network's layers, in order; layer `i`'s tensor names get the prefix `i.`.
    Layers(&'static [Layout]),
}

impl Layout {
    /// The number of stored values.
    pub const fn numel(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        match self {
            Layout::Tensors(tensors) => {
                while i < tensors.len() {
                    n += tensors[i].numel();
                    i += 1;
                }
            }
            Layout::Layers(layers) => {
                while i < layers.len() {
                    n += layers[i].numel();
                    i += 1;
                }
            }
        }
        n
    }

    /// The number of stored tensors.
    pub const fn tensor_count(&self) -> usize {
        match self {
            Layout::Tensors(tensors) => tensors.len(),
            Layout::Layers(layers) => {
                let mut n = 0;
                let mut i = 0;
                while i < layers.len() {
                    n += layers[i].tensor_count();
                    i += 1;
                }
                n
            }
        }
    }

    /// Calls `f` with each tensor's layer path (tuple indices, outermost first) and shape, in
    /// storage order.
    pub fn for_each(&self, f: &mut dyn FnMut(&[u16], &TensorShape)) {
        fn walk(
            layout: &Layout,
            path: &mut [u16; MAX_DEPTH],
            depth: usize,
            f: &mut dyn FnMut(&[u16], &TensorShape),
        ) {
            match layout {
                Layout::Tensors(tensors) => {
                    for t in *tensors {
                        f(&path[..depth.min(MAX_DEPTH)], t);
                    }
                }
                Layout::Layers(layers) => {
                    for (i, layer) in layers.iter().enumerate() {
                        if depth < MAX_DEPTH {
                            path[depth] = i as u16;
                        }
                        walk(layer, path, depth + 1, f);
                    }
                }
            }
        }
        walk(self, &mut [0; MAX_DEPTH], 0, f)
    }
}

/// The deepest nesting of tuple networks whose layer indices appear in tensor names; deeper
/// levels (a network nested in 8 others) are left out of the names.
pub const MAX_DEPTH: usize = 8;

/// The names and shapes of what a layer or network stores: its parameters, then non-trainable
/// state (batch-norm running statistics). This is what a weights file holds, in this order.
///
/// ```
/// use stratanet::prelude::*;
/// type Net = (Dense<5, 10>, ReLU, Dense<10, 1>);
/// assert_eq!(<Net as TensorLayout>::STORED, 60 + 11);
/// let mut names = Vec::new();
/// <Net as TensorLayout>::LAYOUT.for_each(&mut |path, t| names.push((path.to_vec(), t.name, t.dims)));
/// assert_eq!(names[0], (vec![0], "weight", &[10usize, 5][..]));
/// assert_eq!(names[3], (vec![2], "bias", &[1usize][..]));
/// ```
pub trait TensorLayout {
    /// The tensors, as a tree.
    const LAYOUT: Layout;
    /// The number of stored values (what a weights array for this network holds).
    const STORED: usize = Self::LAYOUT.numel();
}

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
#[cfg(feature = "alloc")]
pub trait Params<E: Scalar>: TensorLayout + Sized {
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
    /// The name and shape of every tensor [`Params::visit_tensors`] visits, in that order, with
    /// full names (a network's layers are `0.`, `1.`, …), from [`TensorLayout::LAYOUT`].
    fn tensor_specs() -> Vec<TensorSpec> {
        let mut specs = Vec::new();
        Self::LAYOUT.for_each(&mut |path, tensor| {
            let mut name = String::new();
            for i in path {
                name.push_str(&alloc::format!("{i}."));
            }
            name.push_str(tensor.name);
            specs.push(TensorSpec {
                name,
                shape: tensor.dims.to_vec(),
            });
        });
        specs
    }
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

/// The full name and shape of one stored tensor (PyTorch's layouts, row-major).
#[cfg(feature = "alloc")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// The tensor's name, e.g. `0.weight`.
    pub name: String,
    /// Its dimensions, outermost first.
    pub shape: Vec<usize>,
}

/// A layer or network that maps a batch of `In`-shaped samples to `Self::Output`-shaped ones,
/// and back-propagates through them.
///
/// Batches are flat row-major slices of `n` samples; `n` is a run-time number, shapes are not.
/// Buffers are owned by the caller (the training workspace), so a step allocates nothing.
#[diagnostic::on_unimplemented(
    message = "shape mismatch: `{Self}` cannot take input of shape `{In}`",
    label = "this layer/network does not accept that input shape",
    note = "each layer's input must be the previous layer's output: `Dense<I, O>` takes `Vector<I>`, `Conv2d<CI, ..>` takes `Image<CI, H, W>`"
)]
#[cfg(feature = "alloc")]
pub trait Module<In: Shape, E: Scalar>: Layer<In> + Params<E> {
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

#[cfg(feature = "alloc")]
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

#[cfg(feature = "alloc")]
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

#[cfg(feature = "alloc")]
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

#[cfg(feature = "alloc")]
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

#[cfg(feature = "alloc")]
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

/// Pins a network's input and output shapes at item level:
/// `const _: () = check::<Vector<64>, Net, Vector<10>>();` fails to compile on a mismatch.
/// Shapes only, so it works without `alloc` too; [`check_as`] also requires the network to
/// train with a given element type.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Vector<64>, (Dense<64, 32>, ReLU, Dense<32, 10>), Vector<10>>();
/// ```
pub const fn check<In: Shape, M: Layer<In, Output = Out>, Out: Shape>() {}

#[cfg(feature = "alloc")]
/// [`check`], and that the network trains with element type `E` (a [`Module`] for it).
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check_as::<Vector<3>, DenseT<Dim<3>, Dim<2>, f64>, Vector<2>, f64>();
/// ```
pub const fn check_as<In: Shape, M: Module<In, E, Output = Out>, Out: Shape, E: Scalar>() {}

#[cfg(feature = "alloc")]
/// Intermediate buffers of a tuple network: each boundary's activations and their gradients.
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

#[cfg(feature = "alloc")]
impl<E: Scalar> Params<E> for () {
    const PARAMS: usize = 0;
    fn init<R: Rng + ?Sized>(_: &mut R) -> Self {}
    fn zeros() -> Self {}
    fn visit(&self, _: &mut dyn FnMut(&[E])) {}
    fn visit_mut(&mut self, _: &mut dyn FnMut(&mut [E])) {}
    fn visit_with(&mut self, _: &Self, _: &mut dyn FnMut(&mut [E], &[E])) {}
}

macro_rules! tuple_params {
    ($($M:ident $i:tt),+) => {
        impl<$($M: TensorLayout),+> TensorLayout for ($($M,)+) {
            const LAYOUT: Layout = Layout::Layers(&[$($M::LAYOUT),+]);
        }

        #[cfg(feature = "alloc")]
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
            fn visit_tensors(&self, f: &mut dyn FnMut(&[E])) {
                $(self.$i.visit_tensors(f);)+
            }
            fn visit_tensors_mut(&mut self, f: &mut dyn FnMut(&mut [E])) {
                $(self.$i.visit_tensors_mut(f);)+
            }
        }
    };
}

impl<In: Shape, M0: Layer<In>> Layer<In> for (M0,) {
    type Output = M0::Output;
}

impl<In: Shape, E: Scalar, M0: Infer<In, E>> Infer<In, E> for (M0,) {
    const CHECKS_INPUT: bool = M0::CHECKS_INPUT;
    fn check_input(x: &[E]) -> core::result::Result<(), InputError> {
        M0::check_input(x)
    }
    fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
        M0::infer(tensors, x, y)
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, E: Scalar, M0: Module<In, E>> Module<In, E> for (M0,) {
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
            const CHECKS_INPUT: bool = $F::CHECKS_INPUT;

            fn check_input(x: &[E]) -> core::result::Result<(), InputError> {
                $F::check_input(x)
            }

            fn infer(tensors: &[E], x: &[E], y: &mut [E]) {
                // Each boundary's activations live on the stack, sized by its shape's type.
                let (own, rest) = tensors.split_at($F::STORED);
                let mut prev = GenericArray::<E, <$S1 as Shape>::Numel>::default();
                $F::infer(own, x, &mut prev);
                $(
                    let (own, rest) = rest.split_at($M::STORED);
                    let mut next = GenericArray::<E, <$S as Shape>::Numel>::default();
                    $M::infer(own, &prev, &mut next);
                    let prev = next;
                )*
                $L::infer(rest, &prev, y);
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

// S1 = Output<M0, In>, S2 = Output<M1, S1>, …, written out.
tuple_module!(first: M0 Output<M0, In>; middle: []; last: M1 1 Output<M0, In>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>]; last: M2 2 Output<M1, Output<M0, In>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>]; last: M3 3 Output<M2, Output<M1, Output<M0, In>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>]; last: M4 4 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>]; last: M5 5 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>]; last: M6 6 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>]; last: M7 7 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>]; last: M8 8 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>]; last: M9 9 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>]; last: M10 10 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>]; last: M11 11 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>]; last: M12 12 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>]; last: M13 13 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>; M13 13 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>]; last: M14 14 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>);
tuple_module!(first: M0 Output<M0, In>; middle: [M1 1 Output<M1, Output<M0, In>>, Output<M0, In>; M2 2 Output<M2, Output<M1, Output<M0, In>>>, Output<M1, Output<M0, In>>; M3 3 Output<M3, Output<M2, Output<M1, Output<M0, In>>>>, Output<M2, Output<M1, Output<M0, In>>>; M4 4 Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>; M5 5 Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>; M6 6 Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>; M7 7 Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>; M8 8 Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>; M9 9 Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>; M10 10 Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>; M11 11 Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>; M12 12 Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>; M13 13 Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>; M14 14 Output<M14, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>>, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>]; last: M15 15 Output<M14, Output<M13, Output<M12, Output<M11, Output<M10, Output<M9, Output<M8, Output<M7, Output<M6, Output<M5, Output<M4, Output<M3, Output<M2, Output<M1, Output<M0, In>>>>>>>>>>>>>>>);
