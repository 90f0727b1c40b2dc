"""Files in and out: the project GeoPackage, importers, file safety, embedded and official data."""
