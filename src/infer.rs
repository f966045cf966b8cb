//! Single-sample inference without an allocator: weights in a `static`, on the stack, or
//! embedded at compile time from a weights file.
//!
//! A trained network's weights are one flat array in [`TensorLayout`] order — what
//! [`persist::save_weights`](crate::persist::save_weights) writes after its header. A
//! [`Frozen`] network borrows such an array and runs one sample through the layers with
//! [`Infer`]: every intermediate activation is a `GenericArray` on the stack, sized by its
//! shape's type, so nothing touches the heap. This module, the layer types, the shapes and the
//! kernels are what the crate offers without the `alloc` feature; none of them needs a global
//! allocator.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::infer::Frozen;
//! type Net = (Dense<2, 2>, ReLU, Dense<2, 1>);
//! // [out, in] weights then bias, per layer: what a weights file holds after its header
//! static WEIGHTS: [f32; <Net as TensorLayout>::STORED] =
//!     [1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 1.0, 1.0, 0.5];
//! static NET: Frozen<Vector<2>, Net> = Frozen::new(&WEIGHTS);
//! let y = NET.forward_one(&[3.0, -2.0].into());
//! assert_eq!(y.as_slice(), &[5.5]); // relu(3) + relu(2) + 0.5
//! ```
//!
//! Weights files are parsed without allocating, at run time into an array on the stack with
//! [`decode_weights`], or at compile time into a `static` with
//! [`include_weights!`](crate::include_weights), where a file that does not match the network
//! is a compile error.

use crate::kernels::rowwise::arg_max;
use crate::module::{Layer, Layout, TensorLayout, MAX_DEPTH};
use crate::shape::Shape;
use crate::Scalar;
use core::fmt;
use core::marker::PhantomData;
use generic_array::GenericArray;

/// A layer or network that runs one sample forward reading its weights from a flat slice.
///
/// Implemented by every layer and by tuple networks of them; [`Frozen`] is the way to call a
/// network. A network whose input must be checked first (token ids for an `Embedding`) says so
/// with [`Infer::CHECKS_INPUT`]; `Frozen` then offers only the checked
/// [`Frozen::try_forward_one`].
///
/// ```
/// use stratanet::prelude::*;
/// // weight [[2, 0], [0, 3]], bias [1, 1]
/// let mut y = [0.0f32; 2];
/// let tensors = [2.0, 0.0, 0.0, 3.0, 1.0, 1.0];
/// <Dense<2, 2> as Infer<Vector<2>, f32>>::infer(&tensors, &[1.0, 1.0], &mut y);
/// assert_eq!(y, [3.0, 4.0]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot run allocation-free inference on input of shape `{In}`",
    label = "this layer/network does not accept that input shape, or has no allocation-free inference",
    note = "each layer's input must be the previous layer's output"
)]
pub trait Infer<In: Shape, E: Scalar>: Layer<In> + TensorLayout {
    /// Whether inputs must pass [`Infer::check_input`] before [`Infer::infer`] may see them.
    const CHECKS_INPUT: bool = false;

    /// Checks input values this layer cannot take (token ids out of range); the default
    /// accepts all.
    fn check_input(_x: &[E]) -> Result<(), InputError> {
        Ok(())
    }

    /// One sample forward: `tensors` holds this layer's [`TensorLayout::STORED`] values in
    /// layout order, `x` one input sample (`In::NUMEL` values), `y` receives one output sample.
    fn infer(tensors: &[E], x: &[E], y: &mut [E]);
}

/// A network `Net` over input shape `In` whose weights are borrowed from an array: no heap,
/// usable in a `static`.
///
/// The array must hold exactly the network's [`TensorLayout::STORED`] values; any other
/// length is a compile error.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::Frozen;
/// type Net = (Dense<3, 2>, Softmax);
/// let weights = [0.0f32; <Net as TensorLayout>::STORED]; // on the stack
/// let net = Frozen::<Vector<3>, Net>::new(&weights);
/// let y = net.forward_one(&[1.0, 2.0, 3.0].into());
/// assert_eq!(y.as_slice(), &[0.5, 0.5]);
/// assert_eq!(net.predict_class(&[1.0, 2.0, 3.0].into()), 0); // ties go to the first
/// assert_eq!(net.tensors().len(), 8);
/// ```
pub struct Frozen<'w, In, Net, E = f32> {
    tensors: &'w [E],
    net: PhantomData<fn() -> (In, Net)>,
}

impl<'w, In: Shape, Net: Infer<In, E>, E: Scalar> Frozen<'w, In, Net, E> {
    /// The network over `tensors` (in [`TensorLayout`] order).
    pub const fn new<const N: usize>(tensors: &'w [E; N]) -> Self {
        const {
            assert!(
                N == Net::STORED,
                "the weights array must hold exactly the network's TensorLayout::STORED values"
            )
        };
        Self {
            tensors,
            net: PhantomData,
        }
    }

    /// The network's output for one sample. For a network whose input must be checked
    /// ([`Infer::CHECKS_INPUT`], e.g. one that starts with an `Embedding`) this does not build
    /// (the check runs when the call is compiled to code, so `cargo check` does not see it);
    /// use [`Frozen::try_forward_one`]:
    ///
    /// ```compile_fail
    /// use stratanet::prelude::*;
    /// use stratanet::infer::Frozen;
    /// type Net = (Embedding<4, 2>, Flatten);
    /// let table = [0.0f32; <Net as TensorLayout>::STORED];
    /// let net = Frozen::<Vector<2>, Net>::new(&table);
    /// let y = net.forward_one(&[3.0, 1.0].into()); // error: use try_forward_one
    /// ```
    pub fn forward_one(
        &self,
        x: &GenericArray<E, In::Numel>,
    ) -> GenericArray<E, <Net::Output as Shape>::Numel> {
        const {
            assert!(
                !Net::CHECKS_INPUT,
                "this network's input must be checked (token ids): use try_forward_one"
            )
        };
        self.run(x)
    }

    /// The network's output for one sample after [`Infer::check_input`]: token ids that are
    /// not whole numbers in the vocabulary are an `Err`. Works for every network.
    ///
    /// ```
    /// use stratanet::prelude::*;
    /// use stratanet::infer::{Frozen, InputError};
    /// type Net = (Embedding<4, 2>, Flatten);
    /// let table = [0.0f32, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]; // token i → [i, i]
    /// let net = Frozen::<Vector<2>, Net>::new(&table);
    /// assert_eq!(net.try_forward_one(&[3.0, 1.0].into())?.as_slice(), &[3.0, 3.0, 1.0, 1.0]);
    /// let err = net.try_forward_one(&[3.0, 4.0].into()).unwrap_err();
    /// assert_eq!(err, InputError::TokenOutOfRange { index: 1, value: 4.0, vocabulary: 4 });
    /// # Ok::<(), InputError>(())
    /// ```
    pub fn try_forward_one(
        &self,
        x: &GenericArray<E, In::Numel>,
    ) -> Result<GenericArray<E, <Net::Output as Shape>::Numel>, InputError> {
        Net::check_input(x)?;
        Ok(self.run(x))
    }

    fn run(&self, x: &[E]) -> GenericArray<E, <Net::Output as Shape>::Numel> {
        let mut y = GenericArray::default();
        Net::infer(self.tensors, x, &mut y);
        y
    }

    /// The index of the largest output for one sample (the class a classifier predicts; the
    /// first on ties); like [`Frozen::forward_one`], only for networks that take any input.
    pub fn predict_class(&self, x: &GenericArray<E, In::Numel>) -> usize {
        arg_max(&self.forward_one(x))
    }

    /// The weights this network reads.
    pub fn tensors(&self) -> &'w [E] {
        self.tensors
    }
}

/// An input value a network cannot take, found by [`Infer::check_input`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InputError {
    /// A token id that is not a whole number in `0..vocabulary`.
    TokenOutOfRange {
        /// Position of the id in the input.
        index: usize,
        /// The value that came.
        value: f64,
        /// The vocabulary size the embedding fixes.
        vocabulary: usize,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TokenOutOfRange {
                index,
                value,
                vocabulary,
            } => write!(
                f,
                "token ids[{index}]: expected a whole number in 0..{vocabulary}, got {value}"
            ),
        }
    }
}

impl core::error::Error for InputError {}

/// The first bytes of every weights file.
pub const MAGIC: &[u8; 8] = b"STRATNET";
/// The weights file format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// A tensor's full name as the network expects it (`0.weight`), kept without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TensorName {
    path: [u16; MAX_DEPTH],
    depth: usize,
    name: &'static str,
}

/// The first bytes of a tensor name found in a file (up to 32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundName {
    bytes: [u8; 32],
    len: usize,
    full_len: usize,
}

/// A tensor shape found in a file (the dimensions of ranks up to 4 are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundShape {
    dims: [usize; 4],
    rank: usize,
}

impl fmt::Display for TensorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Message::new().tensor(self).as_str())
    }
}

impl fmt::Display for FoundName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Message::new().found_name(self).as_str())
    }
}

impl fmt::Display for FoundShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Message::new().found_shape(self).as_str())
    }
}

/// Why a weights file does not fit a network. Says what was expected and what came, without
/// allocating; its parts print on their own too.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::{check_weights, WeightsError};
/// use rand::SeedableRng;
/// let net = <(Dense<3, 4>, ReLU) as Params<f32>>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
/// let file = stratanet::persist::save_weights(&net);
/// let layout = <(Dense<3, 5>, ReLU) as TensorLayout>::LAYOUT;
/// let Err(WeightsError::Shape { tensor, found, .. }) = check_weights(&file, &layout, 4) else {
///     panic!("expected a shape error");
/// };
/// assert_eq!((tensor.to_string(), found.to_string()), ("0.weight".into(), "[4, 3]".into()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightsError {
    /// The file ends at byte `offset`, inside `what`.
    Truncated {
        /// Where the file ends.
        offset: usize,
        /// What was being read.
        what: &'static str,
    },
    /// The first 8 bytes are not `STRATNET`.
    Magic,
    /// Another format version.
    Version {
        /// The version in the file.
        found: u32,
    },
    /// Elements of another size than the network's element type.
    ElementSize {
        /// The network's element size in bytes.
        expected: usize,
        /// The file's.
        found: usize,
    },
    /// Another number of tensors.
    TensorCount {
        /// The network's.
        expected: usize,
        /// The file's.
        found: usize,
    },
    /// A tensor named otherwise than the network's tensor at that position.
    Name {
        /// The network's name.
        expected: TensorName,
        /// The file's.
        found: FoundName,
    },
    /// A tensor of another shape than the network's.
    Shape {
        /// The tensor.
        tensor: TensorName,
        /// The network's shape.
        expected: &'static [usize],
        /// The file's.
        found: FoundShape,
    },
    /// Bytes after the last value.
    TrailingBytes {
        /// Where the values end.
        offset: usize,
        /// How many bytes follow.
        extra: usize,
    },
}

/// A message built at compile time or run time alike (const fns cannot format), cut at 192
/// bytes.
pub struct Message {
    bytes: [u8; 192],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Self {
            bytes: [0; 192],
            len: 0,
        }
    }

    const fn bytes(mut self, text: &[u8]) -> Self {
        let mut i = 0;
        while i < text.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = text[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn text(self, text: &str) -> Self {
        self.bytes(text.as_bytes())
    }

    const fn number(self, value: u64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.bytes(digits.split_at(start).1)
    }

    const fn tensor(mut self, name: &TensorName) -> Self {
        let mut level = 0;
        while level < name.depth {
            self = self.number(name.path[level] as u64).text(".");
            level += 1;
        }
        self.text(name.name)
    }

    const fn found_name(self, found: &FoundName) -> Self {
        let name = found.bytes.split_at(found.len).0;
        let shown = match core::str::from_utf8(name) {
            Ok(_) => self.bytes(name),
            Err(_) => self.text("<not UTF-8>"),
        };
        if found.full_len > found.len {
            shown
                .text("… (")
                .number(found.full_len as u64)
                .text(" bytes)")
        } else {
            shown
        }
    }

    const fn dims(mut self, dims: &[usize]) -> Self {
        self = self.text("[");
        let mut i = 0;
        while i < dims.len() {
            if i > 0 {
                self = self.text(", ");
            }
            self = self.number(dims[i] as u64);
            i += 1;
        }
        self.text("]")
    }

    const fn found_shape(self, found: &FoundShape) -> Self {
        if found.rank > found.dims.len() {
            return self
                .text("a rank-")
                .number(found.rank as u64)
                .text(" shape");
        }
        self.dims(found.dims.split_at(found.rank).0)
    }

    /// The text (a cut inside a character shows as the valid part before it).
    pub const fn as_str(&self) -> &str {
        let bytes = self.bytes.split_at(self.len).0;
        match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => match core::str::from_utf8(bytes.split_at(e.valid_up_to()).0) {
                Ok(text) => text,
                Err(_) => "",
            },
        }
    }
}

impl WeightsError {
    /// What was expected and what came, as [`fmt::Display`] writes it; a const fn, so a
    /// compile-time check ([`include_weights!`](crate::include_weights)) stops with the same words.
    ///
    /// ```
    /// use stratanet::infer::WeightsError;
    /// const TEXT: &str = "weights file at byte 8: expected format version 1, got 3";
    /// const SAME: bool = {
    ///     let m = WeightsError::Version { found: 3 }.message();
    ///     let (a, b) = (m.as_str().as_bytes(), TEXT.as_bytes());
    ///     let mut same = a.len() == b.len();
    ///     let mut i = 0;
    ///     while same && i < a.len() {
    ///         same = a[i] == b[i];
    ///         i += 1;
    ///     }
    ///     same
    /// };
    /// assert!(SAME);
    /// assert_eq!(WeightsError::Version { found: 3 }.to_string(), TEXT);
    /// ```
    pub const fn message(&self) -> Message {
        let m = Message::new();
        match self {
            WeightsError::Truncated { offset, what } => m
                .text("weights file at byte ")
                .number(*offset as u64)
                .text(": expected ")
                .text(what)
                .text(", got the end of the file"),
            WeightsError::Magic => {
                m.text("weights file at byte 0: expected the magic bytes STRATNET, got others")
            }
            WeightsError::Version { found } => m
                .text("weights file at byte 8: expected format version ")
                .number(VERSION as u64)
                .text(", got ")
                .number(*found as u64),
            WeightsError::ElementSize { expected, found } => m
                .text("weights file at byte 12: expected ")
                .number(*expected as u64)
                .text("-byte elements, got ")
                .number(*found as u64)
                .text("-byte elements"),
            WeightsError::TensorCount { expected, found } => m
                .text("weights file at byte 13: expected ")
                .number(*expected as u64)
                .text(" tensors, got ")
                .number(*found as u64),
            WeightsError::Name { expected, found } => m
                .text("weights file: expected tensor `")
                .tensor(expected)
                .text("`, got `")
                .found_name(found)
                .text("`"),
            WeightsError::Shape {
                tensor,
                expected,
                found,
            } => m
                .text("weights file: tensor `")
                .tensor(tensor)
                .text("`: expected shape ")
                .dims(expected)
                .text(", got ")
                .found_shape(found),
            WeightsError::TrailingBytes { offset, extra } => m
                .text("weights file at byte ")
                .number(*offset as u64)
                .text(": expected the end of the file, got ")
                .number(*extra as u64)
                .text(" more bytes"),
        }
    }
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_str())
    }
}

impl core::error::Error for WeightsError {}

/// `Ok` when `len` bytes follow byte `at`, else the truncation error naming `what`.
const fn ensure(
    bytes: &[u8],
    at: usize,
    len: usize,
    what: &'static str,
) -> Result<(), WeightsError> {
    if at > bytes.len() || bytes.len() - at < len {
        return Err(WeightsError::Truncated {
            offset: bytes.len(),
            what,
        });
    }
    Ok(())
}

/// A checked little-endian read of `len` bytes at `at` (at most 8), as a `u64`.
const fn read_le(
    bytes: &[u8],
    at: usize,
    len: usize,
    what: &'static str,
) -> Result<u64, WeightsError> {
    if let Err(e) = ensure(bytes, at, len, what) {
        return Err(e);
    }
    let mut value = 0u64;
    let mut i = 0;
    while i < len {
        value |= (bytes[at + i] as u64) << (8 * i);
        i += 1;
    }
    Ok(value)
}

/// Whether `bytes[at..at + len]` spells `path` as `i.j.` followed by `name`.
const fn name_matches(bytes: &[u8], at: usize, len: usize, expected: &TensorName) -> bool {
    let mut k = 0;
    let mut level = 0;
    while level < expected.depth {
        let index = expected.path[level];
        let mut digits = [0u8; 5];
        let mut count = 0;
        let mut rest = index;
        loop {
            digits[count] = b'0' + (rest % 10) as u8;
            count += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        while count > 0 {
            count -= 1;
            if k >= len || bytes[at + k] != digits[count] {
                return false;
            }
            k += 1;
        }
        if k >= len || bytes[at + k] != b'.' {
            return false;
        }
        k += 1;
        level += 1;
    }
    let name = expected.name.as_bytes();
    if len - k != name.len() {
        return false;
    }
    let mut i = 0;
    while i < name.len() {
        if bytes[at + k + i] != name[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Checks the headers of the tensors under `layout` (at `path[..depth]`) from byte `at`;
/// returns the byte after them.
const fn check_tensors(
    bytes: &[u8],
    mut at: usize,
    layout: &Layout,
    path: [u16; MAX_DEPTH],
    depth: usize,
) -> Result<usize, WeightsError> {
    match layout {
        Layout::Layers(layers) => {
            let mut i = 0;
            while i < layers.len() {
                let mut inner = path;
                if depth < MAX_DEPTH {
                    inner[depth] = i as u16;
                }
                at = match check_tensors(bytes, at, &layers[i], inner, depth + 1) {
                    Ok(next) => next,
                    Err(e) => return Err(e),
                };
                i += 1;
            }
            Ok(at)
        }
        Layout::Tensors(tensors) => {
            let mut t = 0;
            while t < tensors.len() {
                let expected = TensorName {
                    path,
                    depth: if depth < MAX_DEPTH { depth } else { MAX_DEPTH },
                    name: tensors[t].name,
                };
                let name_len = match read_le(bytes, at, 4, "a tensor name length") {
                    Ok(v) => v as usize,
                    Err(e) => return Err(e),
                };
                at += 4;
                if let Err(e) = ensure(bytes, at, name_len, "a tensor name") {
                    return Err(e);
                }
                if !name_matches(bytes, at, name_len, &expected) {
                    let mut found = FoundName {
                        bytes: [0; 32],
                        len: 0,
                        full_len: name_len,
                    };
                    while found.len < name_len && found.len < found.bytes.len() {
                        found.bytes[found.len] = bytes[at + found.len];
                        found.len += 1;
                    }
                    return Err(WeightsError::Name { expected, found });
                }
                at += name_len;
                let rank = match read_le(bytes, at, 4, "a tensor rank") {
                    Ok(v) => v as usize,
                    Err(e) => return Err(e),
                };
                at += 4;
                let dims = tensors[t].dims;
                let mut found = FoundShape { dims: [0; 4], rank };
                let mut same = rank == dims.len();
                let mut d = 0;
                while d < rank {
                    let dim = match read_le(bytes, at, 8, "a tensor dimension") {
                        Ok(v) => v,
                        Err(e) => return Err(e),
                    };
                    at += 8;
                    if d < found.dims.len() {
                        // A dimension beyond `usize` (on a 32-bit target) shows as its maximum.
                        found.dims[d] = if dim > usize::MAX as u64 {
                            usize::MAX
                        } else {
                            dim as usize
                        };
                    }
                    if same && dim != dims[d] as u64 {
                        same = false;
                    }
                    d += 1;
                }
                if !same {
                    return Err(WeightsError::Shape {
                        tensor: expected,
                        expected: dims,
                        found,
                    });
                }
                t += 1;
            }
            Ok(at)
        }
    }
}

/// Checks a whole weights file against `layout` with `element_size`-byte values: header,
/// every tensor's name and shape in order, the data length and nothing after it. Returns the
/// byte where the values start. Never panics, never allocates; usable in `const`.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::{check_weights, WeightsError};
/// type Net = (Dense<3, 4>, ReLU, Dense<4, 2>);
/// let layout = <Net as TensorLayout>::LAYOUT;
/// assert_eq!(check_weights(b"STRATNEX", &layout, 4), Err(WeightsError::Magic));
/// ```
pub const fn check_weights(
    bytes: &[u8],
    layout: &Layout,
    element_size: usize,
) -> Result<usize, WeightsError> {
    if bytes.len() < MAGIC.len() {
        return Err(WeightsError::Truncated {
            offset: bytes.len(),
            what: "the magic bytes",
        });
    }
    let mut i = 0;
    while i < MAGIC.len() {
        if bytes[i] != MAGIC[i] {
            return Err(WeightsError::Magic);
        }
        i += 1;
    }
    let version = match read_le(bytes, 8, 4, "the format version") {
        Ok(v) => v as u32,
        Err(e) => return Err(e),
    };
    if version != VERSION {
        return Err(WeightsError::Version { found: version });
    }
    let size = match read_le(bytes, 12, 1, "the element size") {
        Ok(v) => v as usize,
        Err(e) => return Err(e),
    };
    if size != element_size {
        return Err(WeightsError::ElementSize {
            expected: element_size,
            found: size,
        });
    }
    let count = match read_le(bytes, 13, 4, "the tensor count") {
        Ok(v) => v as usize,
        Err(e) => return Err(e),
    };
    if count != layout.tensor_count() {
        return Err(WeightsError::TensorCount {
            expected: layout.tensor_count(),
            found: count,
        });
    }
    let start = match check_tensors(bytes, 17, layout, [0; MAX_DEPTH], 0) {
        Ok(at) => at,
        Err(e) => return Err(e),
    };
    let data = layout.numel() * element_size;
    if bytes.len() - start < data {
        return Err(WeightsError::Truncated {
            offset: bytes.len(),
            what: "the tensor values",
        });
    }
    if bytes.len() - start > data {
        return Err(WeightsError::TrailingBytes {
            offset: start + data,
            extra: bytes.len() - start - data,
        });
    }
    Ok(start)
}

/// Converts little-endian values (4 or 8 bytes each, as `E`) into `out`.
pub(crate) fn decode_values<E: Scalar>(data: &[u8], out: &mut [E]) {
    if core::mem::size_of::<E>() == 4 {
        for (v, b) in out.iter_mut().zip(data.chunks_exact(4)) {
            *v = E::from_f64(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
        }
    } else {
        for (v, b) in out.iter_mut().zip(data.chunks_exact(8)) {
            *v = E::from_f64(f64::from_le_bytes([
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
            ]));
        }
    }
}

/// Reads a weights file for network `Net` into `out` (on the stack, say), without allocating.
/// The array's length must be `Net`'s [`TensorLayout::STORED`] (checked at compile time); a
/// file that does not match `Net` is an `Err` and leaves `out` unchanged.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::{decode_weights, Frozen};
/// use rand::SeedableRng;
/// type Net = (Dense<3, 4>, ReLU, Dense<4, 2>);
/// let trained = <Net as Params<f32>>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
/// let file = stratanet::persist::save_weights(&trained);
///
/// let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
/// decode_weights::<f32, Net, _>(&file, &mut weights)?;
/// let net = Frozen::<Vector<3>, Net>::new(&weights);
/// let y = net.forward_one(&[1.0, 2.0, 3.0].into());
/// assert_eq!(y.len(), 2);
/// // another network refuses the file, naming the tensor
/// let mut other = [0.0f32; <(Dense<3, 5>, ReLU, Dense<5, 2>) as TensorLayout>::STORED];
/// let err = decode_weights::<f32, (Dense<3, 5>, ReLU, Dense<5, 2>), _>(&file, &mut other);
/// let message = err.unwrap_err().to_string();
/// assert!(message.contains("tensor `0.weight`: expected shape [5, 3], got [4, 3]"));
/// # Ok::<(), stratanet::infer::WeightsError>(())
/// ```
pub fn decode_weights<E: Scalar, Net: TensorLayout, const N: usize>(
    bytes: &[u8],
    out: &mut [E; N],
) -> Result<(), WeightsError> {
    const {
        assert!(
            N == Net::STORED,
            "the weights array must hold exactly the network's TensorLayout::STORED values"
        )
    };
    let start = check_weights(bytes, &Net::LAYOUT, core::mem::size_of::<E>())?;
    decode_values(&bytes[start..], out);
    Ok(())
}

/// The `f32` values of a weights file for `layout`, at compile time: any mismatch between the
/// file and the network (or `N`) stops compilation. Used through
/// [`include_weights!`](crate::include_weights).
pub const fn embed_f32<const N: usize>(bytes: &[u8], layout: &Layout) -> [f32; N] {
    let start = match check_weights(bytes, layout, 4) {
        Ok(start) => start,
        Err(e) => panic!("{}", e.message().as_str()),
    };
    assert!(
        N == layout.numel(),
        "the weights array must hold exactly the network's TensorLayout::STORED values"
    );
    let mut out = [0.0f32; N];
    let mut i = 0;
    while i < N {
        let at = start + 4 * i;
        out[i] = f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        i += 1;
    }
    out
}

/// The `f32` weights of network `$net` from the weights file at `$path` (as `include_bytes!`
/// finds it), checked against the network and decoded at compile time: a file that does not
/// match the network is a compile error. The value is a `[f32; STORED]` for a `static`.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::Frozen;
/// type Net = (Conv2d<1, 8, 3, 1, 1>, ReLU, MaxPool2d<2>, Flatten, Dense<128, 10>);
/// static WEIGHTS: [f32; <Net as TensorLayout>::STORED] = stratanet::include_weights!(
///     Net,
///     concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no_std_proof/digits_cnn.stnet")
/// );
/// static NET: Frozen<Image<1, 8, 8>, Net> = Frozen::new(&WEIGHTS);
/// assert!(NET.predict_class(&Default::default()) < 10);
/// ```
#[macro_export]
macro_rules! include_weights {
    ($net:ty, $path:expr) => {
        $crate::infer::embed_f32::<{ <$net as $crate::module::TensorLayout>::STORED }>(
            include_bytes!($path),
            &<$net as $crate::module::TensorLayout>::LAYOUT,
        )
    };
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::layers::{Dense, ReLU};
    use crate::module::TensorLayout;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    /// A weights file written by hand: `(name, dims)` headers, then `values` f32 zeros.
    fn file(tensors: &[(&[u8], &[u64])], values: usize) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(4);
        out.extend_from_slice(&(tensors.len() as u32).to_le_bytes());
        for (name, dims) in tensors {
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.extend_from_slice(name);
            out.extend_from_slice(&(dims.len() as u32).to_le_bytes());
            for d in *dims {
                out.extend_from_slice(&d.to_le_bytes());
            }
        }
        out.resize(out.len() + 4 * values, 0);
        out
    }

    type Net = (Dense<3, 2>, ReLU);

    fn check(bytes: &[u8]) -> Result<usize, WeightsError> {
        check_weights(bytes, &<Net as TensorLayout>::LAYOUT, 4)
    }

    #[test]
    fn a_hand_written_file_is_read() {
        let good = file(&[(b"0.weight", &[2, 3]), (b"0.bias", &[2])], 8);
        assert_eq!(check(&good), Ok(good.len() - 32));
    }

    #[test]
    fn names_that_differ_are_shown_as_they_came() {
        let long = [b'x'; 40];
        let err = check(&file(&[(&long, &[2, 3]), (b"0.bias", &[2])], 8)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "weights file: expected tensor `0.weight`, got `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (40 bytes)`"
        );
        let err = check(&file(&[(&[0xff, 0xfe], &[2, 3]), (b"0.bias", &[2])], 8)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "weights file: expected tensor `0.weight`, got `<not UTF-8>`"
        );
        // a prefix of the right name is not the name
        let err = check(&file(&[(b"0.weigh", &[2, 3]), (b"0.bias", &[2])], 8)).unwrap_err();
        assert!(matches!(err, WeightsError::Name { .. }));
    }

    #[test]
    fn shapes_that_differ_are_shown_as_they_came() {
        let err = check(&file(
            &[(b"0.weight", &[2, 3, 1, 1, 1]), (b"0.bias", &[2])],
            8,
        ));
        assert_eq!(
            err.unwrap_err().to_string(),
            "weights file: tensor `0.weight`: expected shape [2, 3], got a rank-5 shape"
        );
        let err = check(&file(&[(b"0.weight", &[3, 2]), (b"0.bias", &[2])], 8));
        assert_eq!(
            err.unwrap_err().to_string(),
            "weights file: tensor `0.weight`: expected shape [2, 3], got [3, 2]"
        );
        let huge = check(&file(
            &[(b"0.weight", &[2, u64::MAX]), (b"0.bias", &[2])],
            8,
        ));
        assert!(matches!(huge, Err(WeightsError::Shape { .. })));
    }
}
