//! Single-sample inference without an allocator: weights in a `static`, on the stack, or
//! embedded at compile time from a weights file.
//!
//! A trained network's weights are one flat array in [`TensorLayout`](crate::module::TensorLayout) order — what
//! `persist::save_weights` writes after its header and
//! what `Weights` holds for training. A
//! [`Frozen`] network borrows such an array and runs one sample through the layers with
//! [`Infer`]. Its memory is known at compile time: [`Frozen::FLASH_BYTES`] for the weights and
//! [`Frozen::RAM_BYTES`] for one inference — the input, the output and [`Frozen::SCRATCH`]
//! values of working memory (the two largest activations, ping-ponged, and any layer's state),
//! which the caller provides as an array: in a `static`, on the heap, or on the stack for a
//! small network. The stack use of an inference itself is small and bounded whatever the
//! network (the output, and an 8 KiB block of a convolution), so nothing touches the heap. This module, the layer types, the shapes and the
//! kernels are what the crate offers without the `alloc` feature; none of them needs a global
//! allocator.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::infer::Frozen;
//! type Net = (Dense<2, 2>, Relu, Dense<2, 1>);
//! // [out, in] weights then bias, per layer: what a weights file holds after its header
//! static WEIGHTS: [f32; <Net as TensorLayout>::STORED] =
//!     [1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 1.0, 1.0, 0.5];
//! static NET: Frozen<Vector<2>, Net> = Frozen::new(&WEIGHTS);
//! let mut scratch = [0.0f32; Frozen::<Vector<2>, Net>::SCRATCH]; // the largest boundary, twice
//! let y = NET.forward_one(&[3.0, -2.0].into(), &mut scratch);
//! assert_eq!(y.as_slice(), &[5.5]); // relu(3) + relu(2) + 0.5
//! assert_eq!(Frozen::<Vector<2>, Net>::SCRATCH, 4);
//! assert_eq!(Frozen::<Vector<2>, Net>::RAM_BYTES, (4 + 2 + 1) * 4);
//! assert_eq!(Frozen::<Vector<2>, Net>::FLASH_BYTES, 9 * 4);
//! ```
//!
//! Weights files are parsed without allocating, at run time into an array on the stack with
//! [`decode_weights`](crate::persist::decode_weights), or at compile time into a `static` with
//! [`include_weights!`](crate::include_weights), where a file that does not match the network
//! is a compile error.

use crate::error::InputError;
use crate::kernels::rowwise::arg_max;
pub use crate::module::Infer;
use crate::shape::{Shape, Values};
use crate::Scalar;
use core::marker::PhantomData;
use generic_array::GenericArray;

/// A network `Net` over input shape `In` whose weights are borrowed from an array: no heap,
/// usable in a `static`.
///
/// The array must hold exactly the network's
/// [`TensorLayout::STORED`](crate::module::TensorLayout::STORED) values, and a scratch array at
/// least [`Frozen::SCRATCH`]; any other length is a compile error. Those two are reported by
/// `cargo build`, not `cargo check` (stable Rust cannot compare a const generic with an
/// associated constant in a type, so the check is a `const` assertion evaluated when the call is
/// compiled to code); every shape error, and `forward_one` on a network over token ids, is a type
/// error that `cargo check` and editors show.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::Frozen;
/// type Net = (Dense<3, 2>, Softmax);
/// let weights = [0.0f32; <Net as TensorLayout>::STORED]; // on the stack
/// let net = Frozen::<Vector<3>, Net>::new(&weights);
/// let mut scratch = [0.0f32; Frozen::<Vector<3>, Net>::SCRATCH];
/// let y = net.forward_one(&[1.0, 2.0, 3.0].into(), &mut scratch);
/// assert_eq!(y.as_slice(), &[0.5, 0.5]);
/// let class = net.predict_class(&[1.0, 2.0, 3.0].into(), &mut scratch);
/// assert_eq!(class, Some(0)); // ties go to the first
/// assert_eq!(net.tensors().len(), 8);
/// ```
pub struct Frozen<'w, In, Net, E = f32> {
    tensors: &'w [E],
    net: PhantomData<fn() -> (In, Net)>,
}

/// A second view of the same borrowed weights.
impl<In, Net, E> Clone for Frozen<'_, In, Net, E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<In, Net, E> Copy for Frozen<'_, In, Net, E> {}

/// The network type and the number of values it reads (not the values).
impl<In, Net, E> core::fmt::Debug for Frozen<'_, In, Net, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Frozen")
            .field("network", &core::any::type_name::<Net>())
            .field("values", &self.tensors.len())
            .finish()
    }
}

impl<'w, In: Shape, Net: Infer<In, E>, E: Scalar> Frozen<'w, In, Net, E> {
    /// Values of working memory one inference needs ([`Infer::SCRATCH`]): the length of the
    /// scratch array every call takes.
    pub const SCRATCH: usize = Net::SCRATCH;

    /// Flash for the weights, in bytes.
    pub const FLASH_BYTES: usize = Net::STORED * core::mem::size_of::<E>();

    /// RAM for one inference, in bytes: the scratch memory, the input and the output.
    pub const RAM_BYTES: usize =
        (Net::SCRATCH + In::NUMEL + <Net::Output as Shape>::NUMEL) * core::mem::size_of::<E>();

    /// The network over `tensors` (in [`TensorLayout`](crate::module::TensorLayout) order).
    pub const fn new<const N: usize>(tensors: &'w [E; N]) -> Self {
        const {
            assert!(
                N == Net::STORED,
                "the weights array must hold exactly the network's TensorLayout::STORED values"
            );
        };
        Self {
            tensors,
            net: PhantomData,
        }
    }

    /// The network's output for one sample, with `scratch` as working memory (at least
    /// [`Frozen::SCRATCH`] values; a shorter array does not build). A network over token ids
    /// (`Tokens<T>`, the input of an `Embedding`) must have them checked, so `forward_one` is a
    /// type error for it (seen by `cargo check` and editors); use [`Frozen::try_forward_one`]:
    ///
    /// ```compile_fail
    /// use stratanet::prelude::*;
    /// use stratanet::infer::Frozen;
    /// type Net = (Embedding<4, 2>, Flatten);
    /// let table = [0.0f32; <Net as TensorLayout>::STORED];
    /// let net = Frozen::<Tokens<2>, Net>::new(&table);
    /// let y = net.forward_one(&[3.0, 1.0].into(), &mut [0.0; 0]); // error: use try_forward_one
    /// ```
    pub fn forward_one<const S: usize>(
        &self,
        x: &GenericArray<E, In::Numel>,
        scratch: &mut [E; S],
    ) -> GenericArray<E, <Net::Output as Shape>::Numel>
    where
        In: Values,
    {
        self.run(x, scratch)
    }

    /// The network's output for one sample after [`Infer::check_input`]: token ids that are
    /// not whole numbers in the vocabulary are an `Err`. Works for every network.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::infer::Frozen;
    /// use stratanet::error::InputError;
    /// type Net = (Embedding<4, 2>, Flatten);
    /// let table = [0.0f32, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]; // token i → [i, i]
    /// let net = Frozen::<Tokens<2>, Net>::new(&table);
    /// let mut scratch = [0.0f32; Frozen::<Tokens<2>, Net>::SCRATCH];
    /// let y = net.try_forward_one(&[3.0, 1.0].into(), &mut scratch)?;
    /// assert_eq!(y.as_slice(), &[3.0, 3.0, 1.0, 1.0]);
    /// let err = net.try_forward_one(&[3.0, 4.0].into(), &mut scratch).unwrap_err();
    /// assert_eq!(err, InputError::TokenOutOfRange { index: 1, value: 4.0, vocabulary: 4 });
    /// # Ok::<(), InputError>(())
    /// ```
    pub fn try_forward_one<const S: usize>(
        &self,
        x: &GenericArray<E, In::Numel>,
        scratch: &mut [E; S],
    ) -> Result<GenericArray<E, <Net::Output as Shape>::Numel>, InputError> {
        Net::check_input(x)?;
        Ok(self.run(x, scratch))
    }

    fn run<const S: usize>(
        &self,
        x: &[E],
        scratch: &mut [E; S],
    ) -> GenericArray<E, <Net::Output as Shape>::Numel> {
        const {
            assert!(
                S >= Net::SCRATCH,
                "the scratch array must hold at least Frozen::SCRATCH values"
            );
        };
        let mut y = GenericArray::default();
        Net::infer(self.tensors, x, &mut y, scratch);
        y
    }

    /// The index of the largest output for one sample (the class a classifier predicts; the
    /// first on ties), `None` when an output is NaN; like [`Frozen::forward_one`], only for
    /// networks that take any input.
    pub fn predict_class<const S: usize>(
        &self,
        x: &GenericArray<E, In::Numel>,
        scratch: &mut [E; S],
    ) -> Option<usize>
    where
        In: Values,
    {
        arg_max(&self.forward_one(x, scratch))
    }

    /// The weights this network reads.
    #[must_use]
    pub fn tensors(&self) -> &'w [E] {
        self.tensors
    }
}
