// Submit a workflow and follow its child processes. The engine never names the children
// in advance and never sends the workflow's final value: children's events arrive under
// their own process ids, each ending with its `return` or `error`.
import { groupBy, lastValueFrom, mergeMap, switchMap, take, toArray } from 'rxjs';
import { PieClient } from '../../src/pie.js';
import { returnValue } from '../../src/index.js';

/**
 * Forks two `chat@1.0.0` children and collects each child's parsed return value.
 *
 * @example
 * ```ts
 * const results = await main('ws://127.0.0.1:8080');
 * ```
 */
export async function main(url: string): Promise<unknown[]> {
  const client = await PieClient.connect(url, { username: 'docs' });
  try {
    const workflow = {
      type: 'fork',
      branches: [
        { type: 'process', program_name: 'chat@1.0.0', config: { prompt: 'first' } },
        { type: 'process', program_name: 'chat@1.0.0', config: { prompt: 'second' } },
      ],
    };
    return await lastValueFrom(
      client.submitWorkflow(workflow).pipe(
        switchMap((handle) => handle.events$),
        groupBy((event) => event.processId), // one group per child process
        mergeMap((child$) => child$.pipe(returnValue())),
        take(2), // two children; the workflow itself never says it finished
        toArray(),
      ),
    );
  } finally {
    client.close();
  }
}
