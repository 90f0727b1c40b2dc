"""Planning new meeting places: covering and median models, candidate sites, plans."""
