//! Import and export as `.safetensors` with PyTorch's `state_dict` names and layouts (feature
//! `safetensors`), so a model trained in PyTorch loads into the matching typed network.
//!
//! Names are the layout's full names: a tuple network's layers are `0.`, `1.`, … as in an
//! `nn.Sequential`. The tanh RNN and LSTM keep one bias (`bias_l0`): import sums PyTorch's
//! `bias_ih_l0` and `bias_hh_l0`, export writes it as `bias_ih_l0` with a zero `bias_hh_l0`.
//! Batch norm's `num_batches_tracked` is neither read nor written (load with `strict=False`).
//! `F32` and `F64` tensors are accepted and converted to the network's element type.

use crate::error::{Error, Result};
use crate::module::{full_name, TensorLayout, Weights};
use crate::persist::format::encode_values;
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

/// Reads the weights of network `Net` from `.safetensors` bytes. Tensors the network does not
/// use are ignored; a missing tensor or a shape that differs is an `Err` naming it.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::persist::safetensors::{from_safetensors, to_safetensors};
/// type Net = (Dense<4, 3>, Relu, Dense<3, 2>); // PyTorch: nn.Sequential(Linear, ReLU, Linear)
/// let model = Model::<Vector<4>, Net>::seeded(1);
/// let bytes = to_safetensors(model.weights())?; // tensors `0.weight`, `0.bias`, `2.weight`, `2.bias`
/// let weights = from_safetensors::<f32, Net>(&bytes)?;
/// assert_eq!(weights.tensor("2.bias"), model.weights().tensor("2.bias"));
/// // a file for another network is an `Err` naming the tensor
/// let err = from_safetensors::<f32, (Dense<4, 5>, Relu, Dense<5, 2>)>(&bytes).unwrap_err();
/// assert!(err.to_string().contains("0.weight"));
/// # Ok::<(), stratanet::Error>(())
/// ```
pub fn from_safetensors<E: Scalar, Net: TensorLayout>(bytes: &[u8]) -> Result<Weights<Net, E>> {
    from_safetensors_renamed(bytes, &|name| String::from(name))
}

/// [`from_safetensors`] for a file whose keys are not the tuple positions: `rename` maps each
/// of the network's tensor names (`0.weight`) to the file's key (`fc1.weight`, for a PyTorch
/// module with named attributes). A key `rename` gives that the file lacks is an `Err` naming it.
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::persist::safetensors::{from_safetensors_renamed, to_safetensors};
/// type Net = (Dense<4, 3>, Relu, Dense<3, 2>);
/// let bytes = to_safetensors(Model::<Vector<4>, Net>::seeded(1).weights())?;
/// // a network whose second layer sits one position later reads the same file
/// type Wider = (Dense<4, 3>, Relu, Tanh, Dense<3, 2>);
/// let rename = |name: &str| name.replacen("3.", "2.", 1);
/// let weights = from_safetensors_renamed::<f32, Wider>(&bytes, &rename)?;
/// assert_eq!(weights.tensor("3.bias").unwrap().len(), 2);
/// # Ok::<(), stratanet::Error>(())
/// ```
pub fn from_safetensors_renamed<E: Scalar, Net: TensorLayout>(
    bytes: &[u8],
    rename: &dyn Fn(&str) -> String,
) -> Result<Weights<Net, E>> {
    let file = SafeTensors::deserialize(bytes)
        .map_err(|e| format_error(format!("not a safetensors file: {e}")))?;
    let mut weights = Weights::<Net, E>::zeros();
    let mut failure = None;
    Net::LAYOUT.for_each(&mut |path, tensor, at| {
        if failure.is_some() {
            return;
        }
        let name = rename(&full_name(path, tensor));
        // stratanet's one LSTM / tanh-RNN bias is PyTorch's two, summed (either direction).
        let split = ["bias_l0", "bias_l0_reverse"]
            .into_iter()
            .find_map(|end| Some((name.strip_suffix(end)?, &end["bias_l0".len()..])));
        let values = match split {
            Some((prefix, direction)) => {
                let ih = format!("{prefix}bias_ih_l0{direction}");
                read(&file, &ih, tensor.dims).and_then(|ih| {
                    let hh = read(
                        &file,
                        &format!("{prefix}bias_hh_l0{direction}"),
                        tensor.dims,
                    )?;
                    Ok(ih.iter().zip(&hh).map(|(a, b)| a + b).collect())
                })
            }
            None => read(&file, &name, tensor.dims),
        };
        match values {
            Ok(values) => {
                let slice = &mut weights.as_mut_slice()[at..at + tensor.numel()];
                for (v, &x) in slice.iter_mut().zip(&values) {
                    *v = E::from_f64(x);
                }
            }
            Err(e) => failure = Some(e),
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    // NaN or infinity in the file, or an f64 beyond f32's range in an f32 network.
    match weights.non_finite_tensor() {
        Some(tensor) => Err(Error::NonFiniteTensor { tensor }),
        None => Ok(weights),
    }
}

/// The network's tensors as `.safetensors` bytes (`F32` for an `f32` network, `F64` for
/// `f64`), named as PyTorch names them.
pub fn to_safetensors<E: Scalar, Net: TensorLayout>(weights: &Weights<Net, E>) -> Result<Vec<u8>> {
    let dtype = if core::mem::size_of::<E>() == 4 {
        Dtype::F32
    } else {
        Dtype::F64
    };
    let mut named: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    weights.for_each_tensor(&mut |name, tensor, values| {
        let mut data = Vec::with_capacity(core::mem::size_of_val(values));
        encode_values(values, &mut data);
        let shape = tensor.dims.to_vec();
        // stratanet's one bias becomes PyTorch's two: all of it in `b_ih`, zeros in `b_hh`.
        let split = ["bias_l0", "bias_l0_reverse"]
            .into_iter()
            .find_map(|end| Some((name.strip_suffix(end)?, &end["bias_l0".len()..])));
        match split {
            Some((prefix, direction)) => {
                let zeros = vec![0u8; data.len()];
                named.push((
                    format!("{prefix}bias_ih_l0{direction}"),
                    shape.clone(),
                    data,
                ));
                named.push((format!("{prefix}bias_hh_l0{direction}"), shape, zeros));
            }
            None => named.push((name.into(), shape, data)),
        }
    });
    let mut views = Vec::new();
    for (name, shape, data) in &named {
        let view = TensorView::new(dtype, shape.clone(), data)
            .map_err(|e| format_error(format!("{name}: {e}")))?;
        views.push((name.as_str(), view));
    }
    safetensors::serialize(views, None).map_err(|e| format_error(format!("{e}")))
}
