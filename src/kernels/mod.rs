//! Plain numeric kernels over slices with `usize` geometry: not generic over dimensions, so
//! they compile once per element type whatever the network. All the crate's math lives here;
//! kernels import nothing from `layers`, `module` or `train`.
//!
//! Not a stable API: public so that benchmarks and tests outside the crate can reach the
//! kernels, hidden from the documentation, and free to change in any release.

pub mod attention;
pub mod batch_norm;
pub mod conv;
pub mod conv_transpose;
pub mod dense;
pub mod depthwise;
pub mod elementwise;
pub mod embedding;
#[allow(unsafe_code)] // the wrapper over matrixmultiply (the other `unsafe` files are in `simd`)
pub mod gemm;
pub mod int8;
pub mod matmul;
pub mod merge;
pub mod norm;
pub mod pool;
pub mod requant;
pub mod resample;
pub mod rnn;
pub mod rowwise;
pub mod scalar;
pub mod simd;
