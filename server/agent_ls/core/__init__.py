"""The pure core: text, positions and parsers that know no dialect."""
