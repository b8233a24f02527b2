/**
 * The answer parser's throughput, in the two shapes it reads: Turbo's `<FILE path="…">` tags and
 * Markdown (a path line, a bold path or a first-line path comment before each fenced block, with a
 * README holding inner blocks, tagged and not, every 50 files).
 */
import { FileStreamParser } from '../src/core/generation/fileParser';
import { fileBlocks } from '../test/standin/server';

/** One printed line of the benchmark. */
export interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

const README = '# Project\n\nLayout:\n```\nsrc/\n  f.ts\n```\nRun:\n```bash\nnpm start\n```\n';

function markdownAnswer(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([p, c], i) => {
      const readme = i % 50 === 0 ? `**docs/r${i}.md**\n\`\`\`markdown\n${README}\`\`\`\n\n` : '';
      const head = i % 3 === 0 ? `${p}\n\`\`\`ts\n` : i % 3 === 1 ? `**${p}**\n\n\`\`\`ts\n` : `\`\`\`ts\n// ${p}\n`;
      return `${readme}${head}${c}\`\`\`\n\nNext file:\n\n`;
    })
    .join('');
}

export function answerParserRows(add: (row: Row) => void, quick: boolean, median: (xs: number[]) => number): void {
  const files: Record<string, string> = {};
  for (let i = 0; i < 2000; i++) files[`src/f${i}.ts`] = `export const value${i} = ${i};\n`.repeat(150);
  for (const [format, answer] of [
    ['', fileBlocks(files)],
    ['Markdown ', markdownAnswer(files)],
  ] as const) {
    for (const [size, label] of [
      [16 * 1024, '16 KB'],
      [64, '64 B'],
      [1, '1 B'],
    ] as const) {
      // 1-byte chunks: a function call per character; 1 MB of the answer is enough to time it.
      const text = size === 1 ? answer.slice(0, 1_000_000) : answer.slice(0, 10_000_000);
      // The pieces exist before the parser sees them (the SDK hands over strings): cut them untimed.
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
      const times: number[] = [];
      // The first rounds warm the JIT and are not counted: V8 needs a few million calls of any function,
      // even an empty one, before it runs at full speed. The cold first round is shown apart.
      const warmUp = size === 1 ? 3 : 1;
      // Short rounds on a shared machine: take the median of several.
      const rounds = size === 1 ? 9 : quick ? 1 : 3;
      for (let r = 0; r < warmUp + rounds; r++) {
        const parser = new FileStreamParser();
        const t = performance.now();
        let found = 0;
        for (const piece of pieces) found += parser.push(piece).length;
        found += parser.finish().files.length;
        const ms = performance.now() - t;
        if (found === 0) throw new Error(`the file parser found no files in the ${format}bench answer`);
        if (r >= warmUp) times.push(ms);
        else if (r === 0 && size === 1) {
          add({
            section: 'file parser',
            name: `${format}1 MB answer in 1 B chunks, first run (JIT cold)`,
            value: text.length / 1e6 / (ms / 1000),
            unit: 'MB/s',
          });
        }
      }
      const mbs = text.length / 1e6 / (median(times) / 1000);
      const name = `${format}${(text.length / 1e6).toFixed(0)} MB answer in ${label} chunks`;
      add({ section: 'file parser', name, value: mbs, unit: 'MB/s', target: '≥ 100', ok: mbs >= 100 });
    }
  }
}
