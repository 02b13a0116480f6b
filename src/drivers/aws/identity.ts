// The identity guard: before any mutation, the caller must be in an allowed account and region.

import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { GamedayError, isGamedayError } from '../../errors.js';
import type { AwsIdentity, AwsTargetConfig } from './types.js';

/**
 * Ask STS who we are and refuse (invalid-input, AWS_IDENTITY) unless the account is in `accounts` and the
 * region in `regions`. Why: a scenario written for a staging account must never run with production credentials.
 */
export async function verifyIdentity(
  sts: STSClient,
  config: Pick<AwsTargetConfig, 'region' | 'regions' | 'accounts'>,
  signal?: AbortSignal,
): Promise<AwsIdentity> {
  const clientRegion = await sts.config.region();
  const region = typeof clientRegion === 'string' && clientRegion !== '' ? clientRegion : config.region;
  let found: { Account?: string; Arn?: string };
  try {
    found = await sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
  } catch (error) {
    // Why not invalid input: an abort (SIGINT, guards.timeout) or an endpoint that does not answer says
    // nothing about the credentials; those exit 3, and only a refusal by STS is the user's input (exit 2).
    if (signal?.aborted) throw abortError(signal, error);
    if (isGamedayError(error) && error.kind !== 'invalid-input') throw error;
    throw new GamedayError(`cannot verify the AWS identity: STS GetCallerIdentity failed in ${region}`, {
      kind: 'invalid-input',
      code: 'AWS_IDENTITY',
      hint: 'check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID…) and targets.aws.region',
      cause: error,
      phase: 'guards',
    });
  }
  const account = found.Account ?? '(unknown)';
  const arn = found.Arn ?? '(unknown)';
  const accountOk = config.accounts.includes(account);
  const regionOk = config.regions.includes(region) && region === config.region;
  if (!accountOk || !regionOk) {
    const what = [!accountOk ? `account ${account}` : undefined, !regionOk ? `region ${region}` : undefined]
      .filter(Boolean)
      .join(' and ');
    throw new GamedayError(
      `AWS identity not allowed: found ${what} (caller ${arn}); allowed accounts: ${config.accounts.join(', ') || '(none)'}; allowed regions: ${config.regions.join(', ') || '(none)'}`,
      {
        kind: 'invalid-input',
        code: 'AWS_IDENTITY',
        hint: 'use credentials for an allowed account, or add it to targets.aws.accounts / targets.aws.regions if it is meant to be a target',
        phase: 'guards',
        target: `aws account ${account} region ${region}`,
      },
    );
  }
  return { account, arn, region };
}

function abortError(signal: AbortSignal, cause: unknown): GamedayError {
  const reason: unknown = signal.reason;
  if (isGamedayError(reason)) return reason;
  return new GamedayError('the AWS identity check was aborted', {
    kind: 'aborted',
    code: 'ABORTED',
    cause: reason ?? cause,
  });
}

/** Who the credentials are, where `sts` points (gameday rollback compares it with the journaled account). */
export async function callerIdentity(sts: STSClient, signal?: AbortSignal): Promise<{ account: string; arn: string }> {
  try {
    const found = await sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
    return { account: found.Account ?? '(unknown)', arn: found.Arn ?? '(unknown)' };
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, error);
    if (isGamedayError(error)) throw error;
    throw new GamedayError('cannot tell which AWS account the credentials belong to: STS GetCallerIdentity failed', {
      kind: 'invalid-input',
      code: 'AWS_IDENTITY',
      cause: error,
      hint: 'give rollback credentials for the account the run acted on (AWS_PROFILE, AWS_ACCESS_KEY_ID…)',
    });
  }
}
