"""FaultControls: the emulator's fault injection (error statuses, delays, dropped connections)."""

from __future__ import annotations

from .faults import Fault, FaultKind, FaultQueue


class FaultControls:
    """Queue failures that shape the next matching requests (mixed into GenesysEmulator)."""

    _faults: FaultQueue

    def inject_status(
        self,
        status: int = 503,
        count: int = 1,
        retry_after: int | str | None = None,
        method: str | None = None,
        path_contains: str | None = None,
        after: int = 0,
        token: int | None = None,
        message: str | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        context_id: str | None = None,
    ) -> None:
        """The next `count` matching requests (past the first `after`) answer `status`.

        `token`: only requests bearing the token of that issue number (1 = the first granted).
        `message` and `headers` shape the error reply (e.g. a 429 naming an org-wide limit);
        `code` and `context_id` replace the error body's defaults (e.g. a hostile server text).
        """
        if not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        self._faults.add(
            Fault(
                FaultKind.STATUS,
                count,
                method,
                path_contains,
                status=status,
                retry_after=retry_after,
                after=after,
                token=token,
                message=message,
                headers=headers,
                code=code,
                context_id=context_id,
            )
        )

    def inject_delay(
        self,
        seconds: float,
        count: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests wait `seconds`, then are processed normally."""
        self._faults.add(Fault(FaultKind.DELAY, count, method, path_contains, seconds=seconds))

    def inject_drop_after_commit(
        self,
        count: int = 1,
        method: str | None = "POST",
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests are processed and committed, then the connection
        closes without a reply."""
        self._faults.add(Fault(FaultKind.DROP_AFTER_COMMIT, count, method, path_contains))

    def inject_drop(
        self,
        count: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """The next `count` matching requests are not processed; the connection just closes."""
        self._faults.add(Fault(FaultKind.DROP, count, method, path_contains))

    def inject_version_conflict(self, count: int = 1) -> None:
        """The next `count` PUT config calls answer 409 and bump the stored version."""
        self._faults.add(Fault(FaultKind.VERSION_CONFLICT, count, "PUT", "/config/current"))

    def clear_faults(self) -> None:
        """Forget every fault not yet used."""
        self._faults.clear()
