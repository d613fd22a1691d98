"""Use cases: one function per thing a reader, publisher or operator does."""
