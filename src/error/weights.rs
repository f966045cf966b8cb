//! Why a weights file does not fit a network, with its parts (the expected tensor name, the
//! name and shape found), and the const message writer that prints them at compile time and run
//! time alike.

use core::fmt;

/// How many levels of a tensor's layer path an error message keeps (a deeper path is shown cut,
/// with `…`). Names themselves are unique at any depth: files and the parser use the whole path.
pub const MAX_DEPTH: usize = 8;

/// One level of a tensor's layer path (its index in its tuple) and the levels above it: a path
/// of any depth without an allocator, as the const parser and the layout walker recurse.
#[derive(Clone, Copy, Debug)]
pub struct PathFrame<'a> {
    /// The index within the enclosing tuple.
    pub index: u16,
    /// The enclosing levels; `None` at the top.
    pub parent: Option<&'a PathFrame<'a>>,
}

impl PathFrame<'_> {
    /// The number of levels from the top to this one.
    #[must_use]
    pub const fn depth(frame: Option<&PathFrame<'_>>) -> usize {
        match frame {
            None => 0,
            Some(f) => 1 + PathFrame::depth(f.parent),
        }
    }
}

/// A tensor's full name as the network expects it (`0.weight`), kept without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TensorName {
    pub(crate) path: [u16; MAX_DEPTH],
    pub(crate) depth: usize,
    pub(crate) full_depth: usize,
    pub(crate) name: &'static str,
}

impl TensorName {
    /// The name of tensor `name` at `frame`, its innermost [`MAX_DEPTH`] levels kept (the
    /// ones that tell neighbouring layers apart).
    pub(crate) const fn at(frame: Option<&PathFrame<'_>>, name: &'static str) -> Self {
        let full_depth = PathFrame::depth(frame);
        let depth = if full_depth < MAX_DEPTH {
            full_depth
        } else {
            MAX_DEPTH
        };
        let mut path = [0u16; MAX_DEPTH];
        let mut kept = depth;
        let mut current = frame;
        while let Some(f) = current {
            if kept == 0 {
                break;
            }
            kept -= 1;
            path[kept] = f.index;
            current = f.parent;
        }
        Self {
            path,
            depth,
            full_depth,
            name,
        }
    }
}

/// The first bytes of a tensor name found in a file (up to 32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundName {
    pub(crate) bytes: [u8; 32],
    pub(crate) len: usize,
    pub(crate) full_len: usize,
}

/// A tensor shape found in a file (the dimensions of ranks up to 4 are kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundShape {
    pub(crate) dims: [usize; 4],
    pub(crate) rank: usize,
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
/// use stratanet::error::WeightsError;
/// use stratanet::persist::check_weights;
/// use rand::SeedableRng;
/// let net = Weights::<(Dense<3, 4>, Relu)>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
/// let file = stratanet::persist::save_weights(&net);
/// let layout = <(Dense<3, 5>, Relu) as TensorLayout>::LAYOUT;
/// let Err(WeightsError::Shape { tensor, found, .. }) = check_weights(&file, &layout, 4) else {
///     panic!("expected a shape error");
/// };
/// assert_eq!((tensor.to_string(), found.to_string()), ("0.weight".into(), "[4, 3]".into()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
        /// The version this crate reads.
        expected: u32,
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
    /// A NaN or infinite value: a model that would predict nothing sensible.
    NonFinite {
        /// The tensor.
        tensor: TensorName,
        /// The value's position in it.
        index: usize,
    },
    /// A quantized file with another number of 32-bit tensors than the network's.
    WordTensorCount {
        /// Where the count is.
        offset: usize,
        /// The network's.
        expected: usize,
        /// The file's.
        found: usize,
    },
    /// A quantized file whose input or output quantization is not usable (a scale that is not
    /// positive and finite, a zero point outside `-128..=127`).
    Quantization {
        /// Where those values are.
        offset: usize,
    },
}

/// A message built at compile time or run time alike (const fns cannot format), cut at 192
/// bytes.
#[derive(Clone, Copy, Debug)]
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
        if name.full_depth > name.depth {
            self = self.text("….");
        }
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
    #[must_use]
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
    /// use stratanet::error::WeightsError;
    /// const TEXT: &str = "weights file at byte 8: expected format version 1, got 3";
    /// const SAME: bool = {
    ///     let m = WeightsError::Version { expected: 1, found: 3 }.message();
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
    /// assert_eq!(WeightsError::Version { expected: 1, found: 3 }.to_string(), TEXT);
    /// ```
    #[must_use]
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
            WeightsError::Version { expected, found } => m
                .text("weights file at byte 8: expected format version ")
                .number(*expected as u64)
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
            WeightsError::NonFinite { tensor, index } => m
                .text("weights file: tensor `")
                .tensor(tensor)
                .text("`[")
                .number(*index as u64)
                .text("]: expected a finite value, got NaN or infinity"),
            WeightsError::WordTensorCount {
                offset,
                expected,
                found,
            } => m
                .text("weights file at byte ")
                .number(*offset as u64)
                .text(": expected ")
                .number(*expected as u64)
                .text(" word tensors, got ")
                .number(*found as u64),
            WeightsError::Quantization { offset } => {
                m.text("weights file at byte ").number(*offset as u64).text(
                    ": expected positive finite scales and zero points in -128..=127, got others",
                )
            }
        }
    }
}

impl fmt::Display for WeightsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message().as_str())
    }
}

impl core::error::Error for WeightsError {}
