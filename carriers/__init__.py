"""Carrier adapters: one package per carrier, listed once in :mod:`carriers.registry`.

``REGISTRY`` reads raw carrier documents (``REGISTRY.read("dhl", body)``) and lists adapters for
``trace-verify carriers``; :func:`parse_result_to_json` writes the ``parse`` command's output.
"""

from __future__ import annotations

from carriers.base import CarrierAdapter, adapter_to_json, parse_result_to_json
from carriers.registry import REGISTRY, Registry

__all__ = ["REGISTRY", "CarrierAdapter", "Registry", "adapter_to_json", "parse_result_to_json"]
