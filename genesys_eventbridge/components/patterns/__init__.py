"""EventBridge event patterns: built from a filter policy, validated, serialized, matched."""

from .build import EVENT_ENVELOPE_FIELDS, MAX_PATTERN_LENGTH, build_pattern, pattern_json
from .errors import PatternError
from .match import Mismatch, explain, matches
from .validate import KNOWN_OPERATORS, validate_pattern

__all__ = [
    "EVENT_ENVELOPE_FIELDS",
    "KNOWN_OPERATORS",
    "Mismatch",
    "MAX_PATTERN_LENGTH",
    "PatternError",
    "build_pattern",
    "explain",
    "matches",
    "pattern_json",
    "validate_pattern",
]
