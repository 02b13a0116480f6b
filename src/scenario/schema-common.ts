// Scalar shapes shared by every part of the scenario schema: durations, percentages, rates.

import { z } from 'zod';

const durationPattern = /^\d+(\.\d+)?(ms|s|m|h)$/;
const percentPattern = /^\d+(\.\d+)?%$/;
const ratePattern = /^\d+(\.\d+)?\/(s|m|h)$/;

/** "250ms", "30s", "5m", "1h". */
export const Duration = z
  .string()
  .regex(durationPattern, { error: 'expected a duration such as "250ms", "30s", "5m" or "1h"' })
  .meta({ description: 'A duration: a number followed by ms, s, m or h, e.g. "250ms", "30s", "5m".' });

/** "40%", "99.5%". */
export const Percent = z
  .string()
  .regex(percentPattern, { error: 'expected a percentage such as "40%" or "99.5%"' })
  .meta({ description: 'A percentage, e.g. "40%" or "99.5%".' });

/** "200/s", "600/m". */
export const Rate = z
  .string()
  .regex(ratePattern, { error: 'expected a rate such as "200/s" or "600/m"' })
  .meta({ description: 'An arrival rate: a number per second, minute or hour, e.g. "200/s".' });

/** The measurement windows: before / during / after the fault, or the whole run. */
export const WINDOWS = ['before', 'during', 'after', 'run'] as const;
export type WindowName = (typeof WINDOWS)[number];

/** A window name, optional (default run). */
export const WindowField = z
  .enum(WINDOWS)
  .optional()
  .meta({ description: 'before / during / after the fault, or the whole run (default run).' });
