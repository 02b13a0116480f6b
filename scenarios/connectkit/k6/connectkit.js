// ConnectKit's API traffic for k6: people list their contacts, search them, and now and then add one.
// The thresholds are the DR plan's SLOs (p95 latency < 500 ms, error rate < 5 %). The arrival rate is
// open (constant-arrival-rate): requests start on the clock, so a slow API cannot hide its queueing.
//
//   API_URL (or SANDBOX_API_URL, which gameday passes for the sandbox)   where the API is
//   RATE (iterations/s, default 40) · DURATION (default 30s)
//
// gameday runs it with `load: { k6: { script: k6/connectkit.js } }`; by hand: k6 run -e API_URL=… connectkit.js

/* global __ENV, __VU, __ITER -- k6 globals */
import http from 'k6/http';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const BASE = __ENV.API_URL || __ENV.SANDBOX_API_URL;
if (!BASE) throw new Error('set API_URL (or SANDBOX_API_URL) to the API base URL');

const created = new Counter('contacts_created');
const searchDuration = new Trend('contact_search_duration', true);

export const options = {
  scenarios: {
    contacts: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 40),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: 20,
      maxVUs: 200,
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.05'],
  },
};

const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances'];

export default function () {
  const roll = Math.random();
  if (roll < 0.6) {
    const res = http.get(`${BASE}/contacts`, { tags: { name: 'list' } });
    check(res, { 'list: 200': (r) => r.status === 200 });
  } else if (roll < 0.9) {
    const who = NAMES[Math.floor(Math.random() * NAMES.length)];
    const res = http.get(`${BASE}/contacts?search=${who}`, { tags: { name: 'search' } });
    searchDuration.add(res.timings.duration);
    check(res, { 'search: 200': (r) => r.status === 200 });
  } else {
    const who = NAMES[Math.floor(Math.random() * NAMES.length)];
    const body = JSON.stringify({ name: who, email: `${who.toLowerCase()}.${__VU}.${__ITER}@example.com` });
    const res = http.post(`${BASE}/contacts`, body, {
      headers: { 'content-type': 'application/json' },
      tags: { name: 'create' },
    });
    if (check(res, { 'create: 201': (r) => r.status === 201 })) created.add(1);
  }
}
