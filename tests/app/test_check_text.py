"""``POST /v1/check-text`` over real HTTP and ``certcheck check-text`` as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from rules.text_check import MAX_TEXT_CHARS

REPO_ROOT = Path(__file__).resolve().parents[2]
ADVERT = "【电工证速成班】国家职业资格证书，全国通用，人社部颁发！学员证件号 440524188001010014 包过。"


def _post(live_server: Any, body: Any) -> httpx.Response:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        if isinstance(body, bytes):
            return client.post("/v1/check-text", content=body, headers={"Content-Type": "application/json"})
        return client.post("/v1/check-text", json=body)


@pytest.mark.e2e
def test_check_text_answers_a_text_report_with_offsets(live_server: Any) -> None:
    response = _post(live_server, {"text": ADVERT})
    assert response.status_code == 200, response.text
    report = response.json()
    assert set(report) == {"risk_level", "risk_score", "summary", "summary_en", "evidence"}
    assert report["risk_level"] == "high" and 70 <= report["risk_score"] <= 100
    found = {(item["code"], item["text"]) for item in report["evidence"]}
    assert {("FALSE_CLAIM", "速成"), ("FORBIDDEN_WORDING", "国家职业资格"), ("FALSE_CLAIM", "全国通用"),
            ("IMPERSONATED_AUTHORITY", "人社部"), ("FALSE_CLAIM", "包过")} <= found
    for item in report["evidence"]:
        assert ADVERT[item["start"] : item["end"]] == item["text"]
        assert item["bbox"] is None and item["basis"]
    assert "440524188001010014" not in response.text


@pytest.mark.e2e
def test_check_text_clean_text_is_low(live_server: Any) -> None:
    report = _post(live_server, {"text": "公司将于周三组织消防安全内部培训，请市场部同事参加。"}).json()
    assert (report["risk_level"], report["risk_score"], report["evidence"]) == ("low", 0, [])


@pytest.mark.e2e
@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "   \n"}, {"text": 42}, {"text": ["包过"]}, {"text": "x" * (MAX_TEXT_CHARS + 1)},
     {"text": "包过", "extra": 1}, b"{not json"],
)
def test_check_text_bad_body_is_invalid_request(live_server: Any, body: Any) -> None:
    response = _post(live_server, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.e2e
def test_check_text_is_documented_in_openapi(live_server: Any) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/check-text"]["post"]
    assert "422" in operation["responses"] and "200" in operation["responses"]


def _cli(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
    return subprocess.run([sys.executable, "-m", "app.cli", "check-text", *args], cwd=REPO_ROOT, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_cli_check_text_json_from_stdin() -> None:
    done = _cli(["-", "--json"], stdin=ADVERT)
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    report = json.loads(line)
    assert report["risk_level"] == "high"
    assert all(ADVERT[e["start"] : e["end"]] == e["text"] for e in report["evidence"])


@pytest.mark.e2e
def test_cli_check_text_prints_a_report_and_refuses_empty_text() -> None:
    done = _cli(["茶艺师证，政府认可！"])
    assert done.returncode == 0 and "高风险" in done.stdout and "政府认可" in done.stdout
    empty = _cli([], stdin="  \n")
    assert empty.returncode == 2 and empty.stdout == "" and "invalid_request" in empty.stderr
