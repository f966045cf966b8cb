//! The weights file format, both directions: the const reader (checks a file against a
//! network's [`Layout`] without allocating, at run time or at compile time), the decoder onto
//! a caller's array, compile-time embedding, and (with `alloc`) the writer. Integers and values
//! are little-endian; see [`crate::persist`] for the layout.

use crate::error::{FoundName, FoundShape, PathFrame, TensorName, WeightsError};
use crate::module::{Layout, TensorLayout};
use crate::Scalar;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// The first bytes of every weights file.
pub const MAGIC: &[u8; 8] = b"STRATNET";
/// The weights file format version this crate writes and reads.
pub const VERSION: u32 = 1;

/// `Ok` when `len` bytes follow byte `at`, else the truncation error naming `what`.
pub(crate) const fn ensure(
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
pub(crate) const fn read_le(
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

/// Where the bytes after the layer-path prefix of `frame` (`i.j.`) start, if
/// `bytes[at..at + len]` begins with it.
const fn match_prefix(
    bytes: &[u8],
    at: usize,
    len: usize,
    frame: Option<&PathFrame<'_>>,
) -> Option<usize> {
    let Some(frame) = frame else {
        return Some(0);
    };
    let mut k = match match_prefix(bytes, at, len, frame.parent) {
        Some(k) => k,
        None => return None,
    };
    let mut digits = [0u8; 5];
    let mut count = 0;
    let mut rest = frame.index;
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
            return None;
        }
        k += 1;
    }
    if k >= len || bytes[at + k] != b'.' {
        return None;
    }
    Some(k + 1)
}

/// Whether `bytes[at..at + len]` spells the full name of tensor `name` at `frame`.
const fn name_matches(
    bytes: &[u8],
    at: usize,
    len: usize,
    frame: Option<&PathFrame<'_>>,
    name: &str,
) -> bool {
    let k = match match_prefix(bytes, at, len, frame) {
        Some(k) => k,
        None => return false,
    };
    let name = name.as_bytes();
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

/// The tensor of `layout` (at `frame`) that holds flat value `value`, and the value's position
/// in it (`value` must be below `layout.numel()`).
pub(super) const fn tensor_at(
    layout: &Layout,
    mut value: usize,
    frame: Option<&PathFrame<'_>>,
) -> (TensorName, usize) {
    match layout {
        Layout::Layers(layers) => {
            let mut i = 0;
            while i + 1 < layers.len() && value >= layers[i].numel() {
                value -= layers[i].numel();
                i += 1;
            }
            let inner = PathFrame {
                index: i as u16,
                parent: frame,
            };
            tensor_at(&layers[i], value, Some(&inner))
        }
        Layout::Tensors(tensors) => {
            let mut t = 0;
            while t + 1 < tensors.len() && value >= tensors[t].numel() {
                value -= tensors[t].numel();
                t += 1;
            }
            (TensorName::at(frame, tensors[t].name), value)
        }
    }
}

/// Checks the headers of the tensors under `layout` (at `frame`) from byte `at`; returns the
/// byte after them.
pub(crate) const fn check_tensors(
    bytes: &[u8],
    mut at: usize,
    layout: &Layout,
    frame: Option<&PathFrame<'_>>,
) -> Result<usize, WeightsError> {
    match layout {
        Layout::Layers(layers) => {
            let mut i = 0;
            while i < layers.len() {
                let inner = PathFrame {
                    index: i as u16,
                    parent: frame,
                };
                at = match check_tensors(bytes, at, &layers[i], Some(&inner)) {
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
                let expected = TensorName::at(frame, tensors[t].name);
                let name_len = match read_le(bytes, at, 4, "a tensor name length") {
                    Ok(v) => v as usize,
                    Err(e) => return Err(e),
                };
                at += 4;
                if let Err(e) = ensure(bytes, at, name_len, "a tensor name") {
                    return Err(e);
                }
                if !name_matches(bytes, at, name_len, frame, tensors[t].name) {
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

/// The first NaN or infinite value of the checked file `bytes` (values from byte `start`).
const fn first_non_finite(
    bytes: &[u8],
    start: usize,
    layout: &Layout,
    element_size: usize,
) -> Option<WeightsError> {
    let mut value = 0;
    while value < layout.numel() {
        let at = start + value * element_size;
        if is_non_finite(bytes, at, element_size) {
            let (tensor, index) = tensor_at(layout, value, None);
            return Some(WeightsError::NonFinite { tensor, index });
        }
        value += 1;
    }
    None
}

/// Whether the little-endian value at `at` has every exponent bit set (an infinity or a NaN):
/// the top byte's low 7 bits and the next byte's high bit for `f32`, 4 more bits for `f64`.
pub(super) const fn is_non_finite(bytes: &[u8], at: usize, element_size: usize) -> bool {
    let top = bytes[at + element_size - 1] as u16;
    let next = bytes[at + element_size - 2] as u16;
    let high = ((top & 0x7f) << 8) | next;
    if element_size == 4 {
        high & 0x7f80 == 0x7f80
    } else {
        high & 0x7ff0 == 0x7ff0
    }
}

/// Checks a whole weights file against `layout` with `element_size`-byte values: header,
/// every tensor's name and shape in order, the data length, nothing after it, and every value
/// finite (a NaN or an infinity is [`WeightsError::NonFinite`], naming the tensor). Returns the
/// byte where the values start. Never panics, never allocates; usable in `const`.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::error::WeightsError;
/// use stratanet::persist::check_weights;
/// type Net = (Dense<3, 4>, Relu, Dense<4, 2>);
/// let layout = <Net as TensorLayout>::LAYOUT;
/// assert_eq!(check_weights(b"STRATNEX", &layout, 4), Err(WeightsError::Magic));
/// ```
pub const fn check_weights(
    bytes: &[u8],
    layout: &Layout,
    element_size: usize,
) -> Result<usize, WeightsError> {
    let start = match check_headers(bytes, layout, element_size) {
        Ok(start) => start,
        Err(e) => return Err(e),
    };
    match first_non_finite(bytes, start, layout, element_size) {
        Some(e) => Err(e),
        None => Ok(start),
    }
}

/// The first 13 bytes: magic, version, and the element size `element_size`.
const fn check_preamble(bytes: &[u8], element_size: usize) -> Result<(), WeightsError> {
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
        return Err(WeightsError::Version {
            expected: VERSION,
            found: version,
        });
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
    Ok(())
}

/// [`check_weights`] but for the values' finiteness: header, names, shapes and lengths.
pub(super) const fn check_headers(
    bytes: &[u8],
    layout: &Layout,
    element_size: usize,
) -> Result<usize, WeightsError> {
    let start = match check_header_and_tensors(bytes, layout, element_size) {
        Ok(at) => at,
        Err(e) => return Err(e),
    };
    match check_length(bytes, start, layout.numel() * element_size) {
        Ok(()) => Ok(start),
        Err(e) => Err(e),
    }
}

/// The preamble (element size `element_size`), the tensor count and every tensor's name and
/// shape under `layout`; returns the byte after them.
pub(crate) const fn check_header_and_tensors(
    bytes: &[u8],
    layout: &Layout,
    element_size: usize,
) -> Result<usize, WeightsError> {
    if let Err(e) = check_preamble(bytes, element_size) {
        return Err(e);
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
    check_tensors(bytes, 17, layout, None)
}

/// `Ok` when exactly `data` bytes of values follow byte `start` (`start` within `bytes`).
pub(crate) const fn check_length(
    bytes: &[u8],
    start: usize,
    data: usize,
) -> Result<(), WeightsError> {
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
    Ok(())
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
/// use stratanet::infer::Frozen;
/// use stratanet::persist::decode_weights;
/// use rand::SeedableRng;
/// type Net = (Dense<3, 4>, Relu, Dense<4, 2>);
/// let trained = Weights::<Net>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
/// let file = stratanet::persist::save_weights(&trained);
///
/// let mut weights = [0.0f32; <Net as TensorLayout>::STORED];
/// decode_weights::<f32, Net, _>(&file, &mut weights)?;
/// let net = Frozen::<Vector<3>, Net>::new(&weights);
/// let y = net.forward_one(&[1.0, 2.0, 3.0].into(), &mut [0.0; Frozen::<Vector<3>, Net>::SCRATCH]);
/// assert_eq!(y.len(), 2);
/// // another network refuses the file, naming the tensor
/// let mut other = [0.0f32; <(Dense<3, 5>, Relu, Dense<5, 2>) as TensorLayout>::STORED];
/// let err = decode_weights::<f32, (Dense<3, 5>, Relu, Dense<5, 2>), _>(&file, &mut other);
/// let message = err.unwrap_err().to_string();
/// assert!(message.contains("tensor `0.weight`: expected shape [5, 3], got [4, 3]"));
/// # Ok::<(), stratanet::error::WeightsError>(())
/// ```
pub fn decode_weights<E: Scalar, Net: TensorLayout, const N: usize>(
    bytes: &[u8],
    out: &mut [E; N],
) -> Result<(), WeightsError> {
    const {
        assert!(
            N == Net::STORED,
            "the weights array must hold exactly the network's TensorLayout::STORED values"
        );
    };
    let start = check_weights(bytes, &Net::LAYOUT, core::mem::size_of::<E>())?;
    decode_values(&bytes[start..], out);
    Ok(())
}

/// Writes a weights file: the header for `layout` (every tensor's full name and shape), then
/// `values` as `E`-sized little-endian numbers.
#[cfg(feature = "alloc")]
pub(crate) fn encode_weights<E: Scalar>(layout: &Layout, values: &[E]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(core::mem::size_of::<E>() as u8);
    push_headers(layout, &mut out);
    encode_values(values, &mut out);
    out
}

/// Appends the header of every tensor of `layout`: the count, then each one's full name and
/// shape (the int8 format writes two such lists).
#[cfg(feature = "alloc")]
pub(crate) fn push_headers(layout: &Layout, out: &mut Vec<u8>) {
    out.extend_from_slice(&(layout.tensor_count() as u32).to_le_bytes());
    layout.for_each(&mut |path, tensor, _| {
        let name = crate::module::full_name(path, tensor);
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(tensor.dims.len() as u32).to_le_bytes());
        for &d in tensor.dims {
            out.extend_from_slice(&(d as u64).to_le_bytes());
        }
    });
}

/// Appends `values` as little-endian `E`-sized numbers (4 bytes for `f32`, 8 for `f64`): the
/// inverse of [`decode_values`].
#[cfg(feature = "alloc")]
pub(crate) fn encode_values<E: Scalar>(values: &[E], out: &mut Vec<u8>) {
    for &v in values {
        if core::mem::size_of::<E>() == 4 {
            out.extend_from_slice(&(v.as_f64() as f32).to_le_bytes());
        } else {
            out.extend_from_slice(&v.as_f64().to_le_bytes());
        }
    }
}

#[cfg(all(test, feature = "alloc"))]
pub(super) mod tests {
    use super::*;
    use crate::layers::{Dense, Relu};
    use crate::module::TensorLayout;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    /// A weights file written by hand: `(name, dims)` headers, then `values` f32 zeros.
    pub(crate) fn file(tensors: &[(&[u8], &[u64])], values: usize) -> Vec<u8> {
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

    pub(crate) type Net = (Dense<3, 2>, Relu);

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
