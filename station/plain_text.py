"""Text a person typed or a file supplied, before it reaches a printer, a log or a form.

A thermal printer obeys any control byte inside the text it is sent: ESC @ resets it,
ESC p opens a cash drawer, GS V cuts. A name is printed on every receipt, so no control
character (C0 0x00-0x1F, DEL, C1 0x80-0x9F) may enter the station through any text
boundary: forms and provisioning refuse it (the person sees which field), a school's CSV
has it removed (Excel leaves stray ones behind), and the ESC/POS composer drops whatever
might still get through."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from station.messages import CONTAINS_CONTROL_CHARACTERS

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def without_control(value: str) -> str:
    """Control characters removed: tabs and line breaks become one space."""
    return CONTROL.sub("", re.sub(r"[\t\r\n\v\f]+", " ", value))


def refuse_control(value: str) -> str:
    if has_control(value):
        raise ValueError(CONTAINS_CONTROL_CHARACTERS.one_line)
    return value


# One line of typed text: a name, a school, a reason. Pydantic reports the field by name.
PlainText = Annotated[str, AfterValidator(refuse_control)]
