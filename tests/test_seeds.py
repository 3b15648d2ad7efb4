"""seeds/ must hold the five seed documents of shared/seeds/, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "seeds"

# SHA-256 of the files in shared/seeds/ when they were copied.
EXPECTED = {
    "000_31c08dbb09af1a8b.txt": "83db9a94eb6a46f637702406f2933c2964d280438c28c6be4fbd0773c9c79a5f",
    "001_5b9967e476f2d351.txt": "db67081fe199704b6cbdcd99a8cb6dd1d20a606285e6b02292c7855a88e3c819",
    "002_67b0d3295f2abce8.txt": "f82198e7e631c91b7e801fe0becdd813888b81f322b16f12e376626d621f19dc",
    "003_7d77333208016557.txt": "dc8ad14996069a227e377c4fe8276ecd828956cbe73b911829e5f4f40d20ed36",
    "004_c94e4324ae8c6c17.txt": "9a552408ac3a37cab5dd69fa7c68ac59b34e32097442e4e1ab034631bd0b0545",
}


def test_seeds_are_the_five_files_byte_for_byte() -> None:
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ROOT / "seeds").iterdir()}
    assert found == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_matches_shared_copy_when_present(name: str) -> None:
    shared = SHARED / name
    if shared.exists():  # shared/ sits beside the repository on the project's machines and in CI
        assert (ROOT / "seeds" / name).read_bytes() == shared.read_bytes()
    else:
        assert hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest() == EXPECTED[name]
