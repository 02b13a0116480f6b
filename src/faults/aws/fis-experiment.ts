// fis-experiment: any FIS experiment — an existing template by id, or targets and actions from the scenario.

import { GamedayError } from '../../errors.js';
import { injectViaFis } from './inject-fis.js';
import { roleArnFor } from './template.js';
import type { AwsFaultModule, AwsFisExperimentFault, PlannedAwsFault } from './types.js';

export const awsFisExperiment: AwsFaultModule<AwsFisExperimentFault> = {
  type: 'fis-experiment',

  plan(fault, inventory): PlannedAwsFault<AwsFisExperimentFault> {
    if (fault.fis.templateId) {
      return {
        fault,
        target: 'aws',
        description: `FIS template ${fault.fis.templateId}`,
        affected: [],
        unavailable: 0,
        fleet: 0,
      };
    }
    if (!fault.experiment) {
      throw new GamedayError('fis-experiment needs a templateId, or targets and actions', {
        kind: 'invalid-input',
        code: 'FIS_TEMPLATE',
      });
    }
    const actions = Object.values(fault.experiment.actions).map((a) => a.actionId);
    return {
      fault,
      target: 'aws',
      description: `FIS experiment: ${actions.join(', ')}`,
      affected: Object.keys(fault.experiment.targets),
      unavailable: 0,
      fleet: 0,
      experiment: fault.experiment,
      roleArn: roleArnFor(fault.fis, inventory.fisRoleArn),
    };
  },

  inject(fault, planned, runtime) {
    return injectViaFis(fault.fis, planned, runtime);
  },
};
