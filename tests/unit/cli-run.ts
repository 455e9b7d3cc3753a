import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process and captures what it prints and its exit code. */
export async function runCli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
