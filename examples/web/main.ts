// A page that launches a Pie process and renders its stdout as it grows, with the connection
// state through reconnects. The engine URL and program come from the query string:
// index.html?url=ws://127.0.0.1:8080&program=text-completion@0.1.0&input=Hello
import { describeConnectionState, stdoutText } from 'flame-pie-rx';
import { PieClient } from 'flame-pie-rx/pie';

const params = new URLSearchParams(location.search);
const url = params.get('url') ?? 'ws://127.0.0.1:8080';
const program = params.get('program') ?? 'text-completion@0.1.0';
const input = params.get('input') ?? 'Hello';
const $ = (id: string): HTMLElement => document.getElementById(id)!;

$('program').textContent = program;
const client = await PieClient.connect(url, { username: params.get('user') ?? 'web' });
client.state$.subscribe((state) => {
  $('state').textContent = describeConnectionState(state);
  $('state').dataset.kind = state.kind;
  const item = document.createElement('li');
  item.textContent = state.kind;
  $('history').append(item);
});
const process$ = await new Promise<import('flame-pie-rx/pie').PieProcess>((resolve, reject) =>
  client.launch(program, input).subscribe({ next: resolve, error: reject }),
);
$('process').textContent = process$.id;
$('status').textContent = 'running';
process$.events$.pipe(stdoutText()).subscribe({
  next: (text) => ($('stdout').textContent = text),
  error: (error: Error) => ($('status').textContent = `failed: ${error.message}`),
  complete: () => ($('status').textContent = 'done'),
});
