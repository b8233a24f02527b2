import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkConformance } from '../core/contract/conformance/check';
import { conformanceCounts, conformanceJson, unmetLines } from '../core/contract/conformance/report';
import { safeJson } from '../core/terminalText';
import { grammarFor } from '../core/contract/conformance/grammars';
import { parseArgs, UsageError } from './args';
import { EXIT_FAILED, EXIT_OK, type CliIO } from './generateCommand';
import { CHECK_HELP } from './help';

/** `turbo check CONTRACT --dir DIR`: the contract's models, fields and routes against the code, no model call. */
export async function runCheckCli(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { boolean: ['json', 'help', 'h'], value: ['dir'] });
  if (args.flags.has('help') || args.flags.has('h')) {
    io.stdout(CHECK_HELP);
    return EXIT_OK;
  }
  const [contractFile, extra] = args.positionals;
  if (!contractFile) throw new UsageError('check needs a CONTRACT_FILE');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${extra}`);
  const dirFlag = args.flags.get('dir');
  if (typeof dirFlag !== 'string') throw new UsageError('check needs --dir DIR, the folder the code is in');
  const dir = path.resolve(dirFlag);
  if (!(await fs.stat(dir).catch(() => undefined))?.isDirectory()) throw new UsageError(`--dir ${dir} is not a folder`);
  if (grammarFor(contractFile))
    throw new UsageError(
      `${contractFile} is source code, not a contract; give the contract first, then --dir with the code`,
    );
  let contract: string;
  try {
    contract = await fs.readFile(contractFile, 'utf8');
  } catch (err) {
    io.stderr(`turbo: cannot read ${contractFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return EXIT_FAILED;
  }
  const report = await checkConformance(contract, dir, { signal: io.signal });
  if (args.flags.has('json')) io.stdout(safeJson(conformanceJson(report)) + '\n');
  else io.stdout(unmetLines(contractFile, report) + conformanceCounts(report) + '\n');
  // Nothing checked is not a pass: a swapped argument or a prose file must not turn a CI job green.
  if (report.total === 0) {
    io.stderr(`turbo: ${contractFile} declares no models or routes Turbo can read, so nothing was checked.\n`);
    return EXIT_FAILED;
  }
  return report.met === report.total ? EXIT_OK : EXIT_FAILED;
}
