import { describe, expect, it } from 'vitest';
import { scheduleFires } from '../../../infra/local/event-sources';

const at = (iso: string) => new Date(iso);
// 2025-01-06 is a Monday.
const started = at('2025-01-01T00:00:00Z');

describe('scheduleFires: cron', () => {
  const weekly = 'cron(0 6 ? * MON *)';

  it('fires on Monday at 06:00 UTC', () => {
    expect(at('2025-01-06T06:00:00Z').getUTCDay()).toBe(1);
    expect(scheduleFires(weekly, at('2025-01-06T06:00:00Z'), started)).toBe(true);
    expect(scheduleFires(weekly, at('2025-01-13T06:00:30Z'), started)).toBe(true);
  });

  it('does not fire at 06:01 on Monday, at 05:00 or 07:00, or on Tuesday at 06:00', () => {
    expect(scheduleFires(weekly, at('2025-01-06T06:01:00Z'), started)).toBe(false);
    expect(scheduleFires(weekly, at('2025-01-06T05:00:00Z'), started)).toBe(false);
    expect(scheduleFires(weekly, at('2025-01-06T07:00:00Z'), started)).toBe(false);
    expect(scheduleFires(weekly, at('2025-01-07T06:00:00Z'), started)).toBe(false);
    expect(scheduleFires(weekly, at('2025-01-05T06:00:00Z'), started)).toBe(false);
  });

  it('reads numeric days as EventBridge does (1 = SUN, 2 = MON)', () => {
    expect(scheduleFires('cron(0 6 ? * 2 *)', at('2025-01-06T06:00:00Z'), started)).toBe(true);
    expect(scheduleFires('cron(0 6 ? * 2 *)', at('2025-01-05T06:00:00Z'), started)).toBe(false);
    expect(scheduleFires('cron(0 6 ? * 1 *)', at('2025-01-05T06:00:00Z'), started)).toBe(true);
  });

  it('supports steps and day-of-month', () => {
    expect(scheduleFires('cron(0/15 * * * ? *)', at('2025-01-06T10:45:00Z'), started)).toBe(true);
    expect(scheduleFires('cron(0/15 * * * ? *)', at('2025-01-06T10:50:00Z'), started)).toBe(false);
    expect(scheduleFires('cron(30 2 1 * ? *)', at('2025-02-01T02:30:00Z'), started)).toBe(true);
    expect(scheduleFires('cron(30 2 1 * ? *)', at('2025-02-02T02:30:00Z'), started)).toBe(false);
  });

  it('ignores an expression it does not understand', () => {
    expect(scheduleFires('at(2025-01-06T06:00:00)', at('2025-01-06T06:00:00Z'), started)).toBe(false);
  });
});

describe('scheduleFires: rate', () => {
  const t0 = at('2025-01-06T10:00:00Z');
  const plus = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  it('fires every 5 minutes after the start, not at the start itself', () => {
    expect(scheduleFires('rate(5 minutes)', t0, t0)).toBe(false);
    for (const m of [1, 2, 3, 4, 6, 7]) expect(scheduleFires('rate(5 minutes)', plus(m), t0)).toBe(false);
    for (const m of [5, 10, 15, 60]) expect(scheduleFires('rate(5 minutes)', plus(m), t0)).toBe(true);
  });

  it('tolerates a tick a few seconds late', () => {
    expect(scheduleFires('rate(5 minutes)', new Date(plus(5).getTime() + 2_000), t0)).toBe(true);
  });

  it('supports hours and days', () => {
    expect(scheduleFires('rate(1 hour)', plus(60), t0)).toBe(true);
    expect(scheduleFires('rate(1 hour)', plus(30), t0)).toBe(false);
    expect(scheduleFires('rate(1 day)', plus(24 * 60), t0)).toBe(true);
    expect(scheduleFires('rate(1 day)', plus(12 * 60), t0)).toBe(false);
  });
});
