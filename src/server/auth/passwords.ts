import argon2 from 'argon2';
import type { Config } from '../config.js';

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spends the same time as a verify, so an unknown e-mail is not told apart by timing. */
  verifyNothing(password: string): Promise<void>;
};

export function createPasswordHasher(cost: Config['passwordHash']): PasswordHasher {
  const options = { type: argon2.argon2id as 2, ...cost };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    verify: async (hash, password) => {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    async verifyNothing(password) {
      dummy ??= argon2.hash('qiyue-timing-equaliser', options);
      await argon2.verify(await dummy, password).catch(() => false);
    },
  };
}
