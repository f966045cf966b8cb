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
//! Tensors are every parameter and non-trainable state of the network in
//! [`Params::visit_tensors`] order, named and shaped as [`Params::tensor_specs`] says (PyTorch's
//! `state_dict` names and layouts). Loading checks the whole file against the network's type
//! before it builds anything, so a malformed file yields an `Err` and never a partial model.
//!
//! ```
//! use stratanet::prelude::*;
//! use stratanet::persist::{load_weights, save_weights};
//! use rand::SeedableRng;
//! type Net = (Dense<3, 4>, ReLU, Dense<4, 2>);
//! let net = <Net as Params<f32>>::init(&mut rand::rngs::StdRng::seed_from_u64(1));
//! let bytes = save_weights(&net);
//! let back: Net = load_weights(&bytes)?;
//! assert_eq!(back.0.weight(), net.0.weight());
//! // a network of another shape refuses the file, naming the tensor
//! let err = load_weights::<f32, (Dense<3, 5>, ReLU, Dense<5, 2>)>(&bytes).err().unwrap();
//! assert!(err.to_string().contains("0.weight"));
//! # Ok::<(), stratanet::Error>(())
//! ```

use crate::error::Result;
use crate::infer::{check_weights, decode_values};
pub use crate::infer::{MAGIC, VERSION};
use crate::module::Params;
use crate::Scalar;
use alloc::vec::Vec;

/// The weights of `network` in the format described in this module.
pub fn save_weights<E: Scalar, P: Params<E>>(network: &P) -> Vec<u8> {
    let specs = P::tensor_specs();
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(core::mem::size_of::<E>() as u8);
    out.extend_from_slice(&(specs.len() as u32).to_le_bytes());
    for spec in &specs {
        out.extend_from_slice(&(spec.name.len() as u32).to_le_bytes());
        out.extend_from_slice(spec.name.as_bytes());
        out.extend_from_slice(&(spec.shape.len() as u32).to_le_bytes());
        for &d in &spec.shape {
            out.extend_from_slice(&(d as u64).to_le_bytes());
        }
    }
    network.visit_tensors(&mut |values: &[E]| {
        for &v in values {
            if core::mem::size_of::<E>() == 4 {
                out.extend_from_slice(&(v.as_f64() as f32).to_le_bytes());
            } else {
                out.extend_from_slice(&v.as_f64().to_le_bytes());
            }
        }
    });
    out
}

/// Reads a network of type `P` from `bytes` written by [`save_weights`]. The file must match
/// the type exactly — version, element type, and every tensor's name and shape in order —
/// or the `Err` says what was expected and what came (see [`check_weights`], which this shares
/// with allocation-free loading).
pub fn load_weights<E: Scalar, P: Params<E>>(bytes: &[u8]) -> Result<P> {
    let start = check_weights(bytes, &P::LAYOUT, core::mem::size_of::<E>())?;
    let mut network = P::zeros();
    let mut data = &bytes[start..];
    network.visit_tensors_mut(&mut |slice: &mut [E]| {
        let (own, rest) = data.split_at(core::mem::size_of_val(slice));
        decode_values(own, slice);
        data = rest;
    });
    Ok(network)
}

/// Import and export as `.safetensors` with PyTorch's `state_dict` names and layouts (feature
/// `safetensors`), so a model trained in PyTorch loads into the matching typed network.
///
/// Names are [`Params::tensor_specs`]'s: a tuple network's layers are `0.`, `1.`, … as in an
/// `nn.Sequential`. The tanh RNN and LSTM keep one bias (`bias_l0`): import sums PyTorch's
/// `bias_ih_l0` and `bias_hh_l0`, export writes it as `bias_ih_l0` with a zero `bias_hh_l0`.
/// Batch norm's `num_batches_tracked` is neither read nor written (load with `strict=False`).
/// `F32` and `F64` tensors are accepted and converted to the network's element type.
#[cfg(feature = "safetensors")]
pub mod safetensors {
    use crate::error::{Error, Result};
    use crate::module::Params;
    use crate::Scalar;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec;
    use alloc::vec::Vec;
    use safetensors::tensor::{Dtype, SafeTensors, TensorView};

    fn format_error(detail: String) -> Error {
        Error::Format { offset: 0, detail }
    }

    /// One tensor's values as `f64`, checked against `shape`.
    fn read(file: &SafeTensors<'_>, name: &str, shape: &[usize]) -> Result<Vec<f64>> {
        let view = file
            .tensor(name)
            .map_err(|_| Error::MissingTensor { name: name.into() })?;
        if view.shape() != shape {
            return Err(Error::TensorShape {
                tensor: name.into(),
                expected: shape.to_vec(),
                found: view.shape().to_vec(),
            });
        }
        let data = view.data();
        Ok(match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                .collect(),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
                .collect(),
            other => {
                return Err(format_error(format!(
                    "tensor `{name}`: expected F32 or F64, got {other:?}"
                )))
            }
        })
    }

    /// Reads a network of type `P` from `.safetensors` bytes. Tensors the network does not use
    /// are ignored; a missing tensor or a shape that differs is an `Err` naming it.
    pub fn from_safetensors<E: Scalar, P: Params<E>>(bytes: &[u8]) -> Result<P> {
        let file = SafeTensors::deserialize(bytes)
            .map_err(|e| format_error(format!("not a safetensors file: {e}")))?;
        let mut tensors = Vec::new();
        for spec in P::tensor_specs() {
            let values = match spec.name.strip_suffix("bias_l0") {
                Some(prefix) => {
                    let ih = read(&file, &format!("{prefix}bias_ih_l0"), &spec.shape)?;
                    let hh = read(&file, &format!("{prefix}bias_hh_l0"), &spec.shape)?;
                    ih.iter().zip(&hh).map(|(a, b)| a + b).collect()
                }
                None => read(&file, &spec.name, &spec.shape)?,
            };
            tensors.push(values);
        }
        let mut network = P::zeros();
        let mut next = tensors.into_iter();
        network.visit_tensors_mut(&mut |slice: &mut [E]| {
            if let Some(values) = next.next() {
                for (v, &x) in slice.iter_mut().zip(&values) {
                    *v = E::from_f64(x);
                }
            }
        });
        Ok(network)
    }

    /// The network's tensors as `.safetensors` bytes (`F32` for an `f32` network, `F64` for
    /// `f64`), named as PyTorch names them.
    pub fn to_safetensors<E: Scalar, P: Params<E>>(network: &P) -> Result<Vec<u8>> {
        let mut values: Vec<Vec<u8>> = Vec::new();
        network.visit_tensors(&mut |slice: &[E]| {
            let mut bytes = Vec::with_capacity(core::mem::size_of_val(slice));
            for &v in slice {
                if core::mem::size_of::<E>() == 4 {
                    bytes.extend_from_slice(&(v.as_f64() as f32).to_le_bytes());
                } else {
                    bytes.extend_from_slice(&v.as_f64().to_le_bytes());
                }
            }
            values.push(bytes);
        });
        let dtype = if core::mem::size_of::<E>() == 4 {
            Dtype::F32
        } else {
            Dtype::F64
        };
        let specs = P::tensor_specs();
        let mut named: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
        for (spec, data) in specs.into_iter().zip(values) {
            match spec.name.strip_suffix("bias_l0") {
                Some(prefix) => {
                    let zeros = vec![0u8; data.len()];
                    named.push((format!("{prefix}bias_ih_l0"), spec.shape.clone(), data));
                    named.push((format!("{prefix}bias_hh_l0"), spec.shape, zeros));
                }
                None => named.push((spec.name, spec.shape, data)),
            }
        }
        let mut views = Vec::new();
        for (name, shape, data) in &named {
            let view = TensorView::new(dtype, shape.clone(), data)
                .map_err(|e| format_error(format!("{name}: {e}")))?;
            views.push((name.as_str(), view));
        }
        safetensors::serialize(views, None).map_err(|e| format_error(format!("{e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infer::WeightsError;
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
        ReLU,
    );

    fn net<P: Params<f32>>(seed: u64) -> P {
        P::init(&mut rand::rngs::StdRng::seed_from_u64(seed))
    }

    fn all_values<P: Params<f32>>(p: &P) -> Vec<f32> {
        let mut v = Vec::new();
        p.visit_tensors(&mut |s: &[f32]| v.extend_from_slice(s));
        v
    }

    #[test]
    fn specs_cover_every_stored_value() {
        fn check<P: Params<f32>>() {
            let p: P = net(1);
            let mut lens = Vec::new();
            p.visit_tensors(&mut |s: &[f32]| lens.push(s.len()));
            let specs = <P as Params<f32>>::tensor_specs();
            let spec_lens: Vec<usize> = specs.iter().map(|s| s.shape.iter().product()).collect();
            assert_eq!(lens, spec_lens, "{specs:?}");
        }
        check::<Everything>();
        check::<(
            Embedding<10, 4>,
            Lstm<4, 3>,
            Gru<3, 2, Sequence>,
            SimpleRnn<2, 5>,
            Dense<5, 1>,
        )>();
        check::<(Conv1d<2, 3, 3>, TimeDistributed<Dense<3, 2>>)>();
        let names: Vec<String> = <(Dense<2, 3>, ReLU, Lstm<3, 4>) as Params<f32>>::tensor_specs()
            .into_iter()
            .map(|s| s.name)
            .collect();
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
        let original: Everything = net(3);
        let back: Everything = load_weights(&save_weights(&original)).unwrap();
        assert_eq!(all_values(&back), all_values(&original));
        type Recurrent = (Embedding<10, 4>, Gru<4, 3>, Dense<3, 2, f32>);
        let original: Recurrent = net(4);
        let back: Recurrent = load_weights(&save_weights(&original)).unwrap();
        assert_eq!(all_values(&back), all_values(&original));
    }

    #[test]
    fn every_malformed_input_is_an_error() {
        type Net = (Dense<3, 4>, ReLU, Dense<4, 2>);
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
        assert!(load_weights::<
            f64,
            (
                DenseT<Dim<3>, Dim<4>, f64>,
                ReLU,
                DenseT<Dim<4>, Dim<2>, f64>
            ),
        >(&bytes)
        .is_err());
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
        let err = load_weights::<f32, (Dense<3, 5>, ReLU, Dense<5, 2>)>(&bytes)
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
        type Net = (Dense<3, 4>, ReLU, Lstm<4, 2, Sequence>);
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
