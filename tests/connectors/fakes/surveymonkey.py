"""A fake SurveyMonkey API v3: the response-details endpoint webhooks are followed up with.

Shape per developer.surveymonkey.com (``GET /v3/surveys/{id}/responses/{id}/details``
with ``simple=true``: pages → questions (``heading``) → answers (``simple_text``,
``text``)); errors ``{"error": {"id", "name", "docs", "message", "http_status_code"}}``.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .server import FakeApi

TOKEN = "sm-fake-access-token"


def error(status: int, name: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "id": "1011",
            "name": name,
            "docs": "https://developer.surveymonkey.com",
            "message": message,
            "http_status_code": status,
        }
    }


class FakeSurveyMonkey(FakeApi):
    def reset(self) -> None:
        super().reset()
        self.responses: dict[tuple[str, str], dict[str, Any]] = {}

    def add_response(
        self, survey_id: str, response_id: str, email: str, score: int, comment: str
    ) -> None:
        self.responses[(survey_id, response_id)] = {
            "id": response_id,
            "survey_id": survey_id,
            "email_address": email,
            "date_created": "2026-10-01T10:00:00+00:00",
            "date_modified": "2026-10-01T10:02:00+00:00",
            "response_status": "completed",
            "pages": [
                {
                    "id": "p1",
                    "questions": [
                        {
                            "id": "q1",
                            "heading": "How likely are you to recommend us to a friend?",
                            "answers": [{"choice_id": "c9", "simple_text": str(score)}],
                        },
                        {
                            "id": "q2",
                            "heading": "Why?",
                            "answers": [{"text": comment, "simple_text": comment}],
                        },
                    ],
                }
            ],
        }

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v3/surveys/{sid}/responses/{rid}/details", self.details, methods=["GET"])
            ]
        )

    async def details(self, request: Request) -> Response:
        seen = await self.record(request)
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse(
                error(401, "Authorization Error", "The authorization token was not provided."), 401
            )
        found = self.responses.get((request.path_params["sid"], request.path_params["rid"]))
        if found is None:
            return JSONResponse(error(404, "Resource Not Found", "no such response"), 404)
        return JSONResponse(found)
