//! Why to shuffle before splitting: the bundled digits file is ordered, so its last 20% is not
//! drawn like its first 80%. The digits MLP (`digits_mlp`'s network and settings) is trained on
//! three 80/20 splits — head/tail, shuffled, shuffled per class (stratified) — and tested on
//! each split's held-out part, using `stratanet::data`.
//!
//!     cargo run --release --example digits_split

use rand::SeedableRng;
use stratanet::data::{read_csv, train_test_split, Split};
use stratanet::prelude::*;

type Net = (Dense<64, 64>, Relu, Dense<64, 32>, Relu, Dense<32, 10>);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/digits.csv");
    let (mut x, labels) = read_csv(path, 0)?.features_and_labels()?;
    x.iter_mut().for_each(|v| *v /= 16.0);
    let n = labels.len();
    let cut = n - (n as f64 * 0.2).round() as usize;
    let splits = [
        (
            "head/tail",
            Split {
                train: (0..cut).collect(),
                test: (cut..n).collect(),
            },
        ),
        ("shuffled", train_test_split(n, 0.2, None, 7)?),
        ("stratified", train_test_split(n, 0.2, Some(&labels), 7)?),
    ];
    for (name, split) in splits {
        let (train_x, train_y) = (
            split.select(&x, 64, &split.train),
            split.select(&labels, 1, &split.train),
        );
        let (test_x, test_y) = (
            split.select(&x, 64, &split.test),
            split.select(&labels, 1, &split.test),
        );
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        let mut model =
            Model::<Vector<64>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.003));
        let settings = Fit::epochs(40)
            .batch_size(32)
            .validation_split(0.1)
            .silent();
        model.fit(&train_x, &train_y, settings)?;
        let accuracy = model.evaluate(&test_x, &test_y)?.accuracy()?;
        println!("{name}: test_accuracy {accuracy:.4}");
    }
    Ok(())
}
