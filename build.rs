//! Generates the table between user-facing `Dim<N>` (N in 0..=4095) and typenum numbers.
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

fn main() {
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
    let path = PathBuf::from(env::var("OUT_DIR").unwrap()).join("dim_table.rs");
    fs::write(path, out).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
