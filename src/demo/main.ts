// `npm run demo`: a Flame pipeline and a Pie process stream, each against its built-in emulator.
import { runFlameDemo } from './flame-demo.js';
import { DEMO_FOOTER } from './footer.js';
import { runPieDemo } from './pie-demo.js';

async function main(): Promise<void> {
  console.log('== Flame: a task pipeline against FlameEmulator ==');
  await runFlameDemo();
  console.log('\n== Pie: a streamed inferlet against PieEmulator ==');
  await runPieDemo();
  console.log(`\n${DEMO_FOOTER}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
