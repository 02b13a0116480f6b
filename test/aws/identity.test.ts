// The identity guard against moto's STS (account 123456789012), and the loopback-only request guard.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardIdentity } from '../../src/drivers/aws/index.js';
import { GamedayError } from '../../src/errors.js';
import { ACCOUNT, REGION, startMotoForTests, testDriver, testTarget, type Moto } from './moto.js';

describe('identity guard', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMotoForTests();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('accepts the allowed account in an allowed region', async () => {
    const target = testTarget(moto.endpoint);
    const driver = testDriver(target);
    await expect(guardIdentity(driver, target)).resolves.toMatchObject({ account: ACCOUNT, region: REGION });
    driver.destroy();
  });

  it('refuses a wrong account, saying which account was found and which are allowed', async () => {
    const target = testTarget(moto.endpoint, { accounts: ['111111111111'] });
    const driver = testDriver(target);
    const error = await guardIdentity(driver, target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GamedayError);
    expect(error).toMatchObject({ kind: 'invalid-input', code: 'AWS_IDENTITY' });
    expect((error as Error).message).toBe(
      `AWS identity not allowed: found account ${ACCOUNT} (caller arn:aws:sts::${ACCOUNT}:user/moto); allowed accounts: 111111111111; allowed regions: ${REGION}`,
    );
    driver.destroy();
  });

  it('refuses a region outside the region list', async () => {
    const target = testTarget(moto.endpoint, { region: 'eu-west-1' });
    const driver = testDriver(target);
    const error = await guardIdentity(driver, target).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-input', code: 'AWS_IDENTITY' });
    expect((error as Error).message).toBe(
      `AWS identity not allowed: found region eu-west-1 (caller arn:aws:sts::${ACCOUNT}:user/moto); allowed accounts: ${ACCOUNT}; allowed regions: ${REGION}`,
    );
    driver.destroy();
  });

  it('never sends a request to a non-loopback endpoint in tests', async () => {
    const target = testTarget(moto.endpoint, { endpoint: undefined });
    const driver = testDriver(target);
    const error = await guardIdentity(driver, target).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_IDENTITY' });
    expect(String((error as Error).cause)).toContain(
      'refusing to send an AWS sts request to sts.us-west-2.amazonaws.com',
    );
    driver.destroy();
  });
});
