"""The version this client reports in its User-Agent: the package's own."""

from genesys_eventbridge._version import PROJECT_NAME, __version__

__all__ = ["PROJECT_NAME", "__version__"]
