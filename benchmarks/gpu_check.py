"""The app's embedder on a real GPU, with nothing to download: a small random BERT saved as a
sentence-transformers folder, loaded through SentenceTransformerEmbedder on the CPU in float32, with
device auto, and on CUDA in float16 and float32; prints (and writes to $OUT/gpu_check.json, when $OUT
is set) the device and precision each chose, the batch size, documents/s and the cosine of every
vector to the CPU's. A second set of documents, 2 to 510 tokens long, checks the batch shapes that
reach the transformer: the CPU cuts long batches to its memory budget (token_batches), a GPU keeps
whole batches; their vectors must still match the CPU's.

    python benchmarks/gpu_check.py   # on a machine with a GPU (the device tool's machines: python3)

Needs torch, sentence-transformers, transformers and tokenizers only (no chromadb, no Qt).
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

WORDS = (
    "the a package manager installs updates files folders search meaning language index passage query "
    "model document page chapter section apt dpkg debian ubuntu key ssh"
)


def make_model(folder: Path) -> None:
    """A 4-layer BERT with random weights and a WordPiece vocabulary trained on random sentences."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    corpus = [" ".join(np.random.default_rng(i).choice(WORDS.split(), 12)) for i in range(300)]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(
        corpus,
        trainers.WordPieceTrainer(
            vocab_size=200, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        ),
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    torch.manual_seed(0)
    bert = BertModel(
        BertConfig(
            vocab_size=fast.vocab_size,
            hidden_size=128,
            num_hidden_layers=4,
            num_attention_heads=4,
            intermediate_size=512,
        )
    )
    hf = folder / "hf"
    bert.save_pretrained(hf)
    fast.save_pretrained(hf)
    st = SentenceTransformer(
        modules=[st_models.Transformer(str(hf)), st_models.Pooling(128, "mean"), st_models.Normalize()]
    )
    st.save(str(folder / "st"))


def batch_shapes(embedder: object) -> list[tuple[int, int]]:
    """(rows, width) of every batch the embedder's transformer is given from now on."""
    shapes: list[tuple[int, int]] = []
    first = embedder.model[0]  # type: ignore[attr-defined]
    first.register_forward_pre_hook(lambda _m, args: shapes.append(tuple(args[0]["input_ids"].shape)))
    return shapes


def main() -> None:
    from desktop_search.core.model.sentence_transformer import SentenceTransformerEmbedder

    report = {"torch": torch.__version__, "cuda": torch.cuda.is_available()}
    if torch.cuda.is_available():
        report["gpu"] = torch.cuda.get_device_name(0)
    with tempfile.TemporaryDirectory() as tmp:
        make_model(Path(tmp))
        folder = Path(tmp) / "st"
        docs = [
            f"passage {i}: the package manager installs updates of debian files and folders"
            for i in range(2000)
        ]
        words = WORDS.split()
        long_docs = [
            " ".join(words[(i + j) % len(words)] for j in range(2 + (i * 37) % 500)) for i in range(600)
        ]
        queries = ["how does apt install updates", "ssh key for ubuntu"]
        vectors = {}
        for device, precision in (
            ("cpu", "float32"),
            ("auto", "auto"),
            ("cuda", "float16"),
            ("cuda", "float32"),
        ):
            if device != "cpu" and not torch.cuda.is_available():
                continue
            e = SentenceTransformerEmbedder("tiny-random-bert", folder, device=device, precision=precision)
            e.load()
            t = time.perf_counter()
            d = np.asarray(e.embed_documents(docs))
            dt = time.perf_counter() - t
            q = np.asarray(e.embed_query(queries[0]))
            shapes = batch_shapes(e)
            t = time.perf_counter()
            long_d = np.asarray(e.embed_documents(long_docs))
            long_dt = time.perf_counter() - t
            vectors[(device, precision)] = (d, q, long_d)
            report[f"{device}/{precision}"] = {
                "device": e.device,
                "precision": e.precision,
                "batch": getattr(e, "_batch_size", None),
                "docs_per_s": round(len(docs) / dt),
                "shape": list(d.shape),
                "norm": float(np.linalg.norm(d[0])),
                "long_docs_per_s": round(len(long_docs) / long_dt),
                "long_batches": len(shapes),
                "long_max_rows": max(r for r, _ in shapes),
                "long_max_tokens": max(r * w for r, w in shapes),
                "long_widest": max(w for _, w in shapes),
            }
        base_d, base_q, base_long = vectors[("cpu", "float32")]
        for key, (d, q, long_d) in vectors.items():
            cos = (d * base_d).sum(axis=1) / (np.linalg.norm(d, axis=1) * np.linalg.norm(base_d, axis=1))
            report[f"{key[0]}/{key[1]}"]["min_cos_to_cpu"] = float(cos.min())
            long_cos = (long_d * base_long).sum(axis=1)  # both normalised
            report[f"{key[0]}/{key[1]}"]["long_min_cos_to_cpu"] = float(long_cos.min())
            report[f"{key[0]}/{key[1]}"]["query_cos_to_cpu"] = float(
                q @ base_q / (np.linalg.norm(q) * np.linalg.norm(base_q))
            )
    text = json.dumps(report, indent=1)
    print(text)
    if os.environ.get("OUT"):
        (Path(os.environ["OUT"]) / "gpu_check.json").write_text(text)


if __name__ == "__main__":
    main()
