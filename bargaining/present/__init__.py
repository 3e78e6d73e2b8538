"""Presentation: words, numbers, tables and Plotly figures made from results (nothing is solved here)."""
