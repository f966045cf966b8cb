//! Generates two files the crate includes:
//!
//! - `dim_table.rs`, the table between user-facing `Dim<N>` (N in 0..=4095) and typenum numbers;
//! - `tuples.rs`, the invocations of `tuple_module!` (src/module/tuple.rs) for tuples of 2 to 16
//!   layers, each naming every boundary's shape as a nested `Output` projection, and
//!   `quant_tuples.rs`, the same invocations of `quant_tuple!` (src/quant/tuple.rs).
//!
//! `DimMap` maps `Dim<N>` to its typenum number; `ToDim` maps a typenum number back to `Dim<N>`,
//! so computed sizes print in decimal in compile errors. The table is unbounded on purpose (the
//! `ArrayLength` bound lives in one blanket impl in `src/shape.rs`), which keeps it cheap to compile.
use std::{env, fmt::Write, fs, path::PathBuf};

/// Largest `Dim<N>` a user can write; 12 bits keeps the table's compile time near 6 s.
const TABLE_BITS: u32 = 12;

fn typenum_of(n: usize) -> String {
    if n == 0 {
        return "UTerm".to_string();
    }
    let mut ty = "UTerm".to_string();
    for bit in (0..usize::BITS - n.leading_zeros()).rev() {
        let b = if (n >> bit) & 1 == 1 { "B1" } else { "B0" };
        ty = format!("UInt<{ty}, {b}>");
    }
    ty
}

/// Tuples of up to this many layers are networks (a longer one nests tuples).
const MAX_TUPLE: usize = 16;

/// `tuple_module!(first: …; middle: […]; last: …);` for a tuple of `k` layers.
fn tuple_invocation(k: usize) -> String {
    // boundary[i] is the shape after layer i.
    let mut boundary = vec!["Output<M0, In>".to_string()];
    for i in 1..k {
        let prev = boundary[i - 1].clone();
        boundary.push(format!("Output<M{i}, {prev}>"));
    }
    let earlier = |i: usize| {
        (0..i)
            .map(|p| format!("M{p}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let middle: Vec<String> = (1..k - 1)
        .map(|i| {
            format!(
                "M{i} {i} [{}] {}, {}",
                earlier(i),
                boundary[i],
                boundary[i - 1]
            )
        })
        .collect();
    let j = k - 1;
    format!(
        "tuple_module!(\n    first: M0 {};\n    middle: [{}];\n    last: M{j} {j} [{}] {}\n);\n",
        boundary[0],
        middle.join(";\n        "),
        earlier(j),
        boundary[j - 1]
    )
}

fn main() {
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let tuples: String = (2..=MAX_TUPLE).map(tuple_invocation).collect();
    fs::write(
        out_dir.join("quant_tuples.rs"),
        tuples.replace("tuple_module!", "quant_tuple!"),
    )
    .unwrap();
    fs::write(out_dir.join("tuples.rs"), tuples).unwrap();

    let mut out = String::new();
    for n in 0..(1usize << TABLE_BITS) {
        let tn = typenum_of(n);
        writeln!(out, "impl DimMap for Dim<{n}> {{ type Tn = {tn}; }}").unwrap();
        writeln!(out, "impl ToDim for {tn} {{ type Dim = Dim<{n}>; }}").unwrap();
    }
    // A number of TABLE_BITS + 1 bits or more nests at least that many `UInt`s (the innermost
    // `Rest` may be `UTerm`); the table's numbers nest at most TABLE_BITS, so nothing overlaps.
    let params: Vec<String> = (0..TABLE_BITS).map(|i| format!("X{i}")).collect();
    let mut ty = "UInt<Rest, X0>".to_string();
    for p in &params[1..] {
        ty = format!("UInt<{ty}, {p}>");
    }
    writeln!(
        out,
        "impl<Rest, {}, High> ToDim for UInt<{ty}, High> where Self: ArrayLength {{ type Dim = Big<Self>; }}",
        params.join(", ")
    )
    .unwrap();
    fs::write(out_dir.join("dim_table.rs"), out).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
