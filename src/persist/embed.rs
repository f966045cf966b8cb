//! Weights embedded at compile time: [`include_weights!`](crate::include_weights) checks a
//! file against the network and decodes it into a `static`, in one const pass.

use super::format::{check_headers, is_non_finite, tensor_at};
use crate::error::WeightsError;
use crate::module::Layout;

/// The `f32` values of a weights file for `layout`, at compile time: any mismatch between the
/// file and the network (or `N`) stops compilation. Used through
/// [`include_weights!`](crate::include_weights).
#[must_use]
pub const fn embed_f32<const N: usize>(bytes: &[u8], layout: &Layout) -> [f32; N] {
    // The headers first, then one pass that decodes and checks each value (a second pass for
    // the finite check would double the compile-time evaluation).
    let start = match check_headers(bytes, layout, 4) {
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
        if is_non_finite(bytes, at, 4) {
            let (tensor, index) = tensor_at(layout, i, None);
            panic!(
                "{}",
                WeightsError::NonFinite { tensor, index }.message().as_str()
            );
        }
        out[i] = f32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        i += 1;
    }
    out
}

/// The `f32` weights of network `$net` from the weights file at `$path` (as `include_bytes!`
/// finds it), checked against the network and decoded at compile time: a file that does not
/// match the network (or holds a NaN or an infinity) is a compile error. The value is a
/// `[f32; STORED]` for a `static`.
///
/// Its limit is the compiler's budget for constant evaluation: measured with a `Dense<1000, N>`
/// file in a dependent crate, 250,250 values embed (7 s build), 1,001,000 stop with
/// `long_running_const_eval`. For a larger file put `#[allow(long_running_const_eval)]` on the
/// `static` (the lint is the only limit; a million values then build in about 30 s), or read the file at run
/// time with [`decode_weights`](crate::persist::decode_weights).
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::infer::Frozen;
/// type Net = (Conv2d<1, 8, 3, 1, 1>, Relu, MaxPool2d<2>, Flatten, Dense<128, 10>);
/// static WEIGHTS: [f32; <Net as TensorLayout>::STORED] = stratanet::include_weights!(
///     Net,
///     concat!(env!("CARGO_MANIFEST_DIR"), "/tests/no_std_proof/digits_cnn.stnet")
/// );
/// static NET: Frozen<Image<1, 8, 8>, Net> = Frozen::new(&WEIGHTS);
/// let mut scratch = [0.0f32; Frozen::<Image<1, 8, 8>, Net>::SCRATCH];
/// assert!(NET.predict_class(&Default::default(), &mut scratch).is_some_and(|class| class < 10));
/// ```
#[macro_export]
macro_rules! include_weights {
    ($net:ty, $path:expr) => {
        $crate::persist::embed_f32::<{ <$net as $crate::module::TensorLayout>::STORED }>(
            include_bytes!($path),
            &<$net as $crate::module::TensorLayout>::LAYOUT,
        )
    };
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::super::format::tests::{file, Net};
    use super::*;
    use crate::module::TensorLayout;

    #[test]
    #[should_panic(
        expected = "weights file: tensor `0.bias`[1]: expected a finite value, got NaN or infinity"
    )]
    fn compile_time_embedding_refuses_a_nan() {
        // The same const fn `include_weights!` evaluates at compile time, run here.
        let mut bytes = file(&[(b"0.weight", &[2, 3]), (b"0.bias", &[2])], 8);
        let at = bytes.len() - 4;
        bytes[at..].copy_from_slice(&f32::NAN.to_le_bytes());
        let _ = embed_f32::<8>(&bytes, &<Net as TensorLayout>::LAYOUT);
    }
}
