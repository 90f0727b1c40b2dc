"""Travel-cost models behind one interface: straight line and road network."""
