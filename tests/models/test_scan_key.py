"""The 签到表's key (models/scan/key.py): what its QR code says, read back exactly; anything else refused."""

from __future__ import annotations

import pytest

from models.errors import BranchBookError
from models.scan import key


def test_a_page_key_survives_its_qr_text() -> None:
    page = key.PageKey("0f8fad5b-d9cb-469f-a165-70867728950e", 3, 27, 16, 46.0, key.roster_crc(["a", "b"]))
    text = page.encode()
    assert text == text.upper() and len(text) < 70  # QR alphanumeric mode: a small code
    assert key.decode(text) == page
    assert page.row_top(2) == 46.0 + 2 * key.ROW_MM


def test_roster_checksum_follows_the_member_order() -> None:
    assert key.roster_crc(["a", "b"]) != key.roster_crc(["b", "a"])
    assert key.roster_crc(["a", "b"]) != key.roster_crc(["a", "b", "c"])


@pytest.mark.parametrize("text", ["https://example.org", "BB1:XYZ:1:1:1:1:ABCDEF12", ""])
def test_a_foreign_qr_code_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(BranchBookError, match="不是本软件打印的签到表"):
        key.decode(text)


def test_a_sheet_from_a_newer_layout_asks_for_an_upgrade() -> None:
    text = key.PageKey("0f8fad5b-d9cb-469f-a165-70867728950e", 1, 1, 5, 100.0, "00000000", layout=2).encode()
    with pytest.raises(BranchBookError, match="升级"):
        key.decode(text)


def test_signature_and_note_columns_lie_inside_the_text_block() -> None:
    edges = key.column_edges()
    assert edges[0] == 28.0 and edges[-1] == pytest.approx(184.0)  # GB/T 9704 text block: 28 mm … 184 mm
    assert key.signature_span()[1] - key.signature_span()[0] >= 40  # room for a signature
