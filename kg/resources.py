"""The one module that knows where the ontology and rule data files live.

In a wheel they are packaged as ``kg/_ontology``; in a source checkout (editable install)
they are the repository's ``ontology/`` folder.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kg.errors import RuleError

# libyaml's loader when PyYAML was built with it (ten times faster on the lexicons), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def ontology_dir() -> Path:
    """The folder holding kg.ttl, shapes.ttl, lexicon/ and rules/."""
    packaged = resources.files("kg") / "_ontology"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "ontology"
    if checkout.is_dir():
        return checkout
    raise RuleError(
        "cannot find the ontology data folder (kg/_ontology in a wheel, ontology/ in a checkout);"
        " reinstall kg"
    )


def data_path(relative: str) -> Path:
    """Path of a data file under the ontology folder, e.g. ``lexicon/offices.yaml``."""
    path = ontology_dir() / relative
    if not path.is_file():
        raise RuleError(f"{path}: data file is missing; it ships with kg under ontology/")
    return path


@functools.cache
def load_yaml(relative: str) -> Any:
    """Parse a YAML data file under the ontology folder (cached: data files are read once)."""
    path = data_path(relative)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: not valid YAML: {exc}") from exc


def asset_path(relative: str) -> Path:
    """Path of a file kg ships for its outputs under ``kg/assets/`` (e.g. the vendored
    ``vis-network/vis-network.min.js`` the viewer inlines; see its VENDORED.md)."""
    path = Path(str(resources.files("kg") / "assets")) / relative
    if not path.is_file():
        raise RuleError(f"{path}: asset is missing; it ships with kg in kg/assets/; reinstall kg")
    return path
