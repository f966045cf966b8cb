//! Multi-head self-attention over a sequence, `Seq<T, D>` → `Seq<T, D>`:
//! `[Q K V] = X·W_inᵀ + b_in`; for each of the `H` heads (width `dh = D/H`, which the compiler
//! proves whole), `O_h = softmax(Q_h·K_hᵀ/√dh)·V_h` (rows stable: their maximum subtracted; with
//! [`Causal`], step `i` sees only steps `j ≤ i`); `Y = [O_1 … O_H]·W_outᵀ + b_out`.
//! Tensors as PyTorch: `in_proj_weight [3D, D]`, `in_proj_bias [3D]`, `out_proj.weight [D, D]`,
//! `out_proj.bias [D]`; Glorot-uniform weights, zero biases (PyTorch's in-projection init).
//!
//! PyTorch: `nn.MultiheadAttention(D, H, batch_first=True)` called as `attn(x, x, x)` (with
//! `attn_mask` a causal mask for [`Causal`]); Keras: `layers.MultiHeadAttention(H, D // H)`.

use crate::kernels::attention::{attention_forward, AttentionGeom};
use crate::kernels::dense::dense_forward;
use crate::module::{Infer, Init, Layer, Layout, TensorLayout, TensorShape};
use crate::shape::{Dim, DimT, NonZeroDim, Rank2, Shape};
use crate::Scalar;
use core::marker::PhantomData;
use typenum::{Mod, U0};
#[cfg(feature = "alloc")]
use {
    crate::kernels::attention::{
        attention_backward_products, attention_forward_products, attention_scratch,
    },
    crate::kernels::dense::dense_backward,
    crate::module::{Backward, Module},
    alloc::vec,
    alloc::vec::Vec,
};

/// Every step attends to every step (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct Unmasked;
/// Step `i` attends only to steps `0..=i` (a decoder's mask).
#[derive(Clone, Copy, Debug, Default)]
pub struct Causal;

/// The mask of an attention layer, chosen by type.
pub trait AttentionMask: 'static {
    /// Whether the mask hides later steps.
    const CAUSAL: bool;
}
impl AttentionMask for Unmasked {
    const CAUSAL: bool = false;
}
impl AttentionMask for Causal {
    const CAUSAL: bool = true;
}

/// Self-attention of width `D` with `H` heads and mask `M`; see [`MultiHeadAttention`].
#[derive(Debug)]
pub struct MultiHeadAttentionT<D, H, M>(PhantomData<(D, H, M)>);

/// Multi-head self-attention written with plain numbers:
/// `MultiHeadAttention<D, H, M = Unmasked>`, over `Seq<T, D>` for any `T`.
///
/// ```
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<16, 64>, MultiHeadAttention<64, 4>, Seq<16, 64>>();
/// const _: () = check::<Seq<16, 64>, MultiHeadAttention<64, 8, Causal>, Seq<16, 64>>();
/// ```
///
/// Heads that do not divide the width do not compile:
/// ```compile_fail
/// use stratanet::prelude::*;
/// const _: () = check::<Seq<16, 64>, MultiHeadAttention<64, 6>, Seq<16, 64>>();
/// ```
pub type MultiHeadAttention<const D: usize, const H: usize, M = Unmasked> =
    MultiHeadAttentionT<Dim<D>, Dim<H>, M>;

/// Holds for the remainder `D mod H` (computed by the compiler) when `H` heads divide the
/// width `D`: only a zero remainder implements it.
#[diagnostic::on_unimplemented(
    message = "`{H}` attention heads do not divide the width `{D}`",
    label = "the heads of this attention layer do not divide its width",
    note = "`MultiHeadAttention<D, H>` splits the width into `H` heads of `D / H` features each: choose `H` dividing `D`"
)]
pub trait HeadsDivide<D, H> {}

impl<D, H> HeadsDivide<D, H> for U0 {}

impl<D: DimT, H: DimT, M> TensorLayout for MultiHeadAttentionT<D, H, M> {
    const LAYOUT: Layout = Layout::Tensors(&[
        TensorShape::param(
            "in_proj_weight",
            &[3 * D::USIZE, D::USIZE],
            Init::GlorotUniform {
                fan_in: D::USIZE,
                fan_out: 3 * D::USIZE,
            },
        ),
        TensorShape::param("in_proj_bias", &[3 * D::USIZE], Init::Zeros),
        TensorShape::param(
            "out_proj.weight",
            &[D::USIZE, D::USIZE],
            Init::GlorotUniform {
                fan_in: D::USIZE,
                fan_out: D::USIZE,
            },
        ),
        TensorShape::param("out_proj.bias", &[D::USIZE], Init::Zeros),
    ]);
}

impl<T, D, H, M> Layer<Rank2<T, D>> for MultiHeadAttentionT<D, H, M>
where
    T: NonZeroDim,
    D: NonZeroDim,
    H: NonZeroDim,
    M: AttentionMask,
    D::Tn: core::ops::Rem<H::Tn>,
    Mod<D::Tn, H::Tn>: HeadsDivide<D, H>,
    Rank2<T, D>: Shape,
{
    type Output = Rank2<T, D>;
}

/// The attention geometry for input shape `In` (`[T, D]`).
fn geometry<In: Shape, H: DimT, M: AttentionMask>() -> AttentionGeom {
    AttentionGeom {
        steps: In::DIMS[0],
        width: In::DIMS[1],
        heads: H::USIZE,
        causal: M::CAUSAL,
    }
}

/// The four tensors: in-projection weight and bias, out-projection weight and bias.
fn split<E>(tensors: &[E], d: usize) -> (&[E], &[E], &[E], &[E]) {
    let (w_in, rest) = tensors.split_at(3 * d * d);
    let (b_in, rest) = rest.split_at(3 * d);
    let (w_out, b_out) = rest.split_at(d * d);
    (w_in, b_in, w_out, b_out)
}

impl<In: Shape, D: DimT, H: DimT, M: AttentionMask, E: Scalar> Infer<In, E>
    for MultiHeadAttentionT<D, H, M>
where
    Self: Layer<In>,
{
    /// `[Q K V]` (`3·T·D`), one sequence's attention weights (`H·T·T`) and the heads' outputs
    /// (`T·D`).
    const SCRATCH: usize = {
        let (t, d) = (In::NUMEL / D::USIZE, D::USIZE);
        3 * t * d + H::USIZE * t * t + t * d
    };

    // The projections row by row (matrix–vector products: no packing, no allocation).
    fn infer(tensors: &[E], x: &[E], y: &mut [E], scratch: &mut [E]) {
        let g = geometry::<In, H, M>();
        let (t, d) = (g.steps, g.width);
        let (w_in, b_in, w_out, b_out) = split(tensors, d);
        let (qkv, rest) = scratch.split_at_mut(3 * t * d);
        let (p, rest) = rest.split_at_mut(g.heads * t * t);
        let o = &mut rest[..t * d];
        for (row, out) in x.chunks_exact(d).zip(qkv.chunks_exact_mut(3 * d)) {
            dense_forward(1, d, 3 * d, row, w_in, b_in, out);
        }
        attention_forward(&g, qkv, p, o);
        for (row, out) in o.chunks_exact(d).zip(y.chunks_exact_mut(d)) {
            dense_forward(1, d, d, row, w_out, b_out, out);
        }
    }
}

/// Buffers of an attention layer for a batch: the projections, the attention weights, the
/// heads' outputs and their gradients.
#[cfg(feature = "alloc")]
#[derive(Debug)]
pub struct AttentionWork<E> {
    qkv: Vec<E>,
    p: Vec<E>,
    o: Vec<E>,
    d_o: Vec<E>,
    d_qkv: Vec<E>,
    /// One sequence's scratch for the products ([`attention_scratch`]).
    scratch: Vec<E>,
}

#[cfg(feature = "alloc")]
impl<In: Shape, D: DimT, H: DimT, M: AttentionMask, E: Scalar> Module<In, E>
    for MultiHeadAttentionT<D, H, M>
where
    Self: Layer<In>,
{
    type Work = AttentionWork<E>;

    // The projections once per step, then scores and mixing: two T × T × D products.
    const COST: usize = In::NUMEL / D::USIZE * <Self as TensorLayout>::PARAMS
        + 2 * In::NUMEL / D::USIZE * In::NUMEL;

    fn work(capacity: usize) -> Self::Work {
        let g = geometry::<In, H, M>();
        let (t, d) = (g.steps, g.width);
        AttentionWork {
            qkv: vec![E::zero(); 3 * t * d * capacity],
            p: vec![E::zero(); g.heads * t * t * capacity],
            o: vec![E::zero(); t * d * capacity],
            d_o: vec![E::zero(); t * d * capacity],
            d_qkv: vec![E::zero(); 3 * t * d * capacity],
            scratch: vec![E::zero(); attention_scratch(&g)],
        }
    }

    // The projections over all `n·T` steps at once; attention sequence by sequence, each head
    // as two products (`attention_forward_products`).
    fn forward(tensors: &[E], x: &[E], n: usize, y: &mut [E], work: &mut Self::Work) {
        let g = geometry::<In, H, M>();
        let (t, d) = (g.steps, g.width);
        let (w_in, b_in, w_out, b_out) = split(tensors, d);
        let qkv = &mut work.qkv[..3 * n * t * d];
        dense_forward(n * t, d, 3 * d, x, w_in, b_in, qkv);
        let sequences = qkv
            .chunks_exact(3 * t * d)
            .zip(work.p.chunks_exact_mut(g.heads * t * t))
            .zip(work.o.chunks_exact_mut(t * d));
        for ((qkv, p), o) in sequences.take(n) {
            attention_forward_products(&g, qkv, p, o, &mut work.scratch);
        }
        dense_forward(n * t, d, d, &work.o, w_out, b_out, y);
    }

    // Back through the out-projection (a dense layer over steps), each sequence's attention
    // (four products a head, see `attention_backward_products`), and the in-projection.
    fn backward(pass: Backward<'_, E>, work: &mut Self::Work) {
        let g = geometry::<In, H, M>();
        let (t, d, n) = (g.steps, g.width, pass.n);
        let (w_in, _, w_out, _) = split(pass.tensors, d);
        let (d_in, d_out) = pass.grads.split_at_mut(3 * d * d + 3 * d);
        let (dw_in, db_in) = d_in.split_at_mut(3 * d * d);
        let (dw_out, db_out) = d_out.split_at_mut(d * d);
        let o = &work.o[..n * t * d];
        let d_o = &mut work.d_o[..n * t * d];
        dense_backward(n * t, d, d, o, w_out, pass.dy, Some(d_o), dw_out, db_out);
        let sequences = work
            .qkv
            .chunks_exact(3 * t * d)
            .zip(work.p.chunks_exact(g.heads * t * t))
            .zip(work.d_o.chunks_exact(t * d))
            .zip(work.d_qkv.chunks_exact_mut(3 * t * d));
        for (((qkv, p), d_o), d_qkv) in sequences.take(n) {
            attention_backward_products(&g, qkv, p, d_o, &mut work.scratch, d_qkv);
        }
        let d_qkv = &work.d_qkv[..3 * n * t * d];
        dense_backward(n * t, d, 3 * d, pass.x, w_in, d_qkv, pass.dx, dw_in, db_in);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gradcheck::check_gradients;
    use crate::shape::Seq;

    #[test]
    fn gradients_match_finite_differences() {
        assert!(check_gradients::<Seq<4, 6>, MultiHeadAttention<6, 2>>(2, 1) < 1e-6);
        assert!(check_gradients::<Seq<5, 4>, MultiHeadAttention<4, 1, Causal>>(2, 2) < 1e-6);
        assert!(check_gradients::<Seq<3, 8>, MultiHeadAttention<8, 4, Causal>>(3, 3) < 1e-6);
    }
}
