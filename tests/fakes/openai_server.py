"""A fake OpenAI-compatible chat-completions API, answering like a (very small) LLM.

Shapes follow platform.openai.com/docs/api-reference/chat: ``POST /v1/chat/completions``
(and Azure's ``/openai/deployments/{deployment}/chat/completions?api-version=…``) takes
``model``, ``messages`` and ``response_format``; the answer is ``{"id", "object":
"chat.completion", "created", "model", "choices": [{"index", "message": {"role",
"content"}, "finish_reason"}], "usage"}``; errors are ``{"error": {"message", "type",
"param", "code"}}``. The "model" reads the numbered texts of the last user message and
judges each by keywords, so tests know what to expect. Switches on the instance inject
the behaviours of real servers: no ``json_schema`` support (llama.cpp, older vLLM),
fenced answers, slowness, and items missing or invalid for chosen texts.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from connectors.fakes.server import FakeApi
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

EMOTIONS = ("frustration", "anger", "disappointment", "confusion", "urgency", "enthusiasm",
            "satisfaction")  # fmt: skip
NEGATIVE = ("still waiting", "broken", "cancel", "frustrated", "not working", "refund")
POSITIVE = ("thank", "great", "love", "no complaints", "excellent")
NOT_IN_TEXT = "a phrase the text does not contain"
_NUMBERED = re.compile(r'^(\d+)\. (".*")$', re.M)


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    kinds = {400: "invalid_request_error", 401: "invalid_api_key", 429: "rate_limit_exceeded"}
    kind = kinds.get(status, "server_error")
    return {"error": {"message": message or f"fake error {status}", "type": kind, "param": None,
                      "code": kind}}  # fmt: skip


def _first(text: str, words: tuple[str, ...]) -> str | None:
    lowered = text.lower()
    return next((w for w in words if w in lowered), None)


def judge(index: int, text: str) -> dict[str, Any]:
    """The fake model's item for one text (evidence given in lower case, plus a phrase
    that is not in the text)."""
    negative, positive = _first(text, NEGATIVE), _first(text, POSITIVE)
    label, score, found = (("negative", -0.7, negative) if negative
                           else ("positive", 0.8, positive) if positive
                           else ("neutral", 0.0, None))  # fmt: skip
    lowered = text.lower()
    return {
        "index": index,
        "label": label,
        "score": score,
        "confidence": 0.9,
        "emotions": dict.fromkeys(EMOTIONS, 0.05) | {
            "frustration": 0.8 if negative else 0.05, "satisfaction": 0.8 if positive else 0.05},
        "kind": "transactional" if "invoice" in lowered else "conversational",
        "reply_intent": "interest" if "demo" in lowered else "other",
        "evidence": [found, NOT_IN_TEXT] if found else [],
    }  # fmt: skip


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


class FakeOpenAI(FakeApi):
    """Request log and faults (:class:`FakeApi`) plus the switches described above."""

    def __init__(self) -> None:
        self.generation = 0
        super().__init__()

    def reset(self) -> None:
        super().reset()
        self.schema_supported = True
        self.fenced = False
        self.delay_s = 0.0
        self.broken: dict[str, list[str]] = {}  # text → actions: "omit" / "invalid", in turn
        self.in_flight = self.peak = 0
        self.generation += 1

    async def _think(self) -> None:
        """Wait ``delay_s``, counting requests in flight. A request still waiting when the
        fake is reset (its client timed out) leaves the new test's counters alone."""
        generation = self.generation
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            if generation == self.generation:
                self.in_flight -= 1

    @property
    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/chat/completions", self.chat, methods=["POST"]),
            Route("/openai/deployments/{deployment}/chat/completions", self.chat,
                  methods=["POST"]),
        ])  # fmt: skip

    def texts(self, index: int) -> list[str]:
        """The numbered texts of the ``index``-th request."""
        user = self.calls("/chat/completions")[index].body["messages"][-1]["content"]
        return [json.loads(quoted) for _, quoted in _NUMBERED.findall(user)]

    async def chat(self, request: Request) -> Response:
        seen = await self.record(request)
        injected = self.injected(seen.path, error_body)
        if injected is not None:
            return injected
        body = seen.body
        if body["response_format"]["type"] == "json_schema" and not self.schema_supported:
            message = "response_format type 'json_schema' is not supported by this server"
            return JSONResponse(error_body(400, message), status_code=400)
        items = []
        for number, quoted in _NUMBERED.findall(body["messages"][-1]["content"]):
            text = json.loads(quoted)
            action = self.broken[text].pop(0) if self.broken.get(text) else None
            if action == "invalid":
                items.append({"index": int(number), "label": "furious", "score": "very"})
            elif action != "omit":
                items.append(judge(int(number), text))
        await self._think()
        content = json.dumps({"items": items})
        if self.fenced:
            content = f"Here is the analysis:\n```json\n{content}\n```\nAnything else?"
        return JSONResponse(completion(body["model"], content))
