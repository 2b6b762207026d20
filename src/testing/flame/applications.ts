// Registered applications and the in-band checks of the application RPCs (flame.md 3.4.1–3.4.4).
import { status } from '@grpc/grpc-js';
import { Shim, type ApplicationSpec } from '../../gen/flame/v1/types.js';
import { RpcFailure } from './errors.js';
import { flameMessages } from './messages.js';
import type { ApplicationRecord } from './records.js';
import { applicationNameProblem } from './validate.js';

/**
 * Stores applications the way the filesystem engine does: environments become a map
 * (last value per name wins), an empty working directory is dropped.
 *
 * @example
 * ```ts
 * import { normalizeApplicationSpec } from './applications.js';
 * normalizeApplicationSpec({ workingDirectory: '' } as never).workingDirectory; // => undefined
 * ```
 */
export function normalizeApplicationSpec(spec: ApplicationSpec): ApplicationSpec {
  const environments = new Map<string, string>();
  for (const env of spec.environments ?? []) environments.set(env.name, env.value);
  const out: ApplicationSpec = {
    ...spec,
    shim: spec.shim ?? Shim.Host,
    labels: [...(spec.labels ?? [])],
    arguments: [...(spec.arguments ?? [])],
    environments: [...environments].map(([name, value]) => ({ name, value })),
  };
  if (out.workingDirectory === '') delete out.workingDirectory;
  return out;
}

/**
 * The applications known to the emulator, keyed by name.
 *
 * @example
 * ```ts
 * import { ApplicationRegistry } from './applications.js';
 * const apps = new ApplicationRegistry(() => Date.now());
 * apps.register('demo', { shim: 0, labels: [], arguments: [], environments: [] }); // => undefined (ok)
 * ```
 */
export class ApplicationRegistry {
  private readonly byName = new Map<string, ApplicationRecord>();

  constructor(private readonly stamp: () => number) {}

  /** Registers; returns the in-band failure message (Result −1) or undefined on success. */
  register(name: string, spec: ApplicationSpec): string | undefined {
    const problem = applicationNameProblem(name);
    if (problem) return problem;
    if (this.byName.has(name)) return flameMessages.applicationAlreadyExists(name);
    this.byName.set(name, { name, spec: normalizeApplicationSpec(spec), creationTime: this.stamp() });
    return undefined;
  }

  /** Replaces the whole spec; `hasOpenSessions` is asked only for a known name. */
  update(name: string, spec: ApplicationSpec, hasOpenSessions: () => boolean): string | undefined {
    const problem = applicationNameProblem(name);
    if (problem) return problem;
    const record = this.byName.get(name);
    if (!record) return flameMessages.applicationNotFound(name);
    if (record.disabled) return flameMessages.applicationNotEnabled(name);
    if (hasOpenSessions()) return flameMessages.applicationUpdateOpenSessions(name);
    record.spec = normalizeApplicationSpec(spec);
    return undefined;
  }

  /** Removes; returns the in-band failure message or undefined on success. */
  unregister(name: string, hasOpenSessions: () => boolean): string | undefined {
    if (hasOpenSessions()) return flameMessages.applicationUnregisterOpenSessions(name);
    if (!this.byName.delete(name)) return flameMessages.applicationDeleteFailed(name);
    return undefined;
  }

  /** Forgets an application (0.7 lifecycle: a Disabled one whose last open session ended). */
  remove(name: string): void {
    this.byName.delete(name);
  }

  /** The application, or NOT_FOUND with the filesystem engine's text. */
  get(name: string): ApplicationRecord {
    const record = this.byName.get(name);
    if (!record) throw new RpcFailure(status.NOT_FOUND, flameMessages.applicationNotFound(name));
    return record;
  }

  /** The application or undefined. */
  find(name: string): ApplicationRecord | undefined {
    return this.byName.get(name);
  }

  /** Every application, sorted by name (a real 0.6 server lists them so, flame-0.6-observed.md). */
  all(): ApplicationRecord[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * Specs of the applications the server registers at start-up (flame.md 3.3.10). Only the
 * names, flmexec's input-schema fields and flmrun's installer are documented; descriptions
 * and the schema's exact wording are chosen here.
 *
 * @example
 * ```ts
 * import { defaultApplicationSpecs } from './applications.js';
 * Object.keys(defaultApplicationSpecs()); // => ['flmexec', 'flmping', 'flmrun']
 * ```
 */
export function defaultApplicationSpecs(): Record<string, ApplicationSpec> {
  const base = (): ApplicationSpec => ({ shim: Shim.Host, labels: [], arguments: [], environments: [] });
  const flmexecInput = {
    type: 'object',
    properties: {
      language: { type: 'string' },
      code: { type: 'string' },
      input: { type: 'string' },
    },
    required: ['language', 'code'],
  };
  return {
    flmexec: {
      ...base(),
      description: 'Runs a script sent as the task input.',
      schema: { input: JSON.stringify(flmexecInput) },
    },
    flmping: { ...base(), description: 'Answers every task; used to check a cluster.' },
    flmrun: { ...base(), description: 'Runs Python code from an installed package.', installer: 'python' },
  };
}
