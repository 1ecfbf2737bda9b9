"""The station's nftables ruleset with real packets: three network namespaces stand for the
station, a tablet on the access point and a host on the 4G side. The API answers the
tablet (on its port and on port 80), and nothing answers the 4G side."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.provisioning import network_keyfiles
from tests.conftest import require_tool

RULES = (
    Path(__file__).resolve().parents[1]
    / "image-build/stage-ektp/01-station/files/nftables/nftables.conf"
)
API_PORT = 8080
WWAN_STATION, WWAN_PEER = "100.64.7.1", "100.64.7.2"
TABLET = "10.48.0.23"

LISTENER = """
import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[1])))
server.listen()
print("listening", flush=True)
while True:
    conn, _ = server.accept()
    conn.sendall(b"station")
    conn.close()
"""
CLIENT = """
import socket, sys
try:
    with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.5) as conn:
        print(conn.recv(16).decode())
except OSError as error:
    print(type(error).__name__)
"""


class Namespaces:
    def __init__(self) -> None:
        tag = f"{os.getpid() % 100000}"
        self.station, self.tablet, self.internet = (f"ektp{n}{tag}" for n in "sti")
        self.listeners: list[subprocess.Popen[str]] = []

    def ip(self, *args: str, netns: str | None = None) -> None:
        prefix = ["ip", "netns", "exec", netns] if netns else []
        subprocess.run([*prefix, "ip", *args], check=True, capture_output=True, timeout=10)

    def link(self, name: str, peer: str, peer_ns: str, station_ip: str, peer_ip: str) -> None:
        self.ip("link", "add", name, "netns", self.station, "type", "veth", "peer", "name", "eth0",
                "netns", peer_ns)  # fmt: skip
        self.ip("addr", "add", station_ip, "dev", name, netns=self.station)
        self.ip("link", "set", name, "up", netns=self.station)
        self.ip("addr", "add", peer_ip, "dev", "eth0", netns=peer_ns)
        self.ip("link", "set", "eth0", "up", netns=peer_ns)

    def setup(self) -> None:
        for ns in (self.station, self.tablet, self.internet):
            subprocess.run(["ip", "netns", "add", ns], check=True, timeout=10)
            self.ip("link", "set", "lo", "up", netns=ns)
        ap = f"{network_keyfiles.AP_ADDRESS}/{network_keyfiles.AP_PREFIX}"
        self.link("wlan0", "eth0", self.tablet, ap, f"{TABLET}/24")
        self.link("wwan0", "eth0", self.internet, f"{WWAN_STATION}/30", f"{WWAN_PEER}/30")
        subprocess.run(
            ["ip", "netns", "exec", self.station, "nft", "-f", str(RULES)],
            check=True,
            capture_output=True,
            timeout=10,
        )

    def listen(self, port: int, netns: str | None = None) -> None:
        where = netns or self.station
        process = subprocess.Popen(
            ["ip", "netns", "exec", where, sys.executable, "-c", LISTENER, str(port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.listeners.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == "listening"

    def connect(self, netns: str, address: str, port: int) -> str:
        result = subprocess.run(
            ["ip", "netns", "exec", netns, sys.executable, "-c", CLIENT, address, str(port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
        return result.stdout.strip()

    def teardown(self) -> None:
        for process in self.listeners:
            process.kill()
            process.wait(timeout=5)
        for ns in (self.station, self.tablet, self.internet):
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True, timeout=10)


@pytest.fixture
def namespaces() -> Iterator[Namespaces]:
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    require_tool("ip")
    require_tool("nft")
    spaces = Namespaces()
    try:
        try:
            spaces.setup()
        except subprocess.CalledProcessError as error:
            pytest.skip(f"cannot build network namespaces here: {error.stderr}")
        time.sleep(0.2)  # let the veth links come up
        yield spaces
    finally:
        spaces.teardown()


def test_the_api_answers_the_tablets_and_nothing_answers_the_4g_side(
    namespaces: Namespaces,
) -> None:
    namespaces.listen(API_PORT)
    namespaces.listen(2222)  # any other service someone might start on the station
    station_ap = network_keyfiles.AP_ADDRESS

    assert namespaces.connect(namespaces.tablet, station_ap, API_PORT) == "station"
    # Tablets may just open http://10.48.0.1/ : port 80 is redirected to the API.
    assert namespaces.connect(namespaces.tablet, station_ap, 80) == "station"
    assert namespaces.connect(namespaces.tablet, station_ap, 2222) == "TimeoutError"

    assert namespaces.connect(namespaces.internet, WWAN_STATION, API_PORT) == "TimeoutError"
    assert namespaces.connect(namespaces.internet, WWAN_STATION, 80) == "TimeoutError"
    assert namespaces.connect(namespaces.internet, WWAN_STATION, 2222) == "TimeoutError"


def test_the_tablets_cannot_reach_the_internet_through_the_station(
    namespaces: Namespaces,
) -> None:
    """Even with forwarding on (NetworkManager's shared mode turns it on) and a tablet that
    routes through the station, nothing is forwarded: the 4G data is for uploads only."""
    subprocess.run(
        ["ip", "netns", "exec", namespaces.station, "sysctl", "-qw", "net.ipv4.ip_forward=1"],
        check=True,
    )
    namespaces.ip("route", "add", "default", "via", network_keyfiles.AP_ADDRESS,
                  netns=namespaces.tablet)  # fmt: skip
    namespaces.ip("route", "add", network_keyfiles.AP_SUBNET, "via", WWAN_STATION,
                  netns=namespaces.internet)  # fmt: skip
    namespaces.listen(8443, netns=namespaces.internet)
    assert namespaces.connect(namespaces.internet, WWAN_PEER, 8443) == "station"  # it listens
    assert namespaces.connect(namespaces.tablet, WWAN_PEER, 8443) == "TimeoutError"
