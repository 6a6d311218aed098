"""The protocol layer: pygls wiring and LSP ↔ domain conversions."""
