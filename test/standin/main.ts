/**
 * Runs the Cerebras stand-in by hand, to try Turbo offline:
 *   npx tsx test/standin/main.ts [--port 8787] [--answer FILE] [--rate 3000] [-- COMMAND ...]
 * With a COMMAND, runs it with CEREBRAS_BASE_URL and CEREBRAS_API_KEY pointing at the stand-in and
 * exits with its status; without one, serves until Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CerebrasStandIn } from './server';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const dashDash = argv.indexOf('--');
  const own = dashDash >= 0 ? argv.slice(0, dashDash) : argv;
  const command = dashDash >= 0 ? argv.slice(dashDash + 1) : [];
  const flag = (name: string) => {
    const i = own.indexOf(`--${name}`);
    return i >= 0 ? own[i + 1] : undefined;
  };
  const standin = new CerebrasStandIn();
  const answer = flag('answer');
  standin.defaultScenario = {
    content: answer
      ? readFileSync(answer, 'utf8')
      : '<FILE path="hello.txt">\nHello from the Cerebras stand-in.\n</FILE>\n',
    tokensPerSecond: Number(flag('rate') ?? 3000),
  };
  const url = await standin.start(Number(flag('port') ?? 0));
  if (command.length === 0) {
    console.log(`Cerebras stand-in at ${url}  (API key: ${standin.apiKey})`);
    console.log(
      `In VS Code set "turbo.baseUrl": "${url}" and run "Turbo: Set API Key" with that key. Ctrl+C stops it.`,
    );
    await new Promise(() => undefined);
  }
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, CEREBRAS_BASE_URL: url, CEREBRAS_API_KEY: standin.apiKey },
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  await standin.close();
  return code;
}

void main().then((code) => process.exit(code));
