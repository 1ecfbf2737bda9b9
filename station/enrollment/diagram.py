"""The enrollment state machine drawn from its own code, so the picture cannot drift."""

from __future__ import annotations

import shutil
import subprocess

from statemachine.contrib.diagram import DotGraphMachine, MermaidGraphMachine

from station.enrollment.machine import EnrollmentMachine
from station.errors import Failure
from station.messages import DIAGRAM_NEEDS_GRAPHVIZ, DIAGRAM_NEEDS_PYDOT


def render(fmt: str) -> bytes:
    if fmt == "mermaid":
        return (str(MermaidGraphMachine(EnrollmentMachine)()) + "\n").encode()
    try:
        dot = DotGraphMachine(EnrollmentMachine)().to_string().encode()
    except ImportError:
        raise Failure("pydot_missing", DIAGRAM_NEEDS_PYDOT) from None
    if fmt == "dot":
        return dot
    if shutil.which("dot") is None:
        raise Failure("graphviz_missing", DIAGRAM_NEEDS_GRAPHVIZ)
    return subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, check=True).stdout
