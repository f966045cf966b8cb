//! Token sequences with an `Embedding`: sequences of 12 tokens from a vocabulary of 20; the
//! label says whether token 7 appears before token 3 (both appear once). Order matters, so a
//! bag of words cannot solve it; an embedding followed by an LSTM can.
//!
//!     cargo run --release --example token_rule

use rand::SeedableRng;
use stratanet::init::index_below;
use stratanet::prelude::*;

const LEN: usize = 12;
const VOCAB: usize = 20;
type Net = (Embedding<VOCAB, 8>, Lstm<8, 24>, Dense<24, 2>);
const _: () = check::<Tokens<LEN>, Net, Vector<2>>();

fn sequences(count: usize, seed: u64) -> (Vec<f32>, Vec<usize>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for _ in 0..count {
        // fillers avoid 3 and 7; then 7 and 3 go to two distinct random positions
        let mut seq: Vec<usize> = (0..LEN)
            .map(|_| loop {
                let t = index_below(&mut rng, VOCAB);
                if t != 3 && t != 7 {
                    break t;
                }
            })
            .collect();
        let a = index_below(&mut rng, LEN);
        let b = (a + 1 + index_below(&mut rng, LEN - 1)) % LEN;
        seq[a] = 7;
        seq[b] = 3;
        x.extend(seq.iter().map(|&t| t as f32));
        y.push(usize::from(a < b));
    }
    (x, y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (x_train, y_train) = sequences(3000, 1);
    let (x_test, y_test) = sequences(600, 2);
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut model =
        Model::<Tokens<LEN>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.01));
    let history = model.fit(&x_train, &y_train, Fit::epochs(12).batch_size(32))?;
    println!(
        "mean epoch time: {:.2} ms",
        history.mean_epoch_seconds() * 1e3
    );
    let report = model.evaluate(&x_test, &y_test)?;
    println!("test_accuracy: {:.4}", report.accuracy()?);
    Ok(())
}
