"""What many tests need, written once: waiting for something a thread does, free ports,
reading the event socket with a deadline, and driving an enrollment through the API."""
