"""Mati (มติ): Thai meeting minutes in, structured resolutions out."""

__version__ = "0.1.0"
