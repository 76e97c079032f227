"""Regions: the gazetteer and each region's registry of responsible units."""
