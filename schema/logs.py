"""The server's logs carry no query string, token, variable value or exception message.

A client may put its token in a URL (``?token=dfs_…``): the access log keeps the path
only. An exception's message may quote a variable's value, a stored name or the query:
tracebacks keep the exception types and code locations. Every handler of the server's
logging (uvicorn's and the app's) is behind ``LogHygiene``.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

_TOKEN_TEXT = re.compile(r"dfs_[A-Za-z0-9_\-]+")
_URL_QUERY = re.compile(r"^((?:/|https?://)[^?\s]*)\?.*$", re.S)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class LogHygiene(logging.Filter):
    """What no server log line may carry: a URL's query string (a client may put its
    token there), anything that looks like a token, or an exception's message (it may
    quote a variable's value, a stored name or the query): tracebacks keep the types
    and code locations only. Set on every handler of the server's logging."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_clean_arg(arg) for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = _TOKEN_TEXT.sub("dfs_…", record.msg)
        else:  # an object (an error, say) would be printed whole
            record.msg, record.args = f"({type(record.msg).__name__} left out)", ()
        if record.exc_info and record.exc_info[1] is not None:
            from schema.limits import MaskUnexpectedErrors

            record.exc_text = MaskUnexpectedErrors.describe(record.exc_info[1])
            record.exc_info = None
        return True


def _clean_arg(arg: Any) -> Any:
    if isinstance(arg, BaseException):
        return f"({type(arg).__name__})"
    if isinstance(arg, str):
        return _TOKEN_TEXT.sub("dfs_…", _URL_QUERY.sub(r"\1", arg))
    return arg


def log_config(*, root: bool = True) -> dict[str, Any]:
    """uvicorn's logging (and, with ``root``, the app's, as ``main`` formats it) with
    every handler behind ``LogHygiene``: the access log keeps paths, not query strings."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = json.loads(json.dumps(LOGGING_CONFIG))
    config["filters"] = {"hygiene": {"()": "schema.logs.LogHygiene"}}
    if root:
        config["formatters"]["app"] = {"format": LOG_FORMAT}
        config["handlers"]["app"] = {
            "formatter": "app",
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
        }
        config["root"] = {"handlers": ["app"], "level": "INFO"}
    for handler in config["handlers"].values():
        handler["filters"] = ["hygiene"]
    return config
