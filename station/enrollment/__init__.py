"""The enrollment of one applicant: the state machine and the controller that drives it."""
