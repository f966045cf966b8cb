#!/usr/bin/env bash
# Runs the PyTorch reference workloads (benches/torch_bench.py) and stratanet's
# (examples/workloads.rs) in one sitting and prints a table with the ratio per workload
# (PyTorch time / stratanet time: above 1 means stratanet is faster).
#
# Usage: benches/compare_pytorch.sh [--threads N]
#   PYTHON=/path/to/python   a Python with torch installed (default: python3)
set -euo pipefail
cd "$(dirname "$0")/.."

threads=1
if [ "${1:-}" = "--threads" ]; then threads=${2:?--threads needs a number}; fi
python=${PYTHON:-python3}
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "PyTorch is not importable by $python; set PYTHON to a Python with torch" >&2
  exit 1
fi

ours_args=()
cargo_features=()
if [ "$threads" != 1 ]; then
  ours_args=(--threads "$threads")
  cargo_features=(--features threading)
fi
cargo build --release --quiet "${cargo_features[@]}" --example workloads
ours=$(./target/release/examples/workloads "${ours_args[@]}")
torch=$(OMP_NUM_THREADS=$threads "$python" benches/torch_bench.py --threads "$threads" 2>/dev/null)

printf '%-26s %14s %14s %8s\n' workload pytorch_us stratanet_us ratio
while read -r name us; do
  # `<workload>_frozen` is the same workload through `infer::Frozen`, `<workload>_int8`
  # through `quant::QuantFrozen`.
  base=${name%_frozen}
  base=${base%_int8}
  theirs=$(awk -v n="$base" '$1 == n { print $2 }' <<<"$torch")
  ratio=$(awk -v a="$theirs" -v b="$us" 'BEGIN { printf "%.2f", a / b }')
  printf '%-26s %14s %14s %8s\n' "$name" "$theirs" "$us" "$ratio"
done <<<"$ours"
