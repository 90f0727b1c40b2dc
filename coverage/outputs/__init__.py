"""Outputs: maps, print maps, tables, calendar, GeoPackage, report, and the export dispatcher."""
