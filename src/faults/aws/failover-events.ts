// Pure: recognise RDS failover events and take the failover's start and completion from them.
// DescribeEvents returns messages, not event ids, so each documented id is matched by its message.

import type { RdsEvent } from '../../drivers/aws/types.js';

export interface FailoverEventKind {
  id: string;
  source: 'db-instance' | 'db-cluster';
  phase: 'start' | 'end' | 'failed';
  pattern: RegExp;
}

/** The failover events of the RDS User Guide's event table (category "failover"). */
export const FAILOVER_EVENTS: readonly FailoverEventKind[] = [
  { id: 'RDS-EVENT-0013', source: 'db-instance', phase: 'start', pattern: /Multi-AZ instance failover started/i },
  { id: 'RDS-EVENT-0015', source: 'db-instance', phase: 'end', pattern: /Multi-AZ failover to standby complete/i },
  { id: 'RDS-EVENT-0049', source: 'db-instance', phase: 'end', pattern: /Multi-AZ instance failover completed/i },
  { id: 'RDS-EVENT-0072', source: 'db-cluster', phase: 'start', pattern: /Started same AZ failover/i },
  { id: 'RDS-EVENT-0073', source: 'db-cluster', phase: 'start', pattern: /Started cross AZ failover/i },
  { id: 'RDS-EVENT-0071', source: 'db-cluster', phase: 'end', pattern: /Completed failover to DB instance/i },
  { id: 'RDS-EVENT-0069', source: 'db-cluster', phase: 'failed', pattern: /Cluster failover failed/i },
];

export interface ClassifiedEvent extends RdsEvent {
  eventId: string;
  phase: 'start' | 'end' | 'failed';
}

export interface FailoverTimes {
  startedAt?: Date;
  completedAt?: Date;
  failed?: ClassifiedEvent;
  events: ClassifiedEvent[];
}

/** The failover events among `events`, oldest first. */
export function classifyFailoverEvents(events: readonly RdsEvent[]): ClassifiedEvent[] {
  const out: ClassifiedEvent[] = [];
  for (const e of events) {
    const kind = FAILOVER_EVENTS.find((k) => k.source === e.sourceType && k.pattern.test(e.message));
    if (kind) out.push({ ...e, eventId: kind.id, phase: kind.phase });
  }
  return out.sort((a, b) => a.date.getTime() - b.date.getTime());
}

/** First start and first completion (or failure) at or after `since`. */
export function failoverTimes(events: readonly RdsEvent[], since: Date): FailoverTimes {
  const classified = classifyFailoverEvents(events).filter((e) => e.date.getTime() >= since.getTime());
  const start = classified.find((e) => e.phase === 'start');
  const end = classified.find((e) => e.phase === 'end');
  const failed = classified.find((e) => e.phase === 'failed');
  return {
    ...(start ? { startedAt: start.date } : {}),
    ...(end ? { completedAt: end.date } : {}),
    ...(failed ? { failed } : {}),
    events: classified,
  };
}
