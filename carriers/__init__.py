"""Carriers: one package per carrier, each with one manifest (:class:`CarrierSpec`), listed once in
:mod:`carriers.registry`.

``REGISTRY`` reads raw carrier documents (``REGISTRY.read(carrier_id, body)``) and lists the specs for
``trace-verify carriers``; :func:`parse_result_to_json` writes the ``parse`` command's output.
"""

from __future__ import annotations

from carriers.base import parse_result_to_json
from carriers.registry import REGISTRY, Registry
from carriers.spec import CarrierSpec, spec_to_json

__all__ = ["REGISTRY", "CarrierSpec", "Registry", "parse_result_to_json", "spec_to_json"]
