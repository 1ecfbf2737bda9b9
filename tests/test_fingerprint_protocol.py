"""The packet codec: reference bytes, round trips, and a decoder that survives anything."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peripherals import messages
from peripherals.fingerprint.confirmation import Confirmation, ModuleError, verdict
from peripherals.fingerprint.protocol import (
    Packet,
    PacketDecoder,
    Pid,
    ack,
    checksum,
    command,
    data_packets,
    decode,
    encode,
    pack_image,
    unpack_image,
)

GEN_IMG = bytes.fromhex("EF01FFFFFFFF010003010005")
NO_FINGER_ACK = bytes.fromhex("EF01FFFFFFFF07000302000C")

pids = st.sampled_from([int(p) for p in Pid])
payloads = st.binary(min_size=0, max_size=256)
addresses = st.integers(min_value=0, max_value=0xFFFFFFFF)


def test_reference_examples_encode_byte_for_byte() -> None:
    assert command(0x01) == GEN_IMG
    assert ack(0x02) == NO_FINGER_ACK
    assert decode(NO_FINGER_ACK) == Packet(Pid.ACK, b"\x02")


@given(pids, payloads, addresses)
def test_encode_decode_round_trip(pid: int, payload: bytes, address: int) -> None:
    packet = Packet(pid, payload, address)
    assert decode(encode(packet)) == packet


@given(pids, payloads, st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_streaming_decoder_reassembles_any_split(pid: int, payload: bytes, cuts: list[int]) -> None:
    raw = encode(Packet(pid, payload)) * 2
    decoder = PacketDecoder()
    found: list[Packet] = []
    position, turn = 0, 0
    while position < len(raw):
        cut = cuts[turn % len(cuts)]
        found += decoder.feed(raw[position : position + cut])
        position, turn = position + cut, turn + 1
    assert found == [Packet(pid, payload)] * 2
    assert decoder.discarded == 0 and decoder.pending == 0


def test_one_byte_at_a_time_like_pyfingerprint_writes() -> None:
    decoder = PacketDecoder()
    found = [p for byte in GEN_IMG for p in decoder.feed(bytes([byte]))]
    assert found == [Packet(Pid.COMMAND, b"\x01")]


def test_garbage_before_and_between_packets_is_skipped_and_counted() -> None:
    decoder = PacketDecoder()
    found = decoder.feed(b"\x55\x00\xff" + NO_FINGER_ACK + b"\x13\x37" + GEN_IMG)
    assert found == [Packet(Pid.ACK, b"\x02"), Packet(Pid.COMMAND, b"\x01")]
    assert decoder.discarded == 5


def test_bad_checksum_is_dropped_and_the_next_packet_still_decodes() -> None:
    corrupt = bytearray(NO_FINGER_ACK)
    corrupt[-1] ^= 0xFF
    decoder = PacketDecoder()
    assert decoder.feed(bytes(corrupt) + GEN_IMG) == [Packet(Pid.COMMAND, b"\x01")]
    assert decoder.bad_checksums == 1


def test_half_packet_followed_by_a_whole_one_resynchronises() -> None:
    # The first packet lost its tail on the wire; the next header sits inside what the
    # decoder first takes for the rest of it.
    big = encode(Packet(Pid.DATA, bytes(range(100))))
    decoder = PacketDecoder()
    found = decoder.feed(big[:30] + GEN_IMG + NO_FINGER_ACK * 10)
    assert found[-1] == Packet(Pid.ACK, b"\x02")
    assert Packet(Pid.COMMAND, b"\x01") in found


def test_header_with_an_absurd_length_does_not_stall_the_stream() -> None:
    decoder = PacketDecoder()
    assert decoder.feed(b"\xef\x01\xff\xff\xff\xff\x07\xff\xff" + GEN_IMG) == [
        Packet(Pid.COMMAND, b"\x01")
    ]


def test_reset_drops_a_half_packet() -> None:
    decoder = PacketDecoder()
    decoder.feed(GEN_IMG[:7])
    assert decoder.pending == 7
    decoder.reset()
    assert decoder.pending == 0 and decoder.feed(GEN_IMG) == [Packet(Pid.COMMAND, b"\x01")]


@given(st.binary(max_size=2000))
def test_no_byte_sequence_crashes_the_decoder(noise: bytes) -> None:
    decoder = PacketDecoder()
    for packet in decoder.feed(noise):
        assert encode(packet) in noise  # whatever comes out was really on the line
    assert decoder.pending <= 9 + 258


@given(st.binary(max_size=300).filter(lambda b: 0xEF not in b), pids, payloads)
def test_a_valid_packet_after_noise_is_always_recovered(
    noise: bytes, pid: int, payload: bytes
) -> None:
    decoder = PacketDecoder()
    assert decoder.feed(noise + encode(Packet(pid, payload))) == [Packet(pid, payload)]


def test_data_packets_split_at_the_packet_size_and_end_with_end_data() -> None:
    packets = [decode(p) for p in data_packets(bytes(300), 128)]
    assert [p.pid for p in packets] == [Pid.DATA, Pid.DATA, Pid.END_DATA]
    assert [len(p.payload) for p in packets] == [128, 128, 44]


def test_image_nibbles_round_trip_and_high_nibble_is_the_left_pixel() -> None:
    image = (np.arange(16 * 4, dtype=np.uint8).reshape(4, 16) % 16) * 17
    packed = pack_image(image)
    assert packed[0] == 0x01  # pixels 0 and 1
    assert np.array_equal(unpack_image(packed, 16, 4), image)
    with pytest.raises(ValueError):
        unpack_image(packed[:-1], 16, 4)


def test_every_confirmation_code_has_a_bilingual_message() -> None:
    texts = set()
    for code in Confirmation:
        if code == Confirmation.OK:
            continue
        error = ModuleError(code)
        assert error.code == code.name.lower() and error.confirmation == code
        assert error.text.id and error.text.en and error.text.id != error.text.en
        # Its own words, not the fallback every unknown code gets.
        assert error.text != messages.fingerprint_module_answered_code(code)
        texts.add(error.text.en)
    assert len(texts) == len(Confirmation) - 1
    unknown = ModuleError(0x42)
    assert unknown.code == "confirmation_42" and "0x42" in unknown.text.en
    assert verdict(0) == "ok" and verdict(7) == "too_few_features"


@given(st.integers(0, 0xFF), st.binary(max_size=300))
def test_checksum_is_the_datasheets_sum(pid: int, payload: bytes) -> None:
    """PID + both length bytes + every payload byte, low 16 bits (the fast path for
    packet-sized payloads must agree with it, also for the largest, all-0xFF ones)."""
    for data in (payload, b"\xff" * len(payload)):
        length = len(data) + 2
        expected = (pid + (length >> 8) + (length & 0xFF) + sum(data)) & 0xFFFF
        assert checksum(pid, data) == expected
