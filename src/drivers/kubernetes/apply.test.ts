import { describe, expect, it } from 'vitest';
import { objectPath } from './apply.js';

describe('objectPath', () => {
  it('finds the REST path of each kind gameday schedule applies', () => {
    const meta = { name: 'gameday-x', namespace: 'gameday' };
    expect(objectPath({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta })).toBe(
      '/api/v1/namespaces/gameday/serviceaccounts/gameday-x',
    );
    expect(objectPath({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta })).toBe(
      '/apis/batch/v1/namespaces/gameday/cronjobs/gameday-x',
    );
    expect(objectPath({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta })).toBe(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/gameday-x',
    );
  });

  it('refuses a kind it does not know, naming the ones it does', () => {
    expect(() => objectPath({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toThrow(
      /cannot apply a Deployment: gameday applies ServiceAccount, ConfigMap/,
    );
  });
});
