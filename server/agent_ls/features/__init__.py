"""Editor features (completion, hover, symbols, schema, fixes): generic, dispatching to a
file's dialect and its value types; pure (no protocol)."""
