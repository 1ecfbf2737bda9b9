"""One place for each word: a fixed bilingual message the core or the web shell says to a
person comes from station/messages.py, not from a Text(...) written where it is sent
(messages that carry values are still built where the values are); every word the tablet
shows comes from its one catalogue, web/static/js/i18n.js."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "station" / "messages.py"
TABLET_CATALOGUE = ROOT / "web" / "static" / "js" / "i18n.js"
# A word written in both languages: {id: "...", en: "..."} or a WORDS table of its own.
TABLET_WORDS = re.compile(r'\bid: "[^"]*",\s*en: "|\bconst WORDS\b')


def fixed_texts_outside_the_catalogue() -> list[str]:
    found = []
    for path in sorted([*(ROOT / "station").rglob("*.py"), *(ROOT / "web").rglob("*.py")]):
        if path == CATALOGUE:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Text"
                and len(node.args) >= 2
                and all(isinstance(arg, ast.Constant) for arg in node.args)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[1].value!r}")
    return found


def test_fixed_messages_come_from_the_catalogue() -> None:
    assert fixed_texts_outside_the_catalogue() == []


def test_the_tablet_has_one_catalogue() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "web" / "static").rglob("*.js"))
        if path != TABLET_CATALOGUE
        for text in [path.read_text()]
        for match in TABLET_WORDS.finditer(text)
    ]
    assert found == []
