"""A Genesys Cloud emulator (OAuth + integrations API) for tests and local dry runs."""

from .emulator import GenesysEmulator
from .requestlog import RequestRecord

__all__ = ["GenesysEmulator", "RequestRecord"]
