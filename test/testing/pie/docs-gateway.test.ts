// The docs/pie.md sections on gateway mode: the example runs, and the guide's code block is
// the example's body.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../docs/examples/pie-gateway-emulator.js';

const guide = readFileSync(new URL('../../../docs/pie.md', import.meta.url), 'utf8');
const section = (title: string): string => guide.slice(guide.indexOf(`## ${title}`)).split(/\n## /)[0]!;
const blocks = (text: string, lang: string): string[] =>
  [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('docs/pie.md: gateway mode and the real engine', () => {
  it('the gateway example runs: an 8-token completion, a 401 without identity', async () => {
    expect(await main()).toEqual({ completionTokens: 8, refusal: 401, object: 'text_completion', generation: '0.5' });
  });

  it("the guide's block makes the same calls as the example", () => {
    const [block] = blocks(section('Testing against PieEmulator in gateway mode'), 'ts');
    const example = readFileSync(new URL('../../../docs/examples/pie-gateway-emulator.ts', import.meta.url), 'utf8');
    for (const call of [
      "PieEmulator.start({ generation: '0.5', tokenDelayMs: 0 })",
      "PieClient.connect(emu.url, undefined, { identity: 'default/docs', heartbeat: false })",
      "client.launchProcess('compat-openai', { prompt: 'Hello', max_tokens: 8 })",
    ]) {
      expect(block).toContain(call);
      expect(example).toContain(call);
    }
  });

  it("the guide's engine commands are the ones .ci/run runs", () => {
    const [block] = blocks(section('Running the real engine for your own tests'), 'sh');
    const ci = readFileSync(new URL('../../../.ci/run', import.meta.url), 'utf8');
    expect(block).toContain('PIE_WITH_PYTHON=1 bash ../shared/pie-engine/setup.sh');
    expect(ci).toContain('PIE_WITH_PYTHON=1 bash "$shared/pie-engine/setup.sh"');
    expect(block).toContain('serve.py build/pie-engine/model --port 0 --ready-file');
    expect(ci).toMatch(/serve\.py" "\$engine_dir\/model" --port 0 \\\n\s+--ready-file/);
  });
});
