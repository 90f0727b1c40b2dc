"""Katve: geographic coverage of family-centre meeting places (perhekeskuksen kohtaamispaikat).

The library never imports streamlit. Data flows one way: files -> store/importers -> Project -> travel ->
analysis/planning -> maps/export/UI. Everything is computed in EPSG:3067.
"""

__version__ = "0.1.0"
