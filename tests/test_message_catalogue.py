"""One place for each word: every bilingual message a person reads is written once, in
its layer's catalogue, never built where it is sent. The station's server side (core and
web shell) has station/messages.py; the device layer, which imports nothing above it,
peripherals/messages.py; the batch/ack/seal formats shared with the office,
exchange/messages.py; the office's collector, deployed apart, collector/messages.py. Every
word the tablet shows comes from its one catalogue, web/static/js/i18n.js."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("station", "web", "peripherals", "exchange", "collector")
CATALOGUES = {ROOT / package / "messages.py" for package in PACKAGES if package != "web"}
TABLET_CATALOGUE = ROOT / "web" / "static" / "js" / "i18n.js"
# A word written in both languages: {id: "...", en: "..."} or a WORDS table of its own.
TABLET_WORDS = re.compile(r'\bid: "[^"]*",\s*en: "|\bconst WORDS\b')


def _written(node: ast.expr) -> bool:
    """Words in the source: a string, an f-string, or one joined or chosen from them. A
    value passed through (a variable, a call on data) is not."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _written(node.left) or _written(node.right)
    if isinstance(node, ast.IfExp):
        return _written(node.body) or _written(node.orelse)
    return False


def _message(node: ast.AST) -> bool:
    """Text("…", "…") with written words, or the same as a {"id": "…", "en": "…"} dict."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Text":
        return any(_written(arg) for arg in node.args)
    if isinstance(node, ast.Dict):
        keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
        return keys == {"id", "en"} and any(_written(value) for value in node.values)
    return False


def messages_outside_the_catalogues(packages: tuple[str, ...] = PACKAGES) -> list[str]:
    found = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path in CATALOGUES:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if _message(node):
                    found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
    return found


def test_every_message_comes_from_its_layers_catalogue() -> None:
    assert messages_outside_the_catalogues() == []


def test_the_check_sees_each_way_of_writing_a_message(tmp_path: Path) -> None:
    samples = {
        'Text("Siap.", "Ready.")': True,
        'Text(f"{n} jari", f"{n} fingers")': True,
        'Text("Jari " + name, "Finger " + name)': True,
        'Text("a" if ok else "b", en)': True,
        '{"id": "Siap.", "en": "Ready."}': True,
        "Text(note.strip(), note.strip())": False,  # what an operator typed, passed on
        'Text(str(reply["id"]), str(reply["en"]))': False,  # a server's words, passed on
        "messages.finger_name(3)": False,
    }
    for source, is_message in samples.items():
        node = ast.parse(source, mode="eval").body
        assert _message(node) is is_message, source


def test_the_tablet_has_one_catalogue() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "web" / "static").rglob("*.js"))
        if path != TABLET_CATALOGUE
        for text in [path.read_text()]
        for match in TABLET_WORDS.finditer(text)
    ]
    assert found == []
