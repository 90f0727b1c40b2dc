"""Outputs: web and print maps, tables, calendar, GeoPackage, report, and the export dispatcher.

The dispatcher is :func:`coverage.outputs.export.export` (also ``coverage.export``); it is not re-exported
here, where ``export`` names its module.
"""

from .export import FORMATS, export_bytes, file_name

__all__ = ["FORMATS", "export_bytes", "file_name"]
