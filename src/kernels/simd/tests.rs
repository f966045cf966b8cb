//! Every level's kernels against the portable loops, on random shapes with ragged edges and the
//! extreme values (`−128`, `127`, `i16` column values of ±255 as `x − zp` makes them).

use super::*;
use crate::init::index_below;
use alloc::vec;
use alloc::vec::Vec;
use rand::SeedableRng;

type Rng = rand::rngs::StdRng;

/// A uniform integer in `lo..hi`.
fn between(rng: &mut Rng, lo: i32, hi: i32) -> i32 {
    lo + index_below(rng, (hi - lo) as usize) as i32
}

fn values(rng: &mut Rng, len: usize) -> Vec<i8> {
    (0..len)
        .map(|_| match index_below(rng, 8) {
            0 => i8::MIN,
            1 => i8::MAX,
            _ => between(rng, -128, 128) as i8,
        })
        .collect()
}

#[test]
fn dense_dots_agree_on_every_level() {
    let mut rng = Rng::seed_from_u64(15);
    let mut checked = 0;
    for _ in 0..300 {
        let (n, rows) = (index_below(&mut rng, 70), index_below(&mut rng, 11));
        let (x, w) = (values(&mut rng, n), values(&mut rng, n * rows));
        let mut want = vec![7; rows];
        dense_dots(Level::PORTABLE, &x, &w, &mut want);
        for level in Level::available() {
            let mut got = vec![-7; rows];
            dense_dots(level, &x, &w, &mut got);
            assert_eq!(got, want, "{} with {rows} rows of {n}", level.name());
            checked += 1;
        }
    }
    assert!(checked >= 300);
}

#[test]
fn conv_tiles_agree_on_every_level() {
    let mut rng = Rng::seed_from_u64(16);
    for case in 0..300 {
        let (patch, add) = (1 + index_below(&mut rng, 39), case % 2 == 0);
        let channels = 1 + index_below(&mut rng, 9);
        let w = values(&mut rng, patch * channels);
        let weights: Vec<&[i8]> = w.chunks_exact(patch).collect();
        let wide: Vec<Vec<i16>> = weights
            .iter()
            .map(|w| w.iter().map(|&v| i16::from(v)).collect())
            .collect();
        let wide: Vec<&[i16]> = wide.iter().map(|w| &w[..]).collect();
        // rows anywhere in `cols`: overlapping, repeated, at its very end
        let len = TILE + index_below(&mut rng, 4 * TILE);
        let cols: Vec<i16> = (0..len)
            .map(|_| between(&mut rng, -255, 256) as i16)
            .collect();
        let rows: Vec<u16> = (0..patch)
            .map(|_| index_below(&mut rng, len - TILE + 1) as u16)
            .collect();
        let start: Vec<[i32; TILE]> = (0..channels)
            .map(|_| core::array::from_fn(|_| between(&mut rng, -1000, 1000)))
            .collect();
        let mut want = start.clone();
        conv_tile(Level::PORTABLE, &wide, &cols, &rows, &mut want, add);
        let from = if add {
            start.clone()
        } else {
            vec![[0; TILE]; channels]
        };
        assert_eq!(want, direct(&weights, &cols, &rows, &from));
        for level in Level::available() {
            let mut got = start.clone();
            conv_tile(level, &wide, &cols, &rows, &mut got, add);
            assert_eq!(
                got,
                want,
                "{} with {channels} channels, patch {patch}",
                level.name()
            );
        }
    }
}

/// The tile as its formula, from each channel's row weights.
fn direct(w: &[&[i8]], cols: &[i16], rows: &[u16], start: &[[i32; TILE]]) -> Vec<[i32; TILE]> {
    let mut acc = start.to_vec();
    for (w, acc) in w.iter().zip(&mut acc) {
        for (p, a) in acc.iter_mut().enumerate() {
            for (&weight, &row) in w.iter().zip(rows) {
                let v = cols[usize::from(row) + p];
                *a = a.wrapping_add(i32::from(weight) * i32::from(v));
            }
        }
    }
    acc
}

#[test]
fn requantization_agrees_on_every_level() {
    let mut rng = Rng::seed_from_u64(17);
    let mut unsaturated = 0;
    for case in 0..2000 {
        // every third case a power of two (0.5, 0.25, …), whose products end in exact halves
        let tie = case % 3 == 0;
        let shift = if tie {
            25 + (case % 4) as u32
        } else {
            1 + index_below(&mut rng, 62) as u32
        };
        let channel = Channel {
            // a bias near i32's ends now and then, so `acc + bias` overflows i32
            bias: i64::from(match case % 5 {
                0 => i32::MAX - between(&mut rng, 0, 1000),
                1 => i32::MIN + between(&mut rng, 0, 1000),
                _ => {
                    let scale = 1 << index_below(&mut rng, 17);
                    between(&mut rng, -scale, scale)
                }
            }),
            multiplier: i64::from(
                (1 << 24)
                    + if tie {
                        0
                    } else {
                        between(&mut rng, 0, 1 << 24)
                    },
            ),
            shift,
            zero_point: i64::from(between(&mut rng, -128, 128)),
        };
        // sums of every magnitude; every seventh tile has i32's ends among them
        let scale = 1 << index_below(&mut rng, 21);
        let acc: [i32; TILE] = core::array::from_fn(|_| match index_below(&mut rng, 6) {
            0 if case % 7 == 0 => i32::MAX,
            1 if case % 7 == 0 => i32::MIN,
            _ => between(&mut rng, -scale, scale),
        });
        let n = 1 + index_below(&mut rng, TILE);
        let want: Vec<i8> = acc[..n].iter().map(|&a| channel.output(a)).collect();
        // any bytes as picks: only their low four bits count
        let picks: [u8; TILE] = core::array::from_fn(|_| index_below(&mut rng, 256) as u8);
        let picked: Vec<i8> = (0..n)
            .map(|k| channel.output(acc[usize::from(picks[k] % 16)]))
            .collect();
        for level in Level::available() {
            let mut got = vec![0i8; n];
            requantize(level, &channel, &acc, &mut got);
            assert_eq!(got, want, "{} with {channel:?} on {acc:?}", level.name());
            requantize_picked(level, &channel, &acc, &picks, &mut got);
            assert_eq!(got, picked, "{} picking {picks:?}", level.name());
        }
        if shift >= 25 && case % 5 > 1 && case % 7 != 0 {
            // a tile the SIMD form takes: count its outputs that did not saturate
            unsaturated += want.iter().filter(|&&v| v > i8::MIN && v < i8::MAX).count();
        }
    }
    assert!(unsaturated > 2000, "{unsaturated}");
}

#[test]
fn recurrent_loops_give_the_same_bits_on_every_level() {
    use crate::kernels::rnn::RnnWeights;
    use crate::kernels::rnn::{backward_at, forward_at, Cell, RnnBuffers, RnnGeom, RnnGrads};
    let mut rng = Rng::seed_from_u64(16);
    let mut uniform = |len: usize| -> Vec<f32> {
        (0..len)
            .map(|_| between(&mut rng, -1000, 1000) as f32 / 400.0)
            .collect()
    };
    for cell in [Cell::Tanh, Cell::Lstm, Cell::Gru] {
        // 13 hidden units: ragged against 8 lanes
        let g = RnnGeom {
            cell,
            steps: 4,
            features: 5,
            hidden: 13,
        };
        let (n, w) = (3, g.width());
        let (w_ih, w_hh, b_ih) = (uniform(w * 5), uniform(w * 13), uniform(w));
        let b_hh = if cell.recurrent_bias() {
            uniform(w)
        } else {
            Vec::new()
        };
        let (x, dy) = (uniform(n * 4 * 5), uniform(n * 4 * 13));
        let p = RnnWeights {
            w_ih: &w_ih,
            w_hh: &w_hh,
            b_ih: &b_ih,
            b_hh: &b_hh,
        };
        let run = |level: Level| {
            let mut buf = RnnBuffers::new(&g, n);
            let mut y = vec![0.0f32; n * 4 * 13];
            vectorized(
                level,
                #[inline(always)]
                || forward_at(&g, n, &x, p, &mut buf, &mut y, true),
            );
            let (mut gi, mut gh) = (vec![0.0f32; w_ih.len()], vec![0.0f32; w_hh.len()]);
            let (mut gb, mut gr) = (vec![0.0f32; w], vec![0.0f32; b_hh.len()]);
            let mut dx = vec![0.0f32; x.len()];
            let grads = RnnGrads {
                w_ih: &mut gi,
                w_hh: &mut gh,
                b_ih: &mut gb,
                b_hh: &mut gr,
            };
            vectorized(
                level,
                #[inline(always)]
                || backward_at(&g, n, p, &mut buf, &dy, true, grads, Some(&mut dx)),
            );
            let all = [y, gi, gh, gb, gr, dx].concat();
            all.iter().map(|v| v.to_bits()).collect::<Vec<u32>>()
        };
        let want = run(Level::PORTABLE);
        assert!(want.iter().any(|&b| f32::from_bits(b).abs() > 0.1));
        for level in Level::available() {
            assert_eq!(run(level), want, "{cell:?} on {}", level.name());
        }
    }
}

/// A band of 2×2 pooling input for `ow` windows a row: `pairs` row pairs of `w = 2·ow` values,
/// or one more (a column the windows leave out) for odd `ow`; few distinct values, so ties
/// (and which one wins) are common, zeros of either sign, and a NaN now and then.
fn pooling_band(rng: &mut Rng, ow: usize, pairs: usize) -> (Vec<f32>, usize) {
    let w = 2 * ow + ow % 2;
    let x = (0..2 * pairs * w)
        .map(|_| match index_below(rng, 40) {
            0 => f32::NAN,
            1 | 2 => -0.0,
            3 => 0.0,
            v => (v % 4) as f32 - 1.5,
        })
        .collect();
    (x, w)
}

/// The four values of window `j` of row pair `i` (top left, top right, bottom left, bottom
/// right).
fn window(x: &[f32], w: usize, i: usize, j: usize) -> [f32; 4] {
    let (top, bottom) = (2 * i * w + 2 * j, (2 * i + 1) * w + 2 * j);
    [x[top], x[top + 1], x[bottom], x[bottom + 1]]
}

#[test]
fn max_pool_pairs_forward_agrees_with_the_loop_on_every_level() {
    let mut rng = Rng::seed_from_u64(19);
    let mut checked = 0;
    for (ow, pairs) in (1..40).flat_map(|ow| [(ow, 1), (ow, 3)]) {
        let (x, w) = pooling_band(&mut rng, ow, pairs);
        // the pooling loop's order: the top pair, then the larger with the bottom pair. The
        // bits, but for the sign of a zero maximum of zeros, which `f32::max` leaves open (this
        // project's stable and nightly compilers return different ones).
        let bits = |v: f32| if v == 0.0 { 0 } else { v.to_bits() };
        let want: Vec<u32> = (0..pairs * ow)
            .map(|o| {
                let [a, b, c, d] = window(&x, w, o / ow, o % ow);
                bits(a.max(b).max(c.max(d)))
            })
            .collect();
        for level in Level::available() {
            let mut m = vec![9.0f32; pairs * ow];
            if max_pool_pairs_forward(level, &x, w, ow, &mut m) {
                let got: Vec<u32> = m.iter().map(|&v| bits(v)).collect();
                assert_eq!(got, want, "{pairs}×{ow} windows, {}", level.name());
                checked += 1;
            }
        }
    }
    // on a CPU with AVX-512 the kernel ran for every band
    let with_kernel = Level::available().any(|l| l.name() == "avx512");
    assert_eq!(checked, if with_kernel { 78 } else { 0 });
}

#[test]
fn max_pool_pairs_backward_agrees_with_the_loop_on_every_level() {
    let mut rng = Rng::seed_from_u64(18);
    let mut checked = 0;
    for (ow, pairs) in (1..40).flat_map(|ow| [(ow, 1), (ow, 3)]) {
        let (x, w) = pooling_band(&mut rng, ow, pairs);
        let m: Vec<f32> = (0..pairs * ow)
            .map(|o| window(&x, w, o / ow, o % ow))
            .map(|v| v.into_iter().fold(f32::NEG_INFINITY, f32::max))
            .collect();
        let d: Vec<f32> = (0..pairs * ow).map(|o| o as f32 + 0.5).collect();
        // the loop's rule: the first of top left, top right, bottom left equal to the max,
        // else bottom right; the column past the windows is not written
        let mut want = vec![9.0f32; x.len()];
        for o in 0..pairs * ow {
            let (i, j) = (o / ow, o % ow);
            let slot = window(&x, w, i, j)[..3]
                .iter()
                .position(|&v| v == m[o])
                .unwrap_or(3);
            for (s, at) in [0, 1, w, w + 1].into_iter().enumerate() {
                want[2 * i * w + 2 * j + at] = if s == slot { d[o] } else { 0.0 };
            }
        }
        for level in Level::available() {
            let mut dx = vec![9.0f32; x.len()];
            if max_pool_pairs_backward(level, (&x, w, ow), &m, &d, &mut dx) {
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                let what = alloc::format!("{pairs}×{ow} windows, {}", level.name());
                assert_eq!(bits(&dx), bits(&want), "{what}");
                checked += 1;
            }
        }
    }
    // on a CPU with AVX-512 the kernel ran for every band
    let with_kernel = Level::available().any(|l| l.name() == "avx512");
    assert_eq!(checked, if with_kernel { 78 } else { 0 });
}
