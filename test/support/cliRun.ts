import { main } from '../../src/cli/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main()` in this process with captured output, as a terminal-less caller would. */
export async function runCliInProcess(
  argv: string[],
  env: Record<string, string | undefined>,
  stdin = '',
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    isTTY: false,
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}
