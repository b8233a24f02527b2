import { FsSink } from '../generation/fsSink';
import type { ParsedFile } from '../generation/fileParser';
import { countLines, type FileSink, type WriteOutcome } from '../generation/sink';
import type { Protection } from '../testing/protectedTests';
import { judgeFileRefusal, readBefore } from './judgeFiles';
import type { CandidateFile } from './types';

/**
 * Where one candidate's files go: its scratch copy, on disk. The tests are the judge, so a write to a
 * protected file is refused; a test-looking file the candidate adds is kept (it lands if the candidate
 * wins) but not put in the copy, so it cannot count towards the candidate's own score.
 */
export class CandidateSink implements FileSink {
  readonly concurrency = 8;
  private readonly disk: FsSink;
  private readonly kept = new Map<string, { file: CandidateFile; order: number }>();
  /** Writes finish out of order: files are listed in the order the model wrote them. */
  private arrived = 0;
  /** Protected paths the candidate tried to write. */
  readonly touched = new Set<string>();
  /** What the folder held at each path the candidate writes, read from the copy before its first write there. */
  private readonly before = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly dir: string,
    private readonly protection: Protection,
  ) {
    this.disk = new FsSink(dir, 'always');
  }

  async write(file: ParsedFile): Promise<WriteOutcome> {
    const order = this.arrived++;
    if (!this.before.has(file.path)) this.before.set(file.path, readBefore(this.dir, file.path));
    const before = await this.before.get(file.path)!;
    const refused = this.protection.refuse(file.path);
    // A new root conftest.py is how a Python candidate makes its package importable: it is the candidate's
    // own setup, like a new pyproject.toml, not the judge (one that fakes results is hostile code, see README).
    const ownSetup = before === undefined && file.path.toLowerCase() === 'conftest.py';
    if (refused && !ownSetup) {
      // Only a file the folder had is the judge: trying to change it disqualifies the candidate.
      if (before !== undefined || this.protection.isNewTest(file.path)) this.touched.add(file.path);
      return { status: 'rejected', reason: refused };
    }
    // Runner configuration and node --test's own test names: the judge, whatever the test-file rule says.
    const judge = before === undefined ? undefined : judgeFileRefusal(file.path, before, file.content);
    if (judge) return { status: 'rejected', reason: judge };
    const newTest = !ownSetup && this.protection.isNewTest(file.path);
    const outcome = newTest ? ({ status: 'created' } as const) : await this.disk.write(file);
    if (outcome.status === 'created' || outcome.status === 'overwritten') {
      // A file the model repeats takes the place of its last version.
      const earlier = this.kept.get(file.path);
      if (earlier && earlier.order > order) return outcome;
      const kept = {
        path: file.path,
        content: file.content,
        lines: countLines(file.content),
        bytes: Buffer.byteLength(file.content, 'utf8'),
        ...(newTest ? { newTest: true } : {}),
      };
      this.kept.set(file.path, { file: kept, order });
    }
    return outcome;
  }

  /** The candidate's files as it wrote them, in order. */
  get files(): CandidateFile[] {
    return [...this.kept.values()].sort((a, b) => a.order - b.order).map((k) => k.file);
  }
}
