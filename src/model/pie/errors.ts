import { ClientError, type CredentialEcho, redactSecrets } from '../errors.js';

/** Options every Pie error takes. `secrets` are redacted from the message (tokens, passphrases). */
export interface PieErrorOptions {
  /** The engine's own `result` text, kept verbatim (after redaction) in `serverMessage`. */
  serverMessage?: string;
  cause?: unknown;
  retryable?: boolean;
  /**
   * Strings that must never appear in the message (a token, a passphrase), and credential
   * inputs a server may echo (a username, an identity), shown as `<label, N chars>`.
   */
  secrets?: readonly (string | CredentialEcho | undefined)[];
}

/**
 * Base class of every Pie error. `serverMessage` holds the engine's `result` text when the
 * error came from an `ok=false` response or a process's `error` event; the `message` is
 * always redacted with `redactSecrets`.
 *
 * @example
 * ```ts
 * import { PieError } from 'flame-pie-rx/pie';
 * const e = new PieError('ping failed', { serverMessage: 'nope' });
 * e.serverMessage; // => 'nope'
 * ```
 */
export class PieError extends ClientError {
  readonly serverMessage?: string;

  constructor(message: string, options: PieErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    super(redactSecrets(message, secrets), {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      retryable: options.retryable ?? false,
    });
    if (options.serverMessage !== undefined) {
      this.serverMessage = redactSecrets(options.serverMessage, secrets);
    }
  }
}

/**
 * Marks an error raised by the client's own check rather than by an engine reply: its text
 * is the client's, so `serverMessage` stays unset.
 */
export interface ClientCheckOption {
  readonly clientCheck?: boolean;
}

/**
 * The engine refused authentication (`User 'x' is not authorized`, `Signature verification
 * failed`, `Invalid token`, …) or the client could not authenticate at all. Never retried.
 * `serverMessage` holds the engine's text only; when the client itself gave up (no key for
 * an engine that wants one, a malformed challenge) it is unset (`clientCheck: true`).
 *
 * @example
 * ```ts
 * import { PieAuthError } from 'flame-pie-rx/pie';
 * String(new PieAuthError('Signature verification failed'));
 * // => 'PieAuthError: authentication rejected: Signature verification failed'
 * new PieAuthError('no key was given', { clientCheck: true }).serverMessage; // => undefined
 * ```
 */
export class PieAuthError extends PieError {
  constructor(text: string, options: Omit<PieErrorOptions, 'serverMessage' | 'retryable'> & ClientCheckOption = {}) {
    const { clientCheck, ...rest } = options;
    super(`authentication rejected: ${text}`, clientCheck ? rest : { ...rest, serverMessage: text });
  }
}

/**
 * A request named something the engine does not know (`Process not found`, `Workflow not
 * found`). `request` is the message type that failed, when known.
 *
 * @example
 * ```ts
 * import { PieNotFoundError } from 'flame-pie-rx/pie';
 * new PieNotFoundError('Process not found', { request: 'terminate_process' }).message;
 * // => 'terminate_process failed: Process not found'
 * ```
 */
export class PieNotFoundError extends PieError {
  readonly request?: string;

  constructor(serverMessage: string, options: Omit<PieErrorOptions, 'serverMessage'> & { request?: string } = {}) {
    super(requestFailure(options.request, serverMessage), { ...options, serverMessage });
    if (options.request !== undefined) this.request = options.request;
  }
}

/**
 * No response arrived in time. The engine drops malformed frames, unknown `query` subjects
 * and pre-auth requests without a word (spec 1.3, 2.4.2, 3.6), so every request needs one.
 *
 * @example
 * ```ts
 * import { PieTimeoutError } from 'flame-pie-rx/pie';
 * new PieTimeoutError({ request: 'ping', timeoutMs: 30000 }).message; // => 'no response to ping within 30000 ms'
 * ```
 */
export class PieTimeoutError extends PieError {
  readonly request?: string;
  readonly timeoutMs?: number;

  /** The last error seen while waiting (for `connect`: the last socket error, e.g. `connect ECONNREFUSED 127.0.0.1:8080`). */
  readonly lastError?: string;

  constructor(details: { request?: string; timeoutMs?: number; lastError?: string } = {}, options: Omit<PieErrorOptions, 'serverMessage'> = {}) {
    const what = details.request ?? 'request';
    const within = details.timeoutMs === undefined ? '' : ` within ${details.timeoutMs} ms`;
    const last = details.lastError ? ` (last error: ${details.lastError})` : '';
    super(`no response to ${what}${within}${last}`, options);
    if (details.lastError !== undefined) this.lastError = details.lastError;
    if (details.request !== undefined) this.request = details.request;
    if (details.timeoutMs !== undefined) this.timeoutMs = details.timeoutMs;
  }
}

/**
 * The WebSocket closed or failed while something was waiting on it. `retryable`: a new
 * connection may succeed.
 *
 * @example
 * ```ts
 * import { PieConnectionLostError } from 'flame-pie-rx/pie';
 * new PieConnectionLostError('socket closed (1006)').retryable; // => true
 * ```
 */
export class PieConnectionLostError extends PieError {
  constructor(detail?: string, options: Omit<PieErrorOptions, 'serverMessage' | 'retryable'> = {}) {
    super(detail ? `connection lost: ${detail}` : 'connection lost', { ...options, retryable: true });
  }
}

/**
 * A process can no longer be followed: typically the connection dropped and reattaching
 * failed. `reason` says why in words a user can act on.
 *
 * @example
 * ```ts
 * import { PieProcessLostError } from 'flame-pie-rx/pie';
 * new PieProcessLostError({ processId: 'p1', reason: 'connection closed' }).message;
 * // => 'process p1 lost: connection closed'
 * ```
 */
export class PieProcessLostError extends PieError {
  readonly processId: string;
  readonly reason: string;

  constructor(details: { processId: string; reason: string }, options: Omit<PieErrorOptions, 'retryable'> = {}) {
    super(`process ${details.processId} lost: ${details.reason}`, options);
    this.processId = details.processId;
    this.reason = details.reason;
  }

  /**
   * The error for an `attach_process` after reconnecting that the engine refused. For
   * `Process not found` it explains that engines of this version keep a process bound to
   * the closed connection (spec 4.7), so its remaining events are gone; with `gateway`, that a
   * gateway ends an attached process with its connection (seen on pie-server 0.5.2).
   *
   * @example
   * ```ts
   * import { PieProcessLostError } from 'flame-pie-rx/pie';
   * PieProcessLostError.reattachRefused('p1', 'Process not found').reason.includes('do not detach'); // => true
   * ```
   */
  static reattachRefused(processId: string, serverMessage: string, gateway = false): PieProcessLostError {
    const reason =
      serverMessage === 'Process not found'
        ? gateway
          ? 'the gateway answered "Process not found" on reattach: the process has finished, or it ' +
            'was ended with the connection it was attached to (pie-server 0.5.2 ends an attached ' +
            'process when that connection closes, so it cannot be resumed)'
          : 'the engine answered "Process not found" on reattach: the process has finished, or it is ' +
            'still bound to the closed connection (engines of this version do not detach processes ' +
            'on disconnect, so their events after the drop are lost)'
        : `the engine refused to reattach: ${serverMessage}`;
    return new PieProcessLostError({ processId, reason }, { serverMessage });
  }
}

/**
 * The engine sent something this client cannot understand (an undecodable frame, an
 * unknown event name, a malformed result). `detail` names what was wrong.
 *
 * @example
 * ```ts
 * import { PieProtocolError } from 'flame-pie-rx/pie';
 * new PieProtocolError('unknown event "exit"').detail; // => 'unknown event "exit"'
 * ```
 */
export class PieProtocolError extends PieError {
  readonly detail: string;

  constructor(detail: string | { detail: string }, options: PieErrorOptions = {}) {
    const text = typeof detail === 'string' ? detail : detail.detail;
    super(`protocol error: ${text}`, options);
    this.detail = redactSecrets(text, options.secrets ?? []);
  }
}

/**
 * A program upload (`add_program`) failed; `serverMessage` holds the engine's text, e.g.
 * `upload exceeds max_upload_mb cap of 256 MiB`.
 *
 * @example
 * ```ts
 * import { PieUploadError } from 'flame-pie-rx/pie';
 * new PieUploadError('First chunk index must be 0', { programId: 'x@1.0.0' }).message;
 * // => 'upload of x@1.0.0 failed: First chunk index must be 0'
 * ```
 */
export class PieUploadError extends PieError {
  readonly programId?: string;

  constructor(serverMessage: string, options: Omit<PieErrorOptions, 'serverMessage'> & { programId?: string } = {}) {
    const head = options.programId ? `upload of ${options.programId} failed` : 'upload failed';
    super(`${head}: ${serverMessage}`, { ...options, serverMessage });
    if (options.programId !== undefined) this.programId = options.programId;
  }
}

/**
 * Any other `ok=false` response: `request` is the message type, `serverMessage` the text.
 * The client raises it too, before sending, where it makes the engine's own check with the
 * engine's wording (`clientCheck: true`; then `serverMessage` is unset).
 *
 * @example
 * ```ts
 * import { PieRequestError } from 'flame-pie-rx/pie';
 * new PieRequestError('attach_process', 'Permission denied').message; // => 'attach_process failed: Permission denied'
 * ```
 */
export class PieRequestError extends PieError {
  readonly request: string;

  constructor(request: string, text: string, options: Omit<PieErrorOptions, 'serverMessage'> & ClientCheckOption = {}) {
    const { clientCheck, ...rest } = options;
    super(requestFailure(request, text), clientCheck ? rest : { ...rest, serverMessage: text });
    this.request = request;
  }
}

/**
 * A process ended with an `error` event. The event's text is in `serverMessage` (for
 * example `Signal` after `terminate_process`); `message` adds the process id.
 *
 * @example
 * ```ts
 * import { PieProcessFailedError } from 'flame-pie-rx/pie';
 * const e = new PieProcessFailedError({ processId: 'p1', message: 'Signal' });
 * e.message; // => 'process p1 failed: Signal'
 * e.serverMessage; // => 'Signal'
 * ```
 */
export class PieProcessFailedError extends PieError {
  readonly processId: string;

  constructor(details: { processId: string; message: string }, options: Omit<PieErrorOptions, 'serverMessage'> = {}) {
    super(`process ${details.processId} failed: ${details.message}`, { ...options, serverMessage: details.message });
    this.processId = details.processId;
  }
}

/**
 * A private key could not be loaded or used: unreadable file, wrong or missing passphrase,
 * unsupported type. The message never contains key material or the passphrase.
 *
 * @example
 * ```ts
 * import { PieKeyError } from 'flame-pie-rx/pie';
 * new PieKeyError('RSA keys must have at least 2048 bits').message; // => 'RSA keys must have at least 2048 bits'
 * ```
 */
export class PieKeyError extends PieError {}

/**
 * A program identifier is not `name@major.minor.patch`; the message is the engine's wording.
 *
 * @example
 * ```ts
 * import { PieProgramIdError } from 'flame-pie-rx/pie';
 * new PieProgramIdError('chat').message;
 * // => "Invalid program identifier 'chat': expected 'name@major.minor.patch'"
 * ```
 */
export class PieProgramIdError extends PieError {
  readonly programId: string;

  constructor(programId: string, options: Omit<PieErrorOptions, 'retryable'> = {}) {
    super(`Invalid program identifier '${programId}': expected 'name@major.minor.patch'`, options);
    this.programId = programId;
  }
}

/**
 * A file could not be sent or reassembled: chunks out of order, a changing chunk count,
 * a size or count cap, or a blake3 mismatch.
 *
 * @example
 * ```ts
 * import { PieFileError } from 'flame-pie-rx/pie';
 * new PieFileError('hash mismatch', { processId: 'p1' }).processId; // => 'p1'
 * ```
 */
export class PieFileError extends PieError {
  readonly processId?: string;
  readonly fileHash?: string;

  constructor(message: string, options: PieErrorOptions & { processId?: string; fileHash?: string } = {}) {
    super(message, options);
    if (options.processId !== undefined) this.processId = options.processId;
    if (options.fileHash !== undefined) this.fileHash = options.fileHash;
  }
}

/** `<request> failed: <text>`, or just the text when the request is unknown. */
function requestFailure(request: string | undefined, serverMessage: string): string {
  return request ? `${request} failed: ${serverMessage}` : serverMessage;
}

/**
 * A process returned a value that is not the JSON its caller asked for. `value` holds the raw
 * return text; the message quotes at most its start.
 *
 * @example
 * ```ts
 * import { PieReturnValueError } from 'flame-pie-rx/pie';
 * new PieReturnValueError({ processId: 'p1', value: 'oops' }).message;
 * // => 'process p1 returned a value that is not JSON: oops'
 * ```
 */
export class PieReturnValueError extends PieError {
  readonly processId: string;
  readonly value: string;

  constructor(details: { processId: string; value: string }, options: Omit<PieErrorOptions, 'serverMessage'> = {}) {
    const preview = details.value.length > 80 ? `${details.value.slice(0, 80)}…` : details.value;
    super(`process ${details.processId} returned a value that is not JSON: ${preview}`, options);
    this.processId = details.processId;
    this.value = details.value;
  }
}

/**
 * The connected Pie generation does not have this operation (token authentication,
 * `launchProcesses`, workflows, MCP, `tokenBudget` on a gateway, launch `props` before 0.6,
 * …). Raised at once, before anything is sent; never retried.
 *
 * @example
 * ```ts
 * import { PieUnsupportedError } from 'flame-pie-rx/pie';
 * new PieUnsupportedError({ operation: 'launchProcesses', generation: '0.5' }).message;
 * // => 'launchProcesses is not supported by a Pie 0.5 gateway'
 * ```
 */
export class PieUnsupportedError extends PieError {
  readonly operation: string;
  /** The generation the client is connected to (`'gateway'`: a gateway not yet known as 0.5 or 0.6). */
  readonly generation: string;

  constructor(details: { operation: string; generation: string; hint?: string }, options: Omit<PieErrorOptions, 'retryable'> = {}) {
    const server = details.generation === '0.4' ? 'a Pie 0.4 engine' : details.generation === 'gateway' ? 'a Pie gateway' : `a Pie ${details.generation} gateway`;
    super(`${details.operation} is not supported by ${server}${details.hint ? ` (${details.hint})` : ''}`, options);
    this.operation = details.operation;
    this.generation = details.generation;
  }
}

/**
 * The server answered the WebSocket upgrade with an HTTP status instead of 101: `status` and
 * the server's `body` text (in `serverMessage`) say why, e.g. 401 `identity: missing
 * \`x-pie-identity\` …` from a gateway without an identity, 404 on a path it does not serve.
 * Never retried.
 *
 * @example
 * ```ts
 * import { PieUpgradeError } from 'flame-pie-rx/pie';
 * new PieUpgradeError({ url: 'ws://h/v1/ws', status: 404, body: '' }).status; // => 404
 * ```
 */
export class PieUpgradeError extends PieError {
  readonly url: string;
  readonly status: number;
  readonly body: string;

  constructor(details: { url: string; status: number; body: string; hint?: string }, options: Omit<PieErrorOptions, 'retryable' | 'serverMessage'> = {}) {
    const body = details.body.trim();
    super(
      `the WebSocket upgrade to ${details.url} was refused with HTTP ${details.status}${body ? `: ${body}` : ''}${details.hint ? ` (${details.hint})` : ''}`,
      { ...options, serverMessage: body },
    );
    this.url = details.url;
    this.status = details.status;
    this.body = redactSecrets(body, options.secrets ?? []);
  }
}

/**
 * The client was told to speak one generation and a server of another answered (for
 * example `generation: '0.5'` against a 0.4 engine). `found` says what answered. Never retried.
 *
 * @example
 * ```ts
 * import { PieGenerationError } from 'flame-pie-rx/pie';
 * new PieGenerationError({ expected: '0.5', found: 'a Pie 0.4 engine', evidence: "auth_identify answered 'Authenticated (Engine disabled authentication)'" }).found;
 * // => 'a Pie 0.4 engine'
 * ```
 */
export class PieGenerationError extends PieError {
  readonly expected: string;
  readonly found: string;

  constructor(details: { expected: string; found: string; evidence: string }, options: Omit<PieErrorOptions, 'retryable'> = {}) {
    super(`generation '${details.expected}' was asked for, but ${details.found} answered (${details.evidence}); use generation 'auto' to accept either`, options);
    this.expected = details.expected;
    this.found = details.found;
  }
}

/**
 * A process stream saw no event for `idleMs` (the `idleTimeoutMs` launch option, or the
 * `processIdleTimeout` operator). A 0.4 engine can leave a launch on a fresh connection
 * silent for ever (seen in 1–15 % of launches on a loaded machine, with any client): without
 * a timeout such a stream would wait for ever. Retryable: a new launch usually works.
 *
 * @example
 * ```ts
 * import { PieIdleTimeoutError } from 'flame-pie-rx/pie';
 * new PieIdleTimeoutError({ idleMs: 5000, processId: 'p1' }).message; // => 'process p1: no event within 5000 ms'
 * ```
 */
export class PieIdleTimeoutError extends PieError {
  readonly idleMs: number;
  readonly processId?: string;

  constructor(details: { idleMs: number; processId?: string }, options: Omit<PieErrorOptions, 'serverMessage' | 'retryable'> = {}) {
    const who = details.processId ? `process ${details.processId}` : 'process stream';
    super(`${who}: no event within ${details.idleMs} ms`, { ...options, retryable: true });
    this.idleMs = details.idleMs;
    if (details.processId !== undefined) this.processId = details.processId;
  }
}
