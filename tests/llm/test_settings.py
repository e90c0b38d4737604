"""LLM settings: flags > environment > config file > defaults; offline by default; keys never shown."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from simulator.errors import ConsultsimError
from simulator.llm.options import add_backend_arguments, settings_from_args, settings_to_resume
from simulator.llm.settings import LLMSettings, Secret, config_path, public_url, resolve_settings

KEY = "sk-test-0123456789abcdefSECRET"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_with_nothing_set_the_backend_is_scripted_and_needs_nothing(tmp_path: Path) -> None:
    settings = resolve_settings({}, env={}, path=tmp_path / "absent.toml")
    assert settings.backend == "scripted" and not settings.enabled
    assert settings.public() == {"backend": "scripted"}


def test_flags_beat_environment_beat_file_beat_defaults(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", '[llm]\nbackend = "openai"\nmodel = "from-file"\nbase_url = "http://127.0.0.1:1/v1"\ntimeout = 9\n')
    env = {"CONSULTSIM_MODEL": "from-env", "OPENAI_BASE_URL": "http://127.0.0.1:2/v1"}
    file_only = resolve_settings({}, env={}, path=config)
    assert (file_only.model, file_only.base_url, file_only.timeout) == ("from-file", "http://127.0.0.1:1/v1", 9)
    with_env = resolve_settings({}, env=env, path=config)
    assert (with_env.model, with_env.base_url, with_env.timeout) == ("from-env", "http://127.0.0.1:2/v1", 9)
    with_flag = resolve_settings({"model": "from-flag", "base_url": None}, env=env, path=config)
    assert (with_flag.model, with_flag.base_url) == ("from-flag", "http://127.0.0.1:2/v1")
    assert with_flag.source == {"backend": "flag", "model": "flag", "base_url": "env", "timeout": "file"}  # --model implies it
    assert with_flag.max_attempts == LLMSettings().max_attempts  # untouched: the default


def test_a_model_or_base_url_flag_implies_openai_but_the_environment_alone_does_not(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:2/v1", "CONSULTSIM_MODEL": "m"}
    assert resolve_settings({}, env=env, path=tmp_path / "none.toml").backend == "scripted"
    assert resolve_settings({"base_url": "http://127.0.0.1:3/v1"}, env=env, path=tmp_path / "none.toml").backend == "openai"
    assert resolve_settings({}, env={**env, "CONSULTSIM_BACKEND": "openai"}, path=tmp_path / "none.toml").backend == "openai"
    explicit = resolve_settings({"backend": "scripted", "model": "m"}, env=env, path=tmp_path / "none.toml")
    assert explicit.backend == "scripted"


def test_the_config_file_lives_in_the_user_config_folder_unless_consultsim_config_says_otherwise(tmp_path: Path) -> None:
    assert config_path({}) == platformdirs.user_config_path("consultsim", appauthor=False) / "config.toml"
    assert config_path({"CONSULTSIM_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    write(tmp_path / "x.toml", '[llm]\nbackend = "openai"\nmodel = "m"\nbase_url = "http://127.0.0.1:9/v1"\n')
    settings = resolve_settings({}, env={"CONSULTSIM_CONFIG": str(tmp_path / "x.toml")})
    assert settings.enabled and settings.config_file == str(tmp_path / "x.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[llm]\nmodle = 'x'\n", "Additional properties are not allowed ('modle' was unexpected)"),
        ("[llm]\ntimeout = 'soon'\n", "llm.timeout: 'soon' is not of type 'number'"),
        ("[llm]\nmax_attempts = 0\n", "llm.max_attempts: 0 is less than the minimum of 1"),
        ("[llm]\nbackend = 'gpt'\n", "llm.backend: 'gpt' is not one of"),
        ("[llm\n", "not valid TOML"),
        ("[llm]\napi_key = 'sk-x'\n", "keys are not read from files"),
        ("[llm]\nconcurrency = 0\n", "llm.concurrency: 0 is less than the minimum of 1"),
        ("[llm]\nreply_budget = -1\n", "llm.reply_budget: -1 is less than or equal to the minimum of 0"),
    ],
)
def test_a_bad_config_file_is_a_clear_error_naming_the_file(tmp_path: Path, text: str, expected: str) -> None:
    config = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConsultsimError) as caught:
        resolve_settings({}, env={}, path=config)
    assert str(config) in str(caught.value) and expected in str(caught.value)
    assert "sk-x" not in str(caught.value)


def test_timeout_and_concurrency_come_from_flags_or_the_file_and_messages_say_where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "c.toml", "[llm]\nconcurrency = 3\nreply_budget = 900\ntimeout = 90\n")
    monkeypatch.setenv("CONSULTSIM_CONFIG", str(config))
    parser = argparse.ArgumentParser()
    add_backend_arguments(parser)
    args = parser.parse_args(["--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--llm-timeout", "240", "--llm-concurrency", "2"])
    flagged = settings_from_args(args)
    assert (flagged.timeout, flagged.concurrency, flagged.reply_budget) == (240, 2, 900)
    assert flagged.source["timeout"] == "flag" and flagged.source["reply_budget"] == "file"
    saved = {"backend": "openai", "model": "saved", "base_url": "http://127.0.0.1:7/v1"}
    resumed = settings_to_resume(parser.parse_args(["--llm-timeout", "30"]), saved)
    assert (resumed.model, resumed.base_url, resumed.timeout, resumed.concurrency) == ("saved", "http://127.0.0.1:7/v1", 30, 3)  # its server, the flag
    assert flagged.how_to_set("timeout") == f"--llm-timeout or `timeout` under [llm] in {config}"
    assert flagged.how_to_set("reply_budget") == f"`reply_budget` under [llm] in {config}"
    assert LLMSettings().concurrency is None  # by default: what the server says it runs at once, else 1
    for bad in (["--llm-concurrency", "0"], ["--llm-timeout", "soon"], ["--llm-timeout", "-1"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)


def test_a_local_server_needs_no_key_but_the_openai_api_does(tmp_path: Path) -> None:
    local = resolve_settings({"model": "m", "base_url": "http://127.0.0.1:8080/v1"}, env={}, path=tmp_path / "n.toml")
    assert local.api_key is None and local.key_for_client() == "no-key-needed"
    with pytest.raises(ConsultsimError, match=r"needs a key in \$OPENAI_API_KEY; a local server needs none"):
        resolve_settings({"backend": "openai", "model": "m"}, env={}, path=tmp_path / "n.toml")
    with pytest.raises(ConsultsimError, match="needs a model"):
        resolve_settings({"backend": "openai"}, env={"OPENAI_API_KEY": KEY}, path=tmp_path / "n.toml")
    with pytest.raises(ConsultsimError, match="must start with http"):
        resolve_settings({"base_url": "127.0.0.1:8080"}, env={}, path=tmp_path / "n.toml")


def test_the_key_comes_from_the_environment_and_is_never_shown(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", '[llm]\napi_key_env = "MY_COURSE_KEY"\n')
    settings = resolve_settings({"model": "m"}, env={"MY_COURSE_KEY": KEY}, path=config)
    assert settings.key_for_client() == KEY
    shown = " ".join([repr(settings), str(settings), json.dumps(settings.public()), repr(settings.api_key), f"{settings.api_key}"])
    assert KEY not in shown and "SECRET" not in shown
    assert settings.public() == {"backend": "openai", "model": "m", "base_url": "https://api.openai.com/v1"}
    assert repr(Secret(KEY)) == "Secret('***')"


def test_a_public_url_has_no_credentials_or_query() -> None:
    assert public_url("https://user:pass@llm.example:8443/v1?key=abc") == "https://llm.example:8443/v1"
    assert public_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"
    assert public_url("http://[::1]:8080/v1") == "http://[::1]:8080/v1"


@pytest.mark.parametrize("module", ["simulator.llm", "simulator.llm.client", "simulator.patient.llm_actor", "simulator.llm.options"])
def test_the_llm_core_does_not_pull_in_textual(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_scripted_patient_does_not_load_the_openai_client() -> None:
    code = "import sys, simulator.consultation, simulator.commands.play; print('openai' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
