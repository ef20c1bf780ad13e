"""Knobs: the emulator's settings that tests change while it runs (timing, limits, access)."""

from __future__ import annotations

from .api import GenesysApi
from .auth import Authority
from .store import IntegrationStore


class Knobs:
    """Timing, rate limits, permissions and tokens, changeable while running (mixed into
    GenesysEmulator)."""

    _authority: Authority
    _store: IntegrationStore
    _api: GenesysApi

    @property
    def activation_delay(self) -> float:
        """Seconds ACTIVATING -> ACTIVE and DEACTIVATING -> INACTIVE."""
        return self._store.activation_delay

    @activation_delay.setter
    def activation_delay(self, seconds: float) -> None:
        self._store.activation_delay = seconds

    @property
    def fail_activation(self) -> bool:
        """When set, activations (and re-validations) end in ERROR with a detail."""
        return self._store.fail_activation

    @fail_activation.setter
    def fail_activation(self, value: bool) -> None:
        self._store.fail_activation = value

    @property
    def latency(self) -> float:
        """Seconds added to every reply."""
        return self._api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._api.latency = seconds

    @property
    def token_ttl(self) -> float:
        """Token lifetime in seconds (also the expires_in of new tokens)."""
        return self._authority.token_ttl

    @token_ttl.setter
    def token_ttl(self, seconds: float) -> None:
        self._authority.token_ttl = seconds

    @property
    def rate_limit_per_minute(self) -> int | None:
        """Requests allowed per token per sliding 60 s, or None for no limit."""
        return self._authority.rate_limit_per_minute

    @rate_limit_per_minute.setter
    def rate_limit_per_minute(self, limit: int | None) -> None:
        self._authority.rate_limit_per_minute = limit

    @property
    def rate_headers(self) -> bool:
        """Whether API replies state the token's budget (inin-ratelimit-*); True by default."""
        return self._authority.states_budget

    @rate_headers.setter
    def rate_headers(self, on: bool) -> None:
        self._authority.states_budget = on

    @property
    def permissions(self) -> frozenset[str] | None:
        """The granted permissions, or None when all are granted."""
        return self._authority.permissions

    def revoke_permission(self, permission: str) -> None:
        """Stop granting a permission: calls needing it answer 403."""
        self._authority.revoke(permission)

    def grant_permission(self, permission: str) -> None:
        """Grant a permission again."""
        self._authority.grant_permission(permission)

    def expire_token(self, number: int) -> None:
        """The `number`-th token granted (1-based) answers 401 from now on; others still work."""
        self._authority.expire_token(number)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 401 from now on."""
        self._authority.expire_tokens()

    def issued_tokens(self) -> list[str]:
        """Every access token granted so far (so tests can scan output for leaked tokens)."""
        return self._authority.issued_tokens()
