"""Civil-registry rules: NIK, region codes, eligibility, consent, the school roster and
the day's reports. Pure Python with no I/O beyond the packaged region lists, so the rules
can be tested and reused without a running station."""
