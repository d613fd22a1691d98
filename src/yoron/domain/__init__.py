"""Pure rules of a discussion; see README.md in this folder."""
