import { InvalidArgumentError } from 'commander';

export const DEFAULT_DB = 'data/zhongtai.duckdb';

export function integer(name: string) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`${name} must be a whole number (${name} 须为整数)`);
    return n;
  };
}

export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const zhFirst = (): boolean => /^zh/i.test(process.env.LANG ?? process.env.LC_ALL ?? '');
