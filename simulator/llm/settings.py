"""LLM settings: command-line flags > environment > config file > defaults.

The config file is TOML, `platformdirs.user_config_path("consultsim")/config.toml` unless
$CONSULTSIM_CONFIG names another; every option is documented in docs/llm.md. API keys come only from
the environment (OPENAI_API_KEY, or the variable `api_key_env` names), never from a flag or a file, and
never appear in `repr`, `public()` or any message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from simulator.errors import ConsultsimError

BACKENDS = ("scripted", "openai")
STRUCTURED_OUTPUT = ("auto", "json_schema", "json_object", "text")
# Settings that also have a command-line flag (simulator/llm/options.py); the rest are set in the config file.
FLAGS = {"timeout": "--llm-timeout", "concurrency": "--llm-concurrency"}
MAX_CONCURRENCY = 64  # requests at once to one server, at most (a setting, or what the server says)
NO_KEY = "no-key-needed"  # sent to servers that need none (llama.cpp, Ollama, vLLM, LM Studio)

# Every option of the [llm] table, with its type and bounds; docs/llm.md explains each.
_NUMBER = {"type": "number", "exclusiveMinimum": 0}
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "backend": {"enum": list(BACKENDS)},
        "model": {"type": "string", "minLength": 1},
        "base_url": {"type": "string", "pattern": "^https?://"},
        "api_key_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "timeout": _NUMBER,
        "reply_budget": _NUMBER,
        "connect_timeout": _NUMBER,
        "concurrency": {"type": "integer", "minimum": 1, "maximum": MAX_CONCURRENCY},
        "max_attempts": {"type": "integer", "minimum": 1, "maximum": 10},
        "retry_budget": _NUMBER,
        "backoff_initial": _NUMBER,
        "backoff_max": _NUMBER,
        "retry_after_max": _NUMBER,
        "breaker_failures": {"type": "integer", "minimum": 1},
        "breaker_cooldown": _NUMBER,
        "guard_retries": {"type": "integer", "minimum": 0, "maximum": 5},
        "json_reasks": {"type": "integer", "minimum": 0, "maximum": 5},
        "structured_output": {"enum": list(STRUCTURED_OUTPUT)},
        "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        "history_turns": {"type": "integer", "minimum": 0},
    },
}


class Secret:
    """A key that never shows itself in a repr, a formatted message or JSON; .reveal() is the one way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def reveal(self) -> str:
        return self._value


@dataclass(frozen=True)
class LLMSettings:
    backend: str = "scripted"
    model: str | None = None
    base_url: str | None = None  # None: the OpenAI API itself
    api_key_env: str = "OPENAI_API_KEY"
    api_key: Secret | None = field(default=None, repr=False, compare=False)
    timeout: float = 60.0  # seconds to wait for a response, or between two streamed chunks
    reply_budget: float = 600.0  # seconds a streamed structured reply may take in all while it keeps arriving
    connect_timeout: float = 3.0
    concurrency: int | None = None  # requests at once to this server; None: what it says it takes (llama.cpp), else 1
    max_attempts: int = 3  # tries per request, the first included
    retry_budget: float = 30.0  # no new try starts after this many seconds
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 20.0  # a Retry-After longer than this is not waited for
    breaker_failures: int = 1  # failed requests in a row (each after its retries) that open the breaker
    breaker_cooldown: float = 30.0  # seconds the server is skipped once the breaker opens
    guard_retries: int = 1  # regenerations of a patient reply the guard rejected
    json_reasks: int = 2  # re-asks for a structured reply that is not valid
    structured_output: str = "auto"
    temperature: float = 0.7
    history_turns: int = 12  # clinician-patient exchanges kept in the prompt
    source: dict[str, str] = field(default_factory=dict, compare=False)  # option -> flag | env | file | default
    config_file: str | None = field(default=None, compare=False)

    @property
    def enabled(self) -> bool:
        return self.backend == "openai"

    def key_for_client(self) -> str:
        """What the client sends: the real key, or a placeholder for a server that needs none."""
        return self.api_key.reveal() if self.api_key else NO_KEY

    def public(self) -> dict[str, Any]:
        """What a session, report or log may record: backend, model and base URL, never a key."""
        out: dict[str, Any] = {"backend": self.backend}
        if self.enabled:
            out["model"] = self.model
            out["base_url"] = public_url(self.base_url) if self.base_url else "https://api.openai.com/v1"
        return out

    def how_to_set(self, option: str) -> str:
        """Where a user changes `option`, for a message that asks them to: its flag, and the config file."""
        where = f"`{option}` under [llm] in {self.config_file or 'the config file'}"
        return f"{FLAGS[option]} or {where}" if option in FLAGS else where

    def with_(self, **changes: Any) -> LLMSettings:
        return replace(self, **changes)


def public_url(url: str) -> str:
    """The URL without user:password@ or a query string (which may carry a key)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


MAX_CONFIG_BYTES = 100_000  # a config file is a few lines


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("CONSULTSIM_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("consultsim", appauthor=False) / "config.toml"


def read_config(path: Path) -> dict[str, Any]:
    """The [llm] table of the config file ({} if there is no file); a bad file is a clear error."""
    data = read_config_document(path)
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise ConsultsimError(f"{path}: [llm] must be a table")
    if "api_key" in table:
        raise ConsultsimError(
            f"{path}: keys are not read from files; put it in OPENAI_API_KEY or name a variable with api_key_env"
        )
    import jsonschema  # only when a config file exists: keeps start-up quick

    errors = sorted(jsonschema.Draft202012Validator(CONFIG_SCHEMA).iter_errors(table), key=lambda e: list(e.path))
    if errors:
        problems = "; ".join(f"llm.{'.'.join(map(str, e.path)) or ''}: {e.message}".replace("llm.: ", "llm: ") for e in errors)
        raise ConsultsimError(f"{path}: {problems}")
    return table


def read_config_document(path: Path) -> dict[str, Any]:
    """The whole config file as a TOML document ({} if there is no file); a bad file is a clear error. Read
    once while it is unchanged: start-up asks for the [llm] table and then the [learner] one."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot read the config file ({error.strerror or error})") from None
    return _parsed_config(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _parsed_config(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """The parsed file for one version of it (the key); callers only read what it returns."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConsultsimError(f"{path}: cannot read the config file ({error.strerror or error})") from None
    import tomllib  # only when there is a file: every start of the app reads the settings

    if len(raw) > MAX_CONFIG_BYTES:
        raise ConsultsimError(f"{path}: too large for a config file ({len(raw):,} bytes; the limit is {MAX_CONFIG_BYTES:,})")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConsultsimError(f"{path}:{line}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        located = f"{path}:{where.group(1)}:{where.group(2)}" if where else str(path)
        raise ConsultsimError(f"{located}: not valid TOML ({message})") from None
    except RecursionError:
        raise ConsultsimError(f"{path}: nested too deeply to be a config file") from None
    except ValueError as error:  # tomllib lets int() refuse a number of thousands of digits
        raise ConsultsimError(f"{path}: holds a value that cannot be read ({str(error).split(';')[0]})") from None
    return data


def resolve_settings(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    path: Path | None = None,
) -> LLMSettings:
    """Merge flags (None means not given), environment and config file over the defaults.

    Naming a model or a base URL on the command line implies the openai backend unless --backend says
    otherwise; the environment and the file never switch the backend on by themselves, except
    CONSULTSIM_BACKEND and the file's `backend`, which say so outright.
    """
    env = os.environ if env is None else env
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    path = path or config_path(env)
    file_values = read_config(path)
    env_values: dict[str, Any] = {}
    for option, variable in (("backend", "CONSULTSIM_BACKEND"), ("model", "CONSULTSIM_MODEL"), ("base_url", "OPENAI_BASE_URL")):
        if env.get(variable):
            env_values[option] = env[variable]
    if "backend" not in flags and ("model" in flags or "base_url" in flags):
        flags = {**flags, "backend": "openai"}
    values: dict[str, Any] = {}
    source: dict[str, str] = {}
    names = {f.name for f in fields(LLMSettings)} - {"api_key", "source", "config_file"}
    for layer, label in ((file_values, "file"), (env_values, "env"), (flags, "flag")):
        for option, value in layer.items():
            if option in names:
                values[option] = value
                source[option] = label
    if values.get("backend", "scripted") not in BACKENDS:
        raise ConsultsimError(f"backend {values['backend']!r} is not one of: {', '.join(BACKENDS)}")
    if "base_url" in values and not str(values["base_url"]).startswith(("http://", "https://")):
        raise ConsultsimError(f"base URL {public_url(str(values['base_url']))!r} must start with http:// or https://")
    key_env = values.get("api_key_env", "OPENAI_API_KEY")
    key = env.get(key_env) or None
    settings = LLMSettings(**values, api_key=Secret(key) if key else None, source=source, config_file=str(path))
    if settings.enabled:
        if not settings.model:
            raise ConsultsimError(
                "the openai backend needs a model: pass --model, set CONSULTSIM_MODEL, or set model in "
                f"{path} (see docs/llm.md)"
            )
        if not settings.base_url and not settings.api_key:
            raise ConsultsimError(
                f"the OpenAI API needs a key in ${key_env}; a local server needs none: pass --base-url "
                "(e.g. http://127.0.0.1:8080/v1)"
            )
    return settings
