//! SIMD kernels with run-time CPU-feature dispatch, beside their portable reference loops.
//!
//! A [`Level`] is an instruction set the running CPU has. Only [`Level::detected`],
//! [`Level::available`] and [`Level::PORTABLE`] make one, so holding `Level` AVX2 proves the
//! check was made: the kernels here take a `Level` and are safe to call with any value a caller
//! can hold. With `std` the CPU is asked once (`is_x86_feature_detected!`) and the answer cached;
//! without `std` the level is what the build targets (`-C target-feature=+avx2,+fma`), since a
//! bare-metal program cannot ask.
//!
//! The levels: portable, AVX2 (with FMA) and AVX-512 (AVX-512F with AVX2 and FMA). The
//! environment variable `STRATANET_SIMD` (`portable`, `avx2` or `avx512`, read once) caps the level,
//! so a test suite can run on every path of one machine; a level above what the CPU has is never
//! chosen. The int8 kernels' and the pooling kernel's SIMD forms compute exactly what their
//! portable forms do (integer arithmetic, same wrapping; the same selections), and so do the
//! loops run under [`vectorized`]: `kernels::simd::tests` compares them on ragged shapes. The
//! `f32` matrix product (`sgemm`, AVX-512) sums in another order than matrixmultiply, with fused
//! multiply-adds: its tests bound each element by `(k + 2)·ε·Σ|a||b|` against `f64`.
//!
//! `unsafe` lives only in the architecture modules (`x86`: the int8 kernels and `vectorized`;
//! `x86_gemm`: the matrix-product microkernels and gathers; `x86_pack`: packing's 16×16
//! transposes; `x86_small`: the unpacked kernel of small products; `x86_pool`: the pooling
//! kernels), each block with the check that makes it sound. The kernel tests also run under
//! AddressSanitizer (nightly only, so not in CI): `RUSTFLAGS=-Zsanitizer=address cargo +nightly
//! test --lib --target x86_64-unknown-linux-gnu -- kernels::` — clean, and a deliberate 16-byte
//! read past an input is reported.

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // the AVX2 kernels: `#[target_feature]` functions and unaligned loads
mod x86;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)] // the AVX-512 matrix-product microkernel
mod x86_gemm;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)] // the AVX-512 kernel of small products: masked loads and stores
mod x86_small;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(crate) mod sgemm;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod pack;

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[allow(unsafe_code)] // the AVX-512 transposing copy of packing: masked loads, stores
mod x86_pack;

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // the AVX-512 max-pooling backward pass: masked loads and stores
mod x86_pool;

/// An instruction-set level of the running CPU (see the [module docs](self)).
///
/// ```
/// use stratanet::kernels::simd::Level;
/// let best = Level::detected();
/// assert!(Level::available().any(|l| l == best));
/// assert_eq!(Level::available().next(), Some(Level::PORTABLE));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level(Isa);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Isa {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// AVX-512F (with AVX2 and FMA): the f32 matrix product's own kernel; the int8 kernels use
    /// their AVX2 forms here.
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Level {
    /// Plain Rust loops, on any CPU (what the compiler vectorizes for the build's target).
    pub const PORTABLE: Level = Level(Isa::Portable);

    /// The level kernels use: the best the CPU has, capped by `STRATANET_SIMD` (with `std`;
    /// without it, the best the build targets). Detected once, then cached; when the variable
    /// is set, that first call allocates its value (`std::env::var`). Inlined, so that without
    /// `std` (a constant level) the dispatch of [`vectorized`] folds away.
    #[inline]
    pub fn detected() -> Level {
        detect::cached()
    }

    /// Every level this CPU runs, lowest ([`Level::PORTABLE`]) first, ignoring `STRATANET_SIMD`.
    pub fn available() -> impl Iterator<Item = Level> {
        let best = detect::best();
        [
            Isa::Portable,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512,
        ]
        .into_iter()
        .filter(move |&isa| isa <= best)
        .map(Level)
    }

    /// The level's name, as `STRATANET_SIMD` spells it: `portable`, `avx2` or `avx512`.
    pub fn name(self) -> &'static str {
        match self.0 {
            Isa::Portable => "portable",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => "avx2",
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => "avx512",
        }
    }

    /// This level, but no wider than AVX2's 256-bit vectors: for loops bound by square roots
    /// and divisions, which AMD's Zen 4 runs at half the rate per lane on 512-bit registers
    /// (Adam's update over 109,386 values: 99 µs at `avx512`, 45 µs at `avx2` on an EPYC).
    ///
    /// ```
    /// use stratanet::kernels::simd::Level;
    /// assert_eq!(Level::PORTABLE.at_most_avx2(), Level::PORTABLE);
    /// assert!(Level::available().any(|l| l == Level::detected().at_most_avx2()));
    /// ```
    #[must_use]
    pub fn at_most_avx2(self) -> Level {
        #[cfg(target_arch = "x86_64")]
        if self.0 == Isa::Avx512 {
            return Level(Isa::Avx2);
        }
        self
    }

    /// Whether the level has AVX2 and FMA (the int8 kernels' SIMD forms).
    #[cfg(target_arch = "x86_64")]
    fn has_avx2(self) -> bool {
        self.0 >= Isa::Avx2
    }
}

#[cfg(feature = "std")]
mod detect {
    use super::{Isa, Level};
    use core::sync::atomic::{AtomicU8, Ordering};

    /// 0: not asked yet; otherwise `1 + Isa as u8`.
    static CACHE: AtomicU8 = AtomicU8::new(0);

    pub(super) fn best() -> Isa {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            if std::is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            return Isa::Avx2;
        }
        Isa::Portable
    }

    pub(super) fn cached() -> Level {
        let isa = match CACHE.load(Ordering::Relaxed) {
            0 => {
                let cap = std::env::var("STRATANET_SIMD").ok();
                let isa = match cap.as_deref() {
                    Some("portable") => Isa::Portable,
                    #[cfg(target_arch = "x86_64")]
                    Some("avx2") => best().min(Isa::Avx2),
                    _ => best(),
                };
                CACHE.store(1 + isa as u8, Ordering::Relaxed);
                isa
            }
            #[cfg(target_arch = "x86_64")]
            v if v == 1 + Isa::Avx2 as u8 => Isa::Avx2,
            #[cfg(target_arch = "x86_64")]
            v if v == 1 + Isa::Avx512 as u8 => Isa::Avx512,
            _ => Isa::Portable,
        };
        Level(isa)
    }
}

#[cfg(not(feature = "std"))]
mod detect {
    use super::{Isa, Level};

    #[inline(always)]
    pub(super) fn best() -> Isa {
        #[cfg(all(
            target_arch = "x86_64",
            target_feature = "avx2",
            target_feature = "fma",
            target_feature = "avx512f"
        ))]
        return Isa::Avx512;
        #[cfg(all(
            target_arch = "x86_64",
            target_feature = "avx2",
            target_feature = "fma"
        ))]
        return Isa::Avx2;
        #[allow(unreachable_code)]
        Isa::Portable
    }

    #[inline(always)]
    pub(super) fn cached() -> Level {
        Level(best())
    }
}

/// Runs `f` compiled for `level`: with AVX2, inside a function built with `avx2` and `fma`, so
/// plain loops come out as 256-bit code — when `f` is inlined there. Mark the closure
/// `#[inline(always)]` (and what it calls): left to itself the compiler keeps a large closure
/// out of line, built for the baseline, and this wrapper only jumps to it. The arithmetic is
/// Rust's either way: no contraction into FMA, no reassociation, so the results are the portable
/// ones bit for bit.
///
/// ```
/// use stratanet::kernels::simd::{vectorized, Level};
/// let x = [1i8, -2, 3];
/// let sum: i32 = vectorized(
///     Level::detected(),
///     #[inline(always)]
///     || x.iter().map(|&v| i32::from(v)).sum(),
/// );
/// assert_eq!(sum, 2);
/// ```
#[inline(always)]
pub fn vectorized<R>(level: Level, f: impl FnOnce() -> R) -> R {
    match level.0 {
        Isa::Portable => f(),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => x86::vectorized(level, f),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => x86::vectorized_512(level, f),
    }
}

/// The 2×2 max-pooling forward pass over a band of input row pairs: `x` holds rows of `w`
/// values, pair `i` being rows `2i` (top) and `2i + 1`; `m[i·ow + j]` = the largest of the
/// window at columns `2j`, `2j + 1` of pair `i` (`2·ow ≤ w`; `m` holds whole pairs), taken as
/// the portable loop takes them (`f32::max` of the top pair's and the bottom pair's maxima; a
/// NaN is passed over; the sign of a maximum of zeros, which `f32::max` leaves open, may differ
/// from the loop's). Returns `false` (writing nothing) when `level` has no kernel for it (below
/// AVX-512) or the lengths do not fit, so the caller's loop runs instead.
///
/// ```
/// use stratanet::kernels::simd::{max_pool_pairs_forward, Level};
/// // one pair of rows of 5 values (the last column is not pooled)
/// let x = [1.0f32, 5.0, 2.0, f32::NAN, 9.0, 5.0, 0.0, 1.0, 2.0, 9.0];
/// let mut m = [9.0f32; 2];
/// if max_pool_pairs_forward(Level::detected(), &x, 5, 2, &mut m) {
///     assert_eq!(m, [5.0, 2.0]);
/// }
/// ```
pub fn max_pool_pairs_forward(level: Level, x: &[f32], w: usize, ow: usize, m: &mut [f32]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if x86_pool::has_kernel(level) && x86_pool::band_fits(x.len(), w, ow, m.len()) {
        x86_pool::pairs_forward(level, x, w, ow, m);
        return true;
    }
    let _ = (level, x, w, ow, m);
    false
}

/// The 2×2 max-pooling backward pass over a band of input row pairs (laid out as for
/// [`max_pool_pairs_forward`]), with the window maxima `m` and their gradients `d`: each
/// gradient goes to the first position of its window (top left, top right, bottom left, bottom
/// right) equal to its maximum, the other three get 0, in `dx` (laid out as `x`; the columns
/// past `2·ow` are not written). Returns `false` (writing nothing) when `level` has no kernel
/// for it (below AVX-512) or the lengths do not fit, so the caller's loop runs instead; where it
/// runs it gives that loop's values.
///
/// ```
/// use stratanet::kernels::simd::{max_pool_pairs_backward, Level};
/// let x = [1.0f32, 5.0, 2.0, 2.0, 5.0, 0.0, 1.0, 2.0];
/// let mut dx = [9.0f32; 8];
/// if max_pool_pairs_backward(Level::detected(), (&x, 4, 2), &[5.0, 2.0], &[0.5, 0.25], &mut dx) {
///     assert_eq!(dx, [0.0, 0.5, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0]);
/// }
/// ```
pub fn max_pool_pairs_backward(
    level: Level,
    (x, w, ow): (&[f32], usize, usize),
    m: &[f32],
    d: &[f32],
    dx: &mut [f32],
) -> bool {
    #[cfg(target_arch = "x86_64")]
    if x86_pool::has_kernel(level)
        && d.len() == m.len()
        && x86_pool::band_fits(x.len(), w, ow, m.len())
        && x86_pool::band_fits(dx.len(), w, ow, m.len())
    {
        x86_pool::pairs_backward(level, (x, w, ow), m, d, dx);
        return true;
    }
    let _ = (level, x, w, ow, m, d, dx);
    false
}

/// Positions of one convolution tile ([`conv_tile`]): the patch block holds them side by side.
pub const TILE: usize = 16;

/// `out[o] = Σ_i w[o·n + i] · x[i]` for `n = x.len()` and every `o < out.len()` (wrapping `i32`
/// sums): the dense layer's dot products.
///
/// Panics if `w` is shorter than `out.len() · x.len()` (callers size both from shape constants).
///
/// ```
/// use stratanet::kernels::simd::{dense_dots, Level};
/// let mut out = [0; 2];
/// dense_dots(Level::detected(), &[1, 2, 3], &[1, 1, 1, -1, 0, 2], &mut out);
/// assert_eq!(out, [6, 5]);
/// ```
pub fn dense_dots(level: Level, x: &[i8], w: &[i8], out: &mut [i32]) {
    let w = &w[..out.len() * x.len()];
    match level.0 {
        Isa::Portable => dense_dots_portable(x, w, out),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 => x86::dense_dots(level, x, w, out),
    }
}

fn dense_dots_portable(x: &[i8], w: &[i8], out: &mut [i32]) {
    if x.is_empty() {
        return out.fill(0);
    }
    for (row, o) in w.chunks_exact(x.len()).zip(out.iter_mut()) {
        *o = dot_from(0, row, x);
    }
}

/// `sum + Σ a[i] · b[i]` (wrapping `i32`): the dense dot product, and the SIMD form's tail.
#[inline]
fn dot_from(sum: i32, a: &[i8], b: &[i8]) -> i32 {
    a.iter().zip(b).fold(sum, |d, (&a, &b)| {
        d.wrapping_add(i32::from(a) * i32::from(b))
    })
}

/// One convolution tile: for each channel `c`, `acc[c][p] = s + Σ_r w[c][r] · cols[rows[r] + p]`
/// (`s` is `acc[c][p]` when `add`, else 0) over the patch rows `r < rows.len()` and the
/// [`TILE`] positions `p` — row `r` of the tile is `cols[rows[r]..][..TILE]`, so rows may sit
/// anywhere in `cols` (a gathered block, or a padded copy of the input whose shifted windows
/// are the patch rows). `w[c]` holds channel `c`'s weights for those rows, widened to `i16`
/// (values of `i8`: each product and pair sum stays in `i32`). Wrapping `i32` sums.
///
/// Panics if a row runs past `cols`, a weight slice is shorter than `rows` or `acc` has fewer
/// channels than `w`.
///
/// ```
/// use stratanet::kernels::simd::{conv_tile, Level, TILE};
/// // row 0: position p holds p; row 1 (from offset TILE): every position holds 1
/// let mut cols = [1i16; 2 * TILE];
/// for p in 0..TILE {
///     cols[p] = p as i16;
/// }
/// let mut acc = [[0i32; TILE]; 2];
/// conv_tile(Level::detected(), &[&[2, 3], &[-1, 0]], &cols, &[0, TILE as u16], &mut acc, false);
/// assert_eq!(acc[0][5], 2 * 5 + 3);
/// assert_eq!(acc[1][5], -5);
/// ```
pub fn conv_tile(
    level: Level,
    w: &[&[i16]],
    cols: &[i16],
    rows: &[u16],
    acc: &mut [[i32; TILE]],
    add: bool,
) {
    let end = rows.iter().map(|&r| usize::from(r) + TILE).max();
    assert!(end.unwrap_or(0) <= cols.len() && w.len() <= acc.len());
    assert!(w.iter().all(|w| w.len() >= rows.len()));
    match level.0 {
        Isa::Portable => conv_tile_portable(w, cols, rows, acc, add),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 | Isa::Avx512 => x86::conv_tile(level, w, cols, rows, acc, add),
    }
}

fn conv_tile_portable(
    w: &[&[i16]],
    cols: &[i16],
    rows: &[u16],
    acc: &mut [[i32; TILE]],
    add: bool,
) {
    for (w, acc) in w.iter().zip(acc.iter_mut()) {
        if !add {
            acc.fill(0);
        }
        for (&weight, &row) in w.iter().zip(rows) {
            let weight = i32::from(weight);
            for (a, &v) in acc.iter_mut().zip(&cols[usize::from(row)..][..TILE]) {
                *a = a.wrapping_add(weight * i32::from(v));
            }
        }
    }
}

/// One output channel's requantization: `zp + round((acc + bias) · multiplier / 2^shift)`,
/// saturated to `i8` (the rounding half away from zero).
#[derive(Clone, Copy, Debug)]
pub struct Channel {
    /// The channel's bias, in accumulator steps.
    pub bias: i64,
    /// The fixed-point multiplier, below `2^25`.
    pub multiplier: i64,
    /// The shift, in `1..=62`.
    pub shift: u32,
    /// The output's zero point.
    pub zero_point: i64,
}

impl Channel {
    /// Zero out for any sum (multiplier 0, zero point 0): a placeholder.
    pub const ZERO: Channel = Channel {
        bias: 0,
        multiplier: 0,
        shift: 1,
        zero_point: 0,
    };

    /// `2^(shift − 1)`: a half in the output's steps.
    #[inline]
    pub fn half(self) -> i64 {
        1 << (self.shift - 1)
    }

    /// The int8 output for `acc`; no overflow is possible (|acc + bias| < 2^32, the multiplier
    /// < 2^25), no branch.
    #[inline]
    pub fn output(self, acc: i32) -> i8 {
        let v = (i64::from(acc) + self.bias) * self.multiplier;
        let rounded = (v + self.half() + (v >> 63)) >> self.shift;
        (rounded + self.zero_point).clamp(-128, 127) as i8
    }
}

/// `out[p] = channel.output(acc[p])` for `p < out.len()` (at most [`TILE`]): a convolution
/// tile's outputs. The SIMD form covers multipliers below 1 (`shift ≥ 25`), which keep the
/// rounded value in `i32`, with the fields in the ranges [`Channel`] documents; it hands any
/// other channel, and a tile whose `acc + bias` leaves `i32`, to the portable form.
///
/// ```
/// use stratanet::kernels::simd::{requantize, Channel, Level, TILE};
/// // × 0.75 (3·2^23 / 2^25), zero point −3
/// let c = Channel { bias: 2, multiplier: 3 << 23, shift: 25, zero_point: -3 };
/// let mut out = [0i8; 3];
/// requantize(Level::detected(), &c, &[0, 2, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], &mut out);
/// assert_eq!(out, [-3 + 2, -3 + 3, 127]); // 1.5 rounds to 2, 3 stays 3, 751.5 saturates
/// ```
pub fn requantize(level: Level, channel: &Channel, acc: &[i32; TILE], out: &mut [i8]) {
    requantize_as(level, channel, acc, None, out);
}

/// [`requantize`] of the positions `picks` names: `out[k] = channel.output(acc[picks[k] %
/// 16])` for `k < out.len()` (at most [`TILE`]) — a tile's outputs with the positions that are
/// not written left out, in one store.
///
/// ```
/// use stratanet::kernels::simd::{requantize_picked, Channel, Level, TILE};
/// let c = Channel { bias: 0, multiplier: 1 << 24, shift: 25, zero_point: 0 }; // × 0.5
/// let acc: [i32; TILE] = core::array::from_fn(|p| 2 * p as i32);
/// let picks = [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0]; // 2 and 3 left out
/// let mut out = [0i8; 4];
/// requantize_picked(Level::detected(), &c, &acc, &picks, &mut out);
/// assert_eq!(out, [0, 1, 4, 5]);
/// ```
pub fn requantize_picked(
    level: Level,
    channel: &Channel,
    acc: &[i32; TILE],
    picks: &[u8; TILE],
    out: &mut [i8],
) {
    requantize_as(level, channel, acc, Some(picks), out);
}

#[inline(always)]
fn requantize_as(
    level: Level,
    channel: &Channel,
    acc: &[i32; TILE],
    picks: Option<&[u8; TILE]>,
    out: &mut [i8],
) {
    let n = out.len().min(TILE);
    let out = &mut out[..n];
    #[cfg(target_arch = "x86_64")]
    if level.has_avx2()
        && (25..=62).contains(&channel.shift)
        && (-128..=127).contains(&channel.zero_point)
        && (0..1 << 25).contains(&channel.multiplier)
        && i32::try_from(channel.bias).is_ok()
        && x86::requantize(level, channel, acc, picks, out)
    {
        return;
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = level;
    for (k, o) in out.iter_mut().enumerate() {
        let p = picks.map_or(k, |picks| usize::from(picks[k] % 16));
        *o = channel.output(acc[p]);
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests;
