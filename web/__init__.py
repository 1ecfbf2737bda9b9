"""The station's web face: the JSON API under /api, the event websocket and the tablet page."""
