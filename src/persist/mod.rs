//! Saving and loading a network's weights in stratanet's own binary format.
//!
//! Layout, all integers little-endian:
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `STRATNET` |
//! | 4 | format version (1) |
//! | 1 | element size: 4 (`f32`) or 8 (`f64`) |
//! | 4 | tensor count |
//! | per tensor | name length (4), UTF-8 name, rank (4), each dimension (8) |
//! | per tensor | its values, row-major, little-endian |
//!
//! Tensors are every parameter and non-trainable state of the network in `TensorLayout` order,
//! with their full names (`0.weight`) and shapes (PyTorch's `state_dict` names and layouts): the
//! values are exactly a `Weights` buffer, or the array a [`Frozen`](crate::infer::Frozen)
//! network borrows. Loading checks the whole file against the network's type
//! before it builds anything, so a malformed file yields an `Err` and never a partial model.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::persist::{load_weights, save_weights};
//! use rand::SeedableRng;
//! type Net = (Dense<3, 4>, Relu, Dense<4, 2>);
//! let net = Weights::<Net>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
//! let bytes = save_weights(&net);
//! let back = load_weights::<f32, Net>(&bytes)?;
//! assert_eq!(back.as_slice(), net.as_slice());
//! // a network of another shape refuses the file, naming the tensor
//! let err = load_weights::<f32, (Dense<3, 5>, Relu, Dense<5, 2>)>(&bytes).err().unwrap();
//! assert!(err.to_string().contains("0.weight"));
//! # Ok::<(), stratanet::Error>(())
//! ```

mod embed;
pub(crate) mod format;
#[cfg(feature = "safetensors")]
pub mod safetensors;

pub use embed::embed_f32;
#[cfg(feature = "alloc")]
pub(crate) use format::decode_values;
pub use format::{check_weights, decode_weights, MAGIC, VERSION};

#[cfg(feature = "alloc")]
use {
    crate::error::Result,
    crate::module::{TensorLayout, Weights},
    crate::Scalar,
    alloc::vec::Vec,
};

/// The weights of a network in the format described in this module.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::persist::{load_weights, save_weights};
/// type Net = (Dense<3, 4>, Tanh, Dense<4, 1>);
/// let model = Model::<Vector<3>, Net>::seeded(2);
/// let bytes = save_weights(model.weights());
/// let back = load_weights::<f32, Net>(&bytes)?;
/// assert_eq!(back.as_slice(), model.weights().as_slice());
/// // the file names every tensor and shape: another network's type is an `Err`
/// assert!(load_weights::<f32, (Dense<3, 4>, Tanh, Dense<4, 2>)>(&bytes).is_err());
/// # Ok::<(), stratanet::Error>(())
/// ```
#[cfg(feature = "alloc")]
#[must_use]
pub fn save_weights<E: Scalar, Net: TensorLayout>(weights: &Weights<Net, E>) -> Vec<u8> {
    format::encode_weights(&Net::LAYOUT, weights.as_slice())
}

/// Reads the weights of network `Net` from `bytes` written by [`save_weights`]. The file must
/// match the type exactly — version, element type, and every tensor's name and shape in order —
/// or the `Err` says what was expected and what came (see [`check_weights`], which this shares
/// with allocation-free loading).
#[cfg(feature = "alloc")]
pub fn load_weights<E: Scalar, Net: TensorLayout>(bytes: &[u8]) -> Result<Weights<Net, E>> {
    let start = check_weights(bytes, &Net::LAYOUT, core::mem::size_of::<E>())?;
    let mut weights = Weights::zeros();
    decode_values(&bytes[start..], weights.as_mut_slice());
    Ok(weights)
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use crate::error::WeightsError;
    use crate::layers::*;
    use crate::shape::Dim;
    use crate::Error;
    use alloc::string::{String, ToString};
    use rand::SeedableRng;

    type Everything = (
        Conv2d<1, 2, 3, 1, 1>,
        BatchNorm<2>,
        MaxPool2d<2>,
        crate::layers::Flatten,
        Dense<8, 6>,
        Dropout<10>,
        Relu,
    );

    fn net<Net: TensorLayout>(seed: u64) -> Weights<Net> {
        Weights::init(&mut rand::rngs::StdRng::seed_from_u64(seed))
    }

    #[test]
    fn names_cover_every_stored_value() {
        fn check<Net: TensorLayout>() {
            let mut covered = 0;
            Net::LAYOUT.for_each(&mut |_, tensor, at| {
                assert_eq!(at, covered, "{tensor:?}");
                covered += tensor.numel();
            });
            assert_eq!(covered, Net::STORED);
        }
        check::<Everything>();
        check::<(
            Embedding<10, 4>,
            Lstm<4, 3>,
            Gru<3, 2, ReturnSequences>,
            SimpleRnn<2, 5>,
            Dense<5, 1>,
        )>();
        check::<(Conv1d<2, 3, 3>, TimeDistributed<Dense<3, 2>>)>();
        let mut names = Vec::new();
        net::<(Dense<2, 3>, Relu, Lstm<3, 4>)>(1).for_each_tensor(&mut |name, _, _| {
            names.push(String::from(name));
        });
        assert_eq!(
            names,
            [
                "0.weight",
                "0.bias",
                "2.weight_ih_l0",
                "2.weight_hh_l0",
                "2.bias_l0"
            ]
        );
    }

    #[test]
    fn round_trip_is_exact() {
        let original = net::<Everything>(3);
        let back = load_weights::<f32, Everything>(&save_weights(&original)).unwrap();
        assert_eq!(back.as_slice(), original.as_slice());
        type Recurrent = (Embedding<10, 4>, Gru<4, 3>, Dense<3, 2>);
        let original = net::<Recurrent>(4);
        let back = load_weights::<f32, Recurrent>(&save_weights(&original)).unwrap();
        assert_eq!(back.as_slice(), original.as_slice());
    }

    #[test]
    fn every_malformed_input_is_an_error() {
        type Net = (Dense<3, 4>, Relu, Dense<4, 2>);
        let bytes = save_weights(&net::<Net>(5));
        // every truncation
        for len in 0..bytes.len() {
            assert!(
                load_weights::<f32, Net>(&bytes[..len]).is_err(),
                "truncated to {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            load_weights::<f32, Net>(&longer),
            Err(Error::Weights(WeightsError::TrailingBytes { extra: 1, .. }))
        ));
        // wrong element type, version, magic
        assert!(
            load_weights::<f64, (DenseT<Dim<3>, Dim<4>>, Relu, DenseT<Dim<4>, Dim<2>>)>(&bytes)
                .is_err()
        );
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert_eq!(
            load_weights::<f32, Net>(&v2).err().unwrap().to_string(),
            "weights file at byte 8: expected format version 1, got 2"
        );
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert!(load_weights::<f32, Net>(&magic).is_err());
        // another network's file
        let err = load_weights::<f32, (Dense<3, 5>, Relu, Dense<5, 2>)>(&bytes)
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "weights file: tensor `0.weight`: expected shape [5, 3], got [4, 3]"
        );
        // the same tensors under other names: the second layer is `1.`, not `2.`
        let err = load_weights::<f32, (Dense<3, 4>, Dense<4, 2>)>(&bytes)
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "weights file: expected tensor `1.weight`, got `2.weight`"
        );
    }

    #[test]
    fn random_and_mutated_bytes_never_panic() {
        type Net = (Dense<3, 4>, Relu, Lstm<4, 2, ReturnSequences>);
        let bytes = save_weights(&net::<Net>(6));
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut accepted = 0;
        for round in 0..100_000 {
            let mut input = if round % 10 == 0 {
                let len = crate::init::index_below(&mut rng, 2 * bytes.len());
                (0..len)
                    .map(|_| rand::Rng::next_u32(&mut rng) as u8)
                    .collect()
            } else {
                bytes.clone()
            };
            for _ in 0..1 + crate::init::index_below(&mut rng, 4) {
                if input.is_empty() {
                    break;
                }
                let at = crate::init::index_below(&mut rng, input.len());
                match crate::init::index_below(&mut rng, 3) {
                    0 => input[at] = rand::Rng::next_u32(&mut rng) as u8,
                    1 => input.truncate(at),
                    _ => input.insert(at, rand::Rng::next_u32(&mut rng) as u8),
                }
            }
            if load_weights::<f32, Net>(&input).is_ok() {
                accepted += 1; // a flipped data byte is still a valid file
            }
        }
        assert!(accepted < 100_000);
    }
}
