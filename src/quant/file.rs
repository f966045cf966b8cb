//! The quantized weights file: the float format's header (magic, version) with 1-byte
//! elements, then both tensor lists, the quantization of the input and output, and the values.
//! Read without allocating — at run time onto a caller's arrays, or at compile time into a
//! `static` with [`include_quantized_weights!`](crate::include_quantized_weights).
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `STRATNET` |
//! | 4 | format version (1) |
//! | 1 | element size: 1 (int8; a float loader refuses the file here) |
//! | 4, per tensor | int8 tensor count; name length (4), UTF-8 name, rank (4), dimensions (8 each) |
//! | 4, per tensor | 32-bit tensor count; the same per tensor |
//! | 16 | input scale (`f32`), input zero point (`i32`), output scale, output zero point |
//! | | the int8 values, then the 32-bit words (little-endian; tensors named `*scale`, and the `input` and `output` pairs' first words, are `f32` bits) |

use super::{QParams, QuantArrays, QuantLayout};
use crate::error::WeightsError;
use crate::module::Layout;
use crate::persist::format::{check_header_and_tensors, check_length, check_tensors, read_le};
#[cfg(feature = "alloc")]
use {
    crate::persist::format::push_headers, crate::persist::MAGIC, crate::persist::VERSION,
    alloc::vec::Vec,
};

/// Where a checked quantized file's parts are, and its input and output quantization.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantStarts {
    /// How a float input is quantized.
    pub input: QParams,
    /// What the int8 output stands for.
    pub output: QParams,
    /// The byte where the int8 values start.
    pub bytes: usize,
    /// The byte where the words start.
    pub words: usize,
}

/// Whether `p` is a usable quantization.
const fn usable(p: QParams) -> bool {
    p.scale.is_finite() && p.scale > 0.0 && p.zero_point >= -128 && p.zero_point <= 127
}

/// Reads the quantization at byte `at`.
const fn params_at(bytes: &[u8], at: usize) -> Result<QParams, WeightsError> {
    let scale = match read_le(bytes, at, 4, "the quantization") {
        Ok(v) => f32::from_bits(v as u32),
        Err(e) => return Err(e),
    };
    let zero_point = match read_le(bytes, at + 4, 4, "the quantization") {
        Ok(v) => v as u32 as i32,
        Err(e) => return Err(e),
    };
    Ok(QParams { scale, zero_point })
}

/// Checks a whole quantized file against a network's two layouts: header, every tensor's name
/// and shape in order, the input and output quantization, the data length and nothing after
/// it. Never panics, never allocates; usable in `const`.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::error::WeightsError;
/// use stratanet::quant::{check_quantized, QuantLayout};
/// type Net = (Dense<3, 4>, Relu);
/// let (b, w) = (<Net as QuantLayout>::BYTES_LAYOUT, <Net as QuantLayout>::WORDS_LAYOUT);
/// assert_eq!(check_quantized(b"STRATNEX", &b, &w), Err(WeightsError::Magic));
/// ```
pub const fn check_quantized(
    bytes: &[u8],
    byte_layout: &Layout,
    word_layout: &Layout,
) -> Result<QuantStarts, WeightsError> {
    let at = match check_header_and_tensors(bytes, byte_layout, 1) {
        Ok(at) => at,
        Err(e) => return Err(e),
    };
    let count = match read_le(bytes, at, 4, "the word tensor count") {
        Ok(v) => v as usize,
        Err(e) => return Err(e),
    };
    if count != word_layout.tensor_count() {
        return Err(WeightsError::WordTensorCount {
            offset: at,
            expected: word_layout.tensor_count(),
            found: count,
        });
    }
    let at = match check_tensors(bytes, at + 4, word_layout, None) {
        Ok(at) => at,
        Err(e) => return Err(e),
    };
    let (input, output) = match (params_at(bytes, at), params_at(bytes, at + 8)) {
        (Ok(i), Ok(o)) => (i, o),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if !usable(input) || !usable(output) {
        return Err(WeightsError::Quantization { offset: at });
    }
    let start = at + 16;
    if let Err(e) = check_length(bytes, start, byte_layout.numel() + 4 * word_layout.numel()) {
        return Err(e);
    }
    Ok(QuantStarts {
        input,
        output,
        bytes: start,
        words: start + byte_layout.numel(),
    })
}

/// `out` filled from the checked file `bytes` at `starts`.
const fn fill<const B: usize, const W: usize>(
    bytes: &[u8],
    starts: &QuantStarts,
    out: &mut QuantArrays<B, W>,
) {
    out.input = starts.input;
    out.output = starts.output;
    let mut i = 0;
    while i < B {
        out.bytes[i] = bytes[starts.bytes + i] as i8;
        i += 1;
    }
    let mut i = 0;
    while i < W {
        let at = starts.words + 4 * i;
        out.words[i] = i32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        i += 1;
    }
}

/// Reads a quantized file for network `Net` into `out` (on the stack, say), without
/// allocating. The arrays' lengths must be `Net`'s `BYTES` and `WORDS` (checked at compile
/// time); a file that does not match `Net` is an `Err` and leaves `out` unchanged.
pub fn decode_quantized<Net: QuantLayout, const B: usize, const W: usize>(
    bytes: &[u8],
    out: &mut QuantArrays<B, W>,
) -> Result<(), WeightsError> {
    const {
        assert!(
            B == Net::BYTES && W == Net::WORDS,
            "the arrays must hold exactly the network's QuantLayout::BYTES and WORDS values"
        );
    };
    let starts = check_quantized(bytes, &Net::BYTES_LAYOUT, &Net::WORDS_LAYOUT)?;
    fill(bytes, &starts, out);
    Ok(())
}

/// The arrays of a quantized file for the two layouts, at compile time: any mismatch stops
/// compilation with the loader's message. Used through
/// [`include_quantized_weights!`](crate::include_quantized_weights).
#[must_use]
pub const fn embed_quantized<const B: usize, const W: usize>(
    bytes: &[u8],
    byte_layout: &Layout,
    word_layout: &Layout,
) -> QuantArrays<B, W> {
    let starts = match check_quantized(bytes, byte_layout, word_layout) {
        Ok(starts) => starts,
        Err(e) => panic!("{}", e.message().as_str()),
    };
    assert!(
        B == byte_layout.numel() && W == word_layout.numel(),
        "the arrays must hold exactly the network's QuantLayout::BYTES and WORDS values"
    );
    let mut out = QuantArrays::zeros();
    fill(bytes, &starts, &mut out);
    out
}

/// The quantized weights of network `$net` from the file at `$path` (as `include_bytes!`
/// finds it), checked against the network and decoded at compile time into a
/// [`QuantArrays`] for a `static`: a file that does not match the network is a compile error.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::quant::{QuantArrays, QuantFrozen, QuantLayout};
/// type Net = (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<128, 10>);
/// static WEIGHTS: QuantArrays<{ <Net as QuantLayout>::BYTES }, { <Net as QuantLayout>::WORDS }> =
///     stratanet::include_quantized_weights!(
///         Net,
///         concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no_std_proof/digits_cnn_int8.stnet")
///     );
/// static NET: QuantFrozen<Image<1, 8, 8>, Net> = QuantFrozen::new(&WEIGHTS);
/// let mut scratch = [0i8; QuantFrozen::<Image<1, 8, 8>, Net>::SCRATCH];
/// assert!(NET.predict_class(&Default::default(), &mut scratch) < 10);
/// ```
#[macro_export]
macro_rules! include_quantized_weights {
    ($net:ty, $path:expr) => {
        $crate::quant::embed_quantized::<
            { <$net as $crate::quant::QuantLayout>::BYTES },
            { <$net as $crate::quant::QuantLayout>::WORDS },
        >(
            include_bytes!($path),
            &<$net as $crate::quant::QuantLayout>::BYTES_LAYOUT,
            &<$net as $crate::quant::QuantLayout>::WORDS_LAYOUT,
        )
    };
}

/// Writes the quantized file of network `Net`.
#[cfg(feature = "alloc")]
pub(crate) fn encode_quantized<Net: QuantLayout>(
    input: QParams,
    output: QParams,
    bytes: &[i8],
    words: &[i32],
) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(1);
    push_headers(&Net::BYTES_LAYOUT, &mut out);
    push_headers(&Net::WORDS_LAYOUT, &mut out);
    for p in [input, output] {
        out.extend_from_slice(&p.scale.to_le_bytes());
        out.extend_from_slice(&p.zero_point.to_le_bytes());
    }
    out.extend(bytes.iter().map(|&b| b as u8));
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}
