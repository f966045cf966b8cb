//! What a layer stores, as compile-time data: each tensor's PyTorch name, dimensions, initializer
//! and whether the optimizer trains it. A network's weights are one flat array in this order —
//! what a weights file holds after its header, what [`Weights`](super::Weights) owns for
//! training and what [`Frozen`](crate::infer::Frozen) borrows for inference.

pub use crate::error::{PathFrame, MAX_DEPTH};

/// How a stored tensor starts (Keras's initializers); `Weights::init`
/// applies them in layout order, drawing from one random stream.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// All zeros (biases, running means).
    Zeros,
    /// All ones (batch-norm scale, running variances).
    Ones,
    /// Glorot (Xavier) uniform with the given fans.
    GlorotUniform {
        /// Inputs feeding one output.
        fan_in: usize,
        /// Outputs fed by one input.
        fan_out: usize,
    },
    /// A random orthogonal `rows × cols` matrix (recurrent kernels).
    Orthogonal {
        /// Rows of the row-major matrix.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// `scale·u + offset` for `u` uniform in `[0, 1)` (Keras's embedding: `0.1·u − 0.05`).
    Uniform {
        /// The width of the interval.
        scale: f64,
        /// Its lower end.
        offset: f64,
    },
    /// Zeros except ones at `[hidden, 2·hidden)`: the LSTM's forget-gate bias (Keras's
    /// `unit_forget_bias`).
    ForgetGateBias {
        /// The number of units.
        hidden: usize,
    },
}

/// One stored tensor of a layer: its name (PyTorch's, e.g. `weight`), dimensions, initializer,
/// and whether it is a trained parameter or state the layer updates itself (running statistics).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TensorShape {
    /// The name within the layer.
    pub name: &'static str,
    /// The dimensions, outermost first (PyTorch's layouts, row-major).
    pub dims: &'static [usize],
    /// How it is initialized.
    pub init: Init,
    /// Whether the optimizer updates it (`false` for batch-norm running statistics).
    pub trainable: bool,
}

impl TensorShape {
    /// A trained parameter.
    #[must_use]
    pub const fn param(name: &'static str, dims: &'static [usize], init: Init) -> Self {
        Self {
            name,
            dims,
            init,
            trainable: true,
        }
    }

    /// State the layer updates itself, stored and loaded but not trained.
    #[must_use]
    pub const fn state(name: &'static str, dims: &'static [usize], init: Init) -> Self {
        Self {
            name,
            dims,
            init,
            trainable: false,
        }
    }

    /// The number of values.
    #[must_use]
    pub const fn numel(&self) -> usize {
        let mut n = 1;
        let mut i = 0;
        while i < self.dims.len() {
            n *= self.dims[i];
            i += 1;
        }
        n
    }
}

/// The stored tensors of a layer or network as a compile-time tree: a layer lists its tensors,
/// a tuple network lists its layers (which name them `0.`, `1.`, … as `nn.Sequential` does).
///
/// ```
/// use stratanet::prelude::*;
/// use stratanet::module::{Init, Layout, TensorShape};
/// let layout = <(Dense<3, 2>, Relu) as TensorLayout>::LAYOUT;
/// let Layout::Layers(layers) = layout else { panic!() };
/// const GLOROT: Init = Init::GlorotUniform { fan_in: 3, fan_out: 2 };
/// const DENSE: Layout = Layout::Tensors(&[
///     TensorShape::param("weight", &[2, 3], GLOROT),
///     TensorShape::param("bias", &[2], Init::Zeros),
/// ]);
/// assert_eq!(layers[0], DENSE);
/// assert_eq!((layout.numel(), layout.trainable_numel(), layout.tensor_count()), (8, 8, 2));
/// assert_eq!(TensorShape::param("weight", &[2, 3], GLOROT).numel(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Layout {
    /// A layer's own tensors, in storage order.
    Tensors(&'static [TensorShape]),
    /// A network's layers, in order; layer `i`'s tensor names get the prefix `i.`.
    Layers(&'static [Layout]),
}

impl Layout {
    /// The number of stored values.
    #[must_use]
    pub const fn numel(&self) -> usize {
        self.count(false)
    }

    /// The number of trained values (stored values less non-trainable state).
    #[must_use]
    pub const fn trainable_numel(&self) -> usize {
        self.count(true)
    }

    const fn count(&self, trainable_only: bool) -> usize {
        let mut n = 0;
        let mut i = 0;
        match self {
            Layout::Tensors(tensors) => {
                while i < tensors.len() {
                    if tensors[i].trainable || !trainable_only {
                        n += tensors[i].numel();
                    }
                    i += 1;
                }
            }
            Layout::Layers(layers) => {
                while i < layers.len() {
                    n += layers[i].count(trainable_only);
                    i += 1;
                }
            }
        }
        n
    }

    /// The number of stored tensors.
    #[must_use]
    pub const fn tensor_count(&self) -> usize {
        match self {
            Layout::Tensors(tensors) => tensors.len(),
            Layout::Layers(layers) => {
                let mut n = 0;
                let mut i = 0;
                while i < layers.len() {
                    n += layers[i].tensor_count();
                    i += 1;
                }
                n
            }
        }
    }

    /// Calls `f` with each tensor's layer path (tuple indices, outermost first, any depth), its
    /// shape and its offset in the flat array, in storage order.
    pub fn for_each(&self, f: &mut dyn FnMut(LayerPath<'_>, &TensorShape, usize)) {
        fn walk(
            layout: &Layout,
            frame: Option<&PathFrame<'_>>,
            offset: &mut usize,
            f: &mut dyn FnMut(LayerPath<'_>, &TensorShape, usize),
        ) {
            match layout {
                Layout::Tensors(tensors) => {
                    for t in *tensors {
                        f(LayerPath(frame), t, *offset);
                        *offset += t.numel();
                    }
                }
                Layout::Layers(layers) => {
                    for (i, layer) in layers.iter().enumerate() {
                        let inner = PathFrame {
                            index: i as u16,
                            parent: frame,
                        };
                        walk(layer, Some(&inner), offset, f);
                    }
                }
            }
        }
        walk(self, None, &mut 0, f);
    }
}

/// A tensor's layer path: the tuple indices from the outermost network in, of any depth.
#[derive(Clone, Copy, Debug)]
pub struct LayerPath<'a>(Option<&'a PathFrame<'a>>);

impl LayerPath<'_> {
    /// Calls `f` with each index, outermost first.
    pub fn for_each_index(&self, f: &mut dyn FnMut(u16)) {
        fn visit(frame: Option<&PathFrame<'_>>, f: &mut dyn FnMut(u16)) {
            if let Some(frame) = frame {
                visit(frame.parent, f);
                f(frame.index);
            }
        }
        visit(self.0, f);
    }

    /// The number of levels.
    #[must_use]
    pub fn depth(&self) -> usize {
        PathFrame::depth(self.0)
    }

    /// The indices, outermost first.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_vec(&self) -> alloc::vec::Vec<u16> {
        let mut out = alloc::vec::Vec::with_capacity(self.depth());
        self.for_each_index(&mut |i| out.push(i));
        out
    }
}

/// The names, shapes and initializers of what a layer or network stores: its parameters and
/// any non-trainable state (batch-norm running statistics), in the order a weights file holds
/// them. A layer's whole storage contract is this one constant.
///
/// ```
/// use stratanet::prelude::*;
/// type Net = (Dense<5, 10>, Relu, Dense<10, 1>);
/// assert_eq!(<Net as TensorLayout>::STORED, 60 + 11);
/// assert_eq!(<(Net, BatchNorm<1>) as TensorLayout>::PARAMS, 71 + 2); // running stats not trained
/// let mut names = Vec::new();
/// <Net as TensorLayout>::LAYOUT.for_each(&mut |path, t, at| names.push((path.to_vec(), t.name, t.dims, at)));
/// assert_eq!(names[0], (vec![0], "weight", &[10usize, 5][..], 0));
/// assert_eq!(names[3], (vec![2], "bias", &[1usize][..], 70));
/// ```
pub trait TensorLayout {
    /// The tensors, as a tree.
    const LAYOUT: Layout;
    /// The number of stored values (what a weights array for this network holds).
    const STORED: usize = Self::LAYOUT.numel();
    /// The number of trained parameters.
    const PARAMS: usize = Self::LAYOUT.trainable_numel();
}
