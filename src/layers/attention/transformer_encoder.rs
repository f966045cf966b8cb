//! A pre-norm transformer encoder block over `Seq<T, D>`:
//! `x ← x + MHA(LN₁(x))`, then `x ← x + W₂·A(W₁·LN₂(x) + b₁) + b₂` at every step, with `H`
//! heads, a feed-forward width `FF` and activation `A` (`Relu` or `Gelu`). It is the composition
//! [`Residual`]`<(LayerNorm, MultiHeadAttention)>`, [`Residual`]`<(LayerNorm,
//! TimeDistributed<Dense>, A, TimeDistributed<Dense>)>` — forward, backward and one-sample
//! inference are those layers' — with its tensors under PyTorch's names (`self_attn.…`,
//! `linear1.…`, `linear2.…`, `norm1.…`, `norm2.…`; LayerNorm ε 1e-5), so a PyTorch layer's
//! `state_dict` loads. Blocks stack in a tuple.
//!
//! PyTorch: `nn.TransformerEncoderLayer(D, H, FF, dropout=0, activation="relu" | "gelu",
//! batch_first=True, norm_first=True)`; Keras: no built-in layer (KerasHub's
//! `TransformerEncoder(FF, H, normalize_first=True)`).

use super::{LayerNormT, MultiHeadAttentionT, Unmasked};
use crate::layers::{DenseT, Relu, Residual, TimeDistributed};
#[cfg(feature = "alloc")]
use crate::module::{Backward, LayerSummary, Mode, Module};
use crate::module::{Infer, Init, Layer, Layout, Output, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, Shape};
use crate::Scalar;
use core::marker::PhantomData;

/// A pre-norm encoder block of width `D`, `H` heads, feed-forward width `FF`, activation `A`;
/// see [`TransformerEncoder`].
#[derive(Debug)]
pub struct TransformerEncoderT<D, H, FF, A>(PhantomData<(D, H, FF, A)>);

/// A pre-norm transformer encoder block written with plain numbers:
/// `TransformerEncoder<D, H, FF, A = Relu>`.
///
/// ```
/// use stratanet::prelude::*;
/// type Encoder = (TransformerEncoder<64, 4, 128>, TransformerEncoder<64, 4, 128, Gelu>);
/// const _: () = check::<Seq<32, 64>, Encoder, Seq<32, 64>>();
/// ```
pub type TransformerEncoder<const D: usize, const H: usize, const FF: usize, A = Relu> =
    TransformerEncoderT<Dim<D>, Dim<H>, Dim<FF>, A>;

/// The layers a block is made of, in storage order.
type Inner<D, H, FF, A> = (
    Residual<(LayerNormT<D, Dim<5>>, MultiHeadAttentionT<D, H, Unmasked>)>,
    Residual<(
        LayerNormT<D, Dim<5>>,
        TimeDistributed<DenseT<D, FF>>,
        A,
        TimeDistributed<DenseT<FF, D>>,
    )>,
);

/// A Glorot-uniform `[rows, cols]` weight named `name`.
const fn glorot(name: &'static str, dims: &'static [usize; 2]) -> TensorShape {
    TensorShape::param(
        name,
        dims,
        Init::GlorotUniform {
            fan_in: dims[1],
            fan_out: dims[0],
        },
    )
}

impl<D: DimT, H, FF: DimT, A> TensorLayout for TransformerEncoderT<D, H, FF, A> {
    // The inner layers' tensors, in their order, under PyTorch's names.
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param("norm1.weight", &[D::USIZE], Init::Ones),
        TensorShape::param("norm1.bias", &[D::USIZE], Init::Zeros),
        glorot("self_attn.in_proj_weight", &[3 * D::USIZE, D::USIZE]),
        TensorShape::param("self_attn.in_proj_bias", &[3 * D::USIZE], Init::Zeros),
        glorot("self_attn.out_proj.weight", &[D::USIZE, D::USIZE]),
        TensorShape::param("self_attn.out_proj.bias", &[D::USIZE], Init::Zeros),
        TensorShape::param("norm2.weight", &[D::USIZE], Init::Ones),
        TensorShape::param("norm2.bias", &[D::USIZE], Init::Zeros),
        glorot("linear1.weight", &[FF::USIZE, D::USIZE]),
        TensorShape::param("linear1.bias", &[FF::USIZE], Init::Zeros),
        glorot("linear2.weight", &[D::USIZE, FF::USIZE]),
        TensorShape::param("linear2.bias", &[D::USIZE], Init::Zeros),
    ]);
}

impl<In: Shape, D, H, FF, A> Layer<In> for TransformerEncoderT<D, H, FF, A>
where
    Inner<D, H, FF, A>: Layer<In>,
{
    type Output = Output<Inner<D, H, FF, A>, In>;
}

impl<In: Shape, D: DimT, H: DimT, FF: DimT, A, E: Scalar> Infer<In, E>
    for TransformerEncoderT<D, H, FF, A>
where
    Inner<D, H, FF, A>: Infer<In, E>,
{
    const SCRATCH: usize = <Inner<D, H, FF, A> as Infer<In, E>>::SCRATCH;

    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        <Inner<D, H, FF, A>>::infer(tensors, x, y, scratch);
    }
}

#[cfg(feature = "alloc")]
impl<In: Shape, D: DimT, H: DimT, FF: DimT, A, E: Scalar> Module<In, E>
    for TransformerEncoderT<D, H, FF, A>
where
    Inner<D, H, FF, A>: Module<In, E>,
{
    type Work = <Inner<D, H, FF, A> as Module<In, E>>::Work;

    const COST: usize = <Inner<D, H, FF, A> as Module<In, E>>::COST;

    fn work(capacity: usize) -> Self::Work {
        <Inner<D, H, FF, A>>::work(capacity)
    }

    fn set_mode(work: &mut Self::Work, mode: Mode) {
        <Inner<D, H, FF, A>>::set_mode(work, mode);
    }

    fn describe(rows: &mut alloc::vec::Vec<LayerSummary>) {
        rows.push(LayerSummary::of::<Self>(Self::Output::DIMS));
    }

    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        <Inner<D, H, FF, A>>::forward(tensors, x, n, y, work);
    }

    // The inner layers' backward passes, last first.
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        <Inner<D, H, FF, A>>::backward(pass, work);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::layers::Gelu;
    use crate::shape::Seq;

    /// The flat layout is the inner layers' tensor for tensor (dims and initializers).
    #[test]
    fn the_layout_is_the_inner_layers() {
        type Block = TransformerEncoder<8, 2, 12>;
        type Layers = Inner<Dim<8>, Dim<2>, Dim<12>, Relu>;
        let mut ours = alloc::vec::Vec::new();
        Block::LAYOUT.for_each(&mut |_, t, at| ours.push((t.dims, t.init, t.trainable, at)));
        let mut theirs = alloc::vec::Vec::new();
        Layers::LAYOUT.for_each(&mut |_, t, at| theirs.push((t.dims, t.init, t.trainable, at)));
        assert_eq!(ours, theirs);
    }

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Seq<3, 4>, TransformerEncoder<4, 2, 6>>(2, 1) < 1e-6);
        assert!(check_gradients::<Seq<3, 4>, TransformerEncoder<4, 1, 5, Gelu>>(2, 2) < 1e-6);
    }
}
