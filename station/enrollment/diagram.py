"""The enrollment state machine drawn from its own code, so the picture cannot drift."""

from __future__ import annotations

import shutil
import subprocess

from statemachine.contrib.diagram import DotGraphMachine, MermaidGraphMachine

from peripherals.device import Text
from station.enrollment.machine import EnrollmentMachine
from station.errors import Failure


def render(fmt: str) -> bytes:
    if fmt == "mermaid":
        return (str(MermaidGraphMachine(EnrollmentMachine)()) + "\n").encode()
    try:
        dot = DotGraphMachine(EnrollmentMachine)().to_string().encode()
    except ImportError:
        raise Failure(
            "pydot_missing",
            Text(
                "Format ini perlu pydot (pip install 'python-statemachine[diagrams]');"
                " gunakan --format mermaid.",
                "This format needs pydot (pip install 'python-statemachine[diagrams]');"
                " use --format mermaid.",
            ),
        ) from None
    if fmt == "dot":
        return dot
    if shutil.which("dot") is None:
        raise Failure(
            "graphviz_missing",
            Text(
                "Graphviz belum terpasang (apt-get install graphviz); gunakan --format mermaid.",
                "Graphviz is not installed (apt-get install graphviz); use --format mermaid.",
            ),
        )
    return subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, check=True).stdout
