"""Offline converters that turn weights shipped in Python packages into Hugging Face checkpoints.

Each converter writes ``config.json``, ``model.safetensors`` and tokenizer files
into a folder; :func:`stance.registry.prepare` picks the converter for a
``package:`` spec and makes the result atomic.
"""
