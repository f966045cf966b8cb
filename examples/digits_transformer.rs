//! A transformer on the bundled digits, each 8×8 image read as a sequence of 8 rows of 8
//! pixels: a linear projection of each row to width 32, a learned positional embedding, two
//! pre-norm encoder blocks (4 heads, feed-forward 64), the mean over the 8 steps, and a dense
//! classifier; 20% held out. The trained network then runs through `Frozen`, one image at a
//! time, without an allocator.
//!
//!     cargo run --release --example digits_transformer

#[macro_use]
mod util;

use rand::SeedableRng;
use stratanet::prelude::*;

type Net = (
    TimeDistributed<Dense<8, 32>>, // 8 steps × 32
    PositionalEmbedding<8, 32>,
    TransformerEncoder<32, 4, 64>,
    TransformerEncoder<32, 4, 64>,
    LayerNorm<32>,
    GlobalAvgPool1d, // 32
    Dense<32, 10>,
);
const _: () = check::<Seq<8, 8>, Net, Vector<10>>();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (train, test) = util::digits()?;
    println!(
        "digits: {} train, {} test images as 8 steps of 8 pixels",
        train.rows(),
        test.rows()
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut model =
        Model::<Seq<8, 8>, Net>::new(&mut rng).compile(SoftmaxCrossEntropy, Adam::new(0.002));
    print!("{}", model.summary());
    let history = model.fit(
        &train.x,
        &train.labels,
        Fit::epochs(30).batch_size(32).silent(),
    )?;
    println!(
        "mean epoch time: {:.0} ms",
        history.mean_epoch_seconds() * 1e3
    );

    report_and_deploy!(Seq<8, 8>, Net, model, test);
    Ok(())
}
