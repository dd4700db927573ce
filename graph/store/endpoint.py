"""HTTP to a SPARQL 1.1 endpoint: URL checks, credentials, retries, server messages."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graph.errors import (
    EndpointError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    UsageError,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["USER_ENV", "PASSWORD_ENV", "EndpointClient", "check_endpoint_url", "server_message"]


#: environment variable holding the user name for a protected endpoint
USER_ENV = "CAREERGRAPH_ENDPOINT_USER"


#: environment variable holding the password for a protected endpoint
PASSWORD_ENV = "CAREERGRAPH_ENDPOINT_PASSWORD"


SPARQL_JSON = "application/sparql-results+json"


# HTTP statuses worth retrying: the server or a proxy in front of it is busy or restarting
_TRANSIENT = {429, 502, 503, 504}


def check_endpoint_url(url: str) -> str:
    """Check that ``url`` is an http(s) URL without credentials in it; return it.

    Raises
    ------
    UsageError
        For another scheme, or a ``user:password@`` part (credentials belong
        in the environment, never on a command line or in shell history).

    Examples
    --------
    >>> check_endpoint_url("http://127.0.0.1:8890/sparql")
    'http://127.0.0.1:8890/sparql'
    >>> check_endpoint_url("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    graph.errors.UsageError: 'ftp://example.org/sparql' is not an http(s) URL of a SPARQL endpoint.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises for a port that is not a number
    except ValueError as exc:
        raise UsageError(f"'{url}' is not a valid URL ({exc}).") from exc
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"'{url}' is not an http(s) URL of a SPARQL endpoint.")
    if "@" in parts.netloc:
        safe = url.replace(parts.netloc, parts.netloc.rsplit("@", 1)[1])
        raise UsageError(
            f"Credentials in the endpoint URL {safe} are not accepted; set {USER_ENV} and "
            f"{PASSWORD_ENV} instead."
        )
    return url


def server_message(response: httpx.Response, limit: int = 300) -> str:
    """Return the first meaningful line(s) of an error response, for a one-line message.

    Examples
    --------
    >>> import httpx
    >>> server_message(httpx.Response(400, text="Error SP030: syntax error\\n\\nSPARQL query:\\nX"))
    'Error SP030: syntax error.'
    """
    text = response.text if response.content else ""
    if "html" in response.headers.get("content-type", ""):
        text = re.sub(r"<[^>]+>", " ", text)
    lines = []
    for line in text.splitlines():
        # Virtuoso appends the whole query after 'SPARQL query:'; what is wrong comes before
        if line.strip().lower().startswith("sparql query"):
            break
        if line.strip():
            lines.append(line.strip())
    message = (" ".join(lines[:2]) if lines else response.reason_phrase)[:limit].rstrip()
    return message if message.endswith((".", "!", "?")) else message + "."


def _auth_class() -> Any:
    import httpx

    class ChallengeAuth(httpx.Auth):
        """HTTP basic or digest authentication, whichever the server asks for.

        Nothing is sent to a URL until it answers 401, so credentials meant
        for a protected update endpoint never travel to a public query endpoint.
        """

        requires_request_body = True

        def __init__(self, user: str, password: str) -> None:
            self._user = user
            self._password = password
            # per endpoint URL: the scheme it asked for, with its own digest state
            self._known: dict[str, httpx.Auth] = {}

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            where = str(request.url.copy_with(query=None, fragment=None))
            known = self._known.get(where)
            if known is not None:
                yield from known.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            offered = [h.lower() for h in response.headers.get_list("www-authenticate")]
            if any(h.startswith("digest") for h in offered):
                digest = self._known[where] = httpx.DigestAuth(self._user, self._password)
                # hand digest the challenge we already hold instead of asking again
                flow = digest.auth_flow(request)
                next(flow)
                answer = yield flow.send(response)
                try:
                    flow.send(answer)
                except StopIteration:
                    pass
            elif any(h.startswith("basic") for h in offered):
                basic = self._known[where] = httpx.BasicAuth(self._user, self._password)
                yield from basic.auth_flow(request)

    return ChallengeAuth


class EndpointClient:
    """HTTP for SPARQL endpoints: auth from the environment, retries, one-line errors.

    Parameters
    ----------
    timeout : float
        Seconds to wait for an answer (connecting: at most 10 s).
    retries : int
        How often a request is repeated after a transient failure (connection
        reset, HTTP 429/502/503/504, and for writes also 500), waiting
        ``backoff``, ``2 * backoff``, ... seconds in between.
    backoff : float
        The first wait, in seconds.
    transport : httpx.BaseTransport, optional
        For tests.
    """

    def __init__(
        self,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: Any = None,
    ) -> None:
        import httpx

        from graph import __version__

        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.retried = 0
        self._lock = threading.Lock()
        user = os.environ.get(USER_ENV)
        password = os.environ.get(PASSWORD_ENV, "")
        self.has_credentials = bool(user)
        auth = _auth_class()(user, password) if user else None
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={"User-Agent": f"careergraph/{__version__}"},
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        write: bool = False,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send a request; return the response of status 2xx (or one listed in ``ok``).

        Raises
        ------
        EndpointError
            Unreachable, refused (401/403), no such endpoint (404), a feature
            the server lacks (405/415/501), or still failing after the retries.
        QueryTimeoutError
            No answer within the timeout.
        QuerySyntaxError
            The server rejected the request as malformed (400).
        QueryError
            Any other error the server reports.
        """
        import httpx

        kwargs: dict[str, Any] = {"params": params, "headers": headers}
        if data is not None:
            kwargs["data"] = data
        if content is not None:
            kwargs["content"] = content
        if timeout is not None:
            kwargs["timeout"] = httpx.Timeout(timeout, connect=min(10.0, timeout))
        attempt = 0
        while True:
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.ConnectError as exc:
                if attempt < self.retries and "refused" not in str(exc).lower():
                    attempt = self._wait(attempt)
                    continue
                raise EndpointError(
                    f"Cannot reach the SPARQL endpoint {url}: {_reason(exc)}. "
                    "Is the server running, and is the URL right?"
                ) from exc
            except httpx.TimeoutException as exc:
                seconds = timeout if timeout is not None else self.timeout
                if isinstance(exc, httpx.ConnectTimeout):
                    raise EndpointError(
                        f"Cannot reach the SPARQL endpoint {url}: no answer to connecting "
                        f"within {min(10.0, seconds):g} s. Is the server running, and is the "
                        "URL right?"
                    ) from exc
                raise QueryTimeoutError(
                    f"The SPARQL endpoint {url} did not answer within {seconds:g} s."
                ) from exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if attempt < self.retries:
                    attempt = self._wait(attempt)
                    continue
                raise EndpointError(
                    f"The connection to {url} kept failing ({_reason(exc)}) after "
                    f"{self.retries + 1} attempts."
                ) from exc
            status = response.status_code
            if 200 <= status < 300 or status in ok:
                return response
            transient = status in _TRANSIENT or (write and status == 500)
            if transient and not _is_permanent(response) and attempt < self.retries:
                attempt = self._wait(attempt)
                continue
            error = self._error(url, response, attempts=attempt + 1)
            error.status = status  # type: ignore[attr-defined]
            raise error

    def _wait(self, attempt: int) -> int:
        time.sleep(self.backoff * (2**attempt))
        with self._lock:
            self.retried += 1
        return attempt + 1

    def _error(self, url: str, response: httpx.Response, attempts: int) -> Exception:
        status = response.status_code
        message = server_message(response)
        if status == 401:
            if not self.has_credentials:
                return EndpointError(
                    f"The SPARQL endpoint {url} asks for credentials (HTTP 401); set "
                    f"{USER_ENV} and {PASSWORD_ENV}."
                )
            return EndpointError(
                f"The SPARQL endpoint {url} refused the credentials in {USER_ENV} and "
                f"{PASSWORD_ENV} (HTTP 401)."
            )
        if _too_large(response):
            return EndpointError(
                f"The SPARQL endpoint {url} refused an update too large for its transaction log "
                f"({message.rstrip('.')}); raise TransactionAfterImageLimit in the [Parameters] "
                "section of virtuoso.ini, or push into a new --named-graph without --replace."
            )
        if status == 500 and "estimated execution time" in message:
            return QueryTimeoutError(
                f"The SPARQL endpoint {url} refused the query as too slow by its own estimate "
                f"({message.rstrip('.')}); raise or remove MaxQueryCostEstimationTime in the "
                "[SPARQL] section of virtuoso.ini."
            )
        if status == 403 or _is_refusal(response):
            return EndpointError(
                f"The SPARQL endpoint {url} refused the request (HTTP {status}): {message}"
            )
        if status == 404:
            return EndpointError(
                f"There is no SPARQL endpoint at {url} (HTTP 404); check the URL "
                "(Virtuoso: .../sparql, Fuseki: .../DATASET/sparql, GraphDB: "
                ".../repositories/REPOSITORY)."
            )
        if status in (405, 415, 501):
            return EndpointError(
                f"The endpoint {url} does not support this request (HTTP {status}): {message}"
            )
        if status == 400:
            return QuerySyntaxError(f"The SPARQL endpoint {url} rejected the request: {message}")
        if status in _TRANSIENT or status >= 500:
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            return QueryError(f"The SPARQL endpoint {url} failed{tries} (HTTP {status}): {message}")
        return QueryError(f"The SPARQL endpoint {url} answered HTTP {status}: {message}")


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    # httpx wraps socket errors as '[Errno 111] Connection refused'
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)


def _too_large(response: httpx.Response) -> bool:
    # Virtuoso: "Error SR325: Transaction aborted because it's log after image size went above
    # the limit" (TransactionAfterImageLimit, 50 MB by default)
    return response.status_code == 500 and "SR325" in (
        response.text[:500] if response.content else ""
    )


def _is_permanent(response: httpx.Response) -> bool:
    """A 500 that asking again cannot fix (a write is otherwise retried)."""
    head = response.text[:200] if response.content else ""
    # Virtuoso names the SQL state: a deadlock (40001) and a transaction that timed out waiting
    # for a lock, e.g. while a large load commits (S1T00 ... SR171), go away by themselves
    state = re.match(r"\s*Virtuoso (\w{5}) Error (\w+)?", head)
    if state and state.group(1) != "40001" and state.group(2) != "SR171":
        return True
    return _is_refusal(response) or _too_large(response)


def _is_refusal(response: httpx.Response) -> bool:
    # Virtuoso reports a missing permission as HTTP 500 "... Error SR186:SECURITY: No permission"
    if response.status_code != 500:
        return False
    head = response.text[:500] if response.content else ""
    return "SECURITY" in head or "No permission" in head
