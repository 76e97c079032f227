"""tanfeng (碳峰): run a locality's carbon-peaking implementation plan as a measured programme."""

__version__ = "0.1.0"
