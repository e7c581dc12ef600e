// Small HTTP helpers shared by the e2e suites: real requests over fetch (undici), typed answers,
// and the problem+json assertion every 4xx must pass.
import assert from 'node:assert/strict';

export interface Answer<T = unknown> {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: T;
}

export interface Call {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** JSON body: serialized, Content-Type application/json. */
  readonly json?: unknown;
}

export async function call<T = unknown>(base: string, path: string, c: Call = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  let body: string | Uint8Array | undefined = c.body;
  if (c.json !== undefined) {
    body = JSON.stringify(c.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method: c.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, text, json: json as T };
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  violations?: { path: string; reason: string; code?: string }[];
}

/** Asserts an RFC 9457 problem+json answer with this status and stable code; returns the body. */
export function assertProblem(a: Answer, status: number, code: string): ProblemBody {
  assert.equal(a.status, status, `status ${a.status}: ${a.text.slice(0, 300)}`);
  assert.match(a.contentType, /^application\/problem\+json/, `content type of ${a.text.slice(0, 200)}`);
  const p = a.json as ProblemBody;
  assert.equal(p.code, code, a.text.slice(0, 300));
  assert.equal(p.status, status);
  assert.equal(typeof p.title, 'string');
  assert.equal(typeof p.type, 'string');
  return p;
}

export interface StoredEventView {
  event: Record<string, unknown>;
  sequence: number;
  receivedAt: string;
}

/** Lists every event of a bus through the API, following `next` cursors. */
export async function listAll(base: string, bus: string, query = '', headers: Record<string, string> = {}): Promise<StoredEventView[]> {
  const out: StoredEventView[] = [];
  let after: number | undefined;
  for (;;) {
    const qs = [query, 'limit=1000', after === undefined ? '' : `after=${after}`].filter((s) => s !== '').join('&');
    const a = await call<{ items: StoredEventView[]; next?: number }>(base, `/v1/buses/${bus}/events?${qs}`, { headers });
    assert.equal(a.status, 200, a.text.slice(0, 300));
    out.push(...a.json.items);
    if (a.json.next === undefined) return out;
    after = a.json.next;
  }
}

/**
 * The default bound of every wait for something to happen. Passing tests never reach it; it is
 * generous so that a machine busy with other suites (2 cores shared) does not fail a test that
 * is only slow. A wait that must fail fast passes its own bound.
 */
export const WAIT_MS = 60_000;

/** Polls `check` until it returns true or the deadline passes (no fixed sleeps). */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
}

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';

/** A minimal valid CloudEvent in the JSON format. */
export function ce(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { specversion: '1.0', id, source: 'urn:e2e', type: 'com.example.test', ...extra };
}
