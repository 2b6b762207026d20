// `npm run api:check`: the public surface of every entry (from the built declarations in
// dist/esm) must match its committed report in etc/*.api.md, so it changes only on purpose.
// `npm run api:update` builds and rewrites the reports after an intended change.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const update = process.argv.includes('--update');
/** entry file (dist/esm/<name>.d.ts) -> report name (etc/<report>.api.md) */
const ENTRIES = {
  index: 'flame-pie-rx',
  flame: 'flame-pie-rx-flame',
  'flame-cache': 'flame-pie-rx-flame-cache',
  pie: 'flame-pie-rx-pie',
  testing: 'flame-pie-rx-testing',
};

const base = ExtractorConfig.loadFile(join(root, 'etc/api-extractor.json'));
let failed = false;
for (const [entry, report] of Object.entries(ENTRIES)) {
  const config = ExtractorConfig.prepare({
    configObject: {
      ...base,
      projectFolder: root,
      mainEntryPointFilePath: join(root, `dist/esm/${entry}.d.ts`),
      compiler: { tsconfigFilePath: join(root, 'etc/tsconfig.api.json') },
      apiReport: { ...base.apiReport, reportFileName: `${report}.api.md`, reportFolder: join(root, 'etc'), reportTempFolder: join(root, 'build/api') },
    },
    configObjectFullPath: join(root, 'etc/api-extractor.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });
  const messages = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    showVerboseMessages: false,
    messageCallback(message) {
      if (message.logLevel === 'warning' || message.logLevel === 'error') messages.push(message.formatMessageWithLocation(root));
      message.handled = true;
    },
  });
  for (const m of messages) console.error(`${report}: ${m}`);
  if (update && result.succeeded) {
    console.log(`${report}: etc/${report}.api.md ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
  } else if (!result.succeeded || result.apiReportChanged) {
    failed = true;
    console.error(
      result.apiReportChanged
        ? `${report}: the public API differs from etc/${report}.api.md (see build/api/${report}.api.md); run \`npm run api:update\` if the change is intended`
        : `${report}: api-extractor failed`,
    );
  } else {
    console.log(`${report}: public API matches etc/${report}.api.md`);
  }
}
process.exit(failed && !update ? 1 : 0);
