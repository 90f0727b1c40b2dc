"""Official open data: Statistics Finland (population grid, Paavo, boundaries), Suomi.fi PTV, OSM."""
