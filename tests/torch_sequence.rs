//! The sequence layers against PyTorch (float64), from `tests/fixtures/torch_sequence.json`, made
//! by `tests/fixtures/make_sequence_fixtures.py 7` (needs torch); see `torch_cases` for what each
//! check proves. PyTorch's modules: `nn.LayerNorm`, `nn.MultiheadAttention` (self-attention,
//! batch first, a causal `attn_mask`), a learned `[T, D]` parameter added, `x.mean(dim=1)` and
//! `nn.TransformerEncoderLayer(norm_first=True, dropout=0)`.

mod torch_cases;

use stratanet::prelude::*;

/// [`torch_cases::check`] on `torch_sequence.json`.
fn sequence<In: Shape, M: Module<In, f64> + Infer<In, f64>>(name: &str) {
    torch_cases::check::<In, M>("torch_sequence.json", name, true);
}

#[test]
fn layer_norm() {
    sequence::<Vector<5>, LayerNorm<5>>("layer_norm_vector");
    sequence::<Seq<3, 4>, LayerNorm<4, 3>>("layer_norm_seq_eps3");
}

#[test]
fn multi_head_attention() {
    sequence::<Seq<4, 6>, MultiHeadAttention<6, 2>>("attention");
    sequence::<Seq<5, 8>, MultiHeadAttention<8, 4, Causal>>("attention_causal");
}

#[test]
fn positional_embedding_and_mean_over_time() {
    sequence::<Seq<3, 4>, PositionalEmbedding<3, 4>>("positional_embedding");
    sequence::<Seq<4, 3>, GlobalAvgPool1d>("mean_over_time");
}

#[test]
fn transformer_encoder_blocks() {
    sequence::<Seq<5, 8>, TransformerEncoder<8, 2, 12>>("encoder_relu");
    sequence::<Seq<4, 8>, TransformerEncoder<8, 4, 10, Gelu>>("encoder_gelu");
    type Two = (TransformerEncoder<8, 2, 12>, TransformerEncoder<8, 2, 12>);
    sequence::<Seq<5, 8>, Two>("two_encoders");
}

#[test]
fn bidirectional_recurrent_layers() {
    sequence::<Seq<5, 3>, Bidirectional<Gru<3, 4, ReturnSequences>>>("bi_gru_sequences");
    sequence::<Seq<5, 3>, Bidirectional<Gru<3, 4>>>("bi_gru_last");
    sequence::<Seq<5, 3>, Bidirectional<Lstm<3, 4, ReturnSequences>>>("bi_lstm_sequences");
    sequence::<Seq<5, 3>, Bidirectional<Lstm<3, 4>>>("bi_lstm_last");
    sequence::<Seq<5, 3>, Bidirectional<SimpleRnn<3, 4>>>("bi_rnn_last");
}
