"""The version this client reports in its User-Agent."""

# Kept in step with [project] version in pyproject.toml (a test checks it): reading the installed
# distribution's metadata would report nothing when the project runs from a checkout.
__version__ = "0.1.0"

PROJECT_NAME = "genesys-eventbridge"
