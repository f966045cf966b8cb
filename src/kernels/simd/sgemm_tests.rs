//! Tests of [`super`]: the products against `f64` on ragged shapes, strides and blocks, the
//! small and row kernels, and B packed once giving `sgemm`'s bits.
use super::*;
use crate::init::index_below;
use alloc::vec;
use rand::SeedableRng;

/// The product in `f64` and, per element, `Σ |a|·|b|` (the scale of its rounding error).
fn reference(m: usize, k: usize, n: usize, a: Operand<'_>, b: Operand<'_>) -> Vec<(f64, f64)> {
    let at =
        |v: Operand<'_>, i: usize, j: usize| f64::from(v.data[i * v.row_stride + j * v.col_stride]);
    let mut out = Vec::new();
    for i in 0..m {
        for j in 0..n {
            let terms = (0..k).map(|p| at(a, i, p) * at(b, p, j));
            let (sum, scale) = terms.fold((0.0, 0.0), |(s, t), v: f64| (s + v, t + v.abs()));
            out.push((sum, scale));
        }
    }
    out
}

/// `len` values in `[-1, 1]`, steps of 0.001.
fn random(rng: &mut rand::rngs::StdRng, len: usize) -> Vec<f32> {
    (0..len)
        .map(|_| index_below(rng, 2001) as f32 / 1000.0 - 1.0)
        .collect()
}

/// `data` as a `rows × cols` matrix stored row-major, or column-major when `transposed`.
fn view(data: &[f32], rows: usize, cols: usize, transposed: bool) -> Operand<'_> {
    let (row_stride, col_stride) = if transposed { (1, rows) } else { (cols, 1) };
    Operand {
        data,
        row_stride,
        col_stride,
    }
}

/// Checks `c = alpha·A·B + beta·start` against `want` ([`reference`]) element by element:
/// each product and sum rounds once in f32, `k + 2` roundings of the scale.
fn assert_close(
    c: &[f32],
    want: &[(f64, f64)],
    (alpha, beta): (f32, f32),
    start: &[f32],
    k: usize,
    what: &str,
) {
    for (idx, (&got, &(sum, scale))) in c.iter().zip(want).enumerate() {
        let old = if beta == 0.0 {
            0.0
        } else {
            f64::from(beta * start[idx])
        };
        let expected = f64::from(alpha) * sum + old;
        let bound = (k as f64 + 2.0) * f64::from(f32::EPSILON) * (scale + old.abs());
        assert!(
            (f64::from(got) - expected).abs() <= bound,
            "{what} at {idx}: {got} vs {expected}"
        );
    }
}

#[test]
fn row_products_agree_with_f64() {
    let Some(level) = Level::available().find(|&l| x86_gemm::has_kernel(l)) else {
        return;
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    for (k, n, ldb) in [
        (32, 1, 32),
        (33, 7, 40),
        (100, 8, 100),
        (784, 9, 790),
        (47, 130, 47),
    ] {
        let (a, b) = (random(&mut rng, k), random(&mut rng, (n - 1) * ldb + k));
        let start = random(&mut rng, n);
        for accumulate in [false, true] {
            let mut c = start.clone();
            assert!(row_times_columns(level, &a, &b, ldb, accumulate, &mut c));
            for (j, &got) in c.iter().enumerate() {
                let terms = (0..k).map(|p| f64::from(a[p]) * f64::from(b[j * ldb + p]));
                let (sum, scale) = terms.fold((0.0, 0.0), |(s, t), v| (s + v, t + v.abs()));
                let old = if accumulate { f64::from(start[j]) } else { 0.0 };
                let bound = (k as f64 + 2.0) * f64::from(f32::EPSILON) * (scale + old.abs());
                let want = sum + old;
                assert!(
                    (f64::from(got) - want).abs() <= bound,
                    "{k}×{n} at {j}: {got} vs {want}"
                );
            }
        }
    }
    // below `ROW_FROM` the portable loop multiplies
    assert!(!row_times_columns(
        level,
        &[1.0; 31],
        &[1.0; 31],
        31,
        false,
        &mut [0.0]
    ));
}

#[test]
fn vector_products_agree_with_f64_where_the_small_kernel_takes_them() {
    let Some(level) = Level::available().find(|&l| x86_gemm::has_kernel(l)) else {
        return;
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);
    let ones = [1.0f32];
    // (m, k, n, B transposed, A a row of ones): a dense layer's one-output forward pass
    // (B strided), its weight and bias gradients (m = 1), its input gradient (k = 1)
    let cases = [
        (32, 10, 1, true, false),
        (7, 3, 1, true, false),
        (1, 32, 10, false, false),
        (1, 64, 64, false, true),
        (1, 5, 17, false, true),
        (32, 1, 10, false, false),
        (5, 1, 49, false, false),
    ];
    for (m, k, n, tb, ones_a) in cases {
        let (a_data, b_data) = (random(&mut rng, m * k), random(&mut rng, k * n));
        let start = random(&mut rng, m * n);
        let a = match ones_a {
            false => view(&a_data, m, k, false),
            true => Operand {
                data: &ones,
                row_stride: 0,
                col_stride: 0,
            },
        };
        let b = view(&b_data, k, n, tb);
        assert!(fits_vector_product(m, k, n, b), "{m}×{k}×{n}");
        let want = reference(m, k, n, a, b);
        for beta in [0.0, 1.0] {
            let mut c = start.clone();
            assert!(vector_product(level, (m, k, n), a, b, beta, &mut c));
            assert_close(
                &c,
                &want,
                (1.0, beta),
                &start,
                k,
                &alloc::format!("{m}×{k}×{n}"),
            );
        }
    }
    // one sample through transposed weights, and large products, stay with the plain loops
    let b = Operand {
        data: &[0.0; 50],
        row_stride: 1,
        col_stride: 5,
    };
    assert!(!fits_vector_product(1, 5, 10, b));
    let large = Operand {
        data: &[0.0; 1],
        row_stride: 0,
        col_stride: 1,
    };
    assert!(!fits_vector_product(1, 4096, 512, large));
}

#[test]
fn products_agree_with_f64_on_ragged_shapes_strides_and_blocks() {
    let Some(level) = Level::available().find(|&l| x86_gemm::has_kernel(l)) else {
        return; // no microkernel on this CPU: matrixmultiply multiplies (its tests cover it)
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    // (m, k, n): ragged against MR, NR; past MC, KC and NC (products too large to run
    // unpacked); small ones (unpacked, `is_small`); long sums with few values (dot products,
    // `fits_dots`, where both operands run along the sum); single rows and columns; k = 0
    let shapes = [
        (1, 1, 1),
        (7, 5, 33),
        (32, 5, 10),
        (5, 32, 16),
        (13, 10, 17),
        (6, 31, 64),
        (64, 64, 10),
        (16, 72, 196),
        (3, 9, 131),
        (1, 40, 49),
        (9, 300, 31),
        (33, 200, 17),
        (97, 17, 65),
        (64, 784, 128),
        (10, 300, 530),
        (3, 0, 4),
        (130, 600, 40),
    ];
    for (m, k, n) in shapes {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let (a_data, b_data) = (random(&mut rng, m * k), random(&mut rng, k * n));
            let start = random(&mut rng, m * n);
            let (a, b) = (view(&a_data, m, k, ta), view(&b_data, k, n, tb));
            let want = reference(m, k, n, a, b);
            let mut packed = vec![7.0; 3]; // stale and short: packing grows it
            for (alpha, beta) in [(1.0, 0.0), (0.5, 2.0)] {
                let mut c = start.clone();
                assert!(sgemm(level, m, k, n, alpha, a, b, beta, &mut c));
                // B packed once (the first pass), then reused: the same bits as `sgemm`
                let fresh = alpha == 1.0;
                let mut shared = start.clone();
                let (shape, reuse) = ((m, k, n), (&mut packed, fresh));
                assert!(sgemm_packed_b(
                    level,
                    shape,
                    alpha,
                    a,
                    b,
                    beta,
                    &mut shared,
                    reuse
                ));
                assert_eq!(shared, c, "{m}×{k}×{n} {ta} {tb}, B packed once");
                let what = alloc::format!("{m}×{k}×{n} {ta} {tb}");
                assert_close(&c, &want, (alpha, beta), &start, k, &what);
            }
        }
    }
}

#[test]
fn an_a_strided_both_ways_is_packed_and_agrees_with_f64() {
    let Some(level) = Level::available().find(|&l| x86_gemm::has_kernel(l)) else {
        return;
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    // every other column of a wider matrix: neither stride is 1, so A is packed (by gathers)
    // instead of read where it lies
    for (m, k, n) in [(70, 300, 40), (9, 17, 65), (64, 784, 128)] {
        let a_data = random(&mut rng, m * 2 * k);
        let a = Operand {
            data: &a_data,
            row_stride: 2 * k,
            col_stride: 2,
        };
        let b_data = random(&mut rng, k * n);
        let b = view(&b_data, k, n, true);
        let mut c = vec![0.0; m * n];
        assert!(sgemm(level, m, k, n, 1.0, a, b, 0.0, &mut c));
        let want = reference(m, k, n, a, b);
        assert_close(&c, &want, (1.0, 0.0), &c.clone(), k, "strided A");
    }
}

#[test]
fn panels_hold_their_definition_on_every_packing_path() {
    use super::super::pack::pack_panels;
    let Some(level) = Level::available().find(|&l| x86_gemm::has_kernel(l)) else {
        return;
    };
    let ld = 45; // the other stride
                 // (lane, step): lanes contiguous (copies), steps contiguous (16×16 transposes for B's
                 // panels, gathers for A's), neither (gathers)
    for strides in [(1, ld), (ld, 1), (ld, 2)] {
        for count in [1, 7, 8, 15, 16, 17, 31, 32, 33, 40] {
            for kc in [1, 5, 15, 16, 17, 40] {
                let data: Vec<f32> = (0..count * ld * 2 + kc * ld * 2)
                    .map(|v| v as f32)
                    .collect();
                let first = 3;
                let want = |w: usize, panels: usize| -> Vec<f32> {
                    let mut out = vec![0.0; panels * w * kc];
                    for (q, panel) in out.chunks_exact_mut(w * kc).enumerate() {
                        for p in 0..kc {
                            for l in 0..w {
                                let lane = q * w + l;
                                if lane < count {
                                    panel[p * w + l] =
                                        data[first + lane * strides.0 + p * strides.1];
                                }
                            }
                        }
                    }
                    out
                };
                let mut a = vec![f32::NAN; count.div_ceil(MR) * MR * kc];
                pack_panels::<MR>(level, &data, first, strides, count, kc, &mut a);
                assert_eq!(
                    a,
                    want(MR, count.div_ceil(MR)),
                    "A {strides:?} {count} {kc}"
                );
                let mut b = vec![f32::NAN; count.div_ceil(NR) * NR * kc];
                pack_panels::<NR>(level, &data, first, strides, count, kc, &mut b);
                assert_eq!(
                    b,
                    want(NR, count.div_ceil(NR)),
                    "B {strides:?} {count} {kc}"
                );
            }
        }
    }
}

#[test]
#[should_panic(expected = "A does not cover")]
fn the_small_kernel_refuses_an_a_whose_last_index_wraps() {
    let Some(level) = Level::available().find(|&l| x86_small::has_kernel(l)) else {
        panic!("A does not cover: no AVX-512 here, nothing to check");
    };
    // row 1 at usize::MAX: (m − 1)·row_stride + (k − 1) wraps to 0 in unchecked arithmetic
    let a = Operand {
        data: &[1.0; 4],
        row_stride: usize::MAX,
        col_stride: 1,
    };
    let mut c = [0.0f32; 2];
    x86_small::product(level, (2, 2, 1), 1.0, a, (&[1.0; 2], 1), 0.0, (&mut c, 1));
}
