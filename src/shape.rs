//! Dimensions and per-sample shapes, as types.
//!
//! Users write plain numbers (`Dim<64>`, `Vector<64>`, `Image<1, 8, 8>`). Internally each
//! dimension maps to a typenum number so that computed sizes (a convolution's output, a
//! flattened length) can be derived by the compiler on stable Rust. A generated table maps
//! `Dim<0>..=Dim<4095>` to typenum and back; computed sizes above the table become [`Big`].
//!
//! ```
//! use stratanet::shape::{Image, Seq, Shape, Vector};
//! assert_eq!(<Vector<10>>::NUMEL, 10);
//! assert_eq!(<Seq<5, 3>>::DIMS, &[5, 3]);
//! assert_eq!(<Image<1, 28, 28>>::NUMEL, 784);
//! ```

use core::marker::PhantomData;
use core::ops::{Add, Div, Mul, Sub};
use generic_array::ArrayLength;
use typenum::{
    Diff, Gr, IsGreater, IsLessOrEqual, LeEq, Prod, Quot, Sum, UInt, UTerm, Unsigned, B0, B1, U0,
    U1, U2,
};

/// A dimension written as a plain number, e.g. `Dim<64>`; it prints in decimal in compile errors.
///
/// ```
/// use stratanet::shape::{Dim, DimT};
/// assert_eq!(<Dim<64> as DimT>::USIZE, 64);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Dim<const N: usize>;

/// A computed dimension above the table (4096 or more), kept as a raw typenum number.
///
/// ```
/// use stratanet::shape::{Big, DimT};
/// use typenum::U8192;
/// assert_eq!(<Big<U8192> as DimT>::USIZE, 8192);
/// ```
#[derive(Debug)]
pub struct Big<T>(PhantomData<T>);

/// The generated table from `Dim<N>` to typenum (N in 0..=4095). Library code bounds on [`DimT`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is outside the dimension table: a written dimension must be at most 4095",
    label = "dimension too large",
    note = "stratanet maps `Dim<0>` to `Dim<4095>` to typenum; split the layer or file an issue for a larger table"
)]
pub trait DimMap {
    /// The typenum number of this dimension.
    type Tn;
}

/// A dimension usable in a shape: its typenum number and its value.
///
/// ```
/// use stratanet::shape::{Dim, DimT};
/// fn size<D: DimT>() -> usize { D::USIZE }
/// assert_eq!(size::<Dim<7>>(), 7);
/// ```
pub trait DimT: 'static {
    /// The typenum number, usable as a `GenericArray` length.
    type Tn: ArrayLength;
    /// The dimension as a run-time number.
    const USIZE: usize;
}

impl<D: DimMap + 'static> DimT for D
where
    D::Tn: ArrayLength,
{
    type Tn = D::Tn;
    const USIZE: usize = <D::Tn as Unsigned>::USIZE;
}

impl<T> DimMap for Big<T> {
    type Tn = T;
}

/// A dimension of at least 1: a layer's widths, channels, kernel sizes and hidden units. A zero
/// would build a layer with no values (and kernels that divide by its size).
pub trait NonZeroDim: DimT {}

impl<D: DimT> NonZeroDim for D where D::Tn: NonZeroNumber {}

/// A typenum number other than zero (`UTerm`); the diagnostic of [`NonZeroDim`].
#[diagnostic::on_unimplemented(
    message = "a layer dimension is zero (`{Self}` is typenum's 0): widths, channels, kernel sizes and units must be at least 1",
    label = "zero-width dimension"
)]
pub trait NonZeroNumber {}

impl<U: Unsigned, B: typenum::Bit> NonZeroNumber for UInt<U, B> {}

/// Maps a typenum number back to the dimension users see: `Dim<N>` below 4096, else `Big<T>`.
///
/// ```
/// use stratanet::shape::{Dim, ToDim};
/// fn same<A, B>() where A: ToDim<Dim = B> {}
/// same::<typenum::U13, Dim<13>>();
/// ```
pub trait ToDim {
    /// The user-facing dimension type.
    type Dim: DimT;
}

include!(concat!(env!("OUT_DIR"), "/dim_table.rs"));

/// A per-sample shape: its element count and dimensions are constants of the type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a shape",
    label = "expected `Vector<N>`, `Seq<T, F>`, `Image<C, H, W>` or another `Rank*` shape"
)]
pub trait Shape: 'static {
    /// Element count as a typenum number (for `GenericArray` per-sample views).
    type Numel: ArrayLength;
    /// Element count of one sample.
    const NUMEL: usize;
    /// The dimensions, outermost first.
    const DIMS: &'static [usize];
}

/// A rank-1 shape of `N` elements.
#[derive(Debug)]
pub struct Rank1<N>(PhantomData<N>);
/// A rank-2 shape: `T` rows (time steps) of `F` features, row-major.
#[derive(Debug)]
pub struct Rank2<T, F>(PhantomData<(T, F)>);
/// A rank-3 shape: `C` channels of `H`×`W` planes (channels first, like PyTorch), row-major.
#[derive(Debug)]
pub struct Rank3<C, H, W>(PhantomData<(C, H, W)>);

/// A sequence of `T` token ids, a shape only input data has: an `Embedding` takes it and no layer
/// outputs it, so an `Embedding` can only be a network's first layer. Ids travel as the model's
/// element type and are checked when data enters (whole numbers in the vocabulary).
#[derive(Debug)]
pub struct TokensT<T>(PhantomData<T>);

/// A 1-D signal of `C` channels of length `L`, channels first (PyTorch's `Conv1d` layout): the
/// same `[C, L]` numbers as a `Rank2`, but a type of its own, so a time-major `Seq<T, F>` (what
/// recurrent layers read and write) cannot be taken for channels by a `Conv1d`.
#[derive(Debug)]
pub struct SignalT<C, L>(PhantomData<(C, L)>);

/// A vector of `N` features.
pub type Vector<const N: usize> = Rank1<Dim<N>>;
/// A 1-D signal of `C` channels of length `L` (the input of a `Conv1d`).
pub type Signal<const C: usize, const L: usize> = SignalT<Dim<C>, Dim<L>>;
/// `T` token ids (the input of a network that starts with an `Embedding`).
pub type Tokens<const T: usize> = TokensT<Dim<T>>;
/// A fixed-length sequence of `T` steps with `F` features each.
pub type Seq<const T: usize, const F: usize> = Rank2<Dim<T>, Dim<F>>;
/// An image with `C` channels of `H`×`W` pixels, channels first.
pub type Image<const C: usize, const H: usize, const W: usize> = Rank3<Dim<C>, Dim<H>, Dim<W>>;

impl<N: DimT> Shape for Rank1<N> {
    type Numel = N::Tn;
    const NUMEL: usize = N::USIZE;
    const DIMS: &'static [usize] = &[N::USIZE];
}

impl<T: DimT> Shape for TokensT<T> {
    type Numel = T::Tn;
    const NUMEL: usize = T::USIZE;
    const DIMS: &'static [usize] = &[T::USIZE];
}

/// Shapes of values (every shape but [`Tokens`]): what
/// [`Frozen::forward_one`](crate::infer::Frozen::forward_one) takes without checking.
#[diagnostic::on_unimplemented(
    message = "`{Self}` holds token ids, which must be checked: use `try_forward_one`",
    label = "a network over token ids"
)]
pub trait Values: Shape {}

impl<N: DimT> Values for Rank1<N> {}
impl<T: DimT, F: DimT> Values for Rank2<T, F> where Self: Shape {}
impl<C: DimT, H: DimT, W: DimT> Values for Rank3<C, H, W> where Self: Shape {}
impl<C: DimT, L: DimT> Values for SignalT<C, L> where Self: Shape {}

impl<T: DimT, F: DimT> Shape for Rank2<T, F>
where
    T::Tn: Mul<F::Tn>,
    Prod<T::Tn, F::Tn>: ArrayLength,
{
    type Numel = Prod<T::Tn, F::Tn>;
    const NUMEL: usize = T::USIZE * F::USIZE;
    const DIMS: &'static [usize] = &[T::USIZE, F::USIZE];
}

impl<C: DimT, L: DimT> Shape for SignalT<C, L>
where
    C::Tn: Mul<L::Tn>,
    Prod<C::Tn, L::Tn>: ArrayLength,
{
    type Numel = Prod<C::Tn, L::Tn>;
    const NUMEL: usize = C::USIZE * L::USIZE;
    const DIMS: &'static [usize] = &[C::USIZE, L::USIZE];
}

impl<C: DimT, H: DimT, W: DimT> Shape for Rank3<C, H, W>
where
    C::Tn: Mul<H::Tn>,
    Prod<C::Tn, H::Tn>: Mul<W::Tn>,
    Prod<Prod<C::Tn, H::Tn>, W::Tn>: ArrayLength,
{
    type Numel = Prod<Prod<C::Tn, H::Tn>, W::Tn>;
    const NUMEL: usize = C::USIZE * H::USIZE * W::USIZE;
    const DIMS: &'static [usize] = &[C::USIZE, H::USIZE, W::USIZE];
}

/// The output length of a sliding window (convolution or pooling) over a dimension:
/// `(Self + 2·P − K) / S + 1`, floor division, computed by the compiler.
///
/// ```
/// use stratanet::shape::{Dim, WindowOut};
/// fn same<A, B>() where A: WindowOut<Dim<3>, Dim<2>, Dim<0>, Out = B> {}
/// same::<Dim<28>, Dim<13>>(); // 28, kernel 3, stride 2, no padding -> 13
/// fn keep<A>() where A: WindowOut<Dim<3>, Dim<1>, Dim<1>, Out = A> {}
/// keep::<Dim<7>>(); // kernel 3, stride 1, padding 1 keeps the size
/// ```
pub trait WindowOut<K, S, P> {
    /// The output dimension.
    type Out: DimT;
}

/// The padded length `D + 2·P` as a typenum number.
type Padded<D, P> = Sum<<D as DimT>::Tn, Prod<<P as DimT>::Tn, U2>>;

/// Selects the window arithmetic only when it is defined: `Fits` is `B1` when the kernel is at
/// most the padded input, `Strides` is `B1` when the stride is at least 1. For any other pair
/// there is no implementation, so the compiler stops here with this trait's message (naming the
/// dimensions in decimal) instead of inside typenum's binary arithmetic.
#[diagnostic::on_unimplemented(
    message = "a window of size `{K}` with stride `{S}` and padding `{P}` does not fit a dimension of `{D}`",
    label = "this layer's window does not fit its input",
    note = "a convolution or pooling window needs kernel <= input + 2 * padding, and stride >= 1"
)]
pub trait WindowFits<Fits, Strides, D, K, S, P> {
    /// The output dimension.
    type Out: DimT;
}

impl<D, K, S, P> WindowFits<B1, B1, D, K, S, P> for ()
where
    D: DimT,
    K: DimT,
    S: DimT,
    P: DimT,
    P::Tn: Mul<U2>,
    D::Tn: Add<Prod<P::Tn, U2>>,
    Padded<D, P>: Sub<K::Tn>,
    Diff<Padded<D, P>, K::Tn>: Div<S::Tn>,
    Quot<Diff<Padded<D, P>, K::Tn>, S::Tn>: Add<U1>,
    Sum<Quot<Diff<Padded<D, P>, K::Tn>, S::Tn>, U1>: ToDim,
{
    type Out = <Sum<Quot<Diff<Padded<D, P>, K::Tn>, S::Tn>, U1> as ToDim>::Dim;
}

impl<D, K, S, P> WindowOut<K, S, P> for D
where
    D: DimT,
    K: DimT,
    S: DimT,
    P: DimT,
    P::Tn: Mul<U2>,
    D::Tn: Add<Prod<P::Tn, U2>>,
    K::Tn: IsLessOrEqual<Padded<D, P>>,
    S::Tn: IsGreater<U0>,
    (): WindowFits<LeEq<K::Tn, Padded<D, P>>, Gr<S::Tn, U0>, D, K, S, P>,
{
    type Out = <() as WindowFits<LeEq<K::Tn, Padded<D, P>>, Gr<S::Tn, U0>, D, K, S, P>>::Out;
}

/// The output size of a transposed convolution along one dimension of size `Self`:
/// `(Self − 1)·S − 2P + K`, computed by the compiler.
///
/// ```
/// use stratanet::shape::{Dim, TransposedOut};
/// fn same<A, B>() where A: TransposedOut<Dim<2>, Dim<2>, Dim<0>, Out = B> {}
/// same::<Dim<4>, Dim<8>>(); // (4 − 1)·2 + 2 = 8
/// ```
#[diagnostic::on_unimplemented(
    message = "a transposed convolution with kernel `{K}`, stride `{S}` and padding `{P}` does not fit a dimension of `{Self}`",
    label = "this layer's output would have no rows or columns",
    note = "a transposed convolution's output is `(input − 1) * stride − 2 * padding + kernel`, which must be at least 1, with input >= 1"
)]
pub trait TransposedOut<K, S, P> {
    /// The output size.
    type Out: DimT;
}

/// `(D − 1)·S + K`.
type Spread<D, K, S> = Sum<Prod<Diff<<D as DimT>::Tn, U1>, <S as DimT>::Tn>, <K as DimT>::Tn>;

impl<D, K, S, P> TransposedOut<K, S, P> for D
where
    D: DimT,
    K: DimT,
    S: DimT,
    P: DimT,
    D::Tn: Sub<U1>,
    Diff<D::Tn, U1>: Mul<S::Tn>,
    Prod<Diff<D::Tn, U1>, S::Tn>: Add<K::Tn>,
    P::Tn: Mul<U2>,
    Spread<D, K, S>: Sub<Prod<P::Tn, U2>>,
    Diff<Spread<D, K, S>, Prod<P::Tn, U2>>: ToDim,
{
    type Out = <Diff<Spread<D, K, S>, Prod<P::Tn, U2>> as ToDim>::Dim;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_type<A: 'static, B: 'static>() -> bool {
        core::any::TypeId::of::<A>() == core::any::TypeId::of::<B>()
    }

    #[test]
    fn table_maps_both_ways() {
        assert_eq!(<Dim<0> as DimT>::USIZE, 0);
        assert_eq!(<Dim<1> as DimT>::USIZE, 1);
        assert_eq!(<Dim<4095> as DimT>::USIZE, 4095);
        assert!(same_type::<<typenum::U784 as ToDim>::Dim, Dim<784>>());
        assert!(same_type::<
            <typenum::U4096 as ToDim>::Dim,
            Big<typenum::U4096>,
        >());
        assert!(same_type::<
            <typenum::U10000 as ToDim>::Dim,
            Big<typenum::U10000>,
        >());
        assert_eq!(<<typenum::U10000 as ToDim>::Dim as DimT>::USIZE, 10000);
    }

    #[test]
    fn shapes_know_their_sizes() {
        assert_eq!(<Vector<5>>::NUMEL, 5);
        assert_eq!(<Seq<28, 28>>::NUMEL, 784);
        assert_eq!(<Image<3, 32, 32>>::DIMS, &[3, 32, 32]);
        assert_eq!(
            <<Image<3, 32, 32> as Shape>::Numel as Unsigned>::USIZE,
            3072
        );
    }

    #[test]
    fn window_arithmetic_floors() {
        type Out<D, K, S, P> = <D as WindowOut<K, S, P>>::Out;
        assert!(same_type::<Out<Dim<28>, Dim<3>, Dim<2>, Dim<0>>, Dim<13>>());
        assert!(same_type::<Out<Dim<7>, Dim<3>, Dim<2>, Dim<1>>, Dim<4>>());
        assert!(same_type::<Out<Dim<8>, Dim<5>, Dim<1>, Dim<2>>, Dim<8>>());
        assert!(same_type::<Out<Dim<6>, Dim<2>, Dim<2>, Dim<0>>, Dim<3>>());
        assert!(same_type::<
            Out<Big<typenum::U8192>, Dim<1>, Dim<1>, Dim<0>>,
            Big<typenum::U8192>,
        >());
        assert!(same_type::<
            Out<Big<typenum::U8192>, Dim<4>, Dim<4>, Dim<0>>,
            Dim<2048>,
        >());
    }
}
