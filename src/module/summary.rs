//! One row per layer of a model summary: its name as the user wrote it, output shape and
//! parameter count.

use super::layout::TensorLayout;
use alloc::string::String;

/// One row of a model summary.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayerSummary {
    /// The layer's type, without module paths, `Dim<N>` written `N` (`Dense<5, 10>`).
    pub name: String,
    /// The per-sample output shape.
    pub output: &'static [usize],
    /// Trainable parameters.
    pub params: usize,
}

impl LayerSummary {
    /// The row of layer `M` with output shape `output`.
    #[must_use]
    pub fn of<M: TensorLayout + ?Sized>(output: &'static [usize]) -> Self {
        Self {
            name: short_type_name(core::any::type_name::<M>()),
            output,
            params: M::PARAMS,
        }
    }

    /// The row of a graph block `M` (`Residual`, `Add`, `Concat`) named `label`; the rows of
    /// its branches follow it, indented by [`LayerSummary::indent`].
    #[must_use]
    pub fn block<M: TensorLayout + ?Sized>(label: &str, output: &'static [usize]) -> Self {
        Self {
            name: String::from(label),
            output,
            params: M::PARAMS,
        }
    }

    /// Prefixes the names of a block's inner `rows` with `prefix` (`"  "` for a residual branch,
    /// `"  1: "` for a block's second branch).
    pub fn indent(rows: &mut [Self], prefix: &str) {
        for row in rows {
            row.name.insert_str(0, prefix);
        }
    }
}

/// `stratanet::layers::dense::DenseT<stratanet::shape::Dim<5>, stratanet::shape::Dim<10>>`
/// → `Dense<5, 10>`: drops module paths, writes `Dim<N>` as `N`, drops a default `f32` and the
/// `T` that marks a layer's generic struct.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, next: Option<char>| {
        let is_struct_t = word.len() > 1
            && word.ends_with('T')
            && word.starts_with(char::is_uppercase)
            && next == Some('<');
        out.push_str(if is_struct_t {
            &word[..word.len() - 1]
        } else {
            word
        });
        word.clear();
    };
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear(); // a module path segment
        } else {
            flush(&mut word, &mut out, Some(c));
            out.push(c);
        }
    }
    flush(&mut word, &mut out, None);
    // `Dim<N>` → `N`, then a trailing default element type.
    let mut result = String::new();
    let mut rest = out.as_str();
    while let Some(at) = rest.find("Dim<") {
        result.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let end = after.find('>').unwrap_or(after.len());
        result.push_str(&after[..end]);
        rest = after.get(end + 1..).unwrap_or("");
    }
    result.push_str(rest);
    result.replace(", f32>", ">")
}
