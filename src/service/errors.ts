import { ClientError } from '../model/errors.js';

/**
 * Raised when a Flame service program cannot start serving: no `FLAME_INSTANCE_ENDPOINT`,
 * or the socket cannot be bound.
 *
 * @example
 * ```ts
 * import { FlameServiceError } from 'flame-pie-rx/flame';
 * new FlameServiceError('FLAME_INSTANCE_ENDPOINT not found').message;
 * ```
 */
export class FlameServiceError extends ClientError {}
