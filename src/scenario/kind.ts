// Which kind of document a YAML file holds, read before validating it: scenarios and game days share
// the scenarios/ folder, and the tools that walk it (validate, the gate, RBAC and schema checks) tell
// them apart by their top-level `kind`.

/** Whether YAML text is a game day (top-level `kind: GameDay`), without validating it. */
export function isGameDayText(text: string): boolean {
  return /^kind:\s*["']?GameDay["']?\s*(#.*)?$/m.test(text);
}
