"""A small chat-model server on 127.0.0.1 for the LangChain brain's tests, with faults on demand.

It speaks just enough of two real APIs for their real clients to stream from it:

* OpenAI's ``POST /v1/chat/completions`` with ``"stream": true``: server-sent
  events of ``chat.completion.chunk`` objects, then ``data: [DONE]``
  (langchain-openai's ``ChatOpenAI``);
* Ollama's ``POST /api/chat``: one JSON object per line, the last with
  ``"done": true`` (langchain-ollama's ``ChatOllama``).

``server.mode`` picks what the next request gets:

=============== ===========================================================================
``ok``          the reply, a word per chunk
``slow_first``  ``first_delay`` seconds before the first chunk, then the reply
``slow_tokens`` ``token_delay`` seconds before every chunk
``hang``        the headers, then nothing until the client goes away (or ``close()``)
``disconnect``  two chunks, then the connection is dropped mid-stream
``error500``    HTTP 500 with an error body
``error429``    HTTP 429 (rate limited) with ``retry-after: 0``
``malformed``   one chunk that is not JSON
``tool``        a tool call of ``tool_name`` (and no text)
``no_tools``    HTTP 400 "does not support tools" when the request offers tools, else ``ok``
``long``        ``long_tokens`` sentences-worth of tokens (2,000 by default)
=============== ===========================================================================

Bounded: every wait polls for the client having gone away, nothing waits
longer than ``max_wait`` seconds, and the server shuts itself down after
``lifetime`` seconds even if a test forgets to. It records every request
(``requests``) and counts the connections open on its side (``open``).
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LoopbackLLMServer", "client_sockets"]

MODES = (
    "ok",
    "slow_first",
    "slow_tokens",
    "hang",
    "disconnect",
    "error500",
    "error429",
    "malformed",
    "tool",
    "no_tools",
    "long",
)


class _Gone(Exception):
    """The client closed the connection."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers: clients pool connections
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def setup(self) -> None:
        super().setup()
        self.server.connection_opened()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.connection_closed()

    # -- requests -----------------------------------------------------------------------

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        owner = self.server.owner
        owner.record(self.path, body)
        if self.path.endswith("/chat/completions"):
            api = "openai"
        elif self.path == "/api/chat":
            api = "ollama"
        else:
            self._json(404, {"error": f"no route {self.path}"})
            return
        try:
            self._answer(api, owner.mode, body)
        except (_Gone, BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _answer(self, api: str, mode: str, body: dict[str, Any]) -> None:
        owner = self.server.owner
        if mode == "error500":
            self._error(api, 500, "the model crashed")
            return
        if mode == "error429":
            self._error(api, 429, "rate limited, slow down", {"retry-after": "0"})
            return
        if mode == "no_tools" and body.get("tools"):
            self._error(api, 400, "test-model does not support tools")
            return
        self._start_stream(api)
        if mode == "hang":
            self._wait(owner.max_wait)
            raise _Gone
        if mode == "slow_first":
            self._wait(owner.first_delay)
        if mode == "malformed":
            self._chunk(b"data: {not json\n\n" if api == "openai" else b"{not json\n")
            self._end_stream()
            return
        if mode == "tool":
            self._send(api, tool=owner.tool_name)
            self._send(api, done="tool_calls")
            self._end_stream()
            return
        words = owner.long_words() if mode == "long" else owner.words()
        for index, word in enumerate(words):
            if mode == "slow_tokens":
                self._wait(owner.token_delay)
            if mode == "disconnect" and index == 2:
                self.connection.shutdown(socket.SHUT_RDWR)
                raise _Gone
            self._send(api, content=word)
        self._send(api, done="stop")
        self._end_stream()

    # -- the two wire formats ---------------------------------------------------------------

    def _send(
        self, api: str, *, content: str = "", tool: str | None = None, done: str | None = None
    ) -> None:
        if api == "openai":
            delta: dict[str, Any] = {} if done else {"role": "assistant", "content": content}
            if tool is not None:
                call = {"name": tool, "arguments": "{}"}
                delta = {
                    "role": "assistant",
                    "tool_calls": [
                        {"index": 0, "id": "call_1", "type": "function", "function": call}
                    ],
                }
            chunk = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "test-model",
                "choices": [{"index": 0, "delta": delta, "finish_reason": done}],
            }
            self._chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            if done:
                self._chunk(b"data: [DONE]\n\n")
            return
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if tool is not None:
            message["tool_calls"] = [{"function": {"name": tool, "arguments": {}}}]
        line: dict[str, Any] = {
            "model": "test-model",
            "created_at": "2026-01-01T00:00:00Z",
            "message": message,
            "done": done is not None,
        }
        if done is not None:
            line.update(
                done_reason="stop",
                total_duration=1,
                load_duration=1,
                prompt_eval_count=1,
                prompt_eval_duration=1,
                eval_count=1,
                eval_duration=1,
            )
        self._chunk(json.dumps(line).encode() + b"\n")

    def _error(
        self, api: str, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        if api == "openai":
            body: dict[str, Any] = {"error": {"message": message, "type": "server_error"}}
        else:
            body = {"error": message}
        self._json(status, body, headers)

    # -- HTTP ---------------------------------------------------------------------------------

    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_stream(self, api: str) -> None:
        self.send_response(200)
        kind = "text/event-stream" if api == "openai" else "application/x-ndjson"
        self.send_header("Content-Type", kind)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _wait(self, seconds: float) -> None:
        """Wait ``seconds`` (bounded), returning early as ``_Gone`` if the client left."""
        deadline = time.monotonic() + min(seconds, self.server.owner.max_wait)
        stop = self.server.owner.stopping
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.02))
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                raise _Gone
        raise _Gone


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackLLMServer

    def connection_opened(self) -> None:
        with self.owner.lock:
            self.owner.open += 1

    def connection_closed(self) -> None:
        with self.owner.lock:
            self.owner.open -= 1


class LoopbackLLMServer:
    """The server; use it as a context manager. ``url`` is ``http://127.0.0.1:PORT``."""

    def __init__(
        self,
        *,
        mode: str = "ok",
        reply: str = "Callbacks call you back. Ask me more!",
        first_delay: float = 0.2,
        token_delay: float = 0.05,
        long_tokens: int = 2000,
        tool_name: str = "dance",
        max_wait: float = 10.0,
        lifetime: float = 60.0,
    ) -> None:
        self.mode = mode
        self.reply = reply
        self.first_delay = first_delay
        self.token_delay = token_delay
        self.long_tokens = long_tokens
        self.tool_name = tool_name
        self.max_wait = max_wait
        self.lock = threading.Lock()
        self.open = 0
        self.requests: list[tuple[float, str, dict[str, Any]]] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._reaper = threading.Timer(lifetime, self.close)
        self._reaper.daemon = True
        self._reaper.start()

    def __enter__(self) -> LoopbackLLMServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"unknown mode {value!r}; known: {', '.join(MODES)}")
        self._mode = value

    def record(self, path: str, body: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append((time.monotonic(), path, body))

    def words(self) -> Iterator[str]:
        first = True
        for word in self.reply.split(" "):
            yield word if first else " " + word
            first = False

    def long_words(self) -> Iterator[str]:
        for index in range(self.long_tokens):
            yield f"word{index}. " if index % 4 == 3 else f"word{index} "

    def wait_open(self, count: int, timeout: float) -> bool:
        """Wait (bounded, polling) until the server has at most ``count`` connections open."""
        deadline = time.monotonic() + timeout
        while self.open > count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        """Stop: end every wait, stop serving, release the port. Idempotent."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._reaper.cancel()
        self._server.shutdown()
        self._server.server_close()


def client_sockets(port: int) -> int | None:
    """How many TCP sockets of this process are connected *to* ``port`` (None: not Linux).

    Reads ``/proc/net/tcp{,6}`` for sockets whose remote port is ``port`` and
    keeps those whose inode is one of this process's file descriptors.
    """
    if not os.path.isdir("/proc/self/fd"):
        return None
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        try:
            with open(table, encoding="ascii") as rows:
                next(rows)
                for row in rows:
                    fields = row.split()
                    remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                    if remote_port == port and fields[9] in inodes:
                        count += 1
        except OSError:
            continue
    return count
