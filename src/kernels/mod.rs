//! Plain numeric kernels over slices with `usize` geometry: not generic over dimensions, so
//! they compile once per element type whatever the network.

pub mod batch_norm;
pub mod conv;
pub mod dense;
pub mod gemm;
pub mod matmul;
pub mod pool;
pub mod rnn;
pub mod rowwise;
