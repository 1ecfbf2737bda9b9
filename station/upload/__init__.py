"""Day's-end upload: batches of sealed records sent over tus 1.0 to the office,
resumable at any byte, and deleted locally only after a verified acknowledgement."""
