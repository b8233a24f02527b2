import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { TurboError } from '../core/errors';
import { safeText } from '../core/terminalText';
import { cleanUpOnSignals } from '../core/tempFiles';
import { turboVersion } from '../core/version';
import { UsageError } from './args';
import { EXIT_FAILED, EXIT_USAGE, runGenerate, type CliIO } from './generateCommand';
import {
  CHECK_HELP,
  FIX_HELP,
  GENERATE_HELP,
  MAIN_HELP,
  MCP_HELP,
  PARSE_OUTPUT_HELP,
  RACE_HELP,
  TEST_HELP,
} from './help';
import { runRaceCli } from './raceCommand';
import { runCheckCli } from './checkCommand';
import { runFixCli, runParseOutputCli, runTestCli } from './testCommands';

export async function main(argv: string[], rawIo: CliIO): Promise<number> {
  const io = terminalSafe(rawIo);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        io.stdout(MAIN_HELP);
        return command === undefined ? EXIT_USAGE : 0;
      case '-v':
      case '--version':
        io.stdout(`${turboVersion()}\n`);
        return 0;
      case 'help':
        io.stdout(HELP[rest[0]] ?? MAIN_HELP);
        return 0;
      case 'generate':
        return await runGenerate(rest, io);
      case 'race':
        return await runRaceCli(rest, io);
      case 'test':
        return await runTestCli(rest, io);
      case 'parse-output':
        return await runParseOutputCli(rest, io, io.readStdin ?? readProcessStdin);
      case 'fix':
        return await runFixCli(rest, io);
      case 'check':
        return await runCheckCli(rest, io);
      case 'mcp':
        if (rest.length > 0 && !['-h', '--help'].includes(rest[0]))
          throw new UsageError(`unexpected argument ${rest[0]}`);
        if (rest.length > 0) {
          io.stdout(MCP_HELP);
          return 0;
        }
        return await serveMcpBeside();
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`turbo: ${err.message}. Run 'turbo --help'.\n`);
      return EXIT_USAGE;
    }
    // A flag or variable that failed the shared checks: the message already names it.
    if (err instanceof TurboError && err.kind === 'config') {
      io.stderr(`turbo: ${err.message} Run 'turbo --help'.\n`);
      return EXIT_USAGE;
    }
    io.stderr(`turbo: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}

/**
 * The one choke point for what the CLI prints: model-chosen paths, server messages and test output
 * may carry escape sequences (OSC 52 sets the clipboard), so every line is escaped on its way out.
 * JSON is written with safeJson first, so it has nothing left to escape and stays valid.
 */
function terminalSafe(io: CliIO): CliIO {
  return { ...io, stdout: (t) => io.stdout(safeText(t)), stderr: (t) => io.stderr(safeText(t)) };
}

const HELP: Record<string, string> = {
  generate: GENERATE_HELP,
  race: RACE_HELP,
  test: TEST_HELP,
  'parse-output': PARSE_OUTPUT_HELP,
  fix: FIX_HELP,
  check: CHECK_HELP,
  mcp: MCP_HELP,
};

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

/**
 * `turbo mcp` runs dist/mcp.js, the bundle beside this one, so the CLI does not carry the MCP SDK.
 * The server runs until the client closes stdin.
 */
async function serveMcpBeside(): Promise<number> {
  const entry = path.join(__dirname, 'mcp.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build"`);
  createRequire(__filename)(entry);
  return new Promise<number>(() => undefined);
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupted = false;
  // The first Ctrl+C stops the generation and lets finished files land; a second one, or SIGTERM or
  // SIGHUP, ends the process at once. Every way out removes the temporaries in flight (see tempFiles).
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  });
  cleanUpOnSignals(['SIGTERM', 'SIGHUP']);
  void main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    prompt: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = interrupted ? 130 : code;
    // Done: exit once what was written has been flushed, rather than wait for idle keep-alive
    // connections and timers to let go (about 100 ms after a generation).
    process.stdout.write('', () => process.stderr.write('', () => process.exit()));
  });
}
