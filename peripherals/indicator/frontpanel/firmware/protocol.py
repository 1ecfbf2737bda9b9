"""Front panel protocol and timing logic, shared by the RP2040 firmware (MicroPython 1.29)
and the host (CPython): no hardware, plain classes only. Type annotations stay inline
(MicroPython parses and ignores them; a module-level alias would be evaluated and fail).

Lines are ASCII, end with "\\n", at most MAX_LINE bytes.

  host -> panel                          panel -> host
  HELLO                                  PANEL ektp-frontpanel <version> <leds>
  PING                                   PONG
  SHOW <name> <steps> <beeps>            OK <name>
                                         BTN              (a debounced press, any time)
                                         ERR <code>       (syntax, toolong, unknown)

<steps> is a comma list of <colour><ms>: colour g (green), a (amber), r (red), b (blue),
- (dark); one step with 0 ms is steady. <beeps> is <on_ms>/<off_ms>x<count> or "-".
Example: "SHOW fault r250,-250 400/200x3".

If the host says nothing for HOST_TIMEOUT_MS the panel shows NO_HOST (a slow blue flash),
so a crashed station is visible from across the room.
"""

VERSION = "1"
MAX_LINE = 160
HOST_TIMEOUT_MS = 6000
DEBOUNCE_MS = 30
COLOURS = "garb-"
NO_HOST = ((("b", 200), ("-", 1800)), None)


class ProtocolError(Exception):
    pass


def parse_steps(text: str) -> tuple[tuple[str, int], ...]:
    steps: list[tuple[str, int]] = []
    for item in text.split(","):
        if len(item) < 2 or item[0] not in COLOURS or not item[1:].isdigit():
            raise ProtocolError("syntax")
        steps.append((item[0], int(item[1:])))
    if len(steps) > 1 and not all(ms > 0 for _colour, ms in steps):
        raise ProtocolError("syntax")  # a zero-length step in a loop would spin forever
    return tuple(steps)


def parse_beeps(text: str) -> tuple[int, int, int] | None:
    if text == "-":
        return None
    timing, sep, count = text.partition("x")
    on, slash, off = timing.partition("/")
    if not (sep and slash and on.isdigit() and off.isdigit() and count.isdigit()):
        raise ProtocolError("syntax")
    return (int(on), int(off), int(count))


def format_show(name: str, steps: tuple[tuple[str, int], ...],
                beeps: tuple[int, int, int] | None) -> str:
    """The SHOW line for a look: the host's encoder, kept beside the parser it must match."""
    step_text = ",".join(colour + str(ms) for colour, ms in steps)
    beep_text = "-" if beeps is None else f"{beeps[0]}/{beeps[1]}x{beeps[2]}"
    return f"SHOW {name} {step_text} {beep_text}"


def frame_at(look: tuple[tuple[tuple[str, int], ...], tuple[int, int, int] | None],
             elapsed_ms: int) -> tuple[str, bool]:
    """(colour, buzzer_on) `elapsed_ms` after the look started: a pure function of time, so
    the firmware's main loop only has to ask it every few milliseconds."""
    steps, beeps = look
    colour = steps[0][0]
    period = 0
    for _colour, ms in steps:
        period += ms
    if period > 0:
        t = elapsed_ms % period
        for step_colour, ms in steps:
            if t < ms:
                colour = step_colour
                break
            t -= ms
    buzzing = False
    if beeps is not None:
        on, off, count = beeps
        cycle = on + off
        if on > 0 and elapsed_ms < cycle * count:
            buzzing = elapsed_ms % cycle < on
    return (colour, buzzing)


class LineBuffer:
    """Assembles lines from single characters; an overlong line is cut to MAX_LINE + 1
    characters (Panel.handle then answers ERR toolong) instead of growing without bound."""

    def __init__(self) -> None:
        self.chars: list[str] = []

    def feed(self, char: str) -> str | None:
        if char == "\n":
            line = "".join(self.chars).strip()
            self.chars = []
            return line
        if len(self.chars) <= MAX_LINE:
            self.chars.append(char)
        return None


class Debouncer:
    """A press counts when the (active-low) button has read pressed for DEBOUNCE_MS."""

    def __init__(self, debounce_ms: int = DEBOUNCE_MS) -> None:
        self.debounce_ms = debounce_ms
        self.stable = False
        self.candidate = False
        self.since = 0

    def update(self, pressed: bool, now_ms: int) -> bool:
        """Feed the raw level; True exactly once per debounced press."""
        if pressed != self.candidate:
            self.candidate = pressed
            self.since = now_ms
            return False
        if pressed != self.stable and now_ms - self.since >= self.debounce_ms:
            self.stable = pressed
            return pressed
        return False


class Panel:
    """Everything the panel decides, minus the pins: lines in, replies and a frame out."""

    def __init__(self, leds: int, now_ms: int) -> None:
        self.leds = leds
        self.look: tuple[tuple[tuple[str, int], ...], tuple[int, int, int] | None] = NO_HOST
        self.name = "no_host"
        self.started = now_ms
        self.last_heard = now_ms - HOST_TIMEOUT_MS
        self.button = Debouncer()

    def handle(self, line: str, now_ms: int) -> str:
        """One line from the host; returns the reply line (without newline)."""
        if len(line) > MAX_LINE:
            return "ERR toolong"
        self.last_heard = now_ms
        words = line.split()
        if not words:
            return "ERR syntax"
        verb = words[0]
        if verb == "PING" and len(words) == 1:
            return "PONG"
        if verb == "HELLO" and len(words) == 1:
            return f"PANEL ektp-frontpanel {VERSION} {self.leds}"
        if verb == "SHOW":
            if len(words) != 4:
                return "ERR syntax"
            try:
                look = (parse_steps(words[2]), parse_beeps(words[3]))
            except ProtocolError as exc:
                return "ERR " + str(exc)
            self.look, self.name, self.started = look, words[1], now_ms
            return "OK " + words[1]
        return "ERR unknown"

    def frame(self, now_ms: int) -> tuple[str, bool]:
        if now_ms - self.last_heard >= HOST_TIMEOUT_MS and self.name != "no_host":
            self.look, self.name, self.started = NO_HOST, "no_host", now_ms
        return frame_at(self.look, now_ms - self.started)

    def poll_button(self, pressed: bool, now_ms: int) -> bool:
        return self.button.update(pressed, now_ms)
