// Throttling is retried: a tiny FIS stand-in on 127.0.0.1 answers ThrottlingException (HTTP 429) first,
// then succeeds. It also shows StartExperiment's experimentOptions (actionsMode) reaching the wire.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeAwsEnv, testDriver, testTarget } from './moto.js';

interface Seen {
  method: string;
  url: string;
  body: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

// Response shape: FIS API reference, GetExperiment / StartExperiment response syntax.
const experiment = (status: string) => ({
  experiment: {
    id: 'EXPthrottle1',
    arn: 'arn:aws:fis:us-west-2:123456789012:experiment/EXPthrottle1',
    experimentTemplateId: 'EXT1',
    state: { status, reason: `Experiment is ${status}.` },
    actions: {},
    creationTime: 1767225600,
    tags: {},
  },
});

describe('throttling', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  let throttleNext = 0;

  beforeAll(async () => {
    useFakeAwsEnv();
    server = createServer(async (req, res) => {
      const body = await readBody(req);
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (throttleNext > 0) {
        throttleNext -= 1;
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
        res.end(JSON.stringify({ message: 'Rate exceeded' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(experiment(req.method === 'POST' ? 'initiating' : 'running')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('retries GetExperiment after two ThrottlingExceptions and succeeds', async () => {
    seen.length = 0;
    throttleNext = 2;
    const driver = testDriver(testTarget(endpoint, { maxAttempts: 4 }));
    const view = await driver.fis.getExperiment('EXPthrottle1');
    expect(view).toMatchObject({ id: 'EXPthrottle1', status: 'running' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(Array(3).fill('GET /experiments/EXPthrottle1'));
    driver.destroy();
  });

  it('gives up after maxAttempts with the throttling error', async () => {
    seen.length = 0;
    throttleNext = 5;
    const driver = testDriver(testTarget(endpoint, { maxAttempts: 2 }));
    await expect(driver.fis.getExperiment('EXPthrottle1')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(seen).toHaveLength(2);
    throttleNext = 0;
    driver.destroy();
  });

  it('sends StartExperiment with the client token and experimentOptions.actionsMode skip-all', async () => {
    seen.length = 0;
    throttleNext = 1;
    const driver = testDriver(testTarget(endpoint));
    const view = await driver.fis.startExperiment({
      templateId: 'EXT1',
      clientToken: 'tok-1',
      actionsMode: 'skip-all',
      tags: { a: 'b' },
    });
    expect(view.status).toBe('initiating');
    expect(seen).toHaveLength(2);
    // The retried request is the same request: same client token, so FIS starts one experiment.
    for (const s of seen) {
      expect(JSON.parse(s.body)).toEqual({
        clientToken: 'tok-1',
        experimentTemplateId: 'EXT1',
        tags: { a: 'b' },
        experimentOptions: { actionsMode: 'skip-all' },
      });
    }
    driver.destroy();
  });
});
