"""export_many writes the same files, byte for byte, as the exporters run one by one."""

from __future__ import annotations

import pytest

from kg.errors import RegistryError
from kg.export import DEFAULT_EXPORTS, export, export_many


def test_export_many_writes_the_same_bytes_as_export(sample_build, tmp_path) -> None:
    result, _ = sample_build
    one = [export(name, result, tmp_path / "one") for name in DEFAULT_EXPORTS]
    many = export_many(DEFAULT_EXPORTS, result, tmp_path / "many")
    assert [p.name for p in many] == [p.name for p in one]
    for a, b in zip(one, many, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (tmp_path / "many" / "graph.ttl").stat().st_size > 1000
    assert not list((tmp_path / "many").glob(".*.tmp"))


def test_export_many_rejects_unknown_format_before_writing(sample_build, tmp_path) -> None:
    result, _ = sample_build
    with pytest.raises(RegistryError, match="unknown export format 'svg'"):
        export_many(["ttl", "svg"], result, tmp_path / "x")
    assert not (tmp_path / "x").exists()
