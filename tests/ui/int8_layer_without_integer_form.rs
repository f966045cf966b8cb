// `Tanh` has no integer form: quantizing a network with it does not compile, and the message
// names the layer and lists the layers that have one.
use stratanet::prelude::*;
use stratanet::quant::Calibration;

type Net = (Dense<4, 8>, Tanh, Dense<8, 2>);

fn main() {
    let model = Model::<Vector<4>, Net>::seeded(1);
    let _ = model.quantize(&[0.0; 4], Calibration::MinMax);
}
