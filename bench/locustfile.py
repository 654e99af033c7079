"""``make bench``'s load (issue 13 item 4): citizens posting to the public board from many addresses, and
staff reading their pages, through gunicorn on 127.0.0.1 — run by ``bench/run.py`` with ``locust
--headless``, bounded in users and time.

A citizen opens the board for a unit, reads the sum of the math captcha — a person reads its picture; the
bench opens the sealed token with the server's key (``CAPTCHA_SEALING_KEY``, derived from its SECRET_KEY by
``feedback.captcha.sealing_key``) — and posts; the honeypot stays empty; each post comes from its own
address (``X-Real-IP``, as nginx sets it: the server runs with ``BEHIND_PROXY=true``), so the per-address
rate limit is on and never reached. Only a post the board accepted (302 to the tracking page) counts as
"board post accepted". The users are locust's ``FastHttpUser`` (geventhttpclient): the load generator shares
the two cores with the server and the database, and costs them less so.
"""
from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import psycopg2
from cryptography.fernet import Fernet
from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, for feedback.captcha.unseal
from feedback.captcha import unseal  # noqa: E402 — after the path; it needs no Django set-up

HASHKEY = re.compile(r'name="captcha_0"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="captcha_0"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TEXTS = ["村里开会太多，办事要跑好几趟。", "乡镇窗口工作人员态度冷淡，材料一次说不清。", "检查考核太多，基层疲于应付。",
         "反映某单位公车私用问题。", "希望领导多下基层听取群众意见。"]

_db = {}


def _database():
    if "conn" not in _db:
        _db["conn"] = psycopg2.connect(os.environ["BENCH_DATABASE"])
        _db["conn"].autocommit = True
    return _db["conn"]


def _units() -> list[int]:
    if "units" not in _db:
        with _database().cursor() as cursor:
            # any open unit, as citizens write about villages, townships and departments alike (a county's
            # 225 would let a page kept per unit always be found)
            cursor.execute("SELECT id FROM units_unit WHERE closed_on IS NULL ORDER BY id")
            _db["units"] = [row[0] for row in cursor.fetchall()]
    return _db["units"]


def _answer(token: str) -> str | None:
    """The answer sealed in the token, opened as the server opens it (``feedback.captcha.unseal``)."""
    if "fernet" not in _db:
        _db["fernet"] = Fernet(os.environ["CAPTCHA_SEALING_KEY"])
    opened = unseal(_db["fernet"], token)
    return opened[1] if opened else None


class Citizen(FastHttpUser):
    """Opens the board for a unit of any level, works out the sum, posts; a new address each time."""

    weight = int(os.environ.get("BENCH_CITIZEN_WEIGHT", "9"))
    wait_time = between(0, 0)

    @task
    def post_a_message(self) -> None:
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        headers = {"X-Real-IP": address}
        unit = random.choice(_units())
        page = self.client.get(f"/board/?unit={unit}", headers=headers, name="board form")
        found = HASHKEY.search(page.text or "")
        csrf = CSRF.search(page.text or "")
        if not found or not csrf:
            return
        hashkey = found.group(1) or found.group(2)
        data = {"csrfmiddlewaretoken": csrf.group(1), "unit": unit, "category": "formalism",
                "text": random.choice(TEXTS), "citizen_name": "", "citizen_phone": "", "website": "",
                "captcha_0": hashkey, "captcha_1": _answer(hashkey) or ""}
        with self.client.post("/board/", data=data, headers=headers | {"Referer": self.host + "/board/"},
                              allow_redirects=False, name="board post accepted", catch_response=True) as response:
            if response.status_code == 302 and "/track/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"not accepted: {response.status_code}")


class Staff(FastHttpUser):
    """A leader reading dashboards, lists and the to-do home."""

    weight = int(os.environ.get("BENCH_STAFF_WEIGHT", "1"))
    wait_time = between(0, 0)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login form")
        csrf = CSRF.search(page.text or "")
        self.client.post("/accounts/login/", name="login",
                         data={"csrfmiddlewaretoken": csrf.group(1) if csrf else "",
                               "username": os.environ.get("BENCH_STAFF_USER", "leader"),
                               "password": os.environ.get("BENCH_STAFF_PASSWORD", "Demo@2014")},
                         headers={"Referer": self.host + "/accounts/login/"})

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="staff: to-do home")

    @task(2)
    def cadres(self) -> None:
        self.client.get(f"/cadres/?page={random.randint(1, 50)}", name="staff: cadre list")

    @task(2)
    def messages(self) -> None:
        self.client.get("/feedback/messages/", name="staff: message queue")

    @task(1)
    def cards(self) -> None:
        self.client.get("/supervision/cards/", name="staff: card list")


@events.quitting.add_listener
def _close(environment, **_kwargs) -> None:
    if "conn" in _db:
        _db["conn"].close()
