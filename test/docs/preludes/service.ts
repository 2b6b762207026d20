// Prelude `service`: the Unix socket Flame's executor manager gives a service program in
// FLAME_INSTANCE_ENDPOINT, so `serveFlameInstance` starts serving; the block then ends.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
export * from './common.js';
process.env.FLAME_INSTANCE_ENDPOINT = join(mkdtempSync(join(tmpdir(), 'fpr-docs-svc-')), 'instance.sock');
