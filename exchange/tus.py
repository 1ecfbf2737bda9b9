"""The upload protocol both sides speak: tus 1.0 (https://tus.io/protocols/resumable-upload)."""

TUS_VERSION = "1.0.0"
