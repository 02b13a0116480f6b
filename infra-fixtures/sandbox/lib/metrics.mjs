// Prometheus text-format metrics for one replica: request counter, latency histogram, info gauge.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const escape = (v) => String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (obj) =>
  '{' +
  Object.entries(obj)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',') +
  '}';

/** @param {Record<string, string>} info labels of the replica info gauge */
export function createMetrics(info) {
  /** @type {Map<string, {method: string, route: string, code: string, n: number}>} */
  const requests = new Map();
  /** @type {Map<string, {method: string, route: string, counts: number[], sum: number, n: number}>} */
  const durations = new Map();
  return {
    /** Record one finished request. */
    observe(method, route, code, seconds) {
      const rk = `${method} ${route} ${code}`;
      const r = requests.get(rk) ?? { method, route, code: String(code), n: 0 };
      r.n++;
      requests.set(rk, r);
      const dk = `${method} ${route}`;
      const d = durations.get(dk) ?? { method, route, counts: BUCKETS.map(() => 0), sum: 0, n: 0 };
      BUCKETS.forEach((le, i) => {
        if (seconds <= le) d.counts[i]++;
      });
      d.sum += seconds;
      d.n++;
      durations.set(dk, d);
    },
    /** The exposition text. */
    render(ready) {
      const out = [
        '# HELP http_requests_total HTTP requests handled, by method, route and status code.',
        '# TYPE http_requests_total counter',
      ];
      for (const r of requests.values()) {
        out.push(`http_requests_total${labels({ method: r.method, route: r.route, code: r.code })} ${r.n}`);
      }
      out.push('# HELP http_request_duration_seconds HTTP request latency.');
      out.push('# TYPE http_request_duration_seconds histogram');
      for (const d of durations.values()) {
        const base = { method: d.method, route: d.route };
        BUCKETS.forEach((le, i) => {
          out.push(`http_request_duration_seconds_bucket${labels({ ...base, le: String(le) })} ${d.counts[i]}`);
        });
        out.push(`http_request_duration_seconds_bucket${labels({ ...base, le: '+Inf' })} ${d.n}`);
        out.push(`http_request_duration_seconds_sum${labels(base)} ${d.sum}`);
        out.push(`http_request_duration_seconds_count${labels(base)} ${d.n}`);
      }
      out.push('# HELP sandbox_replica_info Identity of this replica.');
      out.push('# TYPE sandbox_replica_info gauge');
      out.push(`sandbox_replica_info${labels(info)} 1`);
      out.push('# HELP sandbox_replica_ready 1 when the replica reports ready.');
      out.push('# TYPE sandbox_replica_ready gauge');
      out.push(`sandbox_replica_ready${labels({ replica: info.replica ?? '' })} ${ready ? 1 : 0}`);
      return out.join('\n') + '\n';
    },
  };
}
