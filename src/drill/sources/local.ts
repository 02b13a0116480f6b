// Artifacts on a local (or mounted) file system: one given file, or the chosen file in a folder.

import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { GamedayError } from '../../errors.js';
import { pickArtifact, type Candidate } from '../select.js';
import type { ArtifactInfo, ArtifactPick, DumpSource, FetchedArtifact } from '../types.js';

function statArtifact(file: string): { bytes: number; modifiedAt: number } {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a regular file');
    return { bytes: st.size, modifiedAt: st.mtimeMs };
  } catch (error) {
    throw new GamedayError(`backup artifact ${file} cannot be read`, {
      kind: 'runtime',
      code: 'ARTIFACT_NOT_FOUND',
      phase: 'select',
      hint: 'check the path in the drill source',
      cause: error,
    });
  }
}

/** Local files are restored in place: fetching is a no-op. */
function inPlace(artifact: ArtifactInfo): FetchedArtifact {
  return { path: artifact.location, bytes: statArtifact(artifact.location).bytes };
}

/** One existing file; its time is its modification time (or the timestamp in its name when it has one). */
export function fileSource(file: string): DumpSource {
  const abs = path.resolve(file);
  return {
    type: 'dump',
    kind: 'file',
    async select() {
      const st = statArtifact(abs);
      return { name: path.basename(abs), location: abs, createdAt: st.modifiedAt, bytes: st.bytes };
    },
    async fetch(artifact) {
      return inPlace(artifact);
    },
  };
}

/** The newest (or a random recent) file in a folder whose name matches `pattern`. */
export function directorySource(dir: string, opts: { pattern?: string; pick: ArtifactPick }): DumpSource {
  const abs = path.resolve(dir);
  return {
    type: 'dump',
    kind: 'directory',
    async select(ctx) {
      let names: string[];
      try {
        names = readdirSync(abs);
      } catch (error) {
        throw new GamedayError(`backup folder ${abs} cannot be read`, {
          kind: 'runtime',
          code: 'ARTIFACT_NOT_FOUND',
          phase: 'select',
          cause: error,
        });
      }
      const candidates: Candidate[] = [];
      for (const name of names) {
        const location = path.join(abs, name);
        try {
          const st = statSync(location);
          if (st.isFile()) candidates.push({ name, location, modifiedAt: st.mtimeMs, bytes: st.size });
        } catch {
          // Removed while listing (a rotation job): not a candidate.
        }
      }
      return pickArtifact(candidates, {
        ...opts,
        now: ctx.now,
        where: abs,
        ...(ctx.random ? { random: ctx.random } : {}),
      });
    },
    async fetch(artifact) {
      return inPlace(artifact);
    },
  };
}
