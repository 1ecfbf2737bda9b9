"""What many tests need, written once: starting a station process, waiting for something
with a deadline, free ports, reading the event socket with a deadline, a fake clock for
the indicator's players, proving that no receipt printed again, driving an enrollment
through the API, and a station's API with an operator logged in."""
