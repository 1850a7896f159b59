/** Bumped by every change to users, roles or grants made in this process: cached principals are dropped. */
let version = 0;

export function accessChanged(): void {
  version += 1;
}

export const accessVersion = (): number => version;
