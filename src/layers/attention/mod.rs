//! The attention family: [`LayerNorm`], [`MultiHeadAttention`], [`PositionalEmbedding`] and the
//! pre-norm [`TransformerEncoder`] block built from them. Every attention shape is proven by the
//! compiler: the heads divide the width, the `T × T` scores come from the sequence type, and a
//! block maps `Seq<T, D>` to itself. The math is in `kernels::attention` and `kernels::norm`.

mod layer_norm;
mod multi_head_attention;
mod positional_embedding;
mod transformer_encoder;

#[cfg(feature = "alloc")]
pub use layer_norm::LayerNormWork;
pub use layer_norm::{LayerNorm, LayerNormT};
#[cfg(feature = "alloc")]
pub use multi_head_attention::AttentionWork;
pub use multi_head_attention::{
    AttentionMask, Causal, HeadsDivide, MultiHeadAttention, MultiHeadAttentionT, Unmasked,
};
pub use positional_embedding::{PositionalEmbedding, PositionalEmbeddingT};
pub use transformer_encoder::{TransformerEncoder, TransformerEncoderT};
