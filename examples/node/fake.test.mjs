// Testing JavaScript code against the fake Telnyx Room Sessions API (Node 18+, no npm
// packages: node:test and fetch).
//
// Start the fake, export what it prints, and run this file:
//
//     roomsessions serve --addr 127.0.0.1:4010 --per-key &
//     export TELNYX_BASE_URL=http://127.0.0.1:4010/v2 TELNYX_API_KEY=KEY_node_suite TELNYX_FAKE_PER_KEY=1
//     node --test examples/node/
//
// Every call, to the API and to the admin API (/__admin/...), carries the suite's key:
// with serve --per-key that key is a world of its own (sessions, faults, request log,
// clock), so this suite can run while another one (examples/python) uses the same fake.
// The Go test cmd/roomsessions/python_test.go runs both in parallel against one built
// binary when node and python3 are on PATH.

import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";

const BASE_URL = (process.env.TELNYX_BASE_URL ?? "http://127.0.0.1:4010/v2").replace(/\/$/, "");
const API_KEY = process.env.TELNYX_API_KEY ?? "KEY_node_suite";
const PER_KEY = process.env.TELNYX_FAKE_PER_KEY === "1";
const ADMIN = BASE_URL.replace(/\/v2$/, "") + "/__admin";

const SESSION = "5e000000-0000-4000-8000-000000000001";
const ALICE = "9a000000-0000-4000-8000-000000000001";
const BOB = "9a000000-0000-4000-8000-000000000002";

// call sends a request and returns [status, decoded JSON body or null].
async function call(method, url, body, key = API_KEY) {
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await resp.text();
  return [resp.status, text ? JSON.parse(text) : null];
}

const api = (method, path, body) => call(method, BASE_URL + path, body);
const admin = (method, path, body, key = API_KEY) => call(method, ADMIN + path, body, key);
const pointerOf = (body) => body.errors[0].source?.pointer;

beforeEach(async () => {
  const [reset] = await admin("POST", "/reset");
  assert.equal(reset, 204);
  const [status, body] = await admin("POST", "/sessions", [
    { id: SESSION, created_at: "2025-06-02T09:00:00.671490Z",
      participants: [{ id: ALICE, context: "Alice" }, { id: BOB, context: "Bob" }] },
    { ended_at: "2025-06-01T10:00:00Z" },
  ]);
  assert.equal(status, 201, JSON.stringify(body));
  assert.deepEqual(body.data.map((s) => s.active), [true, false]); // active unless ended_at
});

test("health and the admin API's description", async () => {
  assert.deepEqual(await admin("GET", "/health"), [200, { status: "ok" }]);
  const resp = await fetch(ADMIN + "/openapi.yaml");
  assert.equal(resp.status, 200);
  assert.match(await resp.text(), /\/__admin\/faults/);
});

test("list with a filter; times with six digits", async () => {
  const [status, body] = await api("GET", "/room_sessions?filter%5Bactive%5D=true");
  assert.equal(status, 200);
  assert.equal(body.meta.total_results, 1);
  assert.equal(body.data[0].created_at, "2025-06-02T09:00:00.671490Z");
});

test("a wrong key gets 401 with code 10009", async () => {
  const [status, body] = await call("GET", BASE_URL + "/room_sessions", undefined, "KEY_wrong_");
  if (PER_KEY) {
    assert.equal(status, 200); // with --per-key, another key is another (empty) world
    assert.equal(body.meta.total_results, 0);
  } else {
    assert.equal(status, 401);
    assert.equal(body.errors[0].code, "10009");
  }
});

test("mute reads back through the admin API", async () => {
  const [status] = await api("POST", `/room_sessions/${SESSION}/actions/mute`, { participants: "all", exclude: [ALICE] });
  assert.equal(status, 200);
  const [, body] = await admin("GET", `/sessions/${SESSION}`);
  assert.deepEqual(Object.fromEntries(body.data.participants.map((p) => [p.context, p.muted])), { Alice: false, Bob: true });
});

test("strict admin JSON names the field", async () => {
  const [status, body] = await admin("POST", "/sessions", { participants: [{ contxt: "Carol" }] });
  assert.equal(status, 400);
  assert.equal(pointerOf(body), "/participants/0/contxt");
  assert.match(body.errors[0].detail, /unknown field "contxt"/);
});

test("faults with ids, times and query matching", async () => {
  const [, standing] = await admin("POST", "/faults", { method: "GET", path: "/room_sessions/*", latency_ms: 1 });
  const [, once] = await admin("POST", "/faults", { path: "/room_sessions", query: { "page[number]": "2" }, status: 503, times: 1,
    headers: { "Retry-After": "1" } });
  assert.equal((await api("GET", "/room_sessions?page%5Bnumber%5D=2"))[0], 503);
  assert.equal((await api("GET", "/room_sessions?page%5Bnumber%5D=2"))[0], 200);
  assert.equal((await api("GET", `/room_sessions/${SESSION}`))[0], 200); // delayed only
  const [, list] = await admin("GET", "/faults");
  assert.deepEqual(list.data.map((f) => [f.id, f.times_left]), [[standing.data.id, null]]);
  assert.equal((await admin("DELETE", `/faults/${once.data.id}`))[0], 404); // used up
  assert.equal((await admin("DELETE", `/faults/${standing.data.id}`))[0], 204);
  const [status, body] = await admin("POST", "/faults", { status: 101 });
  assert.equal(status, 400);
  assert.equal(pointerOf(body), "/status");
});

test("the request log: status, filters, clearing", async () => {
  await api("GET", "/room_sessions");
  await api("GET", `/room_sessions/${SESSION}/participants`);
  const [, body] = await admin("GET", "/requests?path=/room_sessions/*/participants");
  assert.deepEqual(body.data.map((r) => [r.method, r.status]), [["GET", 200]]);
  assert.equal((await admin("DELETE", "/requests"))[0], 204);
  assert.deepEqual((await admin("GET", "/requests"))[1].data, []);
});

test("the clock", async () => {
  const [, set] = await admin("POST", "/clock", { now: "2025-06-01T12:00:00Z" });
  assert.equal(set.now, "2025-06-01T12:00:00.000000Z");
  await admin("POST", `/sessions/${SESSION}/end`);
  const [, body] = await api("GET", `/room_sessions/${SESSION}`);
  assert.equal(body.data.ended_at, "2025-06-01T12:00:00.000000Z");
});

test("CORS: a browser may call the fake", async () => {
  const resp = await fetch(BASE_URL + "/room_sessions", {
    method: "OPTIONS",
    headers: { Origin: "http://localhost:3000", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
  });
  assert.equal(resp.status, 204);
  assert.equal(resp.headers.get("access-control-allow-origin"), "*");
});

test("per-key worlds", { skip: !PER_KEY && "the fake does not run with --per-key (set TELNYX_FAKE_PER_KEY=1 when it does)" }, async () => {
  const other = API_KEY + "_other";
  assert.equal((await admin("POST", "/reset", undefined, other))[0], 204);
  assert.equal((await admin("POST", "/faults", { status: 500 }, other))[0], 201);
  assert.equal((await call("GET", BASE_URL + "/room_sessions", undefined, other))[0], 500);
  assert.equal((await api("GET", "/room_sessions"))[0], 200); // this suite's world has no fault
  assert.equal((await admin("DELETE", "/faults", undefined, other))[0], 204);
});
