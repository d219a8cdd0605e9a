"""Testing Python code against the fake Telnyx Room Sessions API (standard library only).

Start the fake, export what it prints, and run this file:

    roomsessions serve --addr 127.0.0.1:4010 --per-key &
    export TELNYX_BASE_URL=http://127.0.0.1:4010/v2 TELNYX_API_KEY=KEY_python_suite
    python3 examples/python/test_fake.py -v

Each test resets the fake through its admin API (/__admin/...), seeds what it needs,
drives the real API paths with the key, and reads back what the API itself does not
report (the mute state, the requests received). Admin calls carry the same key as the
API calls: with serve --per-key every key is a world of its own (sessions, faults,
request log, clock), so this suite and another one (examples/node) can share one fake
at the same time; without --per-key the admin API ignores the key. The Go test
cmd/roomsessions/python_test.go runs this file, and the Node suite beside it, in
parallel against one built binary when python3 (and node) are on PATH.
"""

import datetime
import json
import os
import unittest
import urllib.error
import urllib.parse
import urllib.request

BASE_URL = os.environ.get("TELNYX_BASE_URL", "http://127.0.0.1:4010/v2").rstrip("/")
API_KEY = os.environ.get("TELNYX_API_KEY", "KEY_python_suite")
PER_KEY = os.environ.get("TELNYX_FAKE_PER_KEY", "") == "1"  # the fake runs with --per-key
ADMIN = BASE_URL.rsplit("/v2", 1)[0] + "/__admin"

SESSION = "5e000000-0000-4000-8000-000000000001"
ALICE = "9a000000-0000-4000-8000-000000000001"
BOB = "9a000000-0000-4000-8000-000000000002"


def call(method, url, body=None, key=None):
    """Sends a request; returns (status, decoded JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", "Bearer " + key)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


def api(method, path, body=None):
    """Calls the fake API with the key."""
    return call(method, BASE_URL + path, body, key=API_KEY)


def admin(method, path, body=None, key=API_KEY):
    """Calls the admin API, in the world of key (with serve --per-key)."""
    return call(method, ADMIN + path, body, key=key)


def error_of(body):
    """The first error of a Telnyx error envelope: (pointer, detail)."""
    err = body["errors"][0]
    return err.get("source", {}).get("pointer"), err["detail"]


def parse_time(s):
    """Parses an API time; Python before 3.11 needs +00:00 instead of Z."""
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


class FakeTest(unittest.TestCase):
    def setUp(self):
        status, _ = admin("POST", "/reset")
        self.assertEqual(status, 204)
        status, body = admin("POST", "/sessions", [
            {"id": SESSION, "active": True, "created_at": "2025-06-02T09:00:00.671490Z",
             "participants": [{"id": ALICE, "context": "Alice"}, {"id": BOB, "context": "Bob"}]},
            {"active": False, "ended_at": "2025-06-01T10:00:00Z"},
        ])
        self.assertEqual(status, 201, body)
        self.assertEqual(len(body["data"]), 2)

    def test_health(self):
        self.assertEqual(admin("GET", "/health"), (200, {"status": "ok"}))

    def test_list_and_times(self):
        status, body = api("GET", "/room_sessions?" + urllib.parse.urlencode({"filter[active]": "true"}))
        self.assertEqual(status, 200)
        self.assertEqual(body["meta"]["total_results"], 1)
        session = body["data"][0]
        self.assertEqual(session["id"], SESSION)
        self.assertEqual(session["created_at"], "2025-06-02T09:00:00.671490Z")  # six digits, always
        self.assertEqual(parse_time(session["created_at"]).microsecond, 671490)

    def test_without_key(self):
        status, body = call("GET", BASE_URL + "/room_sessions")
        self.assertEqual(status, 401)
        self.assertEqual(body["errors"][0]["code"], "10009")

    def test_mute_reads_back(self):
        status, _ = api("POST", "/room_sessions/%s/actions/mute" % SESSION,
                        {"participants": "all", "exclude": [ALICE]})
        self.assertEqual(status, 200)
        _, body = admin("GET", "/sessions/" + SESSION)
        muted = {p["context"]: p["muted"] for p in body["data"]["participants"]}
        self.assertEqual(muted, {"Alice": False, "Bob": True})

    def test_fault_then_requests(self):
        status, _ = admin("POST", "/faults", {"method": "GET", "path": "/v2/room_sessions/*",
                                              "status": 503, "headers": {"Retry-After": "1"}, "times": 1})
        self.assertEqual(status, 201)
        self.assertEqual(api("GET", "/room_sessions/" + SESSION)[0], 503)
        self.assertEqual(api("GET", "/room_sessions/" + SESSION)[0], 200)
        _, body = admin("GET", "/requests")
        self.assertEqual([(r["method"], r["path"]) for r in body["data"]],
                         [("GET", "/v2/room_sessions/" + SESSION)] * 2)
        self.assertNotIn(API_KEY, json.dumps(body))

    def test_people_come_and_go(self):
        status, body = admin("POST", "/sessions/%s/participants" % SESSION, {"context": "Carol"})
        self.assertEqual(status, 201, body)
        carol = body["data"]["id"]
        _, body = api("GET", "/room_sessions/%s/participants?%s" % (SESSION, urllib.parse.urlencode({"filter[context]": "Carol"})))
        self.assertEqual([p["id"] for p in body["data"]], [carol])
        self.assertNotIn("left_at", body["data"][0])

        self.assertEqual(admin("POST", "/sessions/%s/participants/%s/leave" % (SESSION, carol))[0], 200)
        _, body = api("GET", "/room_sessions/%s/participants?%s" % (SESSION, urllib.parse.urlencode({"filter[context]": "Carol"})))
        self.assertIn("left_at", body["data"][0])

        status, body = admin("POST", "/sessions/%s/end" % SESSION)
        self.assertEqual((status, body["data"]["active"]), (200, False))
        status, body = api("POST", "/room_sessions/%s/actions/kick" % SESSION, {"participants": "all"})
        self.assertEqual(status, 422)  # the session has ended


    def test_strict_admin_json(self):
        status, body = admin("POST", "/sessions", [{"actve": True}])
        self.assertEqual(status, 400)
        pointer, detail = error_of(body)
        self.assertEqual(pointer, "/0/actve")
        self.assertIn('unknown field "actve"', detail)
        status, body = admin("POST", "/sessions", {"active": "yes"})
        self.assertEqual((status, error_of(body)[0]), (400, "/active"))
        status, body = admin("POST", "/sessions", {})  # active unless ended_at is given
        self.assertEqual((status, body["data"][0]["active"]), (201, True))

    def test_faults_with_ids(self):
        _, standing = admin("POST", "/faults", {"path": "/room_sessions", "status": 502})  # without /v2
        _, paged = admin("POST", "/faults", {"method": "GET", "path": "/room_sessions",
                                              "query": {"page[number]": "2"}, "status": 503, "times": 1})
        self.assertEqual(api("GET", "/room_sessions")[0], 502)
        self.assertEqual(api("GET", "/room_sessions?page%5Bnumber%5D=2")[0], 503)
        _, body = admin("GET", "/faults")
        self.assertEqual([(f["id"], f["times_left"]) for f in body["data"]], [(standing["data"]["id"], None)])
        self.assertEqual(admin("DELETE", "/faults/" + standing["data"]["id"])[0], 204)
        self.assertEqual(admin("DELETE", "/faults/" + paged["data"]["id"])[0], 404)  # used up
        self.assertEqual(api("GET", "/room_sessions")[0], 200)
        status, body = admin("POST", "/faults", {"method": "FETCH"})  # can never match
        self.assertEqual((status, error_of(body)[0]), (400, "/method"))

    def test_requests_filter_and_clear(self):
        api("GET", "/room_sessions")
        api("GET", "/room_sessions/" + SESSION)
        api("POST", "/room_sessions/%s/actions/mute" % SESSION, {"participants": "all"})
        _, body = admin("GET", "/requests?method=GET&path=/room_sessions/*")
        self.assertEqual([(r["path"], r["status"]) for r in body["data"]], [("/v2/room_sessions/" + SESSION, 200)])
        self.assertEqual(admin("DELETE", "/requests")[0], 204)
        self.assertEqual(admin("GET", "/requests")[1]["data"], [])
        self.assertEqual(admin("GET", "/sessions/" + SESSION)[0], 200)  # the log only

    def test_clock(self):
        status, body = admin("POST", "/clock", {"now": "2025-06-01T12:00:00Z"})
        self.assertEqual((status, body["now"]), (200, "2025-06-01T12:00:00.000000Z"))
        self.assertEqual(admin("POST", "/clock", {"advance_ms": 60000})[1]["now"], "2025-06-01T12:01:00.000000Z")
        _, body = admin("POST", "/sessions", {})
        self.assertEqual(body["data"][0]["created_at"], "2025-06-01T12:01:00.000000Z")

    @unittest.skipUnless(PER_KEY, "the fake does not run with --per-key (set TELNYX_FAKE_PER_KEY=1 when it does)")
    def test_per_key_worlds(self):
        other = API_KEY + "_other"
        self.assertEqual(admin("POST", "/reset", key=other)[0], 204)
        self.assertEqual(admin("POST", "/faults", {"status": 500}, key=other)[0], 201)
        self.assertEqual(call("GET", BASE_URL + "/room_sessions", key=other)[0], 500)
        self.assertEqual(api("GET", "/room_sessions")[0], 200)  # this suite's world has no fault
        self.assertEqual(admin("DELETE", "/faults", key=other)[0], 204)


if __name__ == "__main__":
    unittest.main()
