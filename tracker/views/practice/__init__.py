"""The practice beyond one tap: the ladder, the monthly check-in, recall in a hard moment, the welcome."""
