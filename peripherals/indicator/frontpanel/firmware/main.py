"""Front panel firmware for a Raspberry Pi Pico (RP2040, MicroPython 1.29).

Wiring (change the constants for another board): a WS2812 ring on GP16, a passive buzzer on
GP15 (driven by PWM), a push button from GP14 to GND. Talks to the station over USB serial
(the Pico's stdin/stdout); the protocol and all timing decisions live in protocol.py.
Copy protocol.py (or protocol.mpy) and main.py to the board.
"""

import select
import sys
import time

import neopixel
from machine import PWM, Pin
from protocol import VERSION, LineBuffer, Panel

RING_PIN = 16
RING_LEDS = 12
BUZZER_PIN = 15
BUZZER_HZ = 2700
BUTTON_PIN = 14
BRIGHTNESS = 0.4  # a bright ring is readable across a classroom without dazzling up close
RGB = {"g": (0, 255, 0), "a": (255, 110, 0), "r": (255, 0, 0), "b": (0, 60, 255), "-": (0, 0, 0)}
LOOP_MS = 5


def scaled(colour: str) -> tuple[int, int, int]:
    r, g, b = RGB.get(colour, (0, 0, 0))
    return (int(r * BRIGHTNESS), int(g * BRIGHTNESS), int(b * BRIGHTNESS))


def main() -> None:
    ring = neopixel.NeoPixel(Pin(RING_PIN), RING_LEDS)
    buzzer = PWM(Pin(BUZZER_PIN))
    buzzer.freq(BUZZER_HZ)
    buzzer.duty_u16(0)
    button = Pin(BUTTON_PIN, Pin.IN, Pin.PULL_UP)
    poll = select.poll()
    poll.register(sys.stdin, select.POLLIN)

    # ticks_ms wraps; an ever-growing count of elapsed milliseconds does not.
    now = 0
    last_tick = time.ticks_ms()
    panel = Panel(RING_LEDS, now)
    reader = LineBuffer()
    shown = ("", False)
    print(f"PANEL ektp-frontpanel {VERSION} {RING_LEDS}")
    while True:
        tick = time.ticks_ms()
        now += time.ticks_diff(tick, last_tick)
        last_tick = tick
        while poll.poll(0):
            line = reader.feed(sys.stdin.read(1))
            if line is not None:
                print(panel.handle(line, now))
        if panel.poll_button(button.value() == 0, now):
            print("BTN")
        frame = panel.frame(now)
        if frame != shown:
            ring.fill(scaled(frame[0]))
            ring.write()
            buzzer.duty_u16(32768 if frame[1] else 0)
            shown = frame
        time.sleep_ms(LOOP_MS)


main()
