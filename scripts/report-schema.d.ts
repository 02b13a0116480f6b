// Types for report-schema.js, so the schema's stale-file test can call it.

export const REPORT_SCHEMA_ID: string;
export function reportJsonSchema(): Record<string, unknown>;
export function reportJsonSchemaText(): string;
