"""The package's version (CHANGELOG.md: what each version changed, what a version promises)."""

# Kept in step with [project] version in pyproject.toml (a test checks it): reading the installed
# distribution's metadata would report nothing when the project runs from a checkout.
__version__ = "0.1.0"

PROJECT_NAME = "genesys-eventbridge"
