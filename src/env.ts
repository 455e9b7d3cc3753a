/**
 * A whole number read from an environment variable (`name` in `env`), from `min` to `max`; `fallback` when unset or
 * blank. Anything else is refused, in Chinese and English, naming the variable and what it holds: a setting never
 * enters as NaN or unbounded.
 */
export function wholeNumberFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  { min, max, fallback, unit }: { min: number; max: number; fallback: number; unit?: string },
): number {
  const raw = (env[name] ?? '').trim();
  if (raw === '') return fallback;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max))
    throw new Error(
      `${name} 应为 ${min} 到 ${max} 之间的整数${unit ? `（单位 ${unit}）` : ''}，收到"${raw}" ` +
        `(${name} must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}; got "${raw}")`,
    );
  return n;
}
